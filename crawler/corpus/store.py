"""The :class:`Corpus`: a SQLite corpus of documents with dedup, search and exports."""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from . import minhash as mh
from . import schema
from .text import (
    dedup_normalize,
    detect_script,
    search_fold,
    search_grams,
    segment_words,
    text_hash,
)

try:  # the package version, for corpus_meta / crawls
    from crawler import __version__ as GOVCRAWL_VERSION
except Exception:  # pragma: no cover
    GOVCRAWL_VERSION = "0"

_OPEN: dict[str, "weakref.WeakSet"] = {}  # realpath -> open Corpus objects (same process)

# --- dedup parameters (documented in docs/corpus.md) -------------------------------
NEAR_JACCARD = 0.8          # exact Jaccard of 5-gram sets needed for a near duplicate
CONTAINMENT = 0.95          # ... or this containment of the smaller set
CONTAINMENT_MIN_JACCARD = 0.6  # ... together with at least this Jaccard
CANDIDATE_MIN_ESTIMATE = 0.45  # MinHash estimate below which a candidate is not verified
MAX_VERIFY = 64             # candidates verified exactly, best estimates first
MIN_NEAR_CHARS = 30         # shorter (boilerplate-stripped) texts: exact matching only
MIN_HASH_CHARS = 50         # shorter texts: exact key also includes title + attachments
BOILERPLATE_EVIDENCE_DOCS = 4   # documents remembered per line to compare new ones with
BOILERPLATE_MIN_REMAINDER = 20  # characters each text must keep apart from shared lines
BOILERPLATE_REMAINDER_JACCARD = 0.5  # remainders less similar than this: different articles


@dataclass(frozen=True)
class AddResult:
    document_id: int
    status: str  # new | unchanged | updated | exact_duplicate | near_duplicate
    canonical_id: int
    cluster_id: int


@dataclass(frozen=True)
class Hit:
    document_id: int
    url: str
    title: str | None
    published: str | None
    site: str | None
    snippet: str
    rank: float


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _json(v: Any) -> str | None:
    if v is None:
        return None
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def _line_hash(norm_line: str) -> str:
    return hashlib.sha1(norm_line.encode("utf-8")).hexdigest()[:16]


def prepare(doc: dict) -> dict:
    """Pure, database-independent derived fields of a document (normalisation, hashes,
    script, search tokens).  Costs a few ms (jieba); the lead's extract process pool may
    call it and pass the result as ``doc["_corpus"]`` so that add_document skips it."""
    text = doc.get("text") or ""
    title = doc.get("title") or ""
    line_seq = []
    for line in text.splitlines():
        n = dedup_normalize(line)
        if n:
            line_seq.append((_line_hash(n), n))
    norm = "".join(n for _h, n in line_seq)
    th = text_hash(norm)
    if len(norm) >= MIN_HASH_CHARS:
        dh = th
    else:
        names = "\n".join(
            sorted((a.get("name") or a.get("url") or "") for a in (doc.get("attachments") or []))
        )
        dh = text_hash(dedup_normalize(title) + "\x1f" + norm + "\x1f" + dedup_normalize(names))
    lines = dict(line_seq)
    folded = search_fold(text)
    return {
        "norm": norm,
        "text_hash": th,
        "dedup_hash": dh,
        "content_sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        "script": detect_script(title + "\n" + text),
        "line_list": list(lines.items()),
        "line_seq": line_seq,
        "title_words": segment_words(title),
        "text_words": segment_words(folded, folded=True),
        "grams": search_grams(search_fold(title) + "\n" + folded, folded=True),
    }


