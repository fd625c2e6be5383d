"""``govcrawl search``, ``govcrawl export`` and ``govcrawl datasette-metadata``.

The lead wires :func:`register` into crawler/cli.py::

    from crawler.corpus.cli import register as register_corpus
    register_corpus(subparsers)

Each subcommand sets ``func`` (taking the parsed args, returning an exit status).
"""
from __future__ import annotations

import argparse
import os
import sys

from crawler.paths import corpus_path

DEFAULT_DB = str(corpus_path())


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB,
                   help="corpus database (default: %(default)s)")


def cmd_search(args) -> int:
    from . import Corpus

    if not os.path.exists(args.db):
        print(f"no corpus at {args.db}", file=sys.stderr)
        return 2
    corpus = Corpus(args.db)
    try:
        hits = corpus.search(" ".join(args.query), site=args.site, since=args.since,
                             limit=args.limit, collapse=not args.all_copies)
    finally:
        corpus.close()
    if args.json:
        import json

        for h in hits:
            print(json.dumps(h.__dict__, ensure_ascii=False))
        return 0 if hits else 1
    if not hits:
        print("no hits")
        return 1
    for i, h in enumerate(hits, 1):
        print(f"{i:>3}. [{h.document_id}] {h.title or '(no title)'}")
        print(f"     {h.published or '----------'}  {h.site or ''}  {h.url}  rank={h.rank:.3f}")
        print(f"     {h.snippet}")
    return 0


def cmd_export(args) -> int:
    from . import Corpus

    corpus = Corpus(args.db)
    try:
        n = corpus.export(args.format, args.out, canonical_only=not args.all_copies)
    finally:
        corpus.close()
    print(f"exported {n} documents as {args.format} to {args.out}", file=sys.stderr)
    return 0


def cmd_metadata(args) -> int:
    from . import Corpus

    corpus = Corpus(args.db)
    try:
        corpus.write_datasette_metadata(args.out, database=args.database)
    finally:
        corpus.close()
    print(f"wrote {args.out}; browse with: datasette {args.db} -m {args.out}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("search", help="full-text search of the corpus (any query length)")
    _db_arg(p)
    p.add_argument("query", nargs="+", help="terms (all must match); quote a phrase")
    p.add_argument("--site", help="only this site")
    p.add_argument("--since", help="only documents published on/after YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--all-copies", action="store_true", help="show duplicates too (default: one hit per cluster)")
    p.add_argument("--json", action="store_true", help="one JSON object per hit")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser("export", help="export the corpus as txt files, JSON lines or parquet")
    _db_arg(p)
    p.add_argument("--format", choices=["txt", "jsonl", "parquet"], required=True)
    p.add_argument("out", help="output directory (txt) or file (jsonl, parquet)")
    p.add_argument("--all-copies", action="store_true", help="include duplicates (default: canonical only)")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("datasette-metadata", help="write a Datasette metadata.json for the corpus")
    _db_arg(p)
    p.add_argument("out", nargs="?", default="metadata.json")
    p.add_argument("--database", help="database name in Datasette (default: file name stem)")
    p.set_defaults(func=cmd_metadata)


def main(argv=None) -> int:
    """Standalone entry point: python -m crawler.corpus.cli search 氢能"""
    ap = argparse.ArgumentParser(prog="govcrawl")
    sub = ap.add_subparsers(dest="command", required=True)
    register(sub)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
