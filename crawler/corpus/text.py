"""Text helpers for the corpus: normalisation for dedup, script detection, segmentation.

Everything here is deterministic and pure (no database), so it can run in the extract
process pool (see :func:`crawler.corpus.prepare`).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from functools import lru_cache

__all__ = [
    "dedup_normalize",
    "dedup_lines",
    "text_hash",
    "detect_script",
    "to_simplified",
    "segment_words",
    "search_fold",
    "search_grams",
    "normalized_codepoints",
    "is_cjk",
]

# ---------------------------------------------------------------------------
# OpenCC character tables (read from opencc-python-reimplemented's dictionaries)
# ---------------------------------------------------------------------------


def _opencc_dir() -> str | None:
    try:
        import opencc  # type: ignore
    except ImportError:  # pragma: no cover - dependency is declared
        return None
    return os.path.join(os.path.dirname(opencc.__file__), "dictionary")


def _read_pairs(name: str) -> dict[str, list[str]]:
    d = _opencc_dir()
    out: dict[str, list[str]] = {}
    if not d:
        return out
    path = os.path.join(d, name)
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2:
                continue
            key, vals = parts
            if len(key) != 1:
                continue
            out[key] = vals.split()
    return out


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], frozenset[str], frozenset[str]]:
    ts = _read_pairs("TSCharacters.txt")  # traditional -> simplified candidates
    st = _read_pairs("STCharacters.txt")  # simplified -> traditional candidates
    t2s: dict[int, str] = {}
    for t, simps in ts.items():
        if simps and simps[0] != t:
            t2s[ord(t)] = simps[0]
    # characters that only occur in traditional text / only in simplified text
    trad_only = frozenset(t for t, s in ts.items() if s and s[0] != t and t not in st)
    simp_only = frozenset(s for s, ts_ in st.items() if ts_ and s not in ts_ and s not in ts)
    return t2s, trad_only, simp_only


def to_simplified(text: str) -> str:
    """Character-level traditional -> simplified mapping (first OpenCC candidate).

    Good enough for dedup and search keys; not a faithful conversion (no phrases)."""
    return text.translate(_tables()[0])


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF) or (0x3400 <= o <= 0x4DBF) or (0x20000 <= o <= 0x2FA1F) or (
        0xF900 <= o <= 0xFAFF
    )


_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@lru_cache(maxsize=1)
def _script_masks():
    import numpy as np

    _, trad_only, simp_only = _tables()
    t = np.zeros(0x10000, dtype=bool)
    s = np.zeros(0x10000, dtype=bool)
    for ch in trad_only:
        if ord(ch) < 0x10000:
            t[ord(ch)] = True
    for ch in simp_only:
        if ord(ch) < 0x10000:
            s[ord(ch)] = True
    return t, s


def detect_script(text: str) -> str:
    """'simplified' | 'traditional' | 'mixed' | 'neutral' (Chinese, no telling characters)
    | 'none' (no Chinese characters)."""
    import numpy as np

    if not text:
        return "none"
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cps = cps[cps < 0x10000]
    tm, sm = _script_masks()
    t = int(np.count_nonzero(tm[cps]))
    s = int(np.count_nonzero(sm[cps]))
    if t == 0 and s == 0:
        return "neutral" if _CJK_RE.search(text) else "none"
    ratio = t / (t + s)
    if ratio >= 0.8:
        return "traditional"
    if ratio <= 0.2:
        return "simplified"
    return "mixed"


# ---------------------------------------------------------------------------
# Dedup normalisation
# ---------------------------------------------------------------------------

# pinyin annotations a spam mirror appends after traditional-only characters: 報(bào)告
_PINYIN_NOTE_RE = re.compile(
    r"(?<=[\u3400-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _lut():
    """Per-code-point table for the BMP: NFKC, traditional->simplified, lower case, and
    whether the result is a letter/digit (kept) or punctuation/space/symbol (dropped)."""
    import numpy as np

    t2s = _tables()[0]
    n = 0x10000
    lut = np.arange(n, dtype=np.uint32)
    keep = np.zeros(n, dtype=bool)
    for cp in range(n):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        m = unicodedata.normalize("NFKC", ch)
        if m != ch:
            m = "".join(x for x in m if x.isalnum())
            if len(m) != 1:
                keep[cp] = False if not m else ch.isalnum()
                continue
        m = m.translate(t2s).lower()
        if len(m) != 1:
            m = m[0]
        lut[cp] = ord(m)
        keep[cp] = m.isalnum()
    return lut, keep


def normalized_codepoints(text: str):
    """The dedup-normalised text as a numpy uint32 array of code points (see
    :func:`dedup_normalize`); vectorised: one table lookup per character."""
    import numpy as np

    if not text:
        return np.empty(0, dtype=np.uint32)
    if "(" in text or "（" in text:
        text = _PINYIN_NOTE_RE.sub("", text)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lut, keep = _lut()
    if cps.size and int(cps.max()) >= 0x10000:
        big = cps >= 0x10000
        small = np.where(big, 0, cps)
        mapped = np.where(big, cps, lut[small])
        mask = np.where(big, True, keep[small])
    else:
        mapped = lut[cps]
        mask = keep[cps]
    return mapped[mask]


def dedup_normalize(text: str) -> str:
    """The key text used for hashing and shingling.

    Pinyin notes dropped, then per character: NFKC, traditional mapped to simplified,
    lower case, and every character that is not a letter or digit (punctuation,
    whitespace, symbols) removed -- so that full-width/half-width punctuation, line breaks
    and script do not matter."""
    cps = normalized_codepoints(text)
    return cps.tobytes().decode("utf-32-le", "surrogatepass") if cps.size else ""


def dedup_lines(text: str) -> list[str]:
    """Normalised non-empty lines (paragraphs) of a text, for boilerplate detection."""
    out = []
    for line in (text or "").splitlines():
        n = dedup_normalize(line)
        if n:
            out.append(n)
    return out


def text_hash(normalized: str) -> str:
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Search tokens
# ---------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_cut_for_search = None


def _segmenter():
    """jieba's search-mode cut without HMM.  Uses rjieba (jieba-rs: the same dictionary and
    algorithm, ~8x faster, identical tokens on our test corpora) when it is installed."""
    global _cut_for_search
    if _cut_for_search is None:
        with _jieba_lock:
            if _cut_for_search is None:
                try:
                    import rjieba  # type: ignore

                    _cut_for_search = lambda t: rjieba.cut_for_search(t, hmm=False)  # noqa: E731
                except ImportError:
                    import jieba  # type: ignore

                    jieba.setLogLevel(logging.WARNING)
                    jieba.initialize()
                    _cut_for_search = lambda t: jieba.cut_for_search(t, HMM=False)  # noqa: E731
    return _cut_for_search


_NONWORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def search_fold(text: str) -> str:
    """Per character: NFKC, traditional -> simplified, lower case (the table of
    :func:`dedup_normalize`, but punctuation is kept).  Same length as ``text``."""
    import numpy as np

    if not text:
        return ""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lut, _keep = _lut()
    if int(cps.max()) >= 0x10000:
        cps = np.where(cps >= 0x10000, cps, lut[np.where(cps >= 0x10000, 0, cps)]).astype(np.uint32)
    else:
        cps = lut[cps]
    return cps.tobytes().decode("utf-32-le", "surrogatepass")


def segment_words(text: str, folded: bool = False) -> str:
    """jieba search-mode segmentation, space-joined, of the folded text (see
    :func:`search_fold`; punctuation dropped). Indexed with FTS5 unicode61 so that word
    queries match."""
    if not text:
        return ""
    t = text if folded else search_fold(text)
    t = _NONWORD_RE.sub(" ", t)
    return " ".join(" ".join(_segmenter()(t)).split())


_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def search_grams(text: str, folded: bool = False) -> str:
    """Distinct Chinese unigrams and bigrams (first-occurrence order), space-joined.

    With unicode61 each becomes one token, so a 1- or 2-character query such as 氢能 is an
    exact token match even where jieba segmented the text differently (市政协 -> 政协)."""
    if not text:
        return ""
    t = text if folded else search_fold(text)
    toks: list[str] = []
    for run in _RUN_RE.findall(t):
        toks.extend(run)
        toks.extend(map(str.__add__, run, run[1:]))
    return " ".join(dict.fromkeys(toks))
