"""Decode fetched bytes into text without creating mojibake.

Order of evidence: BOM, then the declared labels (HTTP header, then ``<meta>``), each
*validated* by a strict decode and a plausibility score against the other Chinese
interpretations (UTF-8, GB18030, Big5-HKSCS); then per-segment decoding for pages that
mix encodings; charset-normalizer only when nothing decodes strictly and no label helps.
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import asdict, dataclass, field

from .labels import normalize_label
from .lm import get_lm

__all__ = ["Decoded", "decode", "sniff_meta_charset"]


@dataclass
class Decoded:
    text: str
    encoding: str
    source: str  # "bom" | "http" | "meta" | "detected" | "mixed" | "fallback"
    declared: str | None = None
    confidence: float = 1.0
    errors: int = 0
    segments: list[dict] = field(default_factory=list)
    labels: dict = field(default_factory=dict)  # {"http": raw label, "meta": raw label}

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("text")
        return d


# --- error counting ------------------------------------------------------------------------
_TLS = threading.local()


def _count_replace(exc: UnicodeDecodeError):
    _TLS.errors = getattr(_TLS, "errors", 0) + (exc.end - exc.start)
    return "\ufffd", exc.end


codecs.register_error("govcrawl-count", _count_replace)


def _decode_counting(data: bytes, codec: str) -> tuple[str, int]:
    _TLS.errors = 0
    text = data.decode(codec, "govcrawl-count")
    n = _TLS.errors
    _TLS.errors = 0
    return text, n


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


# --- meta sniffing --------------------------------------------------------------------------
_META_RE = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_XML_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""", re.IGNORECASE)


def sniff_meta_charset(head: bytes) -> str | None:
    """The charset of the first ``<meta charset>`` / ``http-equiv`` / XML declaration."""
    m = _META_RE.search(head)
    if m:
        return m.group(1).decode("ascii", "replace")
    m = _XML_RE.search(head)
    if m:
        return m.group(1).decode("ascii", "replace")
    return None


# --- scoring -----------------------------------------------------------------------------------
_SAMPLE_BYTES = 24000


def _byte_score(text: str) -> float:
    """Unigram log10 score per non-ASCII *byte-equivalent*; higher is more Chinese-like.

    Every candidate is scored on the same bytes, so dividing by the number of non-ASCII
    characters weighted by their encoded width keeps interpretations comparable: a common
    Hanzi costs about -3.5 whatever its width, a Latin-1 mojibake character about -7 per byte.
    """
    lm = get_lm()
    uni = lm.uni
    unk = lm.unk
    s = 0.0
    n = 0
    for ch in text:
        if ch < "\x80" or ch.isspace():
            continue
        lp = uni.get(ch)
        if lp is None:
            cls = lm.char_class(ch)
            lp = -3.0 if cls >= 0.9 else (unk + 2 if cls >= 0.15 else -9.0)
        s += lp
        n += 1
    return s / n if n else 0.0


def _plaus(text: str) -> float:
    lm = get_lm()
    n = 0
    s = 0.0
    for ch in text:
        if ch < "\x80" or ch.isspace():
            continue
        n += 1
        s += lm.char_class(ch)
    return s / n if n else 1.0


def _n_nonascii_bytes(body: bytes) -> int:
    return len(body) - len(body.translate(None, bytes(range(0x80, 0x100))))


# --- segmentation for mixed pages -----------------------------------------------------------
# ``<`` ``>`` and newlines are never trail bytes in GBK/GB18030/Big5 nor continuation bytes
# in UTF-8, so cutting there never splits a character of any candidate encoding.
_CUT_RE = re.compile(rb"[^<>\n]*(?:[<>\n]|$)")
_NONASCII_RE = re.compile(rb"[\x80-\xff]")
_CHINESE = ("utf-8", "gb18030", "big5hkscs")


def _chunks(body: bytes):
    pos = 0
    n = len(body)
    for m in _CUT_RE.finditer(body):
        if m.end() == m.start():
            if m.end() >= n:
                break
            continue
        yield m.start(), m.end()
        pos = m.end()
    if pos < n:
        yield pos, n


def _best_for_chunk(chunk: bytes, primary: str) -> tuple[str, str, int, float]:
    """Decode one chunk: returns (codec, text, errors, score)."""
    best = None
    order = ["utf-8", primary] + [c for c in _CHINESE if c not in ("utf-8", primary)]
    for codec in order:
        t = _strict(chunk, codec)
        if t is None:
            continue
        sc = _byte_score(t)
        if codec == "utf-8":
            sc += 0.6  # strict UTF-8 validity is strong evidence on its own
        elif codec == primary:
            sc += 0.2
        if best is None or sc > best[3]:
            best = (codec, t, 0, sc)
    if best is not None:
        return best
    # nothing strict: least damage wins, ties to primary
    cands = []
    for i, codec in enumerate(order):
        t, e = _decode_counting(chunk, codec)
        cands.append((e, -_byte_score(t), i, codec, t))
    e, negsc, _, codec, t = min(cands)
    return codec, t, e, -negsc