class Corpus:
    """SQLite corpus (see docs/corpus.md).  One connection, serialised by a lock."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        timeout: float = 60.0,
        commit_every: int = 50,
        commit_interval: float = 1.0,
    ):
        """Open (creating or migrating) a corpus.

        Writes are grouped: a transaction is committed after ``commit_every`` documents or
        captures, or ``commit_interval`` seconds after it began (checked at each write),
        and always by finish_crawl, commit, close, search and export.  An FTS5 commit costs
        a few ms, so this is what makes hundreds of documents per second cheap.  Other
        Corpus objects on the same file in this process make this one commit before they
        write, so they never wait on each other.  ``commit_every=1`` commits every write."""
        self.path = os.fspath(path)
        self.commit_every = max(1, int(commit_every))
        self.commit_interval = float(commit_interval)
        self._in_tx = False
        self._pending = 0
        self._tx_started = 0.0
        self._replay: list = []
        d = os.path.dirname(self.path)
        if d:
            os.makedirs(d, exist_ok=True)
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = OFF")
        self._site_official: dict[str, bool] = {}
        self._key = os.path.realpath(self.path)
        _OPEN.setdefault(self._key, weakref.WeakSet()).add(self)
        self._migrate()

    # ------------------------------------------------------------------ plumbing
    def _migrate(self) -> None:
        with self._lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _split_sql(schema.DDL):
                    c.execute(stmt)
                digest = hashlib.sha1(
                    json.dumps(schema.DESCRIPTIONS, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest()
                meta = dict(c.execute("SELECT key, value FROM corpus_meta").fetchall())
                if meta.get("descriptions_sha1") != digest:
                    c.execute("DELETE FROM _descriptions")
                    c.executemany(
                        "INSERT INTO _descriptions(table_name, column_name, description) VALUES (?,?,?)",
                        [(r["table_name"], r["column_name"], r["description"]) for r in schema.description_rows()],
                    )
                want = {
                    "schema_version": str(schema.SCHEMA_VERSION),
                    "created_by": f"govcrawl {GOVCRAWL_VERSION}",
                    "descriptions_sha1": digest,
                    "minhash": f"{mh.NUM_PERM} perms, {mh.K}-gram chars, LSH {mh.BANDS}x{mh.ROWS}, seed {mh.SEED}",
                    "near_duplicate_rule": f"jaccard>={NEAR_JACCARD} or (containment>={CONTAINMENT} and jaccard>={CONTAINMENT_MIN_JACCARD})",
                }
                if "created_at" not in meta:
                    want["created_at"] = _now()
                else:
                    want.pop("created_by")  # keep the creator; record the last writer
                    want["last_opened_by"] = f"govcrawl {GOVCRAWL_VERSION}"
                for k, v in want.items():
                    if meta.get(k) != v:
                        c.execute("INSERT OR REPLACE INTO corpus_meta(key, value) VALUES (?,?)", (k, v))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def _begin(self) -> None:
        """Start the batch transaction if none is open (caller holds self._lock)."""
        if self._in_tx:
            return
        for other in list(_OPEN.get(self._key, ())):
            if other is not self and other._in_tx:
                other.commit()
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        self._pending = 0
        self._tx_started = time.monotonic()

    def commit(self) -> None:
        """Commit pending writes now."""
        with self._lock:
            if self._in_tx:
                self._in_tx = False
                self._pending = 0
                self._replay = []
                self.conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if getattr(self, "_closed", False):
                return
            self.commit()
            self._closed = True
            s = _OPEN.get(self._key)
            if s is not None:
                s.discard(self)
            try:
                self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _tx(self, flush: bool = False, replay=None):
        return _Tx(self, flush, replay)

    # ------------------------------------------------------------------ crawls / sites
    def start_crawl(self, sites: Iterable[str] = (), settings: dict | None = None, kind: str = "crawl") -> int:
        with self._tx(flush=True) as c:
            cur = c.execute(
                "INSERT INTO crawls(kind, started_at, sites, settings, govcrawl_version) VALUES (?,?,?,?,?)",
                (kind, _now(), _json(list(sites)), _json(settings or {}), GOVCRAWL_VERSION),
            )
            return int(cur.lastrowid)

    def finish_crawl(self, crawl_id: int, stats: dict | None = None, exit_status: int = 0) -> None:
        with self._tx(flush=True) as c:
            c.execute(
                "UPDATE crawls SET finished_at=?, stats=?, exit_status=? WHERE id=?",
                (_now(), _json(stats or {}), int(exit_status), crawl_id),
            )

    def register_site(
        self,
        name: str,
        title: str | None = None,
        official: bool = True,
        kind: str | None = None,
        real_base_url: str | None = None,
        base_url: str | None = None,
    ) -> None:
        with self._tx(flush=True) as c:
            c.execute(
                "INSERT INTO sites(name, title, official, kind, real_base_url, base_url) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET title=excluded.title, official=excluded.official, "
                "kind=excluded.kind, real_base_url=excluded.real_base_url, base_url=excluded.base_url",
                (name, title, 1 if official else 0, kind, real_base_url, base_url),
            )
            # officialness of existing documents follows the site
            cur = c.execute(
                "UPDATE documents SET official = (? AND NOT is_mirror) WHERE site=? "
                "AND official IS NOT (? AND NOT is_mirror)",
                (1 if official else 0, name, 1 if official else 0),
            )
            if cur.rowcount:  # officialness changed: canonical choices may change
                for (cid,) in c.execute(
                    "SELECT DISTINCT cluster_id FROM documents WHERE site=? AND cluster_id IS NOT NULL "
                    "ORDER BY cluster_id", (name,)
                ).fetchall():
                    self._recluster(c, cid)
        self._site_official[name] = bool(official)

    def _is_official_site(self, site: str | None) -> bool:
        if site is None:
            return True
        if site not in self._site_official:
            row = self.conn.execute("SELECT official FROM sites WHERE name=?", (site,)).fetchone()
            self._site_official[site] = True if row is None else bool(row[0])
        return self._site_official[site]

    # ------------------------------------------------------------------ captures
    def add_capture(self, crawl_id: int | None, cap: dict) -> int:
        enc = cap.get("encoding")
        rid = cap.get("warc_record_id")
        with self._tx(replay=(self.add_capture, (crawl_id, cap), {})) as c:
            if rid:
                row = c.execute("SELECT id FROM captures WHERE warc_record_id=?", (rid,)).fetchone()
                if row:
                    return int(row[0])
            cur = c.execute(
                "INSERT INTO captures(crawl_id, url, fetched_at, status, content_type, site, role, "
                "warc_file, warc_offset, warc_length, warc_record_id, warc_type, payload_digest, "
                "encoding, encoding_name, encoding_source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    crawl_id, cap.get("url"), cap.get("fetched_at"), cap.get("status"),
                    cap.get("content_type"), cap.get("site"), cap.get("role"),
                    cap.get("warc_file"), cap.get("warc_offset"), cap.get("warc_length"), rid,
                    cap.get("warc_type"), cap.get("payload_digest"), _json(enc),
                    (enc or {}).get("encoding") if isinstance(enc, dict) else None,
                    (enc or {}).get("source") if isinstance(enc, dict) else None,
                ),
            )
            return int(cur.lastrowid)

    # ------------------------------------------------------------------ documents
    def add_document(self, crawl_id: int | None, doc: dict) -> AddResult:
        p = doc.get("_corpus") or prepare(doc)
        url = doc["url"]
        warc = doc.get("warc") or {}
        fetched_at = doc.get("fetched_at") or warc.get("fetched_at")
        with self._tx(replay=(self.add_document, (crawl_id, doc), {})) as c:
            old = c.execute(
                "SELECT id, text_hash, version, cluster_id, canonical_id, title, text, fetched_at, "
                "last_seen, last_crawl_id, warc_record_id, site FROM documents WHERE url=?",
                (url,),
            ).fetchone()
            if old is not None and old["text_hash"] == p["text_hash"]:
                last_seen = max(filter(None, [old["last_seen"], fetched_at]), default=None)
                c.execute(
                    "UPDATE documents SET last_seen=?, last_crawl_id=? WHERE id=?",
                    (last_seen, crawl_id, old["id"]),
                )
                self._count(c, crawl_id, "n_unchanged")
                return AddResult(int(old["id"]), "unchanged", int(old["canonical_id"]), int(old["cluster_id"]))

            row = self._document_row(crawl_id, doc, p, fetched_at)
            if old is None:
                cols = ", ".join(f'"{k}"' for k in row)
                cur = c.execute(
                    f"INSERT INTO documents({cols}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
                doc_id = int(cur.lastrowid)
                version = 1
            else:
                doc_id = int(old["id"])
                version = int(old["version"]) + 1
                c.execute(
                    "INSERT OR REPLACE INTO document_versions(document_id, version, title, text, "
                    "text_hash, fetched_at, crawl_id, warc_record_id) VALUES (?,?,?,?,?,?,?,?)",
                    (doc_id, old["version"], old["title"], old["text"], old["text_hash"],
                     old["fetched_at"], old["last_crawl_id"], old["warc_record_id"]),
                )
                # FTS (external content): remove the old text before overwriting it
                c.execute(
                    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES('delete', ?, ?, ?)",
                    (doc_id, old["title"], old["text"]),
                )
                c.execute("DELETE FROM documents_fts_words WHERE rowid=?", (doc_id,))
                c.execute("DELETE FROM lsh_buckets WHERE document_id=?", (doc_id,))
                row.pop("first_seen", None)
                row.pop("first_crawl_id", None)
                row["version"] = version
                sets = ", ".join(f'"{k}"=?' for k in row)
                c.execute(f"UPDATE documents SET {sets} WHERE id=?", [*row.values(), doc_id])
                c.execute("DELETE FROM attachments WHERE document_id=?", (doc_id,))
                dup = c.execute("SELECT kind FROM duplicates WHERE document_id=?", (doc_id,)).fetchone()
                if dup is None or dup[0] != "exact":  # its lines were counted: uncount them
                    old_lines = {
                        _line_hash(n) for n in (dedup_normalize(l) for l in (old["text"] or "").splitlines()) if n
                    }
                    c.executemany(
                        "UPDATE boilerplate_lines SET n_docs = n_docs - 1 WHERE site IS ? AND line_hash=? AND n_docs > 0",
                        [(old["site"], h) for h in sorted(old_lines)],
                    )
                c.execute("DELETE FROM duplicates WHERE document_id=?", (doc_id,))
                self._detach(c, doc_id, int(old["cluster_id"]))

            c.execute(
                "INSERT INTO documents_fts(rowid, title, text) VALUES (?,?,?)",
                (doc_id, row["title"], row["text"]),
            )
            c.execute(
                "INSERT INTO documents_fts_words(rowid, title_words, text_words, grams) VALUES (?,?,?,?)",
                (doc_id, p["title_words"], p["text_words"], p["grams"]),
            )
            self._add_attachments(c, doc_id, doc.get("attachments") or [])
            self._add_repairs(c, doc_id, version, doc.get("repairs") or [])

            status, cluster_id, canonical_id = self._dedup(c, crawl_id, doc_id, doc, p)
            if old is not None:
                status = "updated"
                self._count(c, crawl_id, "n_updated")
            else:
                self._count(c, crawl_id, {"new": "n_new", "exact_duplicate": "n_exact_duplicates",
                                          "near_duplicate": "n_near_duplicates"}[status])
            return AddResult(doc_id, status, canonical_id, cluster_id)

    def _document_row(self, crawl_id, doc: dict, p: dict, fetched_at) -> dict:
        warc = doc.get("warc") or {}
        text = doc.get("text") or ""
        published = doc.get("published") or None
        year = None
        if published and len(published) >= 4 and published[:4].isdigit():
            year = int(published[:4])
        enc = doc.get("encoding")
        repairs = doc.get("repairs") or []
        site = doc.get("site")
        is_mirror = bool(doc.get("is_mirror"))
        capture_id = None
        if warc.get("record_id"):
            r = self.conn.execute(
                "SELECT id FROM captures WHERE warc_record_id=?", (warc.get("record_id"),)
            ).fetchone()
            capture_id = r[0] if r else None
        return {
            "url": doc["url"],
            "site": site,
            "title": doc.get("title"),
            "published": published,
            "published_time": doc.get("published_time"),
            "year": year,
            "source": doc.get("source"),
            "author": doc.get("author"),
            "breadcrumb": doc.get("breadcrumb") if not isinstance(doc.get("breadcrumb"), list)
            else " > ".join(doc.get("breadcrumb")),
            "text": text,
            "text_length": len(text),
            "text_hash": p["text_hash"],
            "dedup_hash": p["dedup_hash"],
            "content_sha1": p["content_sha1"],
            "script": p["script"],
            "is_mirror": 1 if is_mirror else 0,
            "mirror_signals": _json(doc.get("mirror_signals") or []),
            "official": 1 if (self._is_official_site(site) and not is_mirror) else 0,
            "fields": _json(doc.get("fields") or {}),
            "meta": _json(doc.get("meta") or {}),
            "encoding": _json(enc),
            "encoding_name": enc.get("encoding") if isinstance(enc, dict) else None,
            "n_repairs": len(repairs),
            "lost_chars": sum(int((r or {}).get("lost") or 0) for r in repairs),
            "parts": _json(doc.get("parts") or []),
            "n_attachments": len(doc.get("attachments") or []),
            "first_seen": fetched_at,
            "last_seen": fetched_at,
            "fetched_at": fetched_at,
            "first_crawl_id": crawl_id,
            "last_crawl_id": crawl_id,
            "capture_id": capture_id,
            "warc_file": warc.get("file"),
            "warc_offset": warc.get("offset"),
            "warc_length": warc.get("length"),
            "warc_record_id": warc.get("record_id"),
            "payload_digest": warc.get("payload_digest"),
        }

    def _add_attachments(self, c, doc_id: int, atts: list) -> None:
        for a in atts:
            w = a.get("warc") or {}
            t = a.get("text") or ""
            c.execute(
                "INSERT OR REPLACE INTO attachments(document_id, url, name, mime, text, text_length, error, "
                "warc_file, warc_offset, warc_length, warc_record_id, payload_digest) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, a.get("url"), a.get("name"), a.get("mime"), t, len(t), a.get("error"),
                 w.get("file"), w.get("offset"), w.get("length"), w.get("record_id"),
                 w.get("payload_digest")),
            )

    def _add_repairs(self, c, doc_id: int, version: int, repairs: list) -> None:
        for i, r in enumerate(repairs):
            if not isinstance(r, dict):
                r = r.to_dict() if hasattr(r, "to_dict") else dict(r)
            c.execute(
                'INSERT INTO repairs(document_id, version, seq, family, start, "end", before, after, '
                "confidence, lost) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (doc_id, version, i, r.get("family"), r.get("start"), r.get("end"), r.get("before"),
                 r.get("after"), r.get("confidence"), r.get("lost")),
            )

    def _count(self, c, crawl_id, col: str) -> None:
        if crawl_id is not None:
            c.execute(f"UPDATE crawls SET {col} = coalesce({col}, 0) + 1 WHERE id=?", (crawl_id,))

    # ------------------------------------------------------------------ dedup
    def _boilerplate(self, c, hashes) -> set[str]:
        """Which of these line hashes are boilerplate (in any site: a mirror copies the
        template of the site it mirrors)."""
        hs = sorted(set(hashes))
        out: set[str] = set()
        for i in range(0, len(hs), 500):
            chunk = hs[i : i + 500]
            out.update(
                r[0]
                for r in c.execute(
                    f"SELECT DISTINCT line_hash FROM boilerplate_lines WHERE is_boilerplate = 1 "
                    f"AND line_hash IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return out

    def _doc_lines(self, c, doc_id: int) -> dict[str, str] | None:
        r = c.execute("SELECT text FROM documents WHERE id=?", (doc_id,)).fetchone()
        if r is None:
            return None
        out: dict[str, str] = {}
        for line in (r[0] or "").splitlines():
            n = dedup_normalize(line)
            if n:
                out.setdefault(_line_hash(n), n)
        return out

    @staticmethod
    def _different(mine: dict[str, str], other: dict[str, str]) -> bool:
        """Are two texts different articles apart from the lines they share?  Their
        remainders must both be substantial and not near duplicates of each other (a
        reprint with a changed sentence leaves two similar remainders, an added paragraph
        an empty one)."""
        rem_a = "".join(n for h, n in mine.items() if h not in other)
        rem_b = "".join(n for h, n in other.items() if h not in mine)
        if len(rem_a) < BOILERPLATE_MIN_REMAINDER or len(rem_b) < BOILERPLATE_MIN_REMAINDER:
            return False
        return mh.jaccard(mh.shingle_hashes(rem_a), mh.shingle_hashes(rem_b)) < BOILERPLATE_REMAINDER_JACCARD

    def _update_lines(self, c, site, doc_id: int, p: dict) -> bool:
        """Count this document's lines; mark lines shared with an otherwise different
        document of the site as boilerplate.  Returns True if a line became boilerplate."""
        hs = [h for h, _n in p["line_list"]]
        known: dict[str, tuple] = {}
        for i in range(0, len(hs), 500):
            chunk = hs[i : i + 500]
            for r in c.execute(
                f"SELECT line_hash, n_docs, is_boilerplate, docs FROM boilerplate_lines WHERE site IS ? "
                f"AND line_hash IN ({','.join('?' * len(chunk))})",
                (site, *chunk),
            ):
                known[r[0]] = (r[1], r[2], json.loads(r[3] or "[]"))
        mine = dict(p["line_list"])
        verdict: dict[int, bool] = {}  # other document -> different?
        became = False
        rows = []
        for h, n in p["line_list"]:
            n_docs, is_bp, docs = known.get(h, (0, 0, []))
            if not is_bp:
                for other in docs:
                    if other == doc_id:
                        continue
                    if other not in verdict:
                        lines = self._doc_lines(c, other)
                        verdict[other] = bool(lines) and self._different(mine, lines)
                    if verdict[other]:
                        is_bp = 1
                        became = True
                        break
            if len(docs) < BOILERPLATE_EVIDENCE_DOCS and doc_id not in docs:
                docs = docs + [doc_id]
            rows.append((site, h, n_docs + 1, is_bp, json.dumps(docs), n[:80]))
        c.executemany(
            "INSERT OR REPLACE INTO boilerplate_lines(site, line_hash, n_docs, is_boilerplate, docs, sample) "
            "VALUES (?,?,?,?,?,?)",
            rows,
        )
        return became

    def _stripped(self, line_seq, boiler: set[str]) -> str:
        kept = [n for h, n in line_seq if h not in boiler]
        return "".join(kept)

    def _dedup(self, c, crawl_id, doc_id: int, doc: dict, p: dict):
        site = doc.get("site")
        # 1. exact: same dedup key as an existing document
        row = c.execute(
            "SELECT id, cluster_id FROM documents WHERE dedup_hash=? AND id != ? AND cluster_id IS NOT NULL "
            "ORDER BY id LIMIT 1",
            (p["dedup_hash"], doc_id),
        ).fetchone()
        match = (int(row["id"]), int(row["cluster_id"]), "exact", 1.0) if row is not None else None
        # 2. boilerplate statistics: the distinct lines of every text that is not an exact copy
        if match is None and p["line_list"] and self._update_lines(c, site, doc_id, p):
            # lines just became boilerplate: earlier same-site near-duplicate decisions
            # may have rested on them
            self._reverify_site(c, site)
        # 3. signature of the boilerplate-stripped text; near-duplicate candidates via LSH
        stripped = self._stripped(p["line_seq"], self._boilerplate(c, [h for h, _n in p["line_list"]]))
        hashes = mh.shingle_hashes(stripped)
        sig = mh.signature_from_hashes(hashes)
        keys = mh.lsh_keys(sig)
        if match is None and len(stripped) >= MIN_NEAR_CHARS:
            match = self._near_match(c, doc_id, hashes, sig, keys)
        c.execute(
            "INSERT OR REPLACE INTO signatures(document_id, minhash, n_shingles) VALUES (?,?,?)",
            (doc_id, mh.to_blob(sig), int(np.unique(hashes).size)),
        )
        if len(stripped) >= MIN_NEAR_CHARS:
            c.executemany(
                "INSERT OR IGNORE INTO lsh_buckets(key, document_id) VALUES (?,?)",
                [(k, doc_id) for k in keys],
            )
        # 4. cluster
        if match is None:
            cur = c.execute("INSERT INTO clusters(canonical_id, size) VALUES (?, 1)", (doc_id,))
            cluster_id = int(cur.lastrowid)
            c.execute(
                "UPDATE documents SET cluster_id=?, matched_id=NULL, similarity=NULL WHERE id=?",
                (cluster_id, doc_id),
            )
            canonical = self._recluster(c, cluster_id)
            return "new", cluster_id, canonical
        mid, cluster_id, kind, jac = match
        c.execute(
            "UPDATE documents SET cluster_id=?, matched_id=?, similarity=? WHERE id=?",
            (cluster_id, mid, round(jac, 4), doc_id),
        )
        c.execute(
            "INSERT OR REPLACE INTO duplicates(document_id, matched_id, cluster_id, kind, jaccard, crawl_id) "
            "VALUES (?,?,?,?,?,?)",
            (doc_id, mid, cluster_id, kind, round(jac, 4), crawl_id),
        )
        canonical = self._recluster(c, cluster_id)
        return ("exact_duplicate" if kind == "exact" else "near_duplicate"), cluster_id, canonical

    def _near_match(self, c, doc_id, hashes, sig, keys):
        qs = ",".join("?" * len(keys))
        cands = [
            r[0]
            for r in c.execute(
                f"SELECT DISTINCT document_id FROM lsh_buckets WHERE key IN ({qs}) AND document_id != ?",
                (*keys, doc_id),
            )
        ]
        if not cands:
            return None
        scored = []
        for i in range(0, len(cands), 500):
            chunk = cands[i : i + 500]
            for r in c.execute(
                f"SELECT s.document_id, s.minhash FROM signatures s WHERE s.document_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                est = mh.estimate_jaccard(sig, mh.from_blob(r[1]))
                if est >= CANDIDATE_MIN_ESTIMATE:
                    scored.append((-est, r[0]))
        scored.sort()
        best = None
        mine = np.unique(hashes)
        for _negest, cid in scored[:MAX_VERIFY]:
            r = c.execute("SELECT text, site, cluster_id FROM documents WHERE id=?", (cid,)).fetchone()
            if r is None or r["cluster_id"] is None:
                continue
            seq = [(_line_hash(n), n) for n in (dedup_normalize(l) for l in (r["text"] or "").splitlines()) if n]
            other_s = self._stripped(seq, self._boilerplate(c, [h for h, _n in seq]))
            if len(other_s) < MIN_NEAR_CHARS:
                continue
            other = np.unique(mh.shingle_hashes(other_s))
            inter = np.intersect1d(mine, other, assume_unique=True).size
            union = mine.size + other.size - inter
            jac = inter / union if union else 0.0
            cont = inter / min(mine.size, other.size) if min(mine.size, other.size) else 0.0
            ok = jac >= NEAR_JACCARD or (cont >= CONTAINMENT and jac >= CONTAINMENT_MIN_JACCARD)
            if ok:
                key = (jac, -cid)
                if best is None or key > best[0]:
                    best = (key, cid, int(r["cluster_id"]), jac)
        if best is None:
            return None
        return best[1], best[2], "near", best[3]

    def _pair_ok(self, c, a_id: int, b_id: int) -> bool:
        """Does the pair still pass the near-duplicate rule with today's boilerplate?"""
        hs = []
        for did in (a_id, b_id):
            r = c.execute("SELECT text, site FROM documents WHERE id=?", (did,)).fetchone()
            if r is None:
                return False
            seq = [(_line_hash(n), n) for n in (dedup_normalize(l) for l in (r["text"] or "").splitlines()) if n]
            st = self._stripped(seq, self._boilerplate(c, [h for h, _n in seq]))
            if len(st) < MIN_NEAR_CHARS:
                return False
            hs.append(np.unique(mh.shingle_hashes(st)))
        inter = np.intersect1d(hs[0], hs[1], assume_unique=True).size
        union = hs[0].size + hs[1].size - inter
        jac = inter / union if union else 0.0
        cont = inter / min(hs[0].size, hs[1].size)
        return jac >= NEAR_JACCARD or (cont >= CONTAINMENT and jac >= CONTAINMENT_MIN_JACCARD)

    def _reverify_site(self, c, site) -> None:
        """Split same-site near duplicates that only matched through boilerplate."""
        rows = c.execute(
            "SELECT d.id, d.matched_id, d.cluster_id FROM duplicates x JOIN documents d ON d.id = x.document_id "
            "JOIN documents m ON m.id = x.matched_id WHERE x.kind = 'near' AND (d.site IS ? OR m.site IS ?) "
            "ORDER BY d.id",
            (site, site),
        ).fetchall()
        for r in rows:
            if self._pair_ok(c, r["id"], r["matched_id"]):
                continue
            c.execute("DELETE FROM duplicates WHERE document_id=?", (r["id"],))
            cur = c.execute("INSERT INTO clusters(canonical_id, size) VALUES (?, 1)", (r["id"],))
            new_cid = int(cur.lastrowid)
            c.execute(
                "UPDATE documents SET cluster_id=?, matched_id=NULL, similarity=NULL WHERE id=?",
                (new_cid, r["id"]),
            )
            self._recluster(c, int(r["cluster_id"]))
            self._recluster(c, new_cid)

    @staticmethod
    def canonical_key(official: int, published: str | None, text_length: int | None, url: str, doc_id: int):
        """Sort key of the canonical choice: official > earliest published > longest text,
        then the URL (not the id, so that the choice does not depend on insertion order:
        a crawl and a rebuild of it insert in different orders)."""
        return (0 if official else 1, 0 if published else 1, published or "", -(text_length or 0), url or "", doc_id)

    def _recluster(self, c, cluster_id: int) -> int:
        members = c.execute(
            "SELECT id, url, official, published, text_length, text_hash, site, is_mirror, title, canonical_id, "
            "dup_kind FROM documents WHERE cluster_id=?",
            (cluster_id,),
        ).fetchall()
        if not members:
            c.execute(
                "UPDATE clusters SET size=0, canonical_id=NULL, n_sites=0, n_mirror=0 WHERE id=?",
                (cluster_id,),
            )
            return 0
        best = min(
            members,
            key=lambda m: self.canonical_key(m["official"], m["published"], m["text_length"], m["url"], m["id"]),
        )
        can_id = int(best["id"])
        for m in members:
            if m["id"] == can_id:
                kind = None
            else:
                kind = "exact" if m["text_hash"] == best["text_hash"] else "near"
            if m["canonical_id"] != can_id or m["dup_kind"] != kind:
                c.execute(
                    "UPDATE documents SET canonical_id=?, is_canonical=?, dup_kind=? WHERE id=?",
                    (can_id, 1 if m["id"] == can_id else 0, kind, m["id"]),
                )
        pubs = [m["published"] for m in members if m["published"]]
        c.execute(
            "UPDATE clusters SET canonical_id=?, size=?, n_sites=?, n_mirror=?, first_published=?, title=? WHERE id=?",
            (can_id, len(members), len({m["site"] for m in members}),
             sum(1 for m in members if not m["official"]), min(pubs) if pubs else None,
             best["title"], cluster_id),
        )
        return can_id

    def _detach(self, c, doc_id: int, cluster_id: int) -> None:
        c.execute("UPDATE documents SET cluster_id=NULL WHERE id=?", (doc_id,))
        self._recluster(c, cluster_id)

    # ------------------------------------------------------------------ reading
    def document(self, doc_id: int) -> dict | None:
        r = self.conn.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        return dict(r) if r else None

    def clusters(self) -> dict[int, list[int]]:
        """cluster id -> sorted member document ids."""
        out: dict[int, list[int]] = {}
        for r in self.conn.execute("SELECT cluster_id, id FROM documents ORDER BY cluster_id, id"):
            out.setdefault(r[0], []).append(r[1])
        return out

    def search(self, query: str, site: str | None = None, since: str | None = None, limit: int = 20,
               collapse: bool = True) -> list[Hit]:
        from .search import search as _search

        self.commit()
        with self._lock:
            return _search(self.conn, query, site=site, since=since, limit=limit, collapse=collapse)

    def export(self, fmt: str, out_path: str | os.PathLike, canonical_only: bool = True) -> int:
        from .export import export as _export

        self.commit()
        with self._lock:
            return _export(self.conn, fmt, os.fspath(out_path), canonical_only=canonical_only)

    def write_datasette_metadata(self, path: str | os.PathLike, database: str | None = None) -> dict:
        from .datasette import write_metadata

        name = database or os.path.splitext(os.path.basename(self.path))[0]
        return write_metadata(os.fspath(path), name)

    def content_digest(self) -> str:
        """SHA-1 over the content of every table except wall-clock columns
        (crawls.started_at/finished_at, corpus_meta created_at/last_opened_by): two
        databases built by inserting the same documents in the same order have equal digests."""
        from .export import content_digest

        self.commit()
        with self._lock:
            return content_digest(self.conn)


