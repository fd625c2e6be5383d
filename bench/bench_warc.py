"""Benchmark: gzip level of the per-record WARC compression (GOVCRAWL_WARC_GZIP_LEVEL).

For every level 1..9 (and warcio's own writer, which always uses level 9) it serialises
the same records as archive.warc does (request + response per page) and reports the
throughput (MB of uncompressed WARC per CPU-second: process time, so other load on the machine does not skew it) and the output size, with ratios
against level 9.

Pages: fetched over HTTP from the offline replica (crawler.replica) the way the crawler
stores them: once with ``Accept-Encoding: identity`` (sites that send plain HTML) and once
with gzip (the bodies are stored still content-encoded, so WARC gzip meets gzip). Falls
back to synthetic replica-like pages when the replica is not importable (``--synthetic``
forces it).

    .venv/bin/python bench/bench_warc.py [--articles 60] [--repeat 3] [--synthetic]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import urllib.request
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.warc import CT_HTTP_REQUEST, CT_HTTP_RESPONSE, build_record  # noqa: E402


def _head(status: bytes, headers) -> bytes:
    return status + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n"


def replica_pages(n_articles: int, accept_encoding: str) -> list[tuple[str, bytes, bytes]]:
    """(url, response head, body as received) for every truth article page, attachment
    and site home of the replica."""
    from crawler.replica import Replica

    out = []
    with Replica(articles=n_articles, faults=False) as rep:
        urls = []
        for name, site in rep.sites.items():
            urls.append(site.base_url + "/")
            for a in rep.truth(name):
                urls += list(a.pages or [a.url]) + [x.url for x in a.attachments]
        for u in dict.fromkeys(urls):
            req = urllib.request.Request(u, headers={"Accept-Encoding": accept_encoding, "User-Agent": "bench"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    body = r.read()
                    hdrs = [(k.encode(), v.encode("latin-1")) for k, v in r.headers.items()
                            if k.lower() != "transfer-encoding"]
                    out.append((u, _head(b"HTTP/1.1 %d %s" % (r.status, r.reason.encode()), hdrs), body))
            except OSError:
                continue
    return out


_CSS = "".join(f".col{i} a{{color:#0a4b8c;font-size:14px;line-height:28px;margin:0 {i % 9}px}}\n" for i in range(80))
_JS = "".join(f"function nav{i}(){{var m=document.getElementById('menu{i}');if(m){{m.style.display='block';}}}}\n"
              for i in range(60))


def synthetic_pages(n: int, gzip_bodies: bool) -> list[tuple[str, bytes, bytes]]:
    """Markup-heavy pages like the municipal sites: inline CSS/JS, big navigation, an
    article of 1.5-5k characters, footer."""
    import gzip

    from archive.testing import _filler

    out = []
    for i in range(n):
        nav = "".join(f'<li class="col{j % 80}"><a href="/col/col{1000 + j}/index.html" target="_blank">'
                      f"{_filler(str(j), 4)[:6]}</a></li>" for j in range(150))
        paras = "".join(f"<p style='text-indent:2em'>{_filler(f'{i}-{k}', 300)}</p>" for k in range(2 + i % 10))
        html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>第{i}号通知</title>"
                f"<style>{_CSS}</style><script>{_JS}</script></head><body><div class='head'><ul>{nav}</ul></div>"
                f"<div id='zoom'>{paras}</div><div class='foot'>主办：常州市人民政府办公室 承办：常州市大数据管理中心"
                f" 苏ICP备05000000号</div></body></html>")
        body = html.encode("utf-8")
        headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Server", b"nginx")]
        if gzip_bodies:
            body = gzip.compress(body, 6, mtime=0)
            headers.append((b"Content-Encoding", b"gzip"))
        headers.append((b"Content-Length", str(len(body)).encode()))
        out.append((f"http://127.0.0.1/art/{i}.html", _head(b"HTTP/1.1 200 OK", headers), body))
    return out


def records(pages) -> list[bytes]:
    recs = []
    for url, head, body in pages:
        recs.append(build_record("response", url, head + body, content_type=CT_HTTP_RESPONSE,
                                 payload_offset=len(head))[0])
        req = (b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: govcrawl\r\n"
               b"Accept-Encoding: gzip, deflate, br, zstd\r\n\r\n")
        recs.append(build_record("request", url, req, content_type=CT_HTTP_REQUEST, payload_offset=len(req))[0])
    return recs


def run_level(recs, level: int, repeat: int) -> tuple[float, int]:
    best = None
    size = 0
    for _ in range(repeat):
        t0 = time.process_time()
        size = 0
        for r in recs:
            c = zlib.compressobj(level, zlib.DEFLATED, 31)
            size += len(c.compress(r)) + len(c.flush())
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    return best, size


def run_warcio(pages, repeat: int) -> tuple[float, int]:
    """warcio's WARCWriter(gzip=True): its own serialisation + level-9 GzippingWrapper."""
    from warcio.statusandheaders import StatusAndHeadersParser
    from warcio.warcwriter import WARCWriter

    best, size = None, 0
    for _ in range(repeat):
        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=True, warc_version="1.1")
        t0 = time.process_time()
        for url, head, body in pages:
            http = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False).parse(io.BytesIO(head))
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                       http_headers=http)
            w.write_record(rec)
            req = w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                       http_headers=StatusAndHeadersParser([], verify=False).parse(
                                           io.BytesIO(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")))
            w.write_record(req)
        dt = time.process_time() - t0
        size = buf.tell()
        best = dt if best is None else min(best, dt)
    return best, size


def table(title: str, pages, repeat: int) -> list[dict]:
    recs = records(pages)
    raw = sum(map(len, recs))
    rows = []
    for level in range(1, 10):
        dt, size = run_level(recs, level, repeat)
        rows.append({"name": f"zlib level {level}", "level": level, "s": dt, "size": size})
    wdt, wsize = run_warcio(pages, repeat)
    rows.append({"name": "warcio writer (9)", "level": 9, "s": wdt, "size": wsize})
    ref = rows[8]
    print(f"\n## {title}: {len(pages)} pages, {len(recs)} records, {raw / 1e6:.2f} MB uncompressed WARC")
    print(f"{'writer':<20} {'MB/s':>8} {'size MB':>9} {'ratio':>7} {'size vs 9':>10} {'speed vs 9':>11}")
    for r in rows:
        mbs = raw / 1e6 / r["s"]
        print(f"{r['name']:<20} {mbs:>8.1f} {r['size'] / 1e6:>9.3f} {r['size'] / raw:>7.3f} "
              f"{r['size'] / ref['size']:>10.3f} {ref['s'] / r['s']:>10.2f}x")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic", action="store_true")
    a = ap.parse_args(argv)
    corpora = None
    if not a.synthetic:
        try:
            corpora = [("replica, identity bodies", replica_pages(a.articles, "identity")),
                       ("replica, gzip bodies as served", replica_pages(a.articles, "gzip, deflate"))]
        except Exception as exc:  # replica missing or broken: synthetic pages instead
            print(f"(replica unavailable: {exc!r}; using synthetic pages)")
    corpora = corpora or []
    corpora += [("synthetic markup-heavy pages, identity bodies", synthetic_pages(300, False)),
                ("synthetic markup-heavy pages, gzip bodies", synthetic_pages(300, True))]
    for title, pages in corpora:
        table(title, pages, a.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
