"""``govcrawl extract FILE.html [--url URL] [--charset LABEL]``: one page -> one JSON object.

The file's raw bytes are decoded with :func:`crawler.encoding.decode` (the same decoder the
crawl uses), then extracted with :func:`crawler.extract.extract_html`.  Attachments (``.pdf``,
``.docx`` ...) given as FILE are extracted with :func:`crawler.extract.extract_attachment`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .attachments import ATTACHMENT_EXTS, extract_attachment
from .core import extract_html


def _decode(body: bytes, charset: str | None):
    try:
        from crawler.encoding import decode
    except ImportError:  # pragma: no cover - the encoding package is part of govcrawl
        decode = None
    if decode is not None:
        d = decode(body, charset)
        info = d.to_dict() if hasattr(d, "to_dict") else {"encoding": d.encoding}
        info.pop("text", None)
        return d.text, info
    for enc in ([charset] if charset else []) + ["utf-8", "gb18030"]:
        try:
            return body.decode(enc), {"encoding": enc, "source": "fallback"}
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace"), {"encoding": "utf-8", "source": "fallback"}


def _text_repairs(text: str):
    try:
        from crawler.encoding import repair
    except ImportError:  # pragma: no cover
        return None
    try:
        r = repair(text)
    except Exception as e:  # a repair bug must not hide the extraction
        return {"error": f"{type(e).__name__}: {e}"}
    return r


def run(path: str, url: str | None = None, charset: str | None = None) -> dict:
    with open(path, "rb") as f:
        body = f.read()
    url = url or "file://" + os.path.abspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in ATTACHMENT_EXTS and ext not in ("txt",):
        return {"url": url, "attachment": extract_attachment(body, url).to_dict()}
    html, enc = _decode(body, charset)
    ex = extract_html(html, url)
    out = {
        "url": url,
        "title": ex.title,
        "published": ex.published,
        "published_time": ex.published_time,
        "source": ex.source,
        "author": ex.author,
        "breadcrumb": ex.breadcrumb,
        "text": ex.text,
        "fields": ex.fields,
        "meta": ex.meta,
        "attachments": ex.attachments,
        "next_pages": ex.next_pages,
        "is_mirror": ex.is_mirror,
        "mirror_signals": ex.mirror_signals,
        "encoding": enc,
        "repairs": {"html": ex.repairs},
    }
    r = _text_repairs(ex.text)
    if isinstance(r, dict):
        out["repairs"]["text"] = r
    elif r is not None:
        out["repairs"]["text"] = r.to_dict()
        if getattr(r, "fixes", None):
            out["repaired_text"] = r.text
    return out


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE.html", help="saved page (raw bytes) or attachment")
    p.add_argument("--url", default=None, help="URL the page was fetched from (resolves links, dates)")
    p.add_argument("--charset", default=None, metavar="LABEL",
                   help="declared charset (as an HTTP header would give it)")
    p.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")


def _cmd(args) -> int:
    try:
        out = run(args.file, args.url, args.charset)
    except OSError as e:
        print(f"govcrawl extract: {e}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, ensure_ascii=False, indent=args.indent)
    sys.stdout.write("\n")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``extract`` subcommand to a ``govcrawl`` argparse subparsers object."""
    p = subparsers.add_parser("extract", help="extract body and metadata from a saved page",
                              description=__doc__.split("\n")[0])
    _add_arguments(p)
    p.set_defaults(func=_cmd)
    return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="govcrawl extract", description=__doc__.split("\n")[0])
    _add_arguments(ap)
    return _cmd(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
