"""The cleaned seed stories shipped in crawler/replica/data are reproducible from the fixtures."""
from __future__ import annotations

import re
from pathlib import Path

from crawler.replica.tools import prepare_seeds

DATA = Path(prepare_seeds.__file__).resolve().parents[1] / "data"


def test_prepare_seeds_reproduces_shipped_files(tmp_path):
    prepare_seeds.main(tmp_path)
    try:
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["pinyin_annot.tsv", "seed000.txt", "seed001.txt", "seed002.txt", "seed003.txt", "seed004.txt"]
        for n in names:
            assert (tmp_path / n).read_text("utf-8") == (DATA / n).read_text("utf-8"), n
    finally:
        prepare_seeds.OUT = DATA


def test_seed_texts_are_clean():
    for n in range(5):
        lines = (DATA / f"seed00{n}.txt").read_text("utf-8").splitlines()
        title, date, source, body = lines[0], lines[1], lines[2], "\n".join(lines[3:])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
        assert len(body) > 2000
        # no damage residue: tag remnants, lost-character marks, pinyin notes, PUA, folded punctuation
        assert not re.search(r"/span>|/td>|\?|[\ue000-\uf8ff]|\([a-zàáèéìíòóùúǎǐǒǔāēīōū]+\)|diyi|zui", body), n
        assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", body), n
        assert "版权声明" not in body and "关闭窗口" not in body and "当前位置" not in body
