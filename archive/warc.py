"""File-level WARC writing: records, gzip members, rotation, ``.open`` files, crash recovery.

Usable without Scrapy::

    with WarcWriter("data/warc", prefix="govcrawl", info={"operator": "..."}) as w:
        ptr = w.write("resource", "http://example/x", b"bytes", content_type="text/plain")

Every record is serialised by this module (not by warcio's writer) so that the HTTP block is
stored byte for byte as received: warcio's ``StatusAndHeaders`` re-encodes header values and
its ``GzippingWrapper`` always compresses at level 9. warcio is used to *read* (and to check)
what is written here.

* One WARC version throughout: ``WARC/1.1``; ``WARC-Date`` at second precision (UTC, ``Z``).
* One gzip member per record (``zlib`` level configurable), written with a single ``write``
  and flushed, so a crash (even SIGKILL) can only leave a torn *last* member.
* A file is written as ``NAME.warc.gz.open`` under an exclusive ``flock``; it is renamed to
  ``NAME.warc.gz`` when closed. On start, :func:`recover_open_files` truncates every
  unlocked leftover ``.open`` file after its last complete gzip member and renames it.
* Names: ``PREFIX-YYYYMMDDhhmmssfff-SERIAL-HOST.warc.gz`` (SERIAL five digits).
* Every file opens with a ``warcinfo`` record.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import logging
import os
import re
import socket
import threading
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
DEFAULT_MAX_SIZE = 1_000_000_000
# Measured by bench/bench_warc.py (see docs/warc.md): level 6 is ~3x faster than warcio's 9
# for <1% larger files on replica-like pages.
DEFAULT_GZIP_LEVEL = 6

CT_HTTP_RESPONSE = "application/http; msgtype=response"
CT_HTTP_REQUEST = "application/http; msgtype=request"
CT_WARC_FIELDS = "application/warc-fields"


# --------------------------------------------------------------------------- helpers


def warc_date(dt: datetime | None = None) -> str:
    """``2026-11-22T01:02:03Z`` (UTC, second precision)."""
    dt = dt or datetime.now(timezone.utc)
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def warc_date_to_14(date: str) -> str:
    """``2026-11-22T01:02:03Z`` -> ``20261122010203`` (CDX timestamp)."""
    return re.sub(r"\D", "", date)[:14]


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` as Heritrix, warcio and pywb write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _clean_header_value(value: str) -> str:
    # WARC named fields are single lines
    return re.sub(r"[\r\n]+", " ", str(value)).strip()


def encode_fields(fields: Iterable[tuple[str, object]]) -> bytes:
    """``application/warc-fields`` block. Values are single lines: ``\\`` ``\\n`` ``\\r``
    are escaped (see :func:`decode_fields`)."""
    out = []
    for name, value in fields:
        if value is None:
            continue
        name = re.sub(r"[\s:]+", "-", str(name).strip())
        text = str(value).replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
        out.append(f"{name}: {text}\r\n")
    return "".join(out).encode("utf-8")


def decode_fields(block: bytes) -> list[tuple[str, str]]:
    fields = []
    for line in block.decode("utf-8", "replace").split("\r\n"):
        if not line.strip() or ":" not in line:
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        fields.append((name.strip(), _unescape(value)))
    return fields


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "\\": "\\"}.get(m[1], "\\" + m[1]), text)


def build_record(
    rec_type: str,
    uri: str | None,
    block: bytes,
    *,
    record_id: str | None = None,
    date: str | None = None,
    content_type: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    payload_offset: int | None = None,
    payload_digest: str | None = None,
) -> tuple[bytes, dict]:
    """Serialise one uncompressed WARC record.

    ``payload_offset``: where the payload starts inside ``block`` (HTTP records); the
    payload digest is computed over ``block[payload_offset:]`` unless given explicitly
    (revisits carry the original's digest). Returns ``(bytes, info)``.
    """
    record_id = record_id or new_record_id()
    date = date or warc_date()
    lines = [
        ("WARC-Type", rec_type),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
    ]
    if uri:
        lines.append(("WARC-Target-URI", uri))
    for name, value in headers:
        if value is None or value == "":
            continue
        lines.append((name, _clean_header_value(value)))
    if content_type:
        lines.append(("Content-Type", content_type))
    if payload_digest is None and payload_offset is not None:
        payload_digest = sha1_digest(block[payload_offset:])
    if payload_digest:
        lines.append(("WARC-Payload-Digest", payload_digest))
    lines.append(("WARC-Block-Digest", sha1_digest(block)))
    lines.append(("Content-Length", str(len(block))))
    head = WARC_VERSION + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines) + "\r\n"
    data = head.encode("utf-8") + block + b"\r\n\r\n"
    return data, {"record_id": record_id, "date": date, "payload_digest": payload_digest}


# --------------------------------------------------------------------------- recovery


def valid_gzip_prefix(path: str | os.PathLike) -> tuple[int, int]:
    """Length of the longest prefix of ``path`` made of complete gzip members that each
    hold a WARC record. Returns ``(valid_length, members)``."""
    valid = 0
    members = 0
    pos = 0  # file offset of the start of the member being decoded
    with open(path, "rb") as fh:
        data = b""
        eof = False
        while True:
            if not data and not eof:
                data = fh.read(1 << 20)
                eof = not data
            if not data:
                break
            d = zlib.decompressobj(wbits=31)
            first = b""
            consumed = 0
            ok = False
            while True:
                try:
                    out = d.decompress(data)
                except zlib.error:
                    return valid, members
                if len(first) < 5:
                    first += out[: 5 - len(first)]
                if d.eof:
                    consumed += len(data) - len(d.unused_data)
                    data = d.unused_data
                    ok = True
                    break
                consumed += len(data)
                data = fh.read(1 << 20)
                if not data:
                    eof = True
                    break
            if not ok or not first.startswith(b"WARC/"):
                return valid, members
            pos += consumed
            valid = pos
            members += 1
    return valid, members


def _fsync_dir(directory) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass
class Recovered:
    open_path: str
    final_path: str | None  # None when nothing valid was left (file removed)
    original_size: int
    valid_size: int
    records: int


def recover_open_files(directory: str | os.PathLike) -> list[Recovered]:
    """Finalise the ``*.warc.gz.open`` files a crashed writer left in ``directory``.

    Files still locked by a live writer (``flock``) are left alone.
    """
    results = []
    directory = Path(directory)
    if not directory.is_dir():
        return results
    for p in sorted(directory.glob("*" + WARC_SUFFIX + OPEN_SUFFIX)):
        try:
            fd = os.open(p, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                logger.info("WARC %s is in use by a live writer; not recovering it", p)
                continue
            size = os.fstat(fd).st_size
            valid, members = valid_gzip_prefix(p)
            if valid < size:
                logger.warning("WARC %s: truncating torn tail %d -> %d bytes", p, size, valid)
                os.ftruncate(fd, valid)
            os.fsync(fd)
            final = str(p)[: -len(OPEN_SUFFIX)]
            if members == 0:
                os.unlink(p)
                final = None
            else:
                try:
                    os.link(p, final)  # never overwrite an existing WARC
                except FileExistsError:
                    logger.error("WARC %s: %s already exists; leaving the .open file", p, final)
                    continue
                os.unlink(p)
            _fsync_dir(directory)
            results.append(Recovered(str(p), final, size, valid, members))
        finally:
            os.close(fd)
    return results


# --------------------------------------------------------------------------- writer


def _safe_host(hostname: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", hostname) or "localhost"


class WarcWriter:
    """Rotating, crash-safe writer of gzip-per-record WARC/1.1 files.

    ``info``: extra ``warcinfo`` fields (operator, robots, crawl configuration...); the
    writer adds software, format, hostname and the gzip level. ``recover``: finalise
    leftover ``.open`` files in ``directory`` on construction (``self.recovered``).
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        prefix: str = "govcrawl",
        max_size: int = DEFAULT_MAX_SIZE,
        gzip_level: int = DEFAULT_GZIP_LEVEL,
        info: dict | Sequence[tuple[str, object]] | None = None,
        hostname: str | None = None,
        recover: bool = True,
        fsync: bool = False,
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = int(max_size)
        self.gzip_level = int(gzip_level)
        if not -1 <= self.gzip_level <= 9:
            raise ValueError(f"gzip level must be 0..9, got {gzip_level}")
        self.hostname = hostname or socket.gethostname()
        self.info = list(info.items()) if isinstance(info, dict) else list(info or [])
        self.fsync = fsync
        self.serial = 0
        self.closed_files: list[str] = []
        self.records = 0
        self.bytes = 0
        self._fh = None
        self._name: str | None = None
        self._lock = threading.RLock()
        self.recovered = recover_open_files(self.directory) if recover else []

    # -- public -----------------------------------------------------------------------

    @property
    def current_name(self) -> str | None:
        """Final basename (without ``.open``) of the file being written."""
        return self._name

    @property
    def current_path(self) -> str | None:
        return str(self.directory / (self._name + OPEN_SUFFIX)) if self._name else None

    @property
    def files_opened(self) -> int:
        return self.serial

    def write(self, rec_type: str, uri: str | None, block: bytes, **kw) -> dict:
        """Write one record; returns its pointer
        ``{"file", "offset", "length", "record_id", "date", "payload_digest"}``."""
        return self.write_group([dict(rec_type=rec_type, uri=uri, block=block, **kw)])[0]

    def write_group(self, records: Sequence[dict]) -> list[dict]:
        """Write records into one file (rotation is only checked before the group, so a
        request/response pair never straddles two files). Each dict holds the arguments
        of :func:`build_record` (``rec_type``, ``uri``, ``block``, ...)."""
        with self._lock:
            if self._fh is None or self._fh.tell() >= self.max_size:
                self._rotate()
            return [self._write_one(**r) for r in records]

    def close(self) -> None:
        with self._lock:
            if self._fh is None:
                return
            fh, name = self._fh, self._name
            self._fh = self._name = None
            fh.flush()
            os.fsync(fh.fileno())
            final = self.directory / name
            os.rename(str(final) + OPEN_SUFFIX, final)
            _fsync_dir(self.directory)
            fh.close()  # releases the flock
            self.closed_files.append(str(final))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals --------------------------------------------------------------------

    def _write_one(self, rec_type, uri, block, **kw) -> dict:
        data, meta = build_record(rec_type, uri, block, **kw)
        member = self._gzip(data)
        offset = self._fh.tell()
        self._fh.write(member)
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())
        self.records += 1
        self.bytes += len(member)
        return {
            "file": self._name,
            "offset": offset,
            "length": len(member),
            "record_id": meta["record_id"],
            "date": meta["date"],
            "payload_digest": meta["payload_digest"],
        }

    def _gzip(self, data: bytes) -> bytes:
        c = zlib.compressobj(self.gzip_level, zlib.DEFLATED, 31)
        return c.compress(data) + c.flush()

    def _new_name(self) -> str:
        while True:
            now = datetime.now(timezone.utc)
            stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
            name = f"{self.prefix}-{stamp}-{self.serial:05d}-{_safe_host(self.hostname)}{WARC_SUFFIX}"
            self.serial += 1
            p = self.directory / name
            if not p.exists() and not Path(str(p) + OPEN_SUFFIX).exists():
                return name

    def _rotate(self) -> None:
        self.close()
        while True:
            name = self._new_name()
            try:  # exclusive create: another writer may have taken the name meanwhile
                fh = open(self.directory / (name + OPEN_SUFFIX), "xb")
                break
            except FileExistsError:
                continue
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fh, self._name = fh, name
        self._write_one("warcinfo", None, encode_fields(self._warcinfo_fields(name)),
                        content_type=CT_WARC_FIELDS, headers=[("WARC-Filename", name)])

    def _warcinfo_fields(self, name: str) -> list[tuple[str, object]]:
        try:
            from importlib.metadata import version

            sw = f"govcrawl/{version('govcrawl')}"
        except Exception:
            sw = "govcrawl"
        fields = [
            ("software", sw),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
            ("hostname", self.hostname),
        ]
        try:
            fields.append(("ip", socket.gethostbyname(self.hostname)))
        except OSError:
            pass
        fields += [
            ("govcrawl-gzip-level", self.gzip_level),
            ("govcrawl-max-size", self.max_size),
        ]
        return fields + [(k, v) for k, v in self.info if v not in (None, "")]
