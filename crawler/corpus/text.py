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
    "search_grams",
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


def detect_script(text: str) -> str:
    """'simplified' | 'traditional' | 'mixed' | 'neutral' (Chinese, no telling characters)
    | 'none' (no Chinese characters)."""
    _, trad_only, simp_only = _tables()
    n_cjk = 0
    t = s = 0
    for ch in text:
        if ch in trad_only:
            t += 1
        elif ch in simp_only:
            s += 1
    if t == 0 and s == 0:
        n_cjk = len(_CJK_RE.findall(text[:2000]))
        return "neutral" if n_cjk else "none"
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
    r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\)", re.IGNORECASE
)
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def dedup_normalize(text: str) -> str:
    """The key text used for hashing and shingling.

    NFKC, pinyin notes dropped, traditional mapped to simplified, lower case, and every
    character that is not a letter or digit (punctuation, whitespace, symbols) removed,
    so that full-width/half-width punctuation, line breaks and script do not matter."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = _PINYIN_NOTE_RE.sub("", t)
    t = t.translate(_tables()[0]).lower()
    return _NON_WORD_RE.sub("", t)


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
_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba  # type: ignore

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


_SPLIT_RE = re.compile(r"[^\w]+", re.UNICODE)


def segment_words(text: str) -> str:
    """jieba search-mode segmentation, space-joined, of NFKC-folded simplified lower-case
    text (punctuation dropped). Indexed with FTS5 unicode61 so that word queries match."""
    if not text:
        return ""
    jb = _get_jieba()
    t = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    toks = []
    for tok in jb.cut_for_search(t, HMM=False):
        tok = tok.strip()
        if tok and not _SPLIT_RE.fullmatch(tok):
            toks.append(tok)
    return " ".join(toks)


def search_grams(text: str) -> str:
    """Distinct Chinese unigrams and bigrams (first-occurrence order), space-joined.

    With unicode61 each becomes one token, so a 1- or 2-character query such as 氢能 is an
    exact token match even where jieba segmented the text differently (市政协 -> 政协)."""
    if not text:
        return ""
    t = to_simplified(unicodedata.normalize("NFKC", text))
    seen: dict[str, None] = {}
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", t):
        for i, ch in enumerate(run):
            if ch not in seen:
                seen[ch] = None
            if i + 1 < len(run):
                bg = run[i : i + 2]
                if bg not in seen:
                    seen[bg] = None
    return " ".join(seen)
