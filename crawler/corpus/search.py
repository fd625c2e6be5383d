"""Full-text search over the corpus with stock SQLite FTS5.

Two FTS5 tables share the documents' rowid:

* ``documents_fts`` -- trigram tokenizer over documents.title/text (external content):
  exact substring search, but only for terms of 3+ characters.
* ``documents_fts_words`` -- unicode61 over jieba tokens (search mode) and the distinct
  Chinese unigrams/bigrams of title+text, all mapped to simplified characters: a 1-2
  character term (氢能, 政协) is one token there.

A query is split on whitespace into terms (``"..."`` keeps a phrase together); every term
must match (AND).  Terms of 3+ characters go to the trigram table (and, for traditional
texts, are also looked up as simplified characters in the words table), shorter ones to
the words table.  Rank = sum of bm25 scores (lower is better).

The view ``documents_search`` unions both tables so that ``documents_search MATCH '"氢能"'``
(what Datasette's ``_search=`` sends) works for any single term in plain SQLite too.
"""
from __future__ import annotations

import re
import shlex
import unicodedata

from .text import search_fold, segment_words, to_simplified

SNIPPET_CHARS = 40


def _terms(query: str) -> list[str]:
    q = unicodedata.normalize("NFKC", query or "").strip()
    if not q:
        return []
    try:
        parts = shlex.split(q)
    except ValueError:
        parts = q.replace('"', " ").split()
    out = []
    for p in parts:
        p = p.replace('"', "").strip()
        if p and p not in out:
            out.append(p)
    return out


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _words_expr(term: str) -> str:
    """FTS5 expression on documents_fts_words for a term: a 1-2 character term is one token
    (grams / jieba); a longer one needs all its character bigrams in ``grams`` (a superset
    of the documents containing it, checked afterwards) or, without Chinese bigrams, the
    phrase of its tokens."""
    s = search_fold(term)
    if len(s) <= 2:
        return _phrase(s)
    bigrams = []
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", s):
        bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
    if not bigrams:
        toks = segment_words(s, folded=True)
        return _phrase(toks or s)
    return "(" + " AND ".join(f"grams : {_phrase(b)}" for b in dict.fromkeys(bigrams)) + ")"


def search(conn, query: str, site=None, since=None, limit: int = 20, collapse: bool = True):
    from .store import Hit

    terms = _terms(query)
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= 3]
    short_terms = [t for t in terms if len(t) < 3]
    ctes, joins, rank_parts, params = [], [], [], []
    if long_terms:
        # substring match in the original text, or the simplified form in the words index
        ctes.append(
            "t_long AS (SELECT rowid, bm25(documents_fts) AS r FROM documents_fts WHERE documents_fts MATCH ?)"
        )
        params.append(" AND ".join(_phrase(t) for t in long_terms))
        joins.append("JOIN t_long ON t_long.rowid = d.id")
        rank_parts.append("t_long.r")
    if short_terms:
        ctes.append(
            "t_short AS (SELECT rowid, bm25(documents_fts_words) AS r FROM documents_fts_words "
            "WHERE documents_fts_words MATCH ?)"
        )
        params.append(" AND ".join(_words_expr(t) for t in short_terms))
        joins.append("JOIN t_short ON t_short.rowid = d.id")
        rank_parts.append("t_short.r")
    where, wparams = [], []
    if site:
        where.append("d.site = ?")
        wparams.append(site)
    if since:
        where.append("d.published >= ?")
        wparams.append(since)
    sql = (
        "WITH " + ", ".join(ctes) + " SELECT d.id, d.url, d.title, d.published, d.site, d.text, "
        "d.cluster_id, d.is_canonical, " + " + ".join(rank_parts) + " AS rank FROM documents d "
        + " ".join(joins)
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY rank, d.is_canonical DESC, d.id"
    )
    rows = conn.execute(sql, params + wparams).fetchall()
    if long_terms:
        # traditional-script documents: the trigram index holds their original characters;
        # look the simplified terms up in the (simplified) words index too
        seen = {r["id"] for r in rows}
        extra = [r for r in _fallback(conn, terms, site, since) if r["id"] not in seen]
        if extra:
            rows = sorted(list(rows) + extra, key=lambda r: (r["rank"], -(r["is_canonical"] or 0), r["id"]))
    return _hits(rows, terms, limit, collapse, Hit)


def _fallback(conn, terms, site, since):
    expr = " AND ".join(_words_expr(t) for t in terms)
    where, wparams = ["d.script IN ('traditional', 'mixed')"], []
    if site:
        where.append("d.site = ?")
        wparams.append(site)
    if since:
        where.append("d.published >= ?")
        wparams.append(since)
    sql = (
        "SELECT d.id, d.url, d.title, d.published, d.site, d.text, d.cluster_id, d.is_canonical, "
        "bm25(documents_fts_words) AS rank FROM documents_fts_words JOIN documents d ON d.id = documents_fts_words.rowid "
        "WHERE documents_fts_words MATCH ?" + ("".join(" AND " + w for w in where))
    )
    rows = conn.execute(sql, [expr] + wparams).fetchall()
    # keep only rows that really contain every term (folded comparison)
    folded = [search_fold(t) for t in terms]
    return [r for r in rows if all(t in search_fold((r["title"] or "") + "\n" + (r["text"] or "")) for t in folded)]


def _hits(rows, terms, limit, collapse, Hit):
    if collapse:
        # one hit per cluster, at the cluster's best rank, showing the canonical copy if it
        # matched (else the best-ranked copy)
        best: dict = {}
        order = []
        for r in rows:
            cid = r["cluster_id"]
            if cid not in best:
                best[cid] = r
                order.append(cid)
            elif r["is_canonical"] and not best[cid]["is_canonical"]:
                best[cid] = r
        rows = [best[cid] for cid in order]
    hits = []
    for r in rows:
        hits.append(
            Hit(
                document_id=r["id"], url=r["url"], title=r["title"], published=r["published"],
                site=r["site"], snippet=snippet(r["text"] or "", terms), rank=float(r["rank"]),
            )
        )
        if len(hits) >= limit:
            break
    return hits


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """Window around the first occurrence of a term, terms marked with [ ]."""
    flat = re.sub(r"\s+", " ", text)
    probe = to_simplified(flat)  # character for character, so offsets stay valid
    if len(probe) != len(flat):  # pragma: no cover - the table maps single characters
        probe = flat
    pos, hit = -1, ""
    for t in terms:
        i = probe.find(to_simplified(t))
        if i >= 0 and (pos < 0 or i < pos):
            pos, hit = i, t
    if pos < 0:
        return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")
    start = max(0, pos - width)
    end = min(len(flat), pos + len(hit) + width)
    seg = flat[start:end]
    pseg = probe[start:end]
    # mark every term occurrence inside the window
    marks = []
    for t in terms:
        st = to_simplified(t)
        j = pseg.find(st)
        while j >= 0:
            marks.append((j, j + len(st)))
            j = pseg.find(st, j + len(st))
    marks.sort()
    out, k = [], 0
    for a, b in marks:
        if a < k:
            continue
        out.append(seg[k:a])
        out.append("[" + seg[a:b] + "]")
        k = b
    out.append(seg[k:])
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(flat) else "")