def _decode_mixed(body: bytes, primary: str):
    parts: list[str] = []
    segs: list[dict] = []
    errors = 0
    for start, end in _chunks(body):
        chunk = body[start:end]
        if chunk.isascii():
            parts.append(chunk.decode("ascii"))
            if segs:
                segs[-1]["end"] = end
            else:
                segs.append({"start": start, "end": end, "encoding": "ascii"})
            continue
        codec, t, e, _ = _best_for_chunk(chunk, primary)
        errors += e
        parts.append(t)
        if segs and (segs[-1]["encoding"] in (codec, "ascii")):
            segs[-1]["end"] = end
            segs[-1]["encoding"] = codec
            segs[-1]["errors"] = segs[-1].get("errors", 0) + e
        else:
            if segs and segs[-1]["encoding"] == "ascii":
                segs[-1]["encoding"] = codec
                segs[-1]["end"] = end
                segs[-1]["errors"] = e
            else:
                segs.append({"start": start, "end": end, "encoding": codec, "errors": e})
    for s in segs:
        s.setdefault("errors", 0)
        if s["encoding"] == "ascii":
            s["encoding"] = primary
    return "".join(parts), segs, errors


_CT_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([^\s;\"',]+)", re.IGNORECASE)


def _charset_param(value):
    """Accept a bare label or a whole Content-Type value (``text/html; charset=GBK``)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if ";" in value or "=" in value:
        m = _CT_CHARSET_RE.search(value)
        return m.group(1) if m else None
    return value


# --- main entry ---------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (b"\x84\x31\x95\x33", "gb18030"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ASCII_COMPATIBLE_EXCLUDE = {"utf-16-le", "utf-16-be", "iso2022_jp"}


def decode(body: bytes, declared: str | None = None, *, http_charset: str | None = None,
           meta_charset: str | None = None) -> Decoded:
    """Decode an HTTP response body.

    ``declared`` is the HTTP header's charset when the caller has only one label;
    ``http_charset``/``meta_charset`` override; a missing meta charset is sniffed from the
    first 4 KB.  Labels are validated, never trusted blindly.
    """
    if body is None:
        body = b""
    if isinstance(body, str):  # be forgiving
        return Decoded(text=body, encoding="utf-8", source="fallback", confidence=1.0)
    body = bytes(body)
    http_raw = _charset_param(http_charset if http_charset is not None else declared)
    meta_raw = _charset_param(meta_charset) if meta_charset is not None else sniff_meta_charset(body[:4096])
    labels = {k: v for k, v in (("http", http_raw), ("meta", meta_raw)) if v}
    declared_str = " | ".join(dict.fromkeys(labels.values())) or None
    http_codec = normalize_label(http_raw) if http_raw else None
    meta_codec = normalize_label(meta_raw) if meta_raw else None
    if meta_codec in ("utf-16-le", "utf-16-be"):
        meta_codec = "utf-8"  # WHATWG: a meta can't declare UTF-16

    def result(text, enc, source, conf, errors=0, segments=None):
        return Decoded(text=text, encoding=enc, source=source, declared=declared_str,
                       confidence=round(float(conf), 3), errors=errors,
                       segments=segments or [], labels=labels)

    # 1. BOM
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text, e = _decode_counting(body[len(bom):], codec)
            return result(text, codec, "bom", 1.0 if not e else 0.9, e)

    label_order: list[tuple[str, str]] = []
    for codec, src in ((http_codec, "http"), (meta_codec, "meta")):
        if codec and codec not in [c for c, _ in label_order]:
            label_order.append((codec, src))

    # 2. pure ASCII: every ASCII-compatible label agrees
    if body.isascii():
        for codec, src in label_order:
            if codec not in _ASCII_COMPATIBLE_EXCLUDE:
                return result(body.decode("ascii"), codec, src, 1.0)
        if label_order:  # a UTF-16 label on ASCII bytes: obey it if it decodes
            codec, src = label_order[0]
            t = _strict(body, codec)
            if t is not None and len(body) % 2 == 0 and _plaus(t) > 0.5:
                return result(t, codec, src, 0.8)
        return result(body.decode("ascii"), "utf-8", "fallback" if not labels else "detected", 1.0)

    src_of = {c: s for c, s in label_order}
    n_bytes = _n_nonascii_bytes(body)

    # 3. UTF-8 validity: a strict UTF-8 decode of non-trivial non-ASCII content is near proof.
    utf8 = _strict(body, "utf-8")
    sample = body[:_SAMPLE_BYTES]
    candidates: dict[str, tuple[str | None, float]] = {}

    def cand(codec: str):
        if codec not in candidates:
            if codec == "utf-8":
                t = utf8
            else:
                t = _strict(body, codec)
            sc = _byte_score(_strict(sample, codec) or t[: _SAMPLE_BYTES]) if t is not None else -99.0
            candidates[codec] = (t, sc)
        return candidates[codec]

    if utf8 is not None:
        # Compare against the labelled legacy codec only when the UTF-8 evidence is thin.
        utf8_src = src_of.get("utf-8", "detected")
        legacy = [c for c, _ in label_order if c != "utf-8"]
        if n_bytes >= 12 or not legacy:
            return result(utf8, "utf-8", utf8_src, 0.99 if n_bytes >= 12 else 0.9)
        tu, su = cand("utf-8")
        tl, sl = cand(legacy[0])
        if tl is not None and sl > su + 1.0:
            return result(tl, legacy[0], src_of[legacy[0]], 0.7)
        return result(utf8, "utf-8", utf8_src, 0.8)

    # 4. legacy labels, validated by strict decode + score against the alternatives
    pool = [c for c, _ in label_order if c != "utf-8"]
    for c in ("gb18030", "big5hkscs"):
        if c not in pool:
            pool.append(c)
    scored = []
    for codec in pool:
        t, sc = cand(codec)
        if t is None:
            continue
        bonus = 0.0
        if codec in src_of:
            bonus = 0.35 if src_of[codec] == "http" else 0.3
        scored.append((sc + bonus, sc, codec, t))
    scored.sort(key=lambda x: -x[0])
    primary = scored[0][2] if scored else next((c for c in pool if c in ("gb18030", "big5hkscs")), "gb18030")

    # 5. mixed pages: UTF-8 chunks inside a legacy page, or legacy chunks inside UTF-8
    mixed_text, segs, mixed_err = None, None, 0
    if _looks_mixed(body):
        mixed_text, segs, mixed_err = _decode_mixed(body, primary)
        encs = {s["encoding"] for s in segs}
        if len(encs) > 1:
            nseg = {}
            for s in segs:
                nseg[s["encoding"]] = nseg.get(s["encoding"], 0) + (s["end"] - s["start"])
            dominant = max(nseg, key=nseg.get)
            conf = 0.85 if not mixed_err else 0.6
            return result(mixed_text, dominant, "mixed", conf, mixed_err, segs)

    if scored:
        best_total, best_sc, codec, t = scored[0]
        src = src_of.get(codec, "detected")
        margin = best_total - scored[1][0] if len(scored) > 1 else 2.0
        p = _plaus(t[:20000])
        conf = min(0.99, 0.45 + 0.35 * p + 0.2 * min(1.0, margin))
        return result(t, codec, src, conf)

    # 6. nothing decodes strictly: least-damage decode among labels and Chinese codecs,
    #    charset-normalizer as a tie-breaker when there is no label at all.
    options = [c for c, _ in label_order] + [c for c in _CHINESE if c not in src_of]
    if not label_order:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(body[:200000]).best()
            if best is not None:
                cn = normalize_label(best.encoding) or best.encoding
                if cn not in options:
                    options.insert(0, cn)
        except Exception:
            pass
    results = []
    for i, codec in enumerate(options):
        try:
            t, e = _decode_counting(body, codec)
        except LookupError:
            continue
        sc = _byte_score(t[:20000])
        results.append((e / max(1, n_bytes) * 10 - sc - (0.3 if codec in src_of else 0), i, codec, t, e))
    results.sort(key=lambda r: (r[0], r[1]))
    _, _, codec, t, e = results[0]
    src = src_of.get(codec, "fallback")
    if mixed_text is not None and mixed_err < e:
        return result(mixed_text, primary, "mixed", 0.5, mixed_err, segs)
    conf = max(0.05, 0.6 - e / max(1, n_bytes))
    return result(t, codec, src, conf, e)


# A UTF-8 encoded CJK character: lead E3-E9, two continuation bytes.  Two in a row inside
# a page that is not valid UTF-8 as a whole is the trigger for per-segment decoding.
_UTF8_CJK2 = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}){2}")


def _looks_mixed(body: bytes) -> bool:
    return _UTF8_CJK2.search(body) is not None
