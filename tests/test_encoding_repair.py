"""repair(): clean text is never touched; every damage family is undone where the bytes allow."""
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from crawler.encoding import Fix, Repair, repair
from crawler.encoding import corrupt

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "fixtures" / "seeds"
FIXTURES = ROOT / "fixtures" / "encoding"
REALGOLD = Path("/work/shared/realpages/gold")

sys.path.insert(0, str(ROOT.parent / "bench"))
import bench_repair as B  # noqa: E402  (clean-text and family generators)


def seed(name):
    return next(SEEDS.glob(name + "*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def s2t():
    import opencc

    return opencc.OpenCC("s2t").convert


@pytest.fixture(scope="module")
def clean_docs(s2t):
    docs = [seed("003"), seed("004"), (FIXTURES / "clean_misc.txt").read_text(encoding="utf-8")]
    if REALGOLD.exists():
        docs += [p.read_text(encoding="utf-8") for p in sorted(REALGOLD.glob("*.txt"))]
    rng = random.Random(1234)
    docs += [B.generated_text(15000, rng) for _ in range(6)]
    docs += [s2t(d) for d in list(docs)]
    return docs


def check_fix_spans(text, r):
    """Every fix points into the ORIGINAL text, fixes do not overlap, and applying them
    in order gives the repaired text."""
    out, pos = [], 0
    for f in r.fixes:
        assert isinstance(f, Fix)
        assert text[f.start:f.end] == f.before
        assert f.start >= pos
        out.append(text[pos:f.start])
        out.append(f.after)
        pos = f.end
        assert 0.0 <= f.confidence <= 1.0 and f.lost >= 0
    out.append(text[pos:])
    assert "".join(out) == r.text


# ---------------------------------------------------------------------------------------------
# clean text
# ---------------------------------------------------------------------------------------------
def test_clean_text_is_never_changed(clean_docs):
    n = 0
    for d in clean_docs:
        r = repair(d)
        assert r.text == d, [f.to_dict() for f in r.fixes][:3]
        assert not r.changed and r.fixes == []
        n += len(d)
    assert n > 150_000


@pytest.mark.parametrize("text", [
    "朱镕基、陶喆、王堃、李喆在会上发言。",
    "佢喺度食緊飯，呢個係我嘅書。香港特別行政區政府新聞公報。",
    "這是繁體中文的政府工作報告，請各位代表審議。",
    "你好吗?我很好!价格是100元,约合US$14。",
    "吕(lǚ)字的拼音在括号里,这是教材的写法。",
    "Café au lait · 北京 × 上海 ° 温度 ±2℃ — 引号“中文”……",
    "版权所有©2024 常州市人民政府 苏ICP备05000000号-1 地址:常州市龙城大道1280号",
    "当前位置:首页 > 新闻中心 > 工作动态",
    "α粒子、β衰变和γ射线是三种辐射。①第一条 ②第二条",
    "最近,第一批最新的zuì字拼音标注示例:最(zuì)。",
    "日本語のかな交じり文とРусский текст与中文混排。",
    "",
    "plain ascii text only",
])
def test_clean_edge_cases_unchanged(text):
    r = repair(text)
    assert r.text == text and not r.changed


# ---------------------------------------------------------------------------------------------
# seed 000: lossy GBK round trip + tag residue
# ---------------------------------------------------------------------------------------------
RESIDUE = re.compile(r"[^\s<>]/?(?:span|td|a|p|li|div|strong)(?:\s[^<>\n]*)?>")


def test_seed000_residue_restored():
    t = seed("000")
    r = repair(t)
    check_fix_spans(t, r)
    assert RESIDUE.search(t)
    assert not RESIDUE.search(r.text), RESIDUE.search(r.text)
    for w in ("第一组", "第二组", "第三组", "第四组", "第五组", "委员围绕", "提出建议。",
              "建言。", "强产业", "名城", "创新中心", "惠民生"):
        assert w in r.text, w
    for bad in ("第一练", "委呗", "建议、/span>", "/span>", "/td>", "/a>"):
        assert bad not in r.text, bad
    fams = r.families()
    assert set(fams) == {"lossy_gbk_roundtrip"}
    # every "?" glued to a residue is reported: lost (U+FFFD) unless confidently guessed
    q_sites = [f for f in r.fixes if f.before.startswith("?") and f.before.endswith(">")]
    assert len(q_sites) >= 5
    for f in q_sites:
        assert (f.after == "\ufffd" and f.lost == 1) or (f.lost == 0 and f.confidence >= 0.85)
    assert sum(1 for f in q_sites if f.lost) >= 3
    assert r.lost >= 3


def test_seed000_shift_rule_on_synthetic_page():
    html = ('<td>当前位置：</td><p><span>第一组</span></p><p><span>吕旭辉等委员</span>'
            '围绕新能源提出建议。</span></p><span>打造国际化智造名城</span>')
    dmg = corrupt.lossy_gbk_roundtrip(html)
    ref = unicodedata.normalize("NFKC", corrupt.strip_tags(html))
    assert dmg != ref
    r = repair(dmg)
    assert r.text == ref


# ---------------------------------------------------------------------------------------------
# seed 001: mirror with pinyin annotations and misaligned GBK
# ---------------------------------------------------------------------------------------------
ANNOT = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")


def test_seed001_mojibake_runs_restored_and_pinyin_dropped():
    t = seed("001")
    r = repair(t)
    check_fix_spans(t, r)
    assert "我們?cè)诔袎呵靶兄姓蔑@韌勁" in t
    assert "我們在承壓前行中彰顯韌勁" in r.text
    for w in ("我們在接續奮進中", "在全力奔赴中不忘初心", "扎實開展了學習貫徹",
              "（八）在政府自身建設", "常州市人民政府工作報告", "發布日期"):
        assert w in r.text, w
    assert len(ANNOT.findall(t)) > 1000
    assert ANNOT.findall(r.text) == []
    fams = r.families()
    assert fams["pinyin_annotation"] > 1000 and fams["gbk_misaligned"] >= 10


def test_seed001_generator_roundtrip(s2t):
    table = B.mirror_table()
    src = seed("003")
    sents = B.sentences(src)[:60]
    ok = 0
    for s in sents:
        t = s2t(B.unfold(s))
        dmg = corrupt.mirror_annotate(t, table)
        ref = unicodedata.normalize("NFKC", t)
        ok += repair(dmg).text == ref
    assert ok >= 0.95 * len(sents)


# ---------------------------------------------------------------------------------------------
# seed 002: pinyin superlatives
# ---------------------------------------------------------------------------------------------
def test_seed002_superlatives():
    t = seed("002")
    r = repair(t)
    check_fix_spans(t, r)
    assert "全省经济开发区第一梯队" in r.text and "全国开发区第一方阵" in r.text
    assert "最具幸福感" in r.text and "力争第一、第二批" in r.text
    assert "diyi" not in r.text and "zui具" not in r.text
    assert set(r.families()) == {"pinyin_superlative"}


# ---------------------------------------------------------------------------------------------
# mojibake families (generated with the exact wrong decodes)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sentences(s2t):
    simp = B.sentences(seed("003")) + B.sentences(seed("004"))
    gen = B.generated_text(30000, random.Random(99))
    simp += B.sentences(gen.replace("。", "。\n"), 12, 120)
    return simp, [s2t(s) for s in simp[:400]]


@pytest.mark.parametrize("gen,script", [
    (corrupt.utf8_as_gbk, "simp"), (corrupt.utf8_as_gbk, "trad"),
    (corrupt.gbk_as_latin1, "simp"), (corrupt.gbk_as_latin1, "trad"),
    (corrupt.utf8_as_latin1, "simp"), (corrupt.big5_as_latin1, "trad"),
    (corrupt.big5_as_gbk, "trad"), (corrupt.gbk_as_big5, "simp"),
    (corrupt.double_utf8_gbk, "simp"),
])
def test_lossless_families_exact(gen, script, sentences):
    pool = sentences[0] if script == "simp" else sentences[1]
    n = ok = 0
    for s in pool:
        try:
            d, lossless = gen(s)
        except UnicodeEncodeError:
            continue
        if not lossless or d == s:
            continue
        n += 1
        r = repair(d)
        check_fix_spans(d, r)
        ok += r.text == s
        if n >= 40:
            break
    assert n >= 10
    assert ok >= n - 1, (gen.__name__, ok, n)


def test_lossy_utf8_as_gbk_marks_the_loss():
    s = "发布日期：2023年1月10日"
    d, lossless = corrupt.utf8_as_gbk(s)
    assert not lossless and "\ufffd" in d
    r = repair(d)
    assert r.text.startswith("发布日期")
    assert "\ufffd" in r.text  # the lost "：" is marked, not invented
    assert sum(f.lost for f in r.fixes) >= 1
    # each truncated 年 月 日 is marked lost too: two of three bytes survive, never guessed
    assert r.text == "发布日期\ufffd2023\ufffd1\ufffd10\ufffd"


def test_repair_is_idempotent_on_seeds():
    for name in ("000", "001", "002"):
        once = repair(seed(name)).text
        assert repair(once).text == once


def test_to_dict_is_json():
    r = repair(seed("000"))
    d = r.to_dict()
    assert d["changed"] is True and d["fixes"]
    json.dumps(d, ensure_ascii=False)
    assert isinstance(r, Repair)


@pytest.mark.parametrize("gen,script", [
    (corrupt.utf8_as_gbk, "simp"), (corrupt.gbk_as_latin1, "simp"), (corrupt.big5_as_gbk, "trad"),
    (corrupt.gbk_as_big5, "simp"), (corrupt.double_utf8_gbk, "simp"),
])
def test_clean_lines_of_a_damaged_document_are_untouched(gen, script, sentences):
    """Document-level evidence relaxes the margin for the proven family; the clean lines
    around the damaged one must still come back unchanged."""
    pool = sentences[0] if script == "simp" else sentences[1]
    rng = random.Random(7)
    changed = 0
    done = 0
    while done < 15:
        sents = [rng.choice(pool) for _ in range(6)]
        j = rng.randrange(6)
        try:
            d, _ = gen(sents[j])
        except UnicodeEncodeError:
            continue
        done += 1
        doc = "\n".join(sents[:j] + [d] + sents[j + 1:])
        lines = repair(doc).text.split("\n")
        assert len(lines) == 6
        changed += sum(1 for i in range(6) if i != j and lines[i] != sents[i])
    assert changed == 0
