"""decode() and normalize_label(): labels are validated, never trusted blindly."""
import json
from pathlib import Path

import pytest

from crawler.encoding import Decoded, decode, normalize_label

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "fixtures" / "seeds"
REALPAGES = Path("/work/shared/realpages")

PAGE = ('<html><head><meta charset="{cs}"><title>朱镕基 陶喆 王堃 视察</title></head><body>'
        '<p>发布日期：2023年1月10日 · 各位代表——现在，我代表市人民政府向大会报告工作。</p>'
        '<p>镕、喆、堃是GBK才有的字，gb2312 编解码器会把它们变成替换字符。</p></body></html>')


def page(cs):
    return PAGE.format(cs=cs)


@pytest.mark.parametrize("label,codec", [
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("chinese", "gb18030"),
    ("csgb2312", "gb18030"), ("gb_2312-80", "gb18030"), ("iso-ir-58", "gb18030"),
    ("GB18030", "gb18030"), ("big5", "big5hkscs"), ("Big5-HKSCS", "big5hkscs"),
    ("cn-big5", "big5hkscs"), ("x-x-big5", "big5hkscs"), ("csbig5", "big5hkscs"),
    ("utf-8", "utf-8"), ("UTF8", "utf-8"), ("unicode-1-1-utf-8", "utf-8"),
    ("iso-8859-1", "cp1252"), ("latin1", "cp1252"), ("us-ascii", "cp1252"),
    ("shift_jis", "cp932"), ("euc-kr", "cp949"), (" 'gbk' ", "gb18030"),
    ("hz-gb-2312", None), ("nonsense", None), ("", None),
])
def test_normalize_label(label, codec):
    assert normalize_label(label) == codec


def test_python_traps_never_returned():
    from crawler.encoding.labels import LABELS
    assert "gb2312" not in set(LABELS.values())
    assert "big5" not in set(LABELS.values())


def test_gbk_with_gb2312_label_keeps_gbk_only_chars():
    text = page("gb2312")
    d = decode(text.encode("gb18030"), "gb2312")
    assert isinstance(d, Decoded)
    assert d.text == text
    assert d.encoding == "gb18030" and d.source == "http" and d.errors == 0
    for ch in "镕喆堃·—":
        assert ch in d.text
    # Python's gb2312 codec would have damaged it: proves the fixture is meaningful
    assert text.encode("gb18030").decode("gb2312", "replace") != text


def test_gbk_meta_only():
    text = page("gb2312")
    d = decode(text.encode("gb18030"))
    assert d.text == text and d.source == "meta" and d.encoding == "gb18030"


def test_utf8_bytes_with_gb2312_meta():
    text = page("gb2312")
    d = decode(text.encode("utf-8"))
    assert d.text == text and d.encoding == "utf-8" and d.source == "detected"
    d = decode(text.encode("utf-8"), "gb2312")
    assert d.text == text and d.encoding == "utf-8"


def test_gbk_bytes_with_utf8_header():
    text = page("utf-8")
    d = decode(text.encode("gbk"), "utf-8")
    assert d.text == text and d.encoding == "gb18030" and d.source == "detected"
    assert d.errors == 0 and d.confidence > 0.7


def test_big5_hkscs_with_big5_label():
    text = '<html><meta charset="big5"><p>佢喺度食緊飯，呢個係我嘅書。香港特別行政區政府新聞公報：立法會會議。</p></html>'
    body = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        body.decode("big5")  # 喺 嘅 are HKSCS-only
    d = decode(body, "big5")
    assert d.text == text and d.encoding == "big5hkscs" and d.source == "http"
    d = decode(body)
    assert d.text == text and d.source == "meta"


def test_big5_bytes_labelled_gbk():
    text = "<p>中華民國教育部公告，各級學校應依規定辦理招生事宜，並請各校配合。</p>"
    d = decode(text.encode("big5"), "gbk")
    assert d.text == text and d.encoding == "big5hkscs"


def test_gbk_bytes_labelled_big5():
    text = "<p>常州市人民政府关于加快建设新能源之都的实施意见，请各地认真贯彻执行。</p>"
    d = decode(text.encode("gbk"), "big5")
    assert d.text == text and d.encoding == "gb18030"


