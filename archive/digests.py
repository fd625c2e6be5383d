"""Persistent payload-digest index (SQLite) behind revisit records.

``payloads``: first archived response record per payload digest (the revisit original).
``urls``: latest archived response record per URL (original of ``server-not-modified``).

An entry is only trusted when its record is still in the collection: :meth:`lookup`
checks that the file (closed or ``.open``) exists in the WARC directory and is long enough
to hold the record, and drops stale entries. Entries are added after the record has been
written and flushed, so a crash can leave a record without an entry, never the reverse
beyond what the length check catches.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from .reader import resolve

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    digest TEXT PRIMARY KEY, uri TEXT, date TEXT, file TEXT, offset INTEGER,
    length INTEGER, record_id TEXT);
CREATE TABLE IF NOT EXISTS urls (
    uri TEXT PRIMARY KEY, digest TEXT, date TEXT, file TEXT, offset INTEGER,
    length INTEGER, record_id TEXT, status INTEGER);
"""

EMPTY_DIGEST = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"  # sha1 of b""
_COLS = ("uri", "date", "file", "offset", "length", "record_id")


class DigestIndex:
    def __init__(self, path: str | os.PathLike, warc_dir: str | os.PathLike):
        self.path = str(path)
        self.warc_dir = str(warc_dir)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def _valid(self, row) -> bool:
        ptr = dict(zip(("file", "offset", "length"), row))
        try:
            path = resolve(self.warc_dir, ptr)
        except FileNotFoundError:
            return False
        return os.path.getsize(path) >= ptr["offset"] + ptr["length"]

    def lookup(self, digest: str) -> dict | None:
        """Original response record for ``digest`` still in the collection, or None."""
        return self._get("payloads", "digest", digest)

    def lookup_url(self, uri: str) -> dict | None:
        return self._get("urls", "uri", uri)

    def _get(self, table, key, value):
        with self._lock:
            row = self._db.execute(
                f"SELECT uri, date, file, offset, length, record_id FROM {table} WHERE {key}=?",
                (value,),
            ).fetchone()
            if row is None:
                return None
            if not self._valid(row[2:5]):
                self._db.execute(f"DELETE FROM {table} WHERE {key}=?", (value,))
                return None
            return dict(zip(_COLS, row))

    def add(self, digest: str, uri: str, pointer: dict, status: int) -> None:
        """Register a written response record (``pointer`` from the writer)."""
        vals = (uri, pointer["date"], pointer["file"], pointer["offset"], pointer["length"], pointer["record_id"])
        with self._lock:
            self._db.execute("BEGIN")
            if status == 200 and digest != EMPTY_DIGEST:
                self._db.execute(
                    "INSERT OR IGNORE INTO payloads (digest, uri, date, file, offset, length, record_id)"
                    " VALUES (?,?,?,?,?,?,?)", (digest, *vals))
            self._db.execute(
                "INSERT OR REPLACE INTO urls (uri, digest, date, file, offset, length, record_id, status)"
                " VALUES (?,?,?,?,?,?,?,?)", (uri, digest, *vals[1:], status))
            self._db.execute("COMMIT")

    def prune_file(self, file: str, valid_size: int | None) -> int:
        """Forget entries pointing past ``valid_size`` of ``file`` (all if None)."""
        n = 0
        with self._lock:
            for table in ("payloads", "urls"):
                if valid_size is None:
                    cur = self._db.execute(f"DELETE FROM {table} WHERE file=?", (file,))
                else:
                    cur = self._db.execute(
                        f"DELETE FROM {table} WHERE file=? AND offset+length>?", (file, valid_size))
                n += cur.rowcount
        return n

    def close(self):
        with self._lock:
            self._db.close()
