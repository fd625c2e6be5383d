"""Repair Chinese text damaged upstream (mojibake, lossy round trips, mirror annotations).

``repair(text) -> Repair`` never touches clean text: every family has a cheap detector that
does not fire on ordinary Chinese prose, and every candidate inverse must (1) come out of a
*strict* re-decode of the bytes the wrong decoder saw, and (2) be judged clearly more Chinese
than the input by the offline character language model (:mod:`crawler.encoding.lm`).

Families (``Fix.family``):

``lossy_gbk_roundtrip``  seed 000: ``第一练/span>`` -> ``第一组`` (char + 1, residue removed),
                         ``创?/span>`` -> ``创\\ufffd`` (lost), ``日期?023`` -> lost marker.
``gbk_misaligned``       seed 001: ``我們?cè)诔袎呵靶兄姓蔑@韌勁`` -> ``我們在承壓前行中彰顯韌勁``.
``pinyin_annotation``    seed 001: ``報(bào)告`` -> ``報告``.
``pinyin_superlative``   seed 002: ``diyi梯队`` -> ``第一梯队``, ``zui具`` -> ``最具``.
``utf8_as_gbk``, ``utf8_as_big5``, ``utf8_as_latin1``, ``gbk_as_latin1``, ``big5_as_latin1``,
``gbk_as_big5``, ``big5_as_gbk``, and ``double:<a>+<b>`` for double encodings.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .lm import _is_cjk, get_lm

__all__ = ["Fix", "Repair", "repair"]

LOST = "\ufffd"


@dataclass
class Fix:
    family: str
    start: int
    end: int
    before: str
    after: str
    confidence: float
    lost: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Repair:
    text: str
    fixes: list[Fix] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixes)

    @property
    def lost(self) -> int:
        return sum(f.lost for f in self.fixes)

    def families(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.fixes:
            out[f.family] = out.get(f.family, 0) + 1
        return out

    def to_dict(self) -> dict:
        return {"changed": self.changed, "lost": self.lost, "families": self.families(),
                "fixes": [f.to_dict() for f in self.fixes]}


# =============================================================================================
# fast-path triggers (compiled once; none of them matches ordinary Chinese prose)
# =============================================================================================
_CP1252_SPECIALS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_HIGH = "\x80-\xff" + _CP1252_SPECIALS
_LATIN_SET = frozenset(chr(c) for c in range(0x80, 0x100)) | frozenset(_CP1252_SPECIALS)
# two adjacent "Latin-1 high" characters, one of them a letter/symbol in A1-FF
_LATIN_PAIR_RE = re.compile(f"[{_HIGH}]{{2}}")
_LATIN1_RE = re.compile("[\xa1-\xff]")
# characters that a wrong decode of Chinese bytes produces and Chinese prose almost never uses
_ODD_CHARS = (
    "\ue000-\uf8ff"          # private use (GBK user-defined areas)
    "\u3040-\u30ff"          # kana (Big5 bytes read as GBK)
    "\u0370-\u03ff\u0400-\u04ff"  # Greek, Cyrillic
    "\u3100-\u312f"          # bopomofo
    "\u2500-\u257f"          # box drawing
    "\u2474-\u249b"          # parenthesised / full-stop numbers
    "\ufffd€"
)
_ODD_RE = re.compile(f"[{_ODD_CHARS}]")
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_ANNOT_RE = re.compile(f"[?(][{_PINYIN}]{{1,7}}\\)")
_TAGS = ("a|abbr|address|area|article|aside|audio|b|big|blockquote|body|br|button|caption|center|cite|"
         "code|col|dd|del|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|h[1-6]|"
         "head|header|hr|html|i|iframe|img|input|ins|label|legend|li|link|main|map|marquee|meta|meter|"
         "nav|nobr|object|ol|option|p|param|pre|q|s|script|section|select|small|source|span|strike|"
         "strong|style|sub|sup|table|tbody|td|textarea|tfoot|th|thead|title|tr|tt|u|ul|video")
_SUPERLATIVES = {
    "diyi": "第一", "zui": "最", "weiyi": "唯一", "shouge": "首个", "dingji": "顶级",
    "shouxuan": "首选", "dujia": "独家", "guojiaji": "国家级", "shijieji": "世界级",
    "zuijia": "最佳", "zuigao": "最高", "zuida": "最大", "zuixin": "最新", "zuihao": "最好",
    "zuiqiang": "最强", "zuiyou": "最优", "jizhi": "极致", "wanmei": "完美",
}
_SUPER_RE = re.compile("(" + "|".join(sorted(_SUPERLATIVES, key=len, reverse=True)) + ")")
_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@lru_cache(maxsize=1)
def _rare_re():
    """Regex for a cluster of 3 characters outside the common vocabulary within 5 chars."""
    lm = get_lm()
    common = sorted(c for c in lm.common if ord(c) > 0x2FFF)
    cls = "[^\\x00-\\u2fff\\s" + "".join(_ranges(common)) + "\\uff00-\\uffef\\u3000-\\u303f]"
    return re.compile(f"{cls}[^\\s]?{cls}")


@lru_cache(maxsize=1)
def _utf8_gbk_re():
    """UTF-8 read as GBK has a rhythm: a CJK character is 3 bytes, a GBK one 2, so the
    mojibake cycles through (lead, cont) (cont, lead) (cont, cont) byte-pair classes.
    Four characters in that rhythm never occur in clean text (0 hits on 1M characters)."""
    def cls(leads, trails):
        out = set()
        for lead in leads:
            for t in trails:
                try:
                    out.add(bytes([lead, t]).decode("gb18030"))
                except UnicodeDecodeError:
                    pass
        return "[" + "".join(_ranges(sorted(out))) + "]"

    a = cls(range(0xE2, 0xEA), range(0x80, 0xC0))
    b = cls(range(0x80, 0xC0), range(0xE2, 0xEA))
    c = cls(range(0x80, 0xC0), range(0x80, 0xC0))
    return re.compile(a + b + c + a)


def _ranges(chars):
    out = []
    start = prev = None
    for c in chars:
        o = ord(c)
        if prev is not None and o == prev + 1:
            prev = o
            continue
        if start is not None:
            out.append(_rng(start, prev))
        start = prev = o
    if start is not None:
        out.append(_rng(start, prev))
    return out


def _rng(a, b):
    return re.escape(chr(a)) if a == b else re.escape(chr(a)) + "-" + re.escape(chr(b))


# =============================================================================================
# helpers
# =============================================================================================
def _cp936_pua() -> dict[str, bytes]:
    """Microsoft CP936 (and PHP's libmbfl table) put FE50-FEA0 in the private use area
    U+E815-U+E864, where GB18030 has real characters; A8BC is U+E7C7 there."""
    out = {}
    codes = [0xFE00 | t for t in list(range(0x50, 0x7F)) + list(range(0x80, 0xA1))]
    for k, code in enumerate(codes):
        out[chr(0xE815 + k)] = code.to_bytes(2, "big")
    out["\ue7c7"] = b"\xa8\xbc"
    return out


_CP936_PUA = _cp936_pua()


@lru_cache(maxsize=65536)
def _gbk2(ch: str) -> bytes | None:
    """The bytes a GBK decoder consumed to produce ``ch`` (1 for ASCII, 2 otherwise)."""
    if ch < "\x80":
        return ch.encode("ascii")
    if ch == "€":
        return b"\x80"
    if ch in _CP936_PUA:
        return _CP936_PUA[ch]
    try:
        b = ch.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@lru_cache(maxsize=65536)
def _big5_2(ch: str) -> bytes | None:
    if ch < "\x80":
        return ch.encode("ascii")
    try:
        b = ch.encode("big5hkscs")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@lru_cache(maxsize=1024)
def _latin_1(ch: str) -> bytes | None:
    o = ord(ch)
    if o < 0x100:
        return bytes([o])
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return None


_WRONG = {"gbk": _gbk2, "big5": _big5_2, "latin1": _latin_1}
_TARGET = {"utf8": "utf-8", "gbk": "gb18030", "big5": "big5hkscs"}
# (family, bytes as the wrong decoder saw them, codec they really are)
_FAMILIES = (
    ("utf8_as_gbk", "gbk", "utf8"),
    ("utf8_as_big5", "big5", "utf8"),
    ("utf8_as_latin1", "latin1", "utf8"),
    ("gbk_as_latin1", "latin1", "gbk"),
    ("big5_as_latin1", "latin1", "big5"),
    ("gbk_as_big5", "big5", "gbk"),
    ("big5_as_gbk", "gbk", "big5"),
)


def _score(s: str) -> float:
    return get_lm().score(s)


def _nonascii(s: str) -> int:
    return sum(1 for c in s if c >= "\x80")


def _plaus(s: str) -> float:
    lm = get_lm()
    n = 0
    t = 0.0
    for c in s:
        if c < "\x80" or c.isspace():
            continue
        n += 1
        t += lm.char_class(c)
    return t / n if n else 1.0


def _good_text(s: str) -> bool:
    """No control characters, no private use, no unpaired oddities in a candidate."""
    for c in s:
        o = ord(c)
        if o < 0x20 and c not in "\t\n\r":
            return False
        if 0x7F <= o <= 0x9F or 0xE000 <= o <= 0xF8FF:
            return False
    return True


# =============================================================================================
# family: lossy GBK round trip (seed 000)
# =============================================================================================
_TAGSET = frozenset(t for t in _TAGS.split("|") if not t.startswith("h[")) | {f"h{i}" for i in range(1, 7)}
_NAME_TAIL_RE = re.compile(r"/?[A-Za-z][A-Za-z0-9]*$")


def _iter_residues(text: str):
    """Yield (start, end) of ``X/span>``-like residues: a character glued to a tag whose
    ``<`` was lost.  Driven by the positions of ``>`` (rare in prose), never by a scan of
    every character."""
    p = text.find(">")
    while p != -1:
        w0 = max(0, p - 400)
        lo = max(text.rfind("<", w0, p), text.rfind(">", w0, p), text.rfind("\n", w0, p), w0 - 1) + 1
        seg = text[lo:p]
        if seg and not (lo and text[lo - 1] == "<"):  # inside a real tag: not a residue
            # tag name followed by attributes (first whitespace) or by ">" directly
            cuts = [len(seg)]
            for i, c in enumerate(seg):
                if c in " \t":
                    cuts.insert(len(cuts) - 1, i)
                    if len(cuts) > 6:
                        break
            for cut in cuts:
                m = _NAME_TAIL_RE.search(seg, 0, cut)
                if not m:
                    continue
                if m.start() == 0:
                    # the shifted character is itself ">" (a folded full-width question mark)
                    if lo >= 2 and text[lo - 1] == ">" and text[lo - 2] >= "\x80":
                        name = m.group().lstrip("/").lower()
                        if name in _TAGSET and "<" not in seg[cut:]:
                            yield lo - 1, p + 1
                            break
                    continue
                name = m.group().lstrip("/").lower()
                if name not in _TAGSET:
                    continue
                if cut < len(seg) and ("<" in seg[cut:]):
                    continue
                yield lo + m.start() - 1, p + 1
                break
        p = text.find(">", p + 1)


_FOLDED_SHIFTED = frozenset("9+(:>")


def _fix_residues(text: str, edits: list) -> int:
    """Tag residue glued to a shifted character; returns the number of proven sites."""
    proven = 0
    for start, end in _iter_residues(text):
        ch = text[start]
        if ch in " \t\n<":
            continue
        prev = text[start - 1] if start else ""
        if ch == "?":
            if prev and prev.isascii() and prev.isalnum():
                continue
            guess, conf = _guess_lost(text, start, end)
            after = guess if guess else LOST
            edits.append((start, end, after, "lossy_gbk_roundtrip", conf if guess else 0.9,
                          0 if guess else 1))
            proven += 1
            continue
        o = ord(ch)
        if o < 0x80:
            # a full-width character that NFKC folded to ASCII after being shifted
            # only the NFKC forms of full-width characters that precede a tag in Chinese
            # pages after the shift: ：→９→9  ，→＋→+  ）→（→(  ；→：→:  ？→＞→>
            if ch not in _FOLDED_SHIFTED or (prev.isascii() and prev.isalnum()):
                continue
            after = chr(o + 1)
        else:
            try:
                raw = ch.encode("utf-8")
            except UnicodeEncodeError:
                continue
            if len(raw) < 2 or not (0x80 <= raw[-1] <= 0xBE):
                continue
            after = chr(o + 1)
            if unicodedata.category(after) in ("Cn", "Co", "Cs"):
                continue
        edits.append((start, end, after, "lossy_gbk_roundtrip", 0.97, 0))
        proven += 1
    return proven


# last UTF-8 byte of a character that became "?" when followed by "<"
_LOST_LAST = frozenset([0x81] + list(range(0xA5, 0xB1)))


@lru_cache(maxsize=1)
def _lost_candidates() -> tuple[str, ...]:
    lm = get_lm()
    return tuple(c for c in lm.uni if _is_cjk(c) and c.encode("utf-8")[-1] in _LOST_LAST)


def _guess_lost(text: str, qpos: int, after_end: int) -> tuple[str | None, float]:
    """Guess the character behind a ``?`` of the lossy round trip; only when confident.

    The candidates are the characters whose UTF-8 form ends in one of the 13 bytes that
    turn into ``?`` before ``<``; each is scored by the within-word bigram evidence on both
    sides (no unigram back-off, so only real word continuations count).  The guess is used
    when its posterior among the candidates is at least 0.85 (``会?`` -> 议, ``创?`` -> 新);
    otherwise the character is marked lost."""
    import math

    left = text[qpos - 1] if qpos else ""
    right = text[after_end] if after_end < len(text) else ""
    lm = get_lm()
    if not left or left not in lm.uni_count:
        return None, 0.0
    lc = lm.uni_count[left]
    use_right = bool(right) and right in lm.uni_count
    scored = []
    for c in _lost_candidates():
        sc = math.log10(lm.bigram_count(left, c) / lc + 1e-7)
        if use_right:
            sc += math.log10(lm.bigram_count(c, right) / lm.uni_count[c] + 1e-7)
        scored.append((sc, c))
    scored.sort(reverse=True)
    top = scored[0][0]
    post = 1.0 / sum(10 ** (sc - top) for sc, _ in scored[:300])
    if post >= 0.85 and top > -3.0:
        return scored[0][1], round(post, 3)
    return None, 0.0


_QDIGIT_RE = re.compile(f"(?<=[{_CJK_CLASS}\u3000-\u303f\uff00-\uffef])\\?(?=[0-9(),./\"&!#$%'*+-])")


def _fix_lost_marks(text: str, edits: list):
    """Once a document is proven damaged, ``字?023`` marks a lost character + ASCII byte."""
    for m in _QDIGIT_RE.finditer(text):
        edits.append((m.start(), m.end(), LOST, "lossy_gbk_roundtrip", 0.6, 2))


# =============================================================================================
# family: pinyin annotations and misaligned GBK (seed 001)
# =============================================================================================
@lru_cache(maxsize=1)
def _pinyin_mod():
    try:
        from pypinyin import Style, pinyin  # optional: sharper recovery of the lost byte
        return pinyin, Style
    except Exception:  # pragma: no cover - optional dependency
        return None


@lru_cache(maxsize=65536)
def _pinyins(ch: str) -> frozenset:
    mod = _pinyin_mod()
    if mod is None:
        return frozenset()
    pinyin, Style = mod
    try:
        r = pinyin(ch, style=Style.TONE, heteronym=True, errors="ignore")
    except Exception:
        return frozenset()
    return frozenset(p for group in r for p in group)


@lru_cache(maxsize=1)
def _trad_only() -> frozenset:
    """Characters that exist only in traditional writing (OpenCC T->S changes them)."""
    import opencc

    from pathlib import Path
    p = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    out = set()
    with open(p, encoding="utf-8") as f:
        for line in f:
            if "\t" in line:
                t, s = line.rstrip("\n").split("\t", 1)
                if len(t) == 1 and t not in s.split():
                    out.add(t)
    return frozenset(out)


def _annotation_ok(ch: str, py: str) -> bool:
    if ch not in _trad_only():
        return False
    if _pinyin_mod() is None:
        return True
    return py in _pinyins(ch)


_AN_RE = re.compile(f"(?P<ch>[{_CJK_CLASS}])\\((?P<py>[{_PINYIN}]{{1,7}})\\)")
_QPY_RE = re.compile(f"\\?(?P<py>[{_PINYIN}]{{1,7}})\\)")


def _fix_mirror(text: str, edits: list) -> None:
    annots = [m for m in _AN_RE.finditer(text) if _annotation_ok(m.group("ch"), m.group("py"))]
    markers = list(_QPY_RE.finditer(text))
    if len(annots) + len(markers) < (1 if _pinyin_mod() is not None else 2):
        return
    # '?' sites in text order: a ``?pinyin)`` marker (cross-boundary annotation: lost lead byte
    # and '('), or, once the page is proven a mirror, a bare '?' glued to a misaligned run.
    qs = [m.start() for m in markers]
    if markers:
        qs += [m.start() for m in _BARE_Q_RE.finditer(text)]
    taken_until = -1
    for q in sorted(set(qs)):
        if q < taken_until:
            continue
        res = _realign(text, q)
        if res is None:
            continue
        s, e, after, lost, conf = res
        edits.append((s, e, after, "gbk_misaligned", conf, lost))
        taken_until = e
    spans = sorted((e[0], e[1]) for e in edits if e[3] == "gbk_misaligned")
    starts = [a for a, _ in spans]
    import bisect

    for m in annots:
        s = m.start() + 1
        k = bisect.bisect_right(starts, s) - 1
        if k >= 0 and spans[k][0] <= s and m.end() <= spans[k][1]:
            continue  # already inside a realigned run
        edits.append((s, m.end(), "", "pinyin_annotation", 0.95, 0))


_PY_PAREN_RE = re.compile(f"\\([{_PINYIN}]{{1,7}}\\)")
_BARE_Q_RE = re.compile(r"\?(?=[!-/:;=>@\[-`{-~]?[^\x00-\x7f])")


def _region(text: str, i: int):
    """Collect the misaligned run starting at ``i``.

    Returns (parts, ends): ``parts`` the GBK byte strings of the run's characters (annotations
    inside it dropped) and ``ends``, the possible ends of the run, each
    (n_parts, text_end, tail) with tail
    ("trail", byte)   an ASCII byte 0x40-0x7E in lead position (it realigns: it is a trail),
    ("qpy", py)       a ``?pinyin)`` marker (a lost trail byte + an annotation),
    ("q", None)       a bare ``?`` (a lost trail byte + a lost ASCII byte),
    ("stop", None)    anything else (the run simply ends there).
    """
    parts: list[bytes] = []
    ends: list = []
    n = len(text)
    while i < n and len(parts) < 400:
        c = text[i]
        if c >= "\x80":
            b = _gbk2(c)
            if b is None:
                break
            parts.append(b)
            i += 1
            continue
        if c == "(":
            m = _PY_PAREN_RE.match(text, i)
            if m:
                i = m.end()  # an annotation inside the misaligned run: drop it
                continue
        if c == "?":
            mq = _QPY_RE.match(text, i)
            if mq:
                ends.append((len(parts), mq.end(), ("qpy", mq.group("py"))))
            else:
                ends.append((len(parts), i + 1, ("q", None)))
            return parts, ends
        if "\x40" <= c <= "\x7e":
            ends.append((len(parts), i + 1, ("trail", c.encode("ascii"))))
            return parts, ends
        if "!" <= c <= "\x3e" and c not in "0123456789":
            # NFKC may have folded a full-width form the misaligned decoder produced: either
            # the run ends before it, or it is two more bytes of the run
            ends.append((len(parts), i, ("stop", None)))
            parts.append(chr(ord(c) + 0xFEE0).encode("gb18030"))
            i += 1
            continue
        break
    ends.append((len(parts), i, ("stop", None)))
    return parts, ends


@lru_cache(maxsize=8192)
def _lead_candidates(prev_byte: int | None, py: str | None) -> list[int]:
    """Values of the lost byte X such that (prev_byte, X) is the annotated character: one of
    the traditional-only characters (the annotator's list) whose pinyin is ``py``."""
    cands = list(range(0x81, 0xFF))
    if prev_byte is None or py is None:
        return cands
    out = []
    for x in cands:
        try:
            ch = bytes([prev_byte, x]).decode("gb18030")
        except UnicodeDecodeError:
            continue
        if _reads_as(ch, py):
            out.append(x)
    return out or cands


def _reads_as(ch: str, py: str) -> bool:
    if _pinyin_mod() is not None:
        return py in _pinyins(ch)
    return ch in _trad_only()  # without pypinyin: at least a traditional-only character


@lru_cache(maxsize=8192)
def _trail_candidates(lead: int, py: str | None) -> list[int]:
    out = []
    for x in list(range(0x40, 0x7F)) + list(range(0x80, 0xFF)):
        try:
            ch = bytes([lead, x]).decode("gb18030")
        except UnicodeDecodeError:
            continue
        if py is None or _reads_as(ch, py):
            out.append(x)
    return out


def _strip_annotations(s: str) -> str:
    s = _QPY_RE.sub("", s)
    return _AN_RE.sub(lambda m: m.group("ch"), s)


def _realign(text: str, q: int):
    """Undo a misaligned GBK run that starts at the ``?`` at position ``q``.

    The bytes of the original are: the lost byte X (after the previous character's last byte,
    it spelled the annotated character, so the pinyin of the marker pins it down), then the
    bytes of every misread character, then the byte that realigned the decoder (or a lost
    trail byte pinned down by the next marker's pinyin).  Decoding that stream from X gives
    the original text; the language model only chooses among the few byte values left.
    """
    if q == 0:
        return None
    prev = text[q - 1]
    if prev == ")":
        # the previous character carries an annotation of its own: 購(gòu)?fù)
        k0 = text.rfind("(", max(0, q - 10), q)
        if k0 > 0:
            ma = _AN_RE.match(text, k0 - 1)
            if ma and ma.end() == q:
                prev = ma.group("ch")
    mq = _QPY_RE.match(text, q)
    py = mq.group("py") if mq else None
    j = mq.end() if mq else q + 1
    parts, ends = _region(text, j)
    prev_b = _gbk2(prev) if prev >= "\x80" else None
    prev_byte = prev_b[1] if prev_b and len(prev_b) == 2 else None
    if py is not None and prev_byte is None:
        return None
    if py is None and not parts:
        return None
    leads = _lead_candidates(prev_byte, py)
    options = [(bytes([x]), 0) for x in leads]
    if py is None:
        options.append((b"", 1))  # the '?' hid bytes of its own; the run starts with a trail
    lm = get_lm()
    left = text[max(0, q - 2):q]
    best = None
    for npart, end, tail in ends:
        body = b"".join(parts[:npart])
        if not body and not (py and tail[0] in ("trail", "qpy")):
            continue
        right = text[end:end + 2]
        base = _strip_annotations(text[j:end]).replace("?", "")
        # a lone ASCII letter between Hanzi is itself a symptom; the LM prices ASCII cheaply
        so = lm.score(left + base + right) - 3.0 * sum(1 for c in base if c.isascii() and c.isalpha())
        for pre, lost_pre in options:
            if tail[0] == "trail":
                sopts = [(tail[1], 0)]
            elif tail[0] == "qpy":
                last = body[-1] if body else (pre[0] if pre else None)
                cands = _trail_candidates(last, tail[1])[:40] if last is not None else []
                sopts = [(bytes([y]), 0) for y in cands] or [(b"", 1)]
            elif tail[0] == "q":
                sopts = [(b"", 2)]
            else:
                sopts = [(b"", 0)]
            for suf, lost_suf in sopts:
                data = pre + body + suf
                try:
                    dec = data.decode("gb18030")
                except UnicodeDecodeError:
                    continue
                if not _good_text(dec):
                    continue
                sc = lm.score(left + dec + right)
                gain = sc - so
                if best is None or gain > best[0]:
                    lost = lost_pre + lost_suf
                    cand = (LOST if lost_pre else "") + dec + (LOST if lost_suf else "")
                    best = (gain, cand, lost, end, npart)
    if best is None:
        return None
    gain, cand, lost, end, npart = best
    if gain < (0.5 if py else 2.0 + 0.5 * npart):
        return None
    # an annotation right after the realigning trail byte belongs to the last character
    ma = _PY_PAREN_RE.match(text, end)
    if ma:
        end = ma.end()
    return q, end, cand, lost, 0.9 if py else 0.75


# =============================================================================================
# family: pinyin substitutions for banned superlatives (seed 002)
# =============================================================================================
def _fix_superlatives(text: str, edits: list) -> None:
    for m in _SUPER_RE.finditer(text):
        s, e = m.span()
        left = text[s - 1] if s else ""
        right = text[e] if e < len(text) else ""
        if left.isascii() and left.isalpha() or right.isascii() and right.isalpha():
            continue
        lc = bool(left) and _is_cjk(left)
        rc = bool(right) and _is_cjk(right)
        word = m.group(1)
        if not (lc or rc):
            continue
        # "zui" must lead into a word or close one before punctuation; "diyi" may close a
        # phrase (力争diyi、)
        if word == "zui" and not rc and not (lc and right and right in "，、。；：！？,.;:!?"):
            continue
        edits.append((s, e, _SUPERLATIVES[word], "pinyin_superlative", 0.9 if rc else 0.8, 0))


# =============================================================================================
# mojibake families
# =============================================================================================
_RUN_RE = re.compile("[^\x00-\x3f \t\n\r\f\v\u3000\u2028\u2029?]*[^\x00-\x7f \t\n\r\f\v\u3000\u2028\u2029]"
                     "[^\x00-\x3f \t\n\r\f\v\u3000\u2028\u2029?]*")


def _wrong_bytes(chars: str, wrong: str):
    enc = _WRONG[wrong]
    out = []
    for c in chars:
        if c == LOST:
            out.append(None)
            continue
        b = enc(c)
        out.append(b)
    return out


def _stretches(pieces: list, target: str):
    """Maximal char stretches whose bytes decode strictly (incrementally) in ``target``."""
    n = len(pieces)
    out = []
    i = 0
    codec = _TARGET[target]
    while i < n:
        if pieces[i] is None:
            i += 1
            continue
        dec = codecs.getincrementaldecoder(codec)()
        last_clean = i
        j = i
        while j < n and pieces[j] is not None:
            try:
                dec.decode(pieces[j])
            except UnicodeDecodeError:
                break
            j += 1
            if not dec.getstate()[0]:
                last_clean = j
        if last_clean > i:
            out.append((i, last_clean))
            i = last_clean
        else:
            i += 1
    return out


def _lossy_decode(pieces: list, target: str) -> tuple[str, int] | None:
    """Decode with lost bytes (None); each lost character becomes one U+FFFD."""
    codec = _TARGET[target]
    chunks: list[str] = []
    lost = 0
    buf = b""
    for p in pieces:
        if p is None:
            if buf:
                chunks.append(buf.decode(codec, "replace"))
                buf = b""
            chunks.append("\x00")
            continue
        buf += p
    if buf:
        chunks.append(buf.decode(codec, "replace"))
    s = "".join(chunks)
    # collapse each lost byte and the replacement characters around it into one mark
    s = re.sub("\ufffd*\x00\ufffd*", LOST, s)
    lost = s.count(LOST)
    return s, lost


def _uni_mean(s: str) -> float:
    lm = get_lm()
    uni, unk = lm.uni, lm.unk
    vals = [uni.get(c, unk) for c in s if c >= "\u2e80" and c != LOST]
    return sum(vals) / len(vals) if vals else -99.0


def _lossy_decode_mb(pieces: list, target: str) -> tuple[str, int] | None:
    """Two-byte target (GBK, Big5) with lost bytes (each U+FFFD of the input is one unknown
    byte: a lead whose trail the wrong decoder rejected, the trail then read as a lead, or a
    whole rejected pair).  A dynamic programme over byte positions finds the most Chinese
    segmentation: known pairs decode exactly, a pair touching an unknown byte is one lost
    character (U+FFFD), never a guess."""
    codec = _TARGET[target]
    bs: list = []
    for p in pieces:
        if p is None:
            bs.append(None)
        else:
            bs.extend(p)
    n = len(bs)
    if n > 4000:
        return None
    lm = get_lm()
    uni, unk = lm.uni, lm.unk
    NEG = -1e18
    best = [NEG] * (n + 1)
    back: list = [None] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == NEG:
            continue
        b0 = bs[i]
        if b0 is not None and b0 < 0x80:
            sc = best[i] - 1.0
            if sc > best[i + 1]:
                best[i + 1], back[i + 1] = sc, (i, chr(b0), 0)
            continue
        if b0 is None:  # a lone lost byte
            sc = best[i] - 10.0
            if sc > best[i + 1]:
                best[i + 1], back[i + 1] = sc, (i, LOST, 1)
        if i + 1 < n:
            b1 = bs[i + 1]
            if b0 is None or b1 is None:
                if b1 is None or b1 >= 0x40:
                    sc = best[i] - 8.0
                    if sc > best[i + 2]:
                        best[i + 2], back[i + 2] = sc, (i, LOST, 1)
            else:
                try:
                    c = bytes([b0, b1]).decode(codec)
                except UnicodeDecodeError:
                    c = None
                if c is not None:
                    cost = uni.get(c, unk if c >= "\u2e80" and not ("\ue000" <= c <= "\uf8ff") else -12.0)
                    sc = best[i] + cost
                    if sc > best[i + 2]:
                        best[i + 2], back[i + 2] = sc, (i, c, 0)
    if best[n] == NEG:
        return None
    out = []
    lost = 0
    k = n
    while k > 0:
        i, c, lo = back[k]
        out.append(c)
        lost += lo
        k = i
    return "".join(reversed(out)), lost


def _candidates_for_run(run: str, only=None, depth: int = 0, stretches: bool = True):
    """Yield (start, end, candidate, family, lost) within ``run`` (run-relative offsets).

    Whole-run candidates are also decoded once more (double encodings: the first inverse
    gives mojibake of the second layer), yielded as ``double:<outer>+<inner>``."""
    for item in _candidates_one(run, only, stretches):
        yield item
        i, j, cand, fam, lost = item
        if depth == 0 and i == 0 and j == len(run) and _looks_mojibake(cand):
            for i2, j2, cand2, fam2, lost2 in _candidates_one(cand, None):
                if i2 == 0 and j2 == len(cand):
                    yield 0, len(run), cand2, f"double:{fam}+{fam2}", lost + lost2


def _looks_mojibake(s: str) -> bool:
    """Cheap test that a first-level inverse is still not Chinese text."""
    if _ODD_RE.search(s) or _LATIN_PAIR_RE.search(s) or _utf8_gbk_re().search(s):
        return True
    return _plaus(s) < 0.8


def _euro_variants(run: str, pieces: list):
    """'€' is 0x80 for cp936/WHATWG decoders but A2E3 for GB18030: try both per position."""
    pos = [i for i, c in enumerate(run) if c == "€"][:4]
    if not pos:
        yield pieces
        return
    for mask in range(1 << len(pos)):
        v = list(pieces)
        for k, i in enumerate(pos):
            v[i] = b"\xa2\xe3" if mask >> k & 1 else b"\x80"
        yield v


_SCRIPT_WORD_RE = re.compile("[\u0370-\u03ff\u0400-\u04ff]{2,}")


def _foreign_word(run: str) -> bool:
    """A run that is a Greek/Cyrillic word (no Hanzi, kana, PUA, symbols around it) is text
    in that script; Big5-read-as-GBK produces such letters only glued to other mojibake."""
    return bool(_SCRIPT_WORD_RE.search(run)) and not any(
        c >= "\u2e80" or "\u2500" <= c <= "\u257f" for c in run)


_IDEO_RE = re.compile(f"[{_CJK_CLASS}\U00020000-\U0003134f]")


def _candidates_one(run: str, only=None, stretches: bool = True):
    # Big5<->GBK mojibake always carries Hanzi; a run of symbols or of Greek/Cyrillic words
    # is not remapped (unless the document is already proven damaged by that family)
    foreign = _foreign_word(run) or (only is None and not _IDEO_RE.search(run))
    has_latin = any(c in _LATIN_SET for c in run)
    for fam, wrong, target in _FAMILIES:
        if only is not None and fam not in only:
            continue
        if foreign and fam in ("big5_as_gbk", "gbk_as_big5"):
            continue
        if wrong == "latin1" and not has_latin:
            continue
        base = _wrong_bytes(run, wrong)
        variants = _euro_variants(run, base) if wrong == "gbk" else (base,)
        seen = set()
        for pieces in variants:
            for item in _candidates_pieces(run, pieces, fam, target, stretches):
                if item[:3] not in seen:
                    seen.add(item[:3])
                    yield item


def _candidates_pieces(run: str, pieces: list, fam: str, target: str, stretches: bool = True):
    n = len(run)
    has_lost = LOST in run
    if True:
        if not has_lost and all(p is not None for p in pieces):
            data = b"".join(pieces)
            if data.isascii():
                return
            try:
                cand = data.decode(_TARGET[target])
                yield 0, n, cand, fam, 0
                return
            except UnicodeDecodeError:
                pass
        if has_lost and all(p is not None or run[i] == LOST for i, p in enumerate(pieces)):
            res = _lossy_decode(pieces, target) if target == "utf8" else _lossy_decode_mb(pieces, target)
            if res:
                yield 0, n, res[0], fam, res[1]
        for i, j in (_stretches(pieces, target) if stretches else ()):
            if i == 0 and j == n:
                continue
            if j - i < 2:
                continue
            data = b"".join(pieces[i:j])
            if data.isascii():
                continue
            try:
                cand = data.decode(_TARGET[target])
            except UnicodeDecodeError:
                continue
            yield i, j, cand, fam, 0


def _judge(text: str, s: int, e: int, cand: str, lost: int, relaxed: bool = False,
           fam: str | None = None) -> float | None:
    """Gain of replacing text[s:e] by cand, or None when not clearly better."""
    orig = text[s:e]
    if cand == orig or not _good_text(cand):
        return None
    left = text[max(0, s - 1):s]
    right = text[e:e + 1]
    so = _score(left + orig + right)
    sc = _score(left + cand + right)
    gain = sc - so
    nn = _nonascii(orig)
    need = max(1.4, 0.5 * nn) if relaxed else (4.0 + 1.0 * nn)
    if gain < need:
        return None
    core = cand.replace(LOST, "")
    if core and _plaus(core) < 0.8:
        return None
    if fam and fam.endswith("latin1"):
        # European text has accented letters among ASCII ones; GBK/Big5/UTF-8 bytes read
        # as Latin-1 are dense runs of high characters
        high = sum(1 for c in orig if c in _LATIN_SET)
        if relaxed:
            if high < 1:
                return None
        elif high < 4 or high < 0.4 * len(orig):
            return None
    if lost and lost * 3 > max(1, len(core)):
        # a run that is all loss: only in a document proven damaged by this family, and
        # only when the loss was already visible (the mojibake carried a U+FFFD)
        # or when the bytes that survived read as clearly Chinese and the input was junk
        if not (relaxed and LOST in orig and lost <= orig.count(LOST)) and not (
                len(core) >= 3 and lost <= 4 * len(core) and orig.count(LOST) >= 2
                and _plaus(core) >= 0.9 and _plaus(orig.replace(LOST, "")) < 0.7):
            return None
    return gain


_UTF8_2CJK = re.compile(rb"(?:[\xe2-\xe9][\x80-\xbf]{2}){2}")


@lru_cache(maxsize=65536)
def _map1(ch: str, wrong: str, target: str) -> str | None:
    """One character of 2-byte mojibake mapped back (GBK<->Big5 are 1:1 per character)."""
    b = _WRONG[wrong](ch)
    if b is None or len(b) != 2:
        return None
    try:
        return b.decode(_TARGET[target])
    except UnicodeDecodeError:
        return None


@lru_cache(maxsize=65536)
def _gain1(ch: str) -> tuple[float, float]:
    """Unigram gain of mapping one character back, for (Big5 read as GBK, GBK read as Big5)."""
    lm = get_lm()
    uni, unk = lm.uni, lm.unk
    here = uni.get(ch, unk - 3)
    out = []
    for wrong, target in (("gbk", "big5"), ("big5", "gbk")):
        m = _map1(ch, wrong, target)
        out.append(-99.0 if m is None else uni.get(m, unk) - here)
    return out[0], out[1]


def _local_suspect(text: str, a: int, b: int) -> bool:
    """Cheap look at a few characters around a detector hit: could any family's inverse
    apply here at all?  Keeps the language model away from clean rare words and names."""
    w = text[max(0, a - 4):b + 4]
    # Big5 <-> GBK are 1:1 per character: do the mapped characters read better?
    g1 = g2 = 0.0
    n1 = n2 = 0
    for c in w:
        if c < "\x80":
            continue
        x, y = _gain1(c)
        if x > -99.0:
            g1 += x
            n1 += 1
        if y > -99.0:
            g2 += y
            n2 += 1
    if (n1 >= 3 and g1 >= 1.0 * n1) or (n2 >= 3 and g2 >= 1.0 * n2):
        return True
    # UTF-8 read as Big5 or GBK: two UTF-8 CJK sequences in the bytes the decoder saw
    for enc in (_big5_2, _gbk2):
        bs = b"".join(x for x in map(enc, w) if x is not None)
        if _UTF8_2CJK.search(bs):
            return True
    return False


def _fix_mojibake(text: str, edits: list, spans: list[tuple[int, int]]) -> None:
    import bisect

    runs = [m.span() for m in _RUN_RE.finditer(text)]
    starts = [r[0] for r in runs]
    todo = set()
    for a, b in spans:
        k = bisect.bisect_right(starts, a) - 1
        while 0 <= k < len(runs) and runs[k][0] < b:
            if runs[k][1] > a:
                todo.add(k)
            k += 1
    n0 = len(edits)
    for k in sorted(todo):
        _fix_run(text, runs[k][0], runs[k][1], edits)
    new = edits[n0:]
    strong = sum(e[1] - e[0] for e in new) >= 4 or len(new) >= 2
    fams = set()
    if strong:
        for e in new:  # a proven double encoding proves its layers
            fams.update(e[3].replace("double:", "").split("+"))
    if fams:
        # document-level evidence: the same wrong decode usually hit every run of the text,
        # including short ones that did not trip a detector; judge them all for those families.
        taken = _merge_taken(edits)
        for k, sp in enumerate(runs):
            if _overlaps(taken, sp):
                continue
            _fix_run(text, sp[0], sp[1], edits, fams)


def _fix_run(text: str, rs: int, re_: int, edits: list, only=None) -> None:
    run = text[rs:re_]
    best = []
    # whole-run inverses first; the partial stretches only when none of them is accepted
    for phase in (False, True):
        for i, j, cand, fam, lost in _candidates_for_run(run, only, stretches=phase):
            if phase and i == 0 and j == len(run):
                continue
            g = _judge(text, rs + i, rs + j, cand, lost, relaxed=only is not None,
                       fam=fam.split("+")[0].replace("double:", ""))
            if g is None:
                continue
            if fam.startswith("double:"):
                g -= 0.5  # the simpler explanation wins a tie
            best.append((g, rs + i, rs + j, cand, fam, lost))
        if any(b[5] == 0 or (b[1] == rs and b[2] == re_) for b in best):
            break
    if not best:
        return
    best.sort(key=lambda x: -x[0])
    chosen = []
    for g, s, e, cand, fam, lost in best:
        if any(not (e <= cs or s >= ce) for _, cs, ce, *_ in chosen):
            continue
        family = fam
        chosen.append((g, s, e, cand, family, lost))
    for g, s, e, cand, family, lost in chosen:
        conf = min(0.99, 0.6 + g / 40.0)
        edits.append((s, e, cand, family, round(conf, 3), lost))


# =============================================================================================
# entry point
# =============================================================================================
def repair(text: str) -> Repair:
    """Repair damaged text; clean text comes back unchanged (same object, no fixes)."""
    if not text or text.isascii():
        return Repair(text=text, fixes=[])
    edits: list = []
    # seed 000: tag residue after a shifted character
    if ">" in text:
        proven = _fix_residues(text, edits)
        if proven >= 2:
            _fix_lost_marks(text, edits)
    # seed 001: mirror annotations and misaligned GBK
    if ")" in text and _ANNOT_RE.search(text):
        _fix_mirror(text, edits)
    # seed 002: pinyin superlatives
    if _SUPER_RE.search(text):
        _fix_superlatives(text, edits)
    # mojibake
    spans = []
    for m in _LATIN1_RE.finditer(text):
        i = m.start()
        if (i + 1 < len(text) and text[i + 1] in _LATIN_SET) or (i and text[i - 1] in _LATIN_SET):
            spans.append((max(0, i - 1), i + 2))
    spans += [m.span() for m in _utf8_gbk_re().finditer(text)]
    spans += [m.span() for m in _ODD_RE.finditer(text) if _local_suspect(text, *m.span())]
    last = -1
    for m in _rare_re().finditer(text):
        if m.start() < last:
            continue  # inside the window already looked at
        if _local_suspect(text, *m.span()):
            spans.append(m.span())
        last = m.end() + 4
    if spans:
        taken = _merge_taken(edits)
        spans = [sp for sp in spans if not _overlaps(taken, sp)]
        if spans:
            _fix_mojibake(text, edits, spans)
    if not edits:
        return Repair(text=text, fixes=[])
    return _apply(text, edits)


def _merge_taken(edits):
    return sorted((s, e) for s, e, *_ in edits)


def _overlaps(taken, sp):
    a, b = sp
    for s, e in taken:
        if s < b and a < e:
            return True
    return False


def _apply(text: str, edits: list) -> Repair:
    edits.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out = []
    fixes = []
    pos = 0
    for s, e, after, fam, conf, lost in edits:
        if s < pos:
            continue  # overlapping: the earlier (longer) edit wins
        out.append(text[pos:s])
        out.append(after)
        fixes.append(Fix(family=fam, start=s, end=e, before=text[s:e], after=after,
                         confidence=float(conf), lost=int(lost)))
        pos = e
    out.append(text[pos:])
    return Repair(text="".join(out), fixes=fixes)
