"""Offline Chinese character language model built from data that ships in packages.

* jieba's ``dict.txt`` (349k words with corpus frequencies) gives character unigram and
  within-word bigram counts for simplified Chinese;
* OpenCC's ``STCharacters.txt`` maps every simplified character to its traditional forms, so
  the same counts cover traditional text (the first variant gets the count, others a share).

The model is built once (about 2 s) and cached as ``.npz`` under ``$GOVCRAWL_CACHE`` or
``~/.cache/govcrawl``; if the cache is not writable it simply lives in memory.

Uses: decode's plausibility score (is this byte interpretation Chinese?) and repair's
candidate scoring (is the repaired string more Chinese than the damaged one?).
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import unicodedata
from pathlib import Path

import numpy as np

_LOCK = threading.Lock()
_MODEL: "CharLM | None" = None
_VERSION = "3"


def _sources() -> tuple[Path, Path]:
    import jieba  # noqa: F401  (only for the path of its dict)
    import opencc

    jd = Path(jieba.__file__).parent / "dict.txt"
    od = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    return jd, od


def _cache_path(jd: Path, od: Path) -> Path:
    base = os.environ.get("GOVCRAWL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "govcrawl")
    st = f"{_VERSION}:{jd}:{jd.stat().st_size}:{jd.stat().st_mtime_ns}:{od.stat().st_size}"
    h = hashlib.sha1(st.encode()).hexdigest()[:12]
    return Path(base) / f"charlm-{h}.npz"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F
            or 0xF900 <= o <= 0xFAFF)


def _build(jd: Path, od: Path):
    uni: dict[str, float] = {}
    bi: dict[int, float] = {}
    with open(jd, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            w = parts[0]
            try:
                n = float(parts[1])
            except ValueError:
                continue
            n = n + 1.0
            prev = 0
            for ch in w:
                if _is_cjk(ch):
                    uni[ch] = uni.get(ch, 0.0) + n
                    o = ord(ch)
                    if prev:
                        k = (prev << 21) | o
                        bi[k] = bi.get(k, 0.0) + n
                    prev = o
                else:
                    prev = 0
    # traditional forms
    s2t: dict[str, list[str]] = {}
    with open(od, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" not in line:
                continue
            s, ts = line.split("\t", 1)
            variants = ts.split()
            if len(s) == 1 and variants:
                s2t[s] = variants
    for s, variants in s2t.items():
        c = uni.get(s)
        if not c:
            continue
        for i, t in enumerate(variants):
            if t == s:
                continue
            share = c if i == 0 else c * 0.05
            uni[t] = uni.get(t, 0.0) + share
    first = {s: v[0] for s, v in s2t.items() if v[0] != s}
    if first:
        extra: dict[int, float] = {}
        for k, n in bi.items():
            a, b = chr(k >> 21), chr(k & 0x1FFFFF)
            ta, tb = first.get(a, a), first.get(b, b)
            if ta != a or tb != b:
                k2 = (ord(ta) << 21) | ord(tb)
                extra[k2] = extra.get(k2, 0.0) + n
        for k, n in extra.items():
            bi[k] = bi.get(k, 0.0) + n
    chars = np.array([ord(c) for c in uni], dtype=np.int64)
    ucount = np.array(list(uni.values()), dtype=np.float64)
    bkeys = np.fromiter(bi.keys(), dtype=np.int64, count=len(bi))
    bcount = np.fromiter(bi.values(), dtype=np.float64, count=len(bi))
    order = np.argsort(bkeys)
    return chars, ucount, bkeys[order], bcount[order]


class CharLM:
    """Character unigram + bigram model with interpolated smoothing (log10 domain)."""

    def __init__(self, chars, ucount, bkeys, bcount):
        total = float(ucount.sum())
        self.total = total
        self.uni_count: dict[str, float] = {chr(int(c)): float(n) for c, n in zip(chars, ucount)}
        self.uni: dict[str, float] = {c: math.log10(n / total) for c, n in self.uni_count.items()}
        self.unk = math.log10(0.2 / total)
        self._bkeys = bkeys
        self._bcount = bcount
        # rank-based classes
        ranked = sorted(self.uni_count.items(), key=lambda kv: -kv[1])
        self.common = frozenset(c for c, _ in ranked[:6000])
        self._bi_cache: dict[int, float] = {}
        self._cond_cache: dict = {}

    # --- lookups -------------------------------------------------------------------------
    def bigram_count(self, a: str, b: str) -> float:
        k = (ord(a) << 21) | ord(b)
        v = self._bi_cache.get(k)
        if v is None:
            i = int(np.searchsorted(self._bkeys, k))
            v = float(self._bcount[i]) if i < len(self._bkeys) and self._bkeys[i] == k else 0.0
            if len(self._bi_cache) < 500_000:
                self._bi_cache[k] = v
        return v

    def logp(self, ch: str) -> float:
        return self.uni.get(ch, self.unk)

    def known(self, ch: str) -> bool:
        return ch in self.uni

    def cond(self, a: str | None, b: str) -> float:
        """log10 P(b | a), interpolated; a may be None or a non-CJK char."""
        pu = 10 ** self.uni.get(b, self.unk)
        if a is None or a not in self.uni_count or b not in self.uni_count:
            return math.log10(pu)
        c = self.bigram_count(a, b)
        pb = c / self.uni_count[a]
        return math.log10(0.7 * pb + 0.3 * pu)

    def score(self, text: str) -> float:
        """Total log10 probability of the CJK characters of ``text`` (others cost a flat rate)."""
        s = 0.0
        prev = None
        cache = self._cond_cache
        cond = self.cond
        for ch in text:
            o = ord(ch)
            if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF:
                key = (prev, ch)
                v = cache.get(key)
                if v is None:
                    v = cond(prev, ch)
                    if len(cache) < 400_000:
                        cache[key] = v
                s += v
                prev = ch
            else:
                s += _other_cost(ch)
                prev = None
        return s

    def char_class(self, ch: str) -> float:
        """Plausibility of one non-ASCII character in Chinese web text, 0..1."""
        if ch in self.common:
            return 1.0
        if ch in self.uni:
            return 0.55
        return _other_plaus(ch)


_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】〔〕—…·「」『』〖〗～￥％＃＆＊＋－／＜＝＞＠　①②③④⑤⑥⑦⑧⑨⑩" "•°℃×÷±≤≥→←↑↓■□●○◆◇★☆※§№")


def _other_plaus(ch: str) -> float:
    if ch in _PUNCT:
        return 1.0
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        return 0.9
    if _is_cjk(ch):
        return 0.15
    if ch == "\ufffd":
        return 0.0
    if 0xE000 <= o <= 0xF8FF or 0x80 <= o <= 0x9F:
        return 0.0
    cat = unicodedata.category(ch)
    if cat.startswith("Z"):
        return 0.8
    if 0x2000 <= o <= 0x206F:
        return 0.8
    return 0.1


def _other_cost(ch: str) -> float:
    o = ord(ch)
    if o < 0x80:
        return -1.0
    if ch in _PUNCT:
        return -2.0
    if ch == "\ufffd" or 0xE000 <= o <= 0xF8FF:
        return -12.0
    return -7.0


def get_lm() -> CharLM:
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    with _LOCK:
        if _MODEL is not None:
            return _MODEL
        jd, od = _sources()
        path = _cache_path(jd, od)
        arrays = None
        if path.exists():
            try:
                with np.load(path) as z:
                    arrays = (z["chars"], z["ucount"], z["bkeys"], z["bcount"])
            except Exception:
                arrays = None
        if arrays is None:
            arrays = _build(jd, od)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
                np.savez(tmp, chars=arrays[0], ucount=arrays[1], bkeys=arrays[2], bcount=arrays[3])
                os.replace(tmp, path)
            except OSError:
                pass
        _MODEL = CharLM(*arrays)
        return _MODEL


def plausibility(text: str, limit: int = 20000) -> float:
    """Mean plausibility (0..1) of the non-ASCII, non-space characters of ``text``.

    1.0 for text without any such character (pure ASCII is plausible under any label).
    """
    lm = get_lm()
    n = 0
    s = 0.0
    cc = lm.char_class
    for ch in text[:limit] if len(text) > limit else text:
        if ch < "\x80" or ch.isspace():
            continue
        n += 1
        s += cc(ch)
    return s / n if n else 1.0