@pytest.mark.parametrize("bom,codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                                       (b"\xfe\xff", "utf-16-be")])
def test_bom_wins_over_labels(bom, codec):
    text = page("gb2312")
    d = decode(bom + text.encode(codec), "gbk")
    assert d.text == text and d.source == "bom" and d.encoding == codec


def test_mixed_utf8_template_with_gbk_include():
    head = '<html><head><meta charset="utf-8"></head><body><div>网站首页 | 关于我们 | 政务公开</div>\n'
    inc = '<div class="inc"><p>本栏目由办公室维护，发布日期：2023年1月10日，朱镕基。</p></div>\n'
    tail = '<footer>版权所有 常州市政协 苏ICP备05000000号</footer></body></html>'
    body = head.encode() + inc.encode("gbk") + tail.encode()
    d = decode(body, "utf-8")
    assert d.text == head + inc + tail
    assert d.source == "mixed" and d.errors == 0
    encs = [s["encoding"] for s in d.segments]
    assert "utf-8" in encs and "gb18030" in encs
    # the segments cover the body and point at the GBK include
    gb = [s for s in d.segments if s["encoding"] == "gb18030"]
    assert any(body[s["start"]:s["end"]].decode("gb18030").find("朱镕基") >= 0 for s in gb)
    json.dumps(d.to_dict(), ensure_ascii=False)


def test_mixed_gbk_page_with_utf8_include():
    head = '<html><meta charset="gbk"><div>网站首页 关于我们</div>\n'
    inc = '<p>一段UTF-8文字：常州市人民政府办公室</p>\n'
    tail = '<footer>版权所有</footer></html>'
    d = decode(head.encode("gbk") + inc.encode() + tail.encode("gbk"))
    assert d.text == head + inc + tail and d.source == "mixed"


def test_ascii_and_empty():
    d = decode(b"<html>hello</html>", "gbk")
    assert d.text == "<html>hello</html>" and d.encoding == "gb18030"
    d = decode(b"")
    assert d.text == "" and d.errors == 0


def test_undecodable_bytes_are_counted():
    text = page("utf-8")
    body = text.encode("utf-8")
    body = body[:60] + b"\xff\xfe\xff" + body[60:]
    d = decode(body, "utf-8")
    assert d.errors >= 1
    assert "\ufffd" in d.text
    assert "发布日期" in d.text


def test_to_dict_is_json():
    d = decode(page("gb2312").encode("gb18030"), "gb2312")
    dd = d.to_dict()
    assert "text" not in dd and dd["encoding"] == "gb18030" and dd["source"] == "http"
    json.dumps(dd)


def test_seed_texts_roundtrip_through_every_chinese_encoding():
    for p in sorted(SEEDS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        for codec, label in (("utf-8", "gb2312"), ("utf-8", None), ("gb18030", "utf-8"),
                             ("gb18030", "gbk")):
            try:
                body = text.encode(codec)
            except UnicodeEncodeError:
                continue
            d = decode(body, label)
            assert d.text == text, (p.name, codec, label, d.encoding, d.source)


@pytest.mark.skipif(not REALPAGES.exists(), reason="shared real pages not present")
def test_real_pages_decode_cleanly():
    import csv
    rows = list(csv.DictReader(open(REALPAGES / "manifest.tsv", encoding="utf-8"), delimiter="\t"))
    for row in rows:
        body = (REALPAGES / row["file"]).read_bytes()
        d = decode(body)
        actual = row["actual_byte_encoding"]
        want = "utf-8" if actual == "utf-8" else "gb18030"
        assert d.encoding == want, row["file"]
        assert d.errors == 0


@pytest.mark.parametrize("label", ["iso-8859-1", "windows-1252", "us-ascii"])
def test_latin1_header_on_chinese_bytes(label):
    text = page("gbk").replace('<meta charset="gbk">', "")
    d = decode(text.encode("gb18030"), label)
    assert d.text == text and d.encoding == "gb18030" and d.source == "detected"
    d = decode(text.encode("utf-8"), label)
    assert d.text == text and d.encoding == "utf-8"


def test_http_and_meta_disagree_bytes_decide():
    text = page("utf-8")
    # HTTP says gbk, meta says utf-8, bytes are UTF-8
    d = decode(text.encode("utf-8"), http_charset="gbk")
    assert d.encoding == "utf-8" and d.source == "meta"
    assert d.labels == {"http": "gbk", "meta": "utf-8"}
    # HTTP says utf-8, meta says gbk, bytes are GBK
    text2 = page("gbk")
    d = decode(text2.encode("gb18030"), http_charset="utf-8")
    assert d.encoding == "gb18030" and d.source == "meta" and d.text == text2


def test_gbk_page_with_a_broken_byte_keeps_its_encoding():
    text = page("gbk") * 20
    body = bytearray(text.encode("gb18030"))
    body[len(body) // 2] = 0xFF  # one corrupted byte in the middle
    d = decode(bytes(body), "gbk")
    assert d.encoding == "gb18030" and 1 <= d.errors <= 2
    assert d.text.count("\ufffd") == d.errors
    assert d.text.count("发布日期") >= 19


def test_decode_is_fast_on_large_pages():
    import time

    text = (page("gbk") + seed_text()) * 10
    for codec, label in (("utf-8", "utf-8"), ("gb18030", "gbk"), ("utf-8", "gb2312")):
        body = text.encode(codec)
        decode(body, label)
        t0 = time.perf_counter()
        d = decode(body, label)
        dt = time.perf_counter() - t0
        assert d.text == text
        assert dt < 0.5, (codec, label, dt)


def seed_text():
    return (SEEDS / "003_12005c2472fab957.txt").read_text(encoding="utf-8")


def test_content_type_value_is_accepted_as_label():
    text = page("gbk").replace('<meta charset="gbk">', "")
    d = decode(text.encode("gb18030"), "text/html; charset=GB2312")
    assert d.encoding == "gb18030" and d.source == "http" and d.text == text
    d = decode(text.encode("gb18030"), http_charset="text/html")  # no charset parameter
    assert d.encoding == "gb18030" and d.source == "detected"
