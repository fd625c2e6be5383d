"""Datasette ``metadata.json`` for corpus.db, generated from the schema descriptions.

``datasette data/corpus.db -m metadata.json`` then shows described tables, facets on
documents (site, year, is_mirror, ...) and a search box on documents that finds Chinese
queries of any length: ``fts_table`` is the ``documents_search`` view, which unions the
trigram index (3+ characters) and the jieba/bigram index (1-2 characters).
"""
from __future__ import annotations

import json

from .schema import DESCRIPTIONS

HIDDEN = ("documents_fts", "documents_fts_words", "lsh_buckets", "signatures")

SEARCH_SQL = """select d.id, d.title, d.published, d.site, d.url, d.is_canonical,
  substr(d.text, max(1, instr(d.text, :q) - 40), 120) as context
from documents d
where d.id in (select rowid from documents_search where documents_search match '"' || replace(:q, '"', '""') || '"')
order by d.is_canonical desc, d.published desc
limit 100"""


def build_metadata(database: str = "corpus") -> dict:
    tables: dict[str, dict] = {}
    for name, (desc, cols) in DESCRIPTIONS.items():
        t: dict = {"description": desc}
        if cols:
            t["columns"] = dict(cols)
        if name in HIDDEN:
            t["hidden"] = True
        tables[name] = t
    tables["documents"].update(
        {
            "fts_table": "documents_search",
            "fts_pk": "id",
            "facets": ["site", "year", "is_mirror", "is_canonical", "dup_kind", "script"],
            "label_column": "title",
            "sort_desc": "published",
            "size": 20,
        }
    )
    tables["captures"].update({"facets": ["site", "role", "status", "encoding_name"]})
    tables["repairs"].update({"facets": ["family"]})
    tables["clusters"].update({"sort_desc": "size", "label_column": "title"})
    tables["attachments"].update({"facets": ["mime"]})
    return {
        "title": "govcrawl corpus",
        "description": (
            "Clean, deduplicated text of Chinese municipal government and CPPCC websites, "
            "with provenance down to the WARC record. Duplicates are kept and point at "
            "their canonical copy (documents.canonical_id); filter is_canonical=1 for one "
            "copy per article. Search finds queries of any length (e.g. 氢能, 政协, 新能源之都)."
        ),
        "databases": {
            database: {
                "description": "govcrawl corpus.db (schema described in the _descriptions table and docs/corpus.md)",
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search documents (any length)",
                        "description": "One term, matched in title or text; canonical copies first.",
                        "sql": SEARCH_SQL,
                    },
                    "clusters_with_duplicates": {
                        "title": "Duplicate clusters",
                        "sql": (
                            "select c.id, c.size, c.n_sites, c.n_mirror, c.title, c.canonical_id, "
                            "group_concat(d.site || ':' || d.id || coalesce(':' || d.dup_kind, ''), ' ') as members "
                            "from clusters c join documents d on d.cluster_id = c.id where c.size > 1 "
                            "group by c.id order by c.size desc, c.id limit 500"
                        ),
                    },
                },
            }
        },
    }


def write_metadata(path: str, database: str = "corpus") -> dict:
    md = build_metadata(database)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(md, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return md
