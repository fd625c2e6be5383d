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
@lru_cache(maxsize=65536)
def _gbk2(ch: str) -> bytes | None:
    """The bytes a GBK decoder consumed to produce ``ch`` (1 for ASCII, 2 otherwise)."""
    if ch < "\x80":
        return ch.encode("ascii")
    if ch == "€":
        return b"\x80"
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
        lo = max(text.rfind("<", 0, p), text.rfind(">", 0, p), text.rfind("\n", 0, p), p - 400) + 1
        seg = text[lo:p]
        if seg:
            # tag name followed by attributes (first whitespace) or by ">" directly
            cuts = [len(seg)]
            for i, c in enumerate(seg):
                if c in " \t":
                    cuts.insert(len(cuts) - 1, i)
                    if len(cuts) > 6:
                        break
            for cut in cuts:
                m = _NAME_TAIL_RE.search(seg, 0, cut)
                if not m or m.start() == 0:
                    continue
                name = m.group().lstrip("/").lower()
                if name not in _TAGSET:
                    continue
                if cut < len(seg) and ("<" in seg[cut:]):
                    continue
                yield lo + m.start() - 1, p + 1
                break
        p = text.find(">", p + 1)


def _fix_residues(text: str, edits: list) -> int:
    """Tag residue glued to a shifted character; returns the number of proven sites."""
    proven = 0
    for start, end in _iter_residues(text):
        ch = text[start]
        if ch in " \t\n<>":
            continue
        prev = text[start - 1] if start else ""
        if ch == "?":
            if not (prev and (prev >= "\x80" or prev == "?" or prev == ">")):
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
            if not ("!" <= ch <= "}") or not prev or prev < "\x80" or ch.isalpha():
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
    """Guess the character behind a ``?`` of the lossy round trip; only when confident."""
    left = text[qpos - 1] if qpos else ""
    right = text[after_end] if after_end < len(text) else ""
    if not left or not _is_cjk(left):
        return None, 0.0
    lm = get_lm()
    cands = _lost_candidates()
    best = []
    for c in cands:
        lp = lm.cond(left, c)
        if right and _is_cjk(right):
            lp += lm.cond(c, right)
        best.append((lp, c))
    best.sort(reverse=True)
    tot = sum(10 ** (lp - best[0][0]) for lp, _ in best[:200])
    post = 1.0 / tot
    if post >= 0.97:
        return best[0][1], round(post, 3)
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
    pys = _pinyins(ch)
    return not pys or py in pys


_AN_RE = re.compile(f"(?P<ch>[{_CJK_CLASS}])\\((?P<py>[{_PINYIN}]{{1,7}})\\)")
_QPY_RE = re.compile(f"\\?(?P<py>[{_PINYIN}]{{1,7}})\\)")


def _fix_mirror(text: str, edits: list) -> None:
    annots = [m for m in _AN_RE.finditer(text) if _annotation_ok(m.group("ch"), m.group("py"))]
    markers = list(_QPY_RE.finditer(text))
    if len(annots) + len(markers) < 2:
        return
    taken_until = -1
    # misaligned runs first: they may contain annotations of their own
    for m in markers:
        if m.start() < taken_until:
            continue
        res = _realign(text, m.start())
        if res is None:
            continue
        s, e, after, lost, conf = res
        edits.append((s, e, after, "gbk_misaligned", conf, lost))
        taken_until = e
    # '?' + misaligned run without pinyin (lost lead byte + ASCII), only in proven mirrors
    for m in re.finditer(r"\?(?=[^\x00-\x7f])", text):
        if m.start() < taken_until or _QPY_RE.match(text, m.start()):
            continue
        res = _realign(text, m.start())
        if res is None:
            continue
        s, e, after, lost, conf = res
        edits.append((s, e, after, "gbk_misaligned", conf, lost))
        taken_until = max(taken_until, e)
    for m in annots:
        s = m.start() + 1
        edits.append((s, m.end(), "", "pinyin_annotation", 0.95, 0))


