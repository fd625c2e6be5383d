"""Vectorised MinHash over character 5-grams, with banded LSH keys.

* Shingles: every run of ``K = 5`` consecutive characters of the dedup-normalised text
  (see :func:`crawler.corpus.text.dedup_normalize`), hashed to 64 bits with a polynomial
  over the code points followed by the splitmix64 finaliser -- all numpy, no Python loop
  per shingle.
* Permutations: ``NUM_PERM = 128`` multiply-shift hashes ``(a*x + b) >> 32`` (a odd,
  fixed seed) evaluated as one ``(n_shingles, 128)`` matrix; the signature is the column
  minimum, 128 x uint32 = a 512-byte BLOB.
* LSH: ``BANDS = 21`` bands of ``ROWS = 6`` values.  P(candidate) = 1-(1-s^6)^21 is 0.998
  at s = 0.8 and 0.98 at s = 0.75 (the S-curve midpoint is about 0.6): we index well below
  the 0.8 decision threshold and decide on the *exact* Jaccard of the shingle sets, so
  recall is not lost to the LSH curve and precision is not lost to estimation error.

Everything is deterministic (fixed seed) so a rebuild computes the same signatures.
"""
from __future__ import annotations

import threading

import numpy as np

K = 5
NUM_PERM = 128
BANDS = 21
ROWS = 6
SEED = 20240116

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_P = np.uint64(0x100000001B3)  # FNV prime as polynomial base
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)

_rng = np.random.default_rng(SEED)
_A = (_rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64) << np.uint64(1)
_BAND_MULT = (_rng.integers(0, 2**63, ROWS, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_EMPTY_SIG = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
_CHUNK = 4096


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (in place on a uint64 array)."""
    h ^= h >> _S30
    h *= _C1
    h ^= h >> _S27
    h *= _C2
    h ^= h >> _S31
    return h


def shingle_hashes(norm, k: int = K) -> np.ndarray:
    """64-bit hashes of all character k-grams of ``norm`` (a normalised text with no gaps,
    as str or as a uint32 code point array).

    A text shorter than k yields one shingle (the whole text); an empty text none."""
    if isinstance(norm, np.ndarray):
        if norm.size == 0:
            return np.empty(0, dtype=np.uint64)
        cps = norm.astype(np.uint64)
    else:
        if not norm:
            return np.empty(0, dtype=np.uint64)
        cps = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    n = cps.shape[0]
    if n < k:
        k = n
    m = n - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):  # k (=5) vector operations, not a loop per shingle
            h *= _P
            h += cps[i : i + m] + np.uint64(1)
        h += np.uint64(k) * _GOLD
        return _mix(h)


_tls = threading.local()


def _buffer(n: int) -> np.ndarray:
    buf = getattr(_tls, "buf", None)
    if buf is None:
        buf = _tls.buf = np.empty((_CHUNK, NUM_PERM), dtype=np.uint64)
    return buf[:n]


def signature_from_hashes(h: np.ndarray) -> np.ndarray:
    """MinHash signature (uint32[NUM_PERM]) of a set of 64-bit shingle hashes.

    perm_j(x) = (a_j * x + b_j) mod 2^64, keep the top 32 bits.  The top 32 bits of the
    minimum equal the minimum of the top 32 bits, so the shift is applied once, after the
    column minimum.  A reused buffer avoids page faults on every call."""
    if h.size == 0:
        return _EMPTY_SIG.copy()
    sig = None
    with np.errstate(over="ignore"):
        for s in range(0, h.shape[0], _CHUNK):
            blk = h[s : s + _CHUNK]
            out = _buffer(blk.shape[0])
            np.multiply(blk[:, None], _A[None, :], out=out)
            np.add(out, _B[None, :], out=out)
            m = out.min(axis=0)
            sig = m if sig is None else np.minimum(sig, m)
    return (sig >> _S32).astype(np.uint32)


def signature(norm) -> np.ndarray:
    """Signature of an already normalised text (str or code point array)."""
    return signature_from_hashes(shingle_hashes(norm))


def text_signature(text: str) -> np.ndarray:
    """Signature of a raw text: dedup normalisation + 5-gram MinHash, all vectorised."""
    from .text import normalized_codepoints

    return signature_from_hashes(shingle_hashes(normalized_codepoints(text)))


def lsh_keys(sig: np.ndarray) -> list[int]:
    """BANDS signed 64-bit bucket keys (band index folded in), for an INTEGER column."""
    bands = sig[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = (bands * _BAND_MULT[None, :]).sum(axis=1, dtype=np.uint64)
        h += (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * _GOLD
        h = _mix(h)
    return [int(x) for x in h.view(np.int64)]


def lsh_keys_batch(sigs: np.ndarray) -> np.ndarray:
    """Same as :func:`lsh_keys` for an (n, NUM_PERM) array -> (n, BANDS) int64."""
    bands = sigs[:, : BANDS * ROWS].astype(np.uint64).reshape(-1, BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = (bands * _BAND_MULT[None, None, :]).sum(axis=2, dtype=np.uint64)
        h += ((np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * _GOLD)[None, :]
        h = _mix(h)
    return h.view(np.int64)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.shape[0]


def jaccard(ha: np.ndarray, hb: np.ndarray) -> float:
    """Exact Jaccard of two shingle-hash arrays (duplicates allowed)."""
    ua = np.unique(ha)
    ub = np.unique(hb)
    if ua.size == 0 and ub.size == 0:
        return 1.0
    inter = np.intersect1d(ua, ub, assume_unique=True).size
    return inter / (ua.size + ub.size - inter)


def containment(ha: np.ndarray, hb: np.ndarray) -> float:
    """|A & B| / min(|A|, |B|) of two shingle-hash arrays."""
    ua = np.unique(ha)
    ub = np.unique(hb)
    if ua.size == 0 or ub.size == 0:
        return 0.0
    inter = np.intersect1d(ua, ub, assume_unique=True).size
    return inter / min(ua.size, ub.size)
