"""Reading govcrawl WARCs back: pointers, records, captures (with revisits resolved), metadata.

``iter_captures`` yields what ``govcrawl rebuild`` feeds to ``crawler.document``::

    {"url", "status", "headers": {lower-case name: value}, "body": bytes (content-encoding
     decoded), "raw_body": bytes as stored, "fetched_at", "warc": pointer dict}

for every ``response`` and every ``revisit`` record; a revisit's body and headers come
from its original, its status from its own HTTP status line when it has one. ``headers``
mirror what Scrapy's HttpCompressionMiddleware leaves: when the body was decoded, the
``content-encoding`` header is removed (``raw_body`` + the record keep the truth).
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"


def resolve(warc_dir: str | os.PathLike, pointer: dict) -> str:
    """Path of the file holding ``pointer`` (``{"file": ...}``): the closed name, or the
    same name + ``.open`` while its writer is still running. FileNotFoundError if neither."""
    name = os.path.basename(pointer["file"])
    if name.endswith(OPEN_SUFFIX):
        name = name[: -len(OPEN_SUFFIX)]
    base = os.path.join(str(warc_dir), name)
    for cand in (base, base + OPEN_SUFFIX, base):  # closed, open, closed again (rename race)
        if os.path.exists(cand):
            return cand
    raise FileNotFoundError(base)


def _expand(paths_or_dir) -> list[str]:
    if isinstance(paths_or_dir, (str, os.PathLike)):
        paths_or_dir = [paths_or_dir]
    out = []
    for p in paths_or_dir:
        p = Path(p)
        if p.is_dir():
            out += sorted(
                str(x) for x in p.iterdir()
                if x.name.endswith((".warc.gz", ".warc", ".warc.gz.open"))
            )
        else:
            out.append(str(p))
    return out


def _final_name(path: str) -> str:
    name = os.path.basename(path)
    return name[: -len(OPEN_SUFFIX)] if name.endswith(OPEN_SUFFIX) else name


def _record_dict(path, it, rec, read_body=True) -> dict:
    h = rec.rec_headers
    http = rec.http_headers
    raw = rec.raw_stream.read() if read_body else None
    d = {
        "path": path,
        "file": _final_name(path),
        "type": rec.rec_type,
        "record_id": h.get_header("WARC-Record-ID"),
        "uri": h.get_header("WARC-Target-URI"),
        "date": h.get_header("WARC-Date"),
        "warc_headers": list(h.headers),
        "status_line": None,
        "status": None,
        "http_headers": None,
        "payload": raw,
    }
    if http is not None and rec.rec_type in ("response", "revisit", "request"):
        d["http_headers"] = list(http.headers)
        if rec.rec_type != "request":
            d["status_line"] = f"{http.protocol} {http.statusline}".strip()
            try:
                d["status"] = int(http.get_statuscode())
            except (TypeError, ValueError):
                d["status"] = None
    d["offset"] = it.get_record_offset()
    d["length"] = it.get_record_length()
    return d


def iter_records(paths, read_body: bool = True) -> Iterator[dict]:
    """Every record of ``paths`` (files or directories, ``.open`` files included) as a
    dict: ``path, file, offset, length, type, record_id, uri, date, warc_headers
    [(name, value)], status_line, status, http_headers [(name, value)] or None, payload``
    (bytes after the HTTP headers, as stored; the whole block for non-HTTP records)."""
    for path in _expand(paths):
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, check_digests=False)
            try:
                for rec in it:
                    yield _record_dict(path, it, rec, read_body)
            except Exception as exc:  # torn tail of an .open file being written
                if path.endswith(OPEN_SUFFIX):
                    logger.debug("stopping at torn tail of %s: %s", path, exc)
                else:
                    raise


def _header(headers, name) -> str | None:
    name = name.lower()
    for k, v in headers or ():
        if k.lower() == name:
            return v
    return None


def decode_content(body: bytes, content_encoding: str | None) -> tuple[bytes, bool]:
    """Undo ``Content-Encoding`` (gzip, x-gzip, deflate, br); returns ``(body, decoded)``.
    Undecodable bodies are returned as stored."""
    if not content_encoding or not body:
        return body, False
    out = body
    for enc in reversed([e.strip().lower() for e in content_encoding.split(",") if e.strip()]):
        try:
            if enc in ("gzip", "x-gzip"):
                out = gzip.decompress(out)
            elif enc == "deflate":
                try:
                    out = zlib.decompress(out)
                except zlib.error:
                    out = zlib.decompress(out, -15)
            elif enc == "br":
                import brotli  # optional

                out = brotli.decompress(out)
            elif enc == "identity":
                continue
            else:
                return body, False
        except Exception:
            return body, False
    return out, True


def _headers_dict(http_headers) -> dict[str, str]:
    d: dict[str, str] = {}
    for k, v in http_headers or ():
        k = k.lower()
        d[k] = f"{d[k]}, {v}" if k in d else v
    return d


def pointer_of(rec: dict) -> dict:
    return {
        "file": rec["file"],
        "offset": rec["offset"],
        "length": rec["length"],
        "record_id": rec["record_id"],
        "type": rec["type"],
        "payload_digest": _header(rec["warc_headers"], "WARC-Payload-Digest"),
        "fetched_at": rec["date"],
        "refers_to": None,
    }


def read_record(path: str, offset: int) -> dict:
    with open(path, "rb") as fh:
        fh.seek(offset)
        it = ArchiveIterator(fh, check_digests=False)
        rec = next(iter(it))
        d = _record_dict(path, it, rec)
        d["offset"] += offset  # the iterator counts from where it started
        return d


def _capture(rec: dict, orig: dict | None) -> dict:
    src = orig or rec
    headers = _headers_dict(src["http_headers"])
    raw = src["payload"] or b""
    body, decoded = decode_content(raw, headers.get("content-encoding"))
    if decoded:
        headers.pop("content-encoding", None)
    status = rec["status"] if rec["status"] is not None else src["status"]
    ptr = pointer_of(rec)
    if orig is not None:
        ptr["payload_digest"] = ptr["payload_digest"] or _header(orig["warc_headers"], "WARC-Payload-Digest")
        ptr["refers_to"] = {
            "file": orig["file"], "offset": orig["offset"], "record_id": orig["record_id"],
            "uri": orig["uri"], "date": orig["date"],
        }
    return {
        "url": rec["uri"],
        "status": status,
        "headers": headers,
        "body": body,
        "raw_body": raw,
        "fetched_at": rec["date"],
        "warc": ptr,
    }


def _revisit_resolver(paths: list[str]):
    """Return ``resolve(record) -> (path, offset) | None`` finding a revisit's original among
    the response records of ``paths``: by ``WARC-Refers-To`` (record id), else by
    ``WARC-Refers-To-Target-URI`` + ``WARC-Refers-To-Date``, else by payload digest."""
    by_id: dict[str, tuple[str, int]] = {}
    by_uri_date: dict[tuple[str, str], tuple[str, int]] = {}
    by_digest: dict[str, tuple[str, int]] = {}
    for rec in iter_records(paths, read_body=False):
        if rec["type"] != "response":
            continue
        loc = (rec["path"], rec["offset"])
        by_id[rec["record_id"]] = loc
        by_uri_date.setdefault((rec["uri"], rec["date"]), loc)
        dg = _header(rec["warc_headers"], "WARC-Payload-Digest")
        if dg:
            by_digest.setdefault(dg, loc)

    def resolve(rec: dict) -> tuple[str, int] | None:
        wh = rec["warc_headers"]
        return (by_id.get(_header(wh, "WARC-Refers-To") or "")
                or by_uri_date.get((_header(wh, "WARC-Refers-To-Target-URI"), _header(wh, "WARC-Refers-To-Date")))
                or by_digest.get(_header(wh, "WARC-Payload-Digest") or ""))

    return resolve


def iter_captures(paths_or_dir) -> Iterator[dict]:
    """Every response and revisit of the collection as a capture dict (module doc).

    Revisits are resolved to their original (see :func:`_revisit_resolver`) among the
    response records of ``paths_or_dir``; one whose original is absent is skipped (logged)."""
    paths = _expand(paths_or_dir)
    resolve = _revisit_resolver(paths)
    cache: dict[tuple[str, int], dict] = {}
    for rec in iter_records(paths):
        if rec["type"] == "response":
            yield _capture(rec, None)
        elif rec["type"] == "revisit":
            loc = resolve(rec)
            if loc is None:
                logger.warning("revisit %s of %s: original not in the collection; skipped",
                               rec["record_id"], rec["uri"])
                continue
            orig = cache.get(loc)
            if orig is None:
                orig = read_record(*loc)
                if len(cache) > 256:
                    cache.clear()
                cache[loc] = orig
            yield _capture(rec, orig)


def index_captures(paths_or_dir) -> dict[str, tuple[str, int, tuple[str, int] | None]]:
    """``record id -> (path, offset, original's (path, offset) or None)`` for every response
    and resolvable revisit, without reading payloads: what :func:`load_capture` needs to
    read one capture later, so that a rebuild holds locations, not bodies, in memory."""
    paths = _expand(paths_or_dir)
    resolve = _revisit_resolver(paths)
    index: dict[str, tuple[str, int, tuple[str, int] | None]] = {}
    for rec in iter_records(paths, read_body=False):
        if rec["type"] == "response":
            index[rec["record_id"]] = (rec["path"], rec["offset"], None)
        elif rec["type"] == "revisit":
            loc = resolve(rec)
            if loc is None:
                logger.warning("revisit %s of %s: original not in the collection; skipped",
                               rec["record_id"], rec["uri"])
                continue
            index[rec["record_id"]] = (rec["path"], rec["offset"], loc)
    return index


def load_capture(path: str, offset: int, original: tuple[str, int] | None = None) -> dict:
    """One capture dict read from its location (and its original's, for a revisit)."""
    return _capture(read_record(path, offset), read_record(*original) if original else None)


def iter_metadata(paths_or_dir) -> Iterator[dict]:
    """``{"url", "refers_to", "fields": [(name, value)], "date", "warc"}`` per metadata record."""
    from .warc import decode_fields

    for rec in iter_records(paths_or_dir):
        if rec["type"] != "metadata":
            continue
        wh = rec["warc_headers"]
        yield {
            "url": rec["uri"],
            "refers_to": _header(wh, "WARC-Refers-To") or _header(wh, "WARC-Concurrent-To"),
            "fields": decode_fields(rec["payload"] or b""),
            "date": rec["date"],
            "warc": pointer_of(rec),
        }