def _region(text: str, i: int):
    """Collect the misaligned region starting at ``i``: list of byte strings and its end.

    Returns (parts, end, tail) where tail describes how the region stopped:
    ("trail", byte) an ASCII byte 0x40-0x7E in lead position (realigns; it is a trail),
    ("qpy", py, end) a ``?pinyin)`` marker (lost trail byte + annotation),
    ("q", None, end) a bare ``?`` (lost trail byte + lost ASCII byte),
    ("stop", None) anything else.
    """
    parts: list[bytes] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c >= "\x80":
            b = _gbk2(c)
            if b is None or len(b) != 2:
                return parts, i, ("stop", None)
            parts.append(b)
            i += 1
            continue
        m = _AN_RE.match(text, i - 1) if i else None
        if c == "(" and m and m.start() == i - 1:
            i = m.end()  # an annotation inside the misaligned run: drop it
            continue
        if c == "?":
            mq = _QPY_RE.match(text, i)
            if mq:
                return parts, i, ("qpy", mq.group("py"), mq.end())
            return parts, i, ("q", None, i + 1)
        if "\x40" <= c <= "\x7e":
            return parts, i, ("trail", c.encode("ascii"))
        if "!" <= c <= "\x3e" and c not in "0123456789":
            # NFKC folded a full-width form the misaligned decoder produced
            try:
                parts.append(chr(ord(c) + 0xFEE0).encode("gb18030"))
            except UnicodeEncodeError:
                return parts, i, ("stop", None)
            i += 1
            continue
        return parts, i, ("stop", None)
    return parts, i, ("stop", None)


def _lead_candidates(prev_byte: int | None, py: str | None) -> list[int]:
    cands = list(range(0x81, 0xFF))
    if prev_byte is None or py is None:
        return cands
    out = []
    for x in cands:
        try:
            ch = bytes([prev_byte, x]).decode("gb18030")
        except UnicodeDecodeError:
            continue
        pys = _pinyins(ch)
        if py in pys:
            out.append(x)
    return out or cands


def _trail_candidates(lead: int, py: str | None) -> list[int]:
    out = []
    for x in list(range(0x40, 0x7F)) + list(range(0x80, 0xFF)):
        try:
            ch = bytes([lead, x]).decode("gb18030")
        except UnicodeDecodeError:
            continue
        if py is None or py in _pinyins(ch):
            out.append(x)
    return out


def _realign(text: str, q: int):
    """Undo a misaligned GBK run that starts at the ``?`` at position ``q``."""
    if q == 0:
        return None
    prev = text[q - 1]
    mq = _QPY_RE.match(text, q)
    py = mq.group("py") if mq else None
    j = mq.end() if mq else q + 1
    parts, k, tail = _region(text, j)
    if len(parts) < 1:
        return None
    body = b"".join(parts)
    prev_b = _gbk2(prev) if prev >= "\x80" else None
    prev_byte = prev_b[1] if prev_b and len(prev_b) == 2 else None
    if py is not None and prev_byte is None:
        return None
    leads = _lead_candidates(prev_byte, py)
    end = k
    suffix_opts: list[tuple[bytes, int, str]] = [(b"", 0, "")]
    if tail[0] == "trail":
        suffix_opts = [(tail[1], 0, "")]
        end = k + 1
    elif tail[0] == "qpy":
        end = tail[2]
        # lost trail byte: the annotated character is (last byte, lost byte) with this pinyin
        suffix_opts = []
        last = body[-1]
        for x in _trail_candidates(last, tail[1])[:40]:
            suffix_opts.append((bytes([x]), 0, ""))
        if not suffix_opts:
            suffix_opts = [(b"", 1, LOST)]
    elif tail[0] == "q":
        end = tail[2]
        suffix_opts = [(b"", 2, LOST)]
    lm = get_lm()
    left = text[max(0, q - 2):q]
    right = text[end:end + 2]
    best = None
    # with no pinyin, the '?' may also hide a dropped byte only (the first byte is a trail)
    options = [(bytes([x]), 0) for x in leads]
    if py is None:
        options.append((b"", 1))
    for pre, lost_pre in options:
        for suf, lost_suf, suf_txt in suffix_opts:
            data = pre + body + suf
            try:
                dec = data.decode("gb18030")
            except UnicodeDecodeError:
                continue
            if not _good_text(dec):
                continue
            cand = (LOST if lost_pre else "") + dec + suf_txt
            sc = lm.score(left + cand + right)
            if best is None or sc > best[0]:
                best = (sc, cand, lost_pre + lost_suf)
    if best is None:
        return None
    orig = text[q:end]
    so = lm.score(left + orig + right)
    if best[0] - so < 2.0 + 0.5 * len(parts):
        return None
    return q, end, best[1], best[2], 0.9 if py else 0.75


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
        # "zui" alone must lead into a CJK word; "diyi" may close a phrase (力争diyi、)
        if word == "zui" and not rc:
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


