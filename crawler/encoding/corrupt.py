"""Damage generators: the exact upstream processes that ``repair`` inverts.

Used by the benchmark (bench/bench_repair.py) and the tests; each generator returns the
damaged text and whether the damage was lossless (every byte survived).
"""
from __future__ import annotations

import codecs
import re
import unicodedata

__all__ = [
    "mbfl_cp936_decode", "wrong_decode", "utf8_as_gbk", "utf8_as_big5", "utf8_as_latin1",
    "gbk_as_latin1", "big5_as_latin1", "gbk_as_big5", "big5_as_gbk", "double_utf8_gbk",
    "lossy_gbk_roundtrip", "mirror_annotate", "superlatives_to_pinyin", "strip_tags",
]


class _Counter:
    def __init__(self):
        self.n = 0


def _handler_factory(euro: bool):
    c = _Counter()

    def h(exc):
        bad = exc.object[exc.start:exc.end]
        if euro and bad[:1] == b"\x80":  # WHATWG gbk / cp936: 0x80 is the euro sign
            return "€", exc.start + 1
        c.n += exc.end - exc.start
        return "\ufffd", exc.end

    return c, h


def wrong_decode(data: bytes, codec: str) -> tuple[str, bool]:
    """Decode as a browser-like decoder would (errors -> U+FFFD); returns (text, lossless)."""
    c, h = _handler_factory(codec in ("gb18030", "gbk"))
    name = f"govcrawl-gen-{id(h)}"
    codecs.register_error(name, h)
    if codec in ("cp1252", "latin1"):
        out = "".join(_cp1252_char(b) for b in data)
        return out, True
    text = data.decode(codec, name)
    return text, c.n == 0


def _cp1252_char(b: int) -> str:
    if b < 0x80:
        return chr(b)
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)  # 81 8D 8F 90 9D: latin-1 C1 control, as browsers show them


def utf8_as_gbk(s: str):
    return wrong_decode(s.encode("utf-8"), "gb18030")


def utf8_as_big5(s: str):
    return wrong_decode(s.encode("utf-8"), "big5hkscs")


def utf8_as_latin1(s: str):
    return wrong_decode(s.encode("utf-8"), "cp1252")


def gbk_as_latin1(s: str):
    return wrong_decode(s.encode("gb18030"), "cp1252")


def big5_as_latin1(s: str):
    return wrong_decode(s.encode("big5hkscs"), "cp1252")


def gbk_as_big5(s: str):
    return wrong_decode(s.encode("gb18030"), "big5hkscs")


def big5_as_gbk(s: str):
    return wrong_decode(s.encode("big5hkscs"), "gb18030")


def double_utf8_gbk(s: str):
    a, ok1 = utf8_as_gbk(s)
    b, ok2 = utf8_as_gbk(a)
    return b, ok1 and ok2


# ---------------------------------------------------------------------------------------------
# PHP <= 8.0 mbstring CP936 filter (libmbfl): any second byte above 0x39, table 192 wide
# ---------------------------------------------------------------------------------------------
def mbfl_cp936_decode(data: bytes) -> str:
    out = []
    i = 0
    n = len(data)
    while i < n:
        c1 = data[i]
        if c1 < 0x80:
            out.append(chr(c1))
            i += 1
            continue
        if c1 == 0x80:
            out.append("€")
            i += 1
            continue
        if c1 == 0xFF or i + 1 >= n:
            out.append("?")
            i += 1
            continue
        c2 = data[i + 1]
        if c2 > 0x39:
            if c2 >= 0x40:
                code = c1 << 8 | c2
                if 0xFE50 <= code <= 0xFEA0 and c2 != 0x7F:  # CP936 private use, as libmbfl
                    out.append(chr(0xE815 + (c2 - 0x50 if c2 < 0x7F else c2 - 0x51)))
                    i += 2
                    continue
                try:
                    out.append(bytes([c1, c2]).decode("gb18030"))
                except UnicodeDecodeError:
                    out.append("?")
            else:
                # negative column: the table index falls into the previous row, columns FA-FF
                b1, b2 = c1 - 1, c2 + 0xC0
                try:
                    out.append(bytes([b1, b2]).decode("gbk") if b1 >= 0x81 else "?")
                except UnicodeDecodeError:
                    out.append("?")
            i += 2
        elif c2 > 0x20:
            out.append("?")  # both bytes consumed, the ASCII byte is lost
            i += 2
        else:
            i += 1  # the lead byte silently disappears; the space/newline survives
    return "".join(out)


def _gbk_encode(s: str) -> bytes:
    out = bytearray()
    for ch in s:
        if ch == "€":
            out.append(0x80)
        elif "\ue815" <= ch <= "\ue864":
            k = ord(ch) - 0xE815
            out += bytes([0xFE, 0x50 + k if k < 47 else 0x51 + k])
        else:
            out += ch.encode("gb18030")
    return bytes(out)


_TAG_RE = re.compile(r"<[^>]*>")


def strip_tags(s: str) -> str:
    return _TAG_RE.sub("", s)


def lossy_gbk_roundtrip(html: str) -> str:
    """Seed 000: UTF-8 page -> libmbfl CP936 -> GBK -> read as UTF-8 (invalid dropped)
    -> tags stripped by regex -> NFKC."""
    mid = mbfl_cp936_decode(html.encode("utf-8"))
    back = _gbk_encode(mid).decode("utf-8", "ignore")
    return unicodedata.normalize("NFKC", strip_tags(back))


def mirror_annotate(trad: str, table: dict[str, str]) -> str:
    """Seed 001: a GBK byte-level annotator appends ``(pinyin)`` after every byte pair that
    spells a listed traditional character (also across character boundaries); the result is
    read by the libmbfl CP936 decoder and NFKC-folded."""
    data = trad.encode("gb18030")
    pairs = {ch.encode("gb18030"): ("(" + py + ")").encode("gb18030") for ch, py in table.items()}
    for pat, ann in pairs.items():
        data = data.replace(pat, pat + ann)
    return unicodedata.normalize("NFKC", mbfl_cp936_decode(data))


_SUPER = (("第一", "diyi"), ("最", "zui"))


def superlatives_to_pinyin(s: str) -> str:
    for a, b in _SUPER:
        s = s.replace(a, b)
    return s