class _Tx:
    """A unit of work inside the current batch transaction.

    No SAVEPOINT: FTS5 flushes its pending index data at every savepoint release, which
    costs as much as a commit.  Instead each successful unit is remembered until the batch
    commits; if a unit fails, the batch is rolled back and the remembered units are
    replayed (they are deterministic), so only the failing unit is lost.
    ``flush=True`` commits at once."""

    def __init__(self, corpus: "Corpus", flush: bool = False, replay=None):
        self.corpus = corpus
        self.flush = flush
        self.replay = replay

    def __enter__(self):
        cp = self.corpus
        cp._lock.acquire()
        try:
            cp._begin()
        except BaseException:
            cp._lock.release()
            raise
        return cp.conn

    def __exit__(self, et, ev, tb):
        cp = self.corpus
        try:
            if et is None:
                cp._pending += 1
                if self.replay is not None:
                    cp._replay.append(self.replay)
                if (
                    self.flush
                    or cp._pending >= cp.commit_every
                    or (time.monotonic() - cp._tx_started) >= cp.commit_interval
                ):
                    cp.commit()
            else:
                ops = cp._replay
                cp._replay = []
                cp._in_tx = False
                cp._pending = 0
                cp.conn.execute("ROLLBACK")
                for fn, args, kwargs in ops:
                    fn(*args, **kwargs)
        finally:
            cp._lock.release()
        return False


def _split_sql(sql: str) -> list[str]:
    """Split the DDL script into statements (no semicolons inside our statements)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