def _candidates_for_run(run: str, only=None):
    """Yield (start, end, candidate, family, lost) within ``run`` (run-relative offsets)."""
    n = len(run)
    has_lost = LOST in run
    for fam, wrong, target in _FAMILIES:
        if only is not None and fam not in only and not any(o.startswith("double:") for o in only):
            continue
        pieces = _wrong_bytes(run, wrong)
        if not has_lost and all(p is not None for p in pieces):
            data = b"".join(pieces)
            if data.isascii():
                continue
            try:
                cand = data.decode(_TARGET[target])
                yield 0, n, cand, fam, 0
                continue
            except UnicodeDecodeError:
                pass
        if has_lost and target == "utf8" and all(p is not None or run[i] == LOST for i, p in enumerate(pieces)):
            res = _lossy_decode(pieces, target)
            if res:
                yield 0, n, res[0], fam, res[1]
        for i, j in _stretches(pieces, target):
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


def _judge(text: str, s: int, e: int, cand: str, lost: int) -> float | None:
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
    need = 4.0 + 1.0 * nn
    if gain < need:
        return None
    core = cand.replace(LOST, "")
    if core and _plaus(core) < 0.8:
        return None
    if lost and lost * 3 > max(1, len(core)):
        return None
    return gain


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
    fams = {e[3] for e in edits[n0:]}
    if fams:
        # document-level evidence: the same wrong decode usually hit every run of the text,
        # including short ones that did not trip a detector; judge them all for those families.
        taken = _merge_taken(edits)
        for k, sp in enumerate(runs):
            if k in todo or _overlaps(taken, sp):
                continue
            _fix_run(text, sp[0], sp[1], edits, fams)


def _fix_run(text: str, rs: int, re_: int, edits: list, only=None) -> None:
    run = text[rs:re_]
    best = []
    for i, j, cand, fam, lost in _candidates_for_run(run, only):
        g = _judge(text, rs + i, rs + j, cand, lost)
        if g is None:
            continue
        best.append((g, rs + i, rs + j, cand, fam, lost))
    if not best:
        return
    best.sort(key=lambda x: -x[0])
    chosen = []
    for g, s, e, cand, fam, lost in best:
        if any(not (e <= cs or s >= ce) for _, cs, ce, *_ in chosen):
            continue
        # double encodings: the candidate may itself be mojibake of another layer
        layers = [fam]
        for _ in range(2):
            inner = _best_inner(cand)
            if inner is None:
                break
            cand, fam2, lost2 = inner
            layers.append(fam2)
            lost += lost2
        family = fam if len(layers) == 1 else "double:" + "+".join(reversed(layers))
        chosen.append((g, s, e, cand, family, lost))
    for g, s, e, cand, family, lost in chosen:
        conf = min(0.99, 0.6 + g / 40.0)
        edits.append((s, e, cand, family, round(conf, 3), lost))


def _best_inner(s: str):
    best = None
    for i, j, cand, fam, lost in _candidates_for_run(s):
        if i != 0 or j != len(s):
            continue
        g = _judge(s, 0, len(s), cand, lost)
        if g is not None and (best is None or g > best[0]):
            best = (g, cand, fam, lost)
    return None if best is None else best[1:]


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
    spans = [m.span() for m in _LATIN_PAIR_RE.finditer(text)
             if "\xa1" <= text[m.start()] <= "\xff" or "\xa1" <= text[m.start() + 1] <= "\xff"]
    spans += [m.span() for m in _ODD_RE.finditer(text)]
    spans += [m.span() for m in _rare_re().finditer(text)]
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
