"""Exports of the corpus: txt (one file per document), jsonl, parquet; content digest."""
from __future__ import annotations

import hashlib
import json
import os
import re

FORMATS = ("txt", "jsonl", "parquet")

# columns exported to jsonl / parquet, in this order
EXPORT_COLUMNS = [
    "id", "url", "site", "site_title", "official", "title", "published", "published_time",
    "source", "author", "breadcrumb", "text", "text_length", "text_hash", "script",
    "is_mirror", "cluster_id", "canonical_id", "is_canonical", "dup_kind", "similarity",
    "fields", "meta", "n_repairs", "lost_chars", "n_attachments", "version", "first_seen",
    "last_seen", "fetched_at", "warc_file", "warc_offset", "warc_length", "warc_record_id",
    "payload_digest",
]
JSON_COLUMNS = {"fields", "meta"}


def _rows(conn, canonical_only: bool):
    cols = ", ".join(
        "s.title AS site_title" if c == "site_title" else f"d.{c}" for c in EXPORT_COLUMNS
    )
    sql = f"SELECT {cols} FROM documents d LEFT JOIN sites s ON s.name = d.site"
    if canonical_only:
        sql += " WHERE d.is_canonical = 1"
    sql += " ORDER BY d.id"
    return conn.execute(sql)


def _attachments(conn, doc_id: int) -> list[dict]:
    return [
        {"url": r[0], "name": r[1], "mime": r[2], "text_length": r[3], "error": r[4]}
        for r in conn.execute(
            "SELECT url, name, mime, text_length, error FROM attachments WHERE document_id=? ORDER BY id",
            (doc_id,),
        )
    ]


def _record(conn, row) -> dict:
    rec = {}
    for c in EXPORT_COLUMNS:
        v = row[c]
        if c in JSON_COLUMNS and v is not None:
            try:
                v = json.loads(v)
            except ValueError:
                pass
        rec[c] = v
    rec["attachments"] = _attachments(conn, row["id"])
    return rec


def txt_header(rec: dict) -> str:
    lines = [
        f"标题: {rec.get('title') or ''}",
        f"日期: {rec.get('published') or ''}",
        f"来源: {rec.get('source') or ''}",
        f"网址: {rec.get('url') or ''}",
        f"站点: {rec.get('site_title') or rec.get('site') or ''}",
    ]
    return "\n".join(lines) + "\n\n"


def _txt_name(rec: dict) -> str:
    h = (rec.get("text_hash") or "")[:16] or "0" * 16
    return f"{int(rec['id']):06d}_{h}.txt"


def trim_boilerplate(conn, text: str) -> str:
    """Drop leading and trailing lines known as boilerplate (boilerplate_lines: lines shared
    by otherwise different articles, i.e. a template the extractor left in).  Lines inside
    the body are kept, whatever they are."""
    from .store import _line_hash
    from .text import dedup_normalize

    lines = text.split("\n")
    keys = [_line_hash(dedup_normalize(l)) if l.strip() else None for l in lines]
    hs = sorted({k for k in keys if k})
    bp: set = set()
    for i in range(0, len(hs), 500):
        chunk = hs[i : i + 500]
        bp.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT line_hash FROM boilerplate_lines WHERE is_boilerplate = 1 "
            f"AND line_hash IN ({','.join('?' * len(chunk))})", chunk))
    if not bp:
        return text
    lo, hi = 0, len(lines)
    while lo < hi and (keys[lo] is None or keys[lo] in bp):
        lo += 1
    while hi > lo and (keys[hi - 1] is None or keys[hi - 1] in bp):
        hi -= 1
    return "\n".join(lines[lo:hi]) if lo < hi else text


def export(conn, fmt: str, out_path: str, canonical_only: bool = True) -> int:
    """Write the export; returns the number of documents written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    n = 0
    if fmt == "txt":
        os.makedirs(out_path, exist_ok=True)
        for row in _rows(conn, canonical_only).fetchall():
            rec = dict(row)
            text = trim_boilerplate(conn, (rec.get("text") or "").strip())
            text = re.sub(r"\n{3,}", "\n\n", text.strip())
            with open(os.path.join(out_path, _txt_name(rec)), "w", encoding="utf-8", newline="\n") as fh:
                fh.write(txt_header(rec))
                fh.write(text + "\n")
            n += 1
        return n
    if fmt == "jsonl":
        d = os.path.dirname(out_path)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
            for row in _rows(conn, canonical_only).fetchall():
                fh.write(json.dumps(_record(conn, row), ensure_ascii=False, sort_keys=False) + "\n")
                n += 1
        return n
    # parquet
    import pyarrow as pa
    import pyarrow.parquet as pq

    recs = [_record(conn, row) for row in _rows(conn, canonical_only).fetchall()]
    for r in recs:
        for c in JSON_COLUMNS:
            r[c] = json.dumps(r[c], ensure_ascii=False, sort_keys=True) if r[c] is not None else None
    int_cols = {"id", "official", "text_length", "is_mirror", "cluster_id", "canonical_id",
                "is_canonical", "n_repairs", "lost_chars", "n_attachments", "version",
                "warc_offset", "warc_length"}
    fields = []
    for c in EXPORT_COLUMNS:
        if c in int_cols:
            fields.append(pa.field(c, pa.int64()))
        elif c == "similarity":
            fields.append(pa.field(c, pa.float64()))
        else:
            fields.append(pa.field(c, pa.string()))
    fields.append(
        pa.field(
            "attachments",
            pa.list_(pa.struct([("url", pa.string()), ("name", pa.string()), ("mime", pa.string()),
                                ("text_length", pa.int64()), ("error", pa.string())])),
        )
    )
    table = pa.Table.from_pylist(recs, schema=pa.schema(fields))
    d = os.path.dirname(out_path)
    if d:
        os.makedirs(d, exist_ok=True)
    pq.write_table(table, out_path)
    return len(recs)


# ---------------------------------------------------------------------------
# Content digest (rebuild determinism)
# ---------------------------------------------------------------------------

_SKIP = {
    ("crawls", "started_at"), ("crawls", "finished_at"), ("crawls", "settings"),
    ("crawls", "govcrawl_version"), ("crawls", "stats"), ("crawls", "kind"),
}
_SKIP_META_KEYS = ("created_at", "last_opened_by", "created_by")


def content_digest(conn) -> str:
    """SHA-1 of the content of all ordinary tables, rows ordered by primary key, excluding
    wall-clock columns.  FTS tables are derived and checked through their source rows."""
    h = hashlib.sha1()
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
            "AND name NOT LIKE 'documents_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for t in tables:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')]
        keep = [c for c in cols if (t, c) not in _SKIP]
        pk = [r[1] for r in sorted(conn.execute(f'PRAGMA table_info("{t}")'), key=lambda r: r[5]) if r[5]]
        order = ", ".join(f'"{c}"' for c in (pk or keep))
        sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{t}"'
        if t == "corpus_meta":
            sql += " WHERE key NOT IN (%s)" % ",".join("?" * len(_SKIP_META_KEYS))
            rows = conn.execute(sql + f" ORDER BY {order}", _SKIP_META_KEYS)
        else:
            rows = conn.execute(sql + f" ORDER BY {order}")
        h.update(f"\x00{t}\x00{','.join(keep)}\n".encode())
        for row in rows:
            h.update(repr(tuple(row)).encode("utf-8"))
            h.update(b"\n")
    return h.hexdigest()
