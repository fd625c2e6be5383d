"""``govcrawl repair FILE...``: repair damaged Chinese text, never in place.

The repaired text goes to stdout; with ``--explain`` every fix is written to stderr as one
JSON object per line (file, family, start, end, before, after, confidence, lost).  ``-``
reads stdin.  Files are read as UTF-8; bytes that are not UTF-8 are first decoded with
:func:`crawler.encoding.decode` (so a GBK file works too).

Wiring (crawler/cli.py):  ``from crawler.encoding.cli import register; register(subparsers)``.
Standalone:  ``python -m crawler.encoding.cli repair FILE...`` (or without the word ``repair``).
"""
from __future__ import annotations

import argparse
import json
import sys

from .decoder import decode
from .repairer import repair

__all__ = ["register", "main", "run"]


def _read(path: str) -> tuple[str, dict | None]:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        d = decode(data)
        return d.text, d.to_dict()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="text files to repair ('-' = stdin)")
    p.add_argument("--explain", action="store_true",
                   help="write every fix as a JSON line to stderr")
    p.add_argument("--summary", action="store_true",
                   help="write one JSON line per file with the fix counts to stderr")


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    err = sys.stderr
    status = 0
    for path in args.files:
        try:
            text, decoded = _read(path)
        except OSError as e:
            print(f"govcrawl repair: {path}: {e.strerror or e}", file=err)
            status = 1
            continue
        r = repair(text)
        out.write(r.text)
        if r.text and not r.text.endswith("\n") and len(args.files) > 1:
            out.write("\n")
        if decoded is not None and (args.explain or args.summary):
            err.write(json.dumps({"file": path, "decoded": decoded}, ensure_ascii=False) + "\n")
        if args.explain:
            for f in r.fixes:
                rec = {"file": path}
                rec.update(f.to_dict())
                err.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if args.summary:
            err.write(json.dumps({"file": path, "changed": r.changed, "fixes": len(r.fixes),
                                  "lost": r.lost, "families": r.families()},
                                 ensure_ascii=False) + "\n")
    out.flush()
    return status


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``repair`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "repair", help="repair damaged Chinese text (mojibake, lossy GBK round trips, mirror "
                       "annotations); writes to stdout, never in place",
        description=__doc__.split("\n\n")[0])
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "repair":
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="govcrawl repair", description=__doc__.split("\n\n")[0])
    add_arguments(p)
    args = p.parse_args(argv)
    try:
        return run(args)
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":
    sys.exit(main())
