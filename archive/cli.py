"""``govcrawl index | wacz | replay`` — wired into crawler/cli.py with ``register(subparsers)``.

* ``index DIR [--out FILE]``: CDXJ of every WARC in DIR (cdxj-indexer) -> ``DIR/index.cdxj``.
* ``wacz DIR [--out FILE]``: a WACZ (py-wacz) whose ``pages/pages.jsonl`` lists the HTML
  200 responses/revisits (title from the page); ``wacz validate`` passes on it.
* ``replay DIR [--port N] [--root DIR]``: pywb collection (symlinked WARCs, reindexed)
  served by ``wayback`` on 127.0.0.1; prints the URL.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import tempfile

from .reader import iter_captures, iter_metadata
from .replay import serve_forever, warc_files
from .warc import warc_date_to_14


def _closed_warcs(paths) -> list[str]:
    files = warc_files(paths)
    open_ = [f for f in files if f.endswith(".open")]
    if open_:
        print(f"warning: {len(open_)} WARC(s) still .open (crawl running or crashed): "
              "start a writer (or a crawl) to finalise them; indexing the closed ones only",
              file=sys.stderr)
    return [f for f in files if not f.endswith(".open")]


def write_index(paths, out: str) -> int:
    """CDXJ (sorted, cdxj-indexer) of the closed WARCs of ``paths``; returns line count."""
    from cdxj_indexer.main import write_cdx_index

    files = _closed_warcs(paths)
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        write_cdx_index(fh, files, {"sort": True, "post_append": True})
    os.replace(tmp, out)
    with open(out) as fh:
        return sum(1 for _ in fh)


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def page_title(body: bytes, content_type: str | None) -> str:
    m = _TITLE.search(body[:65536])
    if not m:
        return ""
    cs = None
    for src in ((content_type or "").encode(), body[:4096]):
        mm = _CHARSET.search(src)
        if mm:
            cs = mm.group(1).decode("ascii", "replace").lower()
            break
    if cs in ("gb2312", "gbk", "gb_2312-80"):
        cs = "gb18030"
    try:
        text = m.group(1).decode(cs or "utf-8")
    except (LookupError, UnicodeDecodeError):
        text = m.group(1).decode("gb18030", "replace")
    return re.sub(r"\s+", " ", text).strip()


def build_pages(paths) -> list[dict]:
    """pages.jsonl entries: HTML 200 captures (responses and revisits), one per URL+ts;
    ``govcrawl-role`` from the metadata records when the spider sent it."""
    roles = {}
    for m in iter_metadata(paths):
        for k, v in m["fields"]:
            if k == "govcrawl-role" and m["refers_to"]:
                roles[m["refers_to"]] = v
    pages, seen = [], set()
    for c in iter_captures(paths):
        ctype = c["headers"].get("content-type", "")
        if c["status"] != 200 or "html" not in ctype.lower():
            continue
        key = (warc_date_to_14(c["fetched_at"]), c["url"])
        if key in seen:
            continue
        seen.add(key)
        page = {"id": c["warc"]["record_id"].strip("<>").split(":")[-1], "url": c["url"],
                "ts": c["fetched_at"], "title": page_title(c["body"], ctype)}
        role = roles.get(c["warc"]["record_id"])
        if role:
            page["govcrawl_role"] = role
        pages.append(page)
    return pages


def write_wacz(paths, out: str, title: str = "govcrawl collection") -> int:
    """WACZ with pages.jsonl; returns the number of pages."""
    from wacz.main import main as wacz_main

    files = _closed_warcs(paths)
    pages = build_pages(files)
    with tempfile.TemporaryDirectory() as tmp:
        pj = os.path.join(tmp, "pages.jsonl")
        with open(pj, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n")
            for p in pages:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        args = ["create", "-o", out, "-p", pj, "--title", title, *files]
        if pages:
            args[1:1] = ["--url", pages[0]["url"]]
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = wacz_main(args)
        if rc not in (0, None) or not os.path.exists(out):
            raise RuntimeError(f"wacz create failed ({rc}): {buf.getvalue()[-2000:]}")
    return len(pages)


def validate_wacz(path: str) -> tuple[bool, str]:
    from wacz.main import main as wacz_main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = wacz_main(["validate", "-f", path])
    out = buf.getvalue()
    return rc in (0, None) and "invalid" not in out.lower(), out


# ----------------------------------------------------------------------------- argparse


def _cmd_index(a) -> int:
    out = a.out or os.path.join(a.warc_dir, "index.cdxj")
    n = write_index([a.warc_dir], out)
    print(f"{out}: {n} CDXJ lines")
    return 0


def _cmd_wacz(a) -> int:
    out = a.out or os.path.join(a.warc_dir, "govcrawl.wacz")
    n = write_wacz([a.warc_dir], out, title=a.title)
    ok, msg = validate_wacz(out)
    print(f"{out}: {n} pages; validate: {'ok' if ok else 'FAILED'}")
    if not ok:
        print(msg, file=sys.stderr)
    return 0 if ok else 1


def _cmd_replay(a) -> int:
    return serve_forever([a.warc_dir], port=a.port, root=a.root)


def _default_dir() -> str:
    from crawler.paths import warc_dir

    return str(warc_dir())


def register(subparsers) -> None:
    p = subparsers.add_parser("index", help="CDXJ index of a WARC directory (cdxj-indexer)")
    p.add_argument("warc_dir", nargs="?", default=_default_dir())
    p.add_argument("--out", help="output file (default WARC_DIR/index.cdxj)")
    p.set_defaults(func=_cmd_index)

    p = subparsers.add_parser("wacz", help="package a WARC directory as a WACZ (py-wacz)")
    p.add_argument("warc_dir", nargs="?", default=_default_dir())
    p.add_argument("--out", help="output file (default WARC_DIR/govcrawl.wacz)")
    p.add_argument("--title", default="govcrawl collection")
    p.set_defaults(func=_cmd_wacz)

    p = subparsers.add_parser("replay", help="replay a WARC directory in pywb on 127.0.0.1")
    p.add_argument("warc_dir", nargs="?", default=_default_dir())
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--root", help="pywb root directory to keep (default: temporary)")
    p.set_defaults(func=_cmd_replay)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m archive.cli")
    register(ap.add_subparsers(dest="cmd", required=True))
    a = ap.parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
