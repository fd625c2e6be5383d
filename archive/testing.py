"""Test support for the archive package: a small real HTTP site and a real Scrapy crawl.

* :class:`FixtureSite` — threaded ``http.server`` on 127.0.0.1 with the cases an archivist
  expects: robots.txt, UTF-8 and GBK pages (charset in header or only in ``<meta>``), query
  strings, gzip content-encoding, chunked transfer-encoding, a custom reason phrase,
  404/500 error pages, a 301 redirect, a PDF attachment, two URLs with identical bytes,
  an ETag page answering 304 to ``If-None-Match``, and a long chain of pages (``/chain/N``)
  for kill tests.
* ``python -m archive.testing crawl CONFIG.json`` — one real Scrapy crawl (own reactor,
  own process) with :class:`archive.middleware.WarcCaptureMiddleware` and the recording
  download handler; writes the final stats to ``CONFIG["stats_out"]``.
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

GBK_TITLE = "常州市人民政府关于印发《2026年政务公开工作要点》的通知"
GBK_TEXT = "各辖市、区人民政府，市各委办局，市各直属单位：现将《2026年政务公开工作要点》印发给你们，请认真贯彻执行。"


_HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
          "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
          "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只"
          "没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级"
          "少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研市局办委县镇街道")


def _filler(seed: str, n: int) -> str:
    """Deterministic pseudo-text (so pages are replica-sized, not toy-sized)."""
    import random

    rng = random.Random(seed)
    out = []
    while sum(map(len, out)) < n:
        out.append("".join(rng.choice(_HANZI) for _ in range(rng.randint(20, 60))) + "。")
    return "".join(out)


def _html(title: str, body: str, charset: str = "utf-8", meta: bool = True, size: int = 3000) -> str:
    m = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else ""
    nav = "".join(f'<li><a href="/">栏目{i}</a></li>' for i in range(40))
    filler = f'<div class="related"><p>{_filler(title, size)}</p></div>' if size else ""
    return (f"<!DOCTYPE html>\n<html><head>{m}<title>{title}</title>"
            f'<link rel="stylesheet" href="/css/style.css"></head>\n<body><ul class="nav">{nav}</ul>'
            f"{body}{filler}<div class='foot'>主办单位：常州市人民政府办公室 版权所有</div></body></html>\n")


def _pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


class FixtureSite:
    """Context manager; ``.base_url``; ``.served[path] -> (status, headers, body)`` records
    the last bytes served per path (body as sent on the wire before chunking)."""

    def __init__(self, chain: int = 0, chain_size: int = 2000):
        self.chain = chain
        self.chain_size = chain_size
        self.served: dict[str, tuple[int, dict, bytes]] = {}
        self.etag = '"v1-abc"'
        self.pages = self._build()

    def _build(self) -> dict:
        links = [
            "/utf8.html?id=1&amp;x=2", "/gbk.html", "/gbk-meta.html", "/gz.html", "/chunked.html",
            "/dup1.html", "/dup2.html", "/missing.html", "/error.html", "/old.html",
            "/files/notice.pdf", "/odd.html", "/etag.html", "/private/secret.html",
        ]
        if self.chain:
            links.append("/chain/0")
        index = _html("首页 - 测试站", "".join(f'<a href="{l}">{l}</a>\n' for l in links))
        p = {
            "/": (200, "OK", {"Content-Type": "text/html; charset=utf-8"}, index.encode("utf-8")),
            "/robots.txt": (200, "OK", {"Content-Type": "text/plain"},
                            b"User-agent: *\nDisallow: /private/\n"),
            "/utf8.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8"},
                           _html("政务公开 UTF-8", "<p>政府信息公开目录</p><a href='/'>首页</a>").encode()),
            "/gbk.html": (200, "OK", {"Content-Type": "text/html; charset=GBK"},
                          _html(GBK_TITLE, f"<div id='zoom'><p>{GBK_TEXT}</p></div>", "gbk").encode("gbk")),
            "/gbk-meta.html": (200, "OK", {"Content-Type": "text/html"},
                               _html(GBK_TITLE, f"<div id='zoom'><p>{GBK_TEXT}</p></div>", "gb2312").encode("gbk")),
            "/gz.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8", "_gzip": "1"},
                         _html("压缩页面", "<p>" + "常州政务 " * 400 + "</p>").encode()),
            "/chunked.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8", "_chunked": "1"},
                              _html("分块页面", "<p>" + "分块传输 " * 300 + "</p>").encode()),
            "/dup1.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8"},
                           _html("重复", "<p>同一内容两个地址</p>").encode()),
            "/dup2.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8"},
                           _html("重复", "<p>同一内容两个地址</p>").encode()),
            "/error.html": (500, "Internal Server Error", {"Content-Type": "text/html; charset=utf-8"},
                            _html("500 服务器错误", "<p>服务器内部错误</p>").encode()),
            "/old.html": (301, "Moved Permanently", {"Location": "/utf8.html?id=1&x=2",
                                                     "Content-Type": "text/html"}, b"<a href='/utf8.html?id=1&x=2'>moved</a>"),
            "/files/notice.pdf": (200, "OK", {"Content-Type": "application/pdf",
                                              "Content-Disposition": 'attachment; filename="notice.pdf"'}, _pdf()),
            "/odd.html": (200, "Everything Fine Here", {"Content-Type": "text/html; charset=utf-8",
                                                        "X-Gov-Test": "a", "x-gov-test": "b"},
                          _html("奇怪的状态行", "<p>reason phrase kept</p>").encode()),
            "/etag.html": (200, "OK", {"Content-Type": "text/html; charset=utf-8", "ETag": self.etag,
                                       "Last-Modified": "Sun, 01 Nov 2026 00:00:00 GMT"},
                           _html("条件请求", "<p>ETag 页面</p>").encode()),
            "/private/secret.html": (200, "OK", {"Content-Type": "text/html"}, b"<p>robots-excluded</p>"),
        }
        return p

    def _chain_page(self, n: int):
        nxt = f'<a href="/chain/{n + 1}">next</a>' if n + 1 < self.chain else ""
        filler = ("<p>" + f"第{n}页 政务信息 " * (self.chain_size // 30) + "</p>")
        return (200, "OK", {"Content-Type": "text/html; charset=utf-8"},
                _html(f"链 {n}", nxt + filler).encode())

    def lookup(self, path: str):
        if path.startswith("/chain/"):
            try:
                n = int(path.rsplit("/", 1)[1])
            except ValueError:
                n = -1
            if 0 <= n < self.chain:
                return self._chain_page(n)
        return self.pages.get(path) or (404, "Not Found", {"Content-Type": "text/html; charset=utf-8"},
                                         _html("404 页面不存在", "<p>对不起，页面不存在</p>").encode())

    def __enter__(self):
        site = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                status, reason, headers, body = site.lookup(path)
                headers = dict(headers)
                gz = headers.pop("_gzip", None) and "gzip" in (self.headers.get("Accept-Encoding") or "")
                chunked = headers.pop("_chunked", None)
                if path == "/etag.html" and self.headers.get("If-None-Match") == site.etag:
                    status, reason, body = 304, "Not Modified", b""
                    headers = {"ETag": site.etag}
                if gz:
                    body = gzip.compress(body, mtime=0)
                    headers["Content-Encoding"] = "gzip"
                    headers["Vary"] = "Accept-Encoding"
                site.served[self.path] = (status, headers, body)
                self.send_response(status, reason)
                for k, v in headers.items():
                    self.send_header(k, v)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(body), 1000):
                        part = body[i:i + 1000]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    if status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# ----------------------------------------------------------------------------- crawl


def crawl_settings(warc_dir: str, **extra) -> dict:
    s = {
        "BOT_NAME": "govcrawl-test",
        "ROBOTSTXT_OBEY": True,
        "DOWNLOADER_MIDDLEWARES": {"archive.middleware.WarcCaptureMiddleware": 950,
                                   "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
                                   "crawler.cookies.CookiesMiddleware": 700},
        "DOWNLOAD_HANDLERS": {
            "http": "archive.handler.RecordingHTTP11DownloadHandler",
            "https": "archive.handler.RecordingHTTP11DownloadHandler",
        },
        "GOVCRAWL_WARC_DIR": warc_dir,
        "GOVCRAWL_OPERATOR": "archive tests <ops@example.invalid>",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "CONCURRENT_REQUESTS": 4,
        "RETRY_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    s.update(extra)
    return s


def _spider_cls():
    import scrapy

    from crawler.signals import page_metadata

    class ArchiveTestSpider(scrapy.Spider):
        """Follows every link on the start pages' host; sends page_metadata per HTML page."""

        name = "archive_test"
        custom_settings = {"HTTPERROR_ALLOW_ALL": True}

        def __init__(self, start=None, conditional=None, extra=None, **kw):
            super().__init__(**kw)
            self.start_list = [start] + list(extra or [])
            self.hosts = {urlsplit(u).netloc for u in self.start_list}
            self.conditional = conditional

        async def start(self):
            for u in self.start_list:
                yield scrapy.Request(u, callback=self.parse, meta={"dont_redirect": False})
            if self.conditional:
                yield scrapy.Request(self.conditional["url"], headers={"If-None-Match": self.conditional["etag"]},
                                     callback=self.parse, dont_filter=True)

        def parse(self, response):
            links = []
            if b"html" in (response.headers.get("Content-Type") or b""):
                links = [response.urljoin(h) for h in response.css("a::attr(href)").getall()]
            ptr = response.meta.get("warc")
            self.crawler.signals.send_catch_log(
                page_metadata, url=response.url, record_id=ptr and ptr["record_id"],
                fields=[("outlink", f"{u} L a/@href") for u in links]
                + [("govcrawl-role", "page"), ("govcrawl-note", "multi\nline value")])
            for u in links:
                if urlsplit(u).netloc in self.hosts:  # stay on the start hosts
                    yield response.follow(u, callback=self.parse)
            yield {"url": response.url, "status": response.status, "warc": ptr}

    return ArchiveTestSpider


def run_crawl(config: dict) -> dict:
    """``config``: warc_dir, start, [extra], [conditional], [settings], [stats_out],
    [parallel: more start URLs, each crawled by its own crawler in the same process]."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    items = []
    process = CrawlerProcess(settings=crawl_settings(config["warc_dir"], **config.get("settings", {})))

    def _item(item, **kw):
        items.append(item)

    crawlers = []
    for i, start in enumerate([config["start"], *config.get("parallel", [])]):
        crawler = process.create_crawler(_spider_cls())
        crawler.signals.connect(_item, signal=signals.item_scraped, weak=False)
        process.crawl(crawler, start=start, conditional=config.get("conditional") if i == 0 else None,
                      extra=config.get("extra") if i == 0 else None)
        crawlers.append(crawler)
    process.start()
    all_stats = [{k: v for k, v in c.stats.get_stats().items() if isinstance(v, (int, float, str))}
                 for c in crawlers]
    out = {"stats": all_stats[0], "crawler_stats": all_stats, "items": items}
    if config.get("stats_out"):
        with open(config["stats_out"], "w") as fh:
            json.dump(out, fh, default=str)
    return out


if __name__ == "__main__":  # python -m archive.testing crawl CONFIG.json
    if len(sys.argv) == 3 and sys.argv[1] == "crawl":
        with open(sys.argv[2]) as fh:
            run_crawl(json.load(fh))
    else:
        sys.exit("usage: python -m archive.testing crawl CONFIG.json")


# ----------------------------------------------------------------------------- chromium


def chromium_binary() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_JS_PAGE = """(() => {
  let d = document;
  const f = document.querySelector('iframe#replay_iframe') || document.querySelector('iframe');
  if (f && f.contentDocument && f.contentDocument.readyState !== 'loading') d = f.contentDocument;
  return JSON.stringify({framed: d !== document, url: d.location.href, title: d.title,
                         text: d.body ? d.body.innerText : '', charset: d.characterSet,
                         ready: d.readyState});
})()"""


def chromium_page(url: str, want: str | None = None, timeout: float = 40.0) -> dict:
    """Load ``url`` in headless Chromium and return the replayed document (inside pywb's
    replay iframe when framed) as ``{"framed", "url", "title", "text", "charset"}``.

    Talks CDP over ``--remote-debugging-pipe`` (fds 3/4, NUL-separated JSON), so no
    websocket library is needed. Polls until ``want`` appears in the title/text (whitespace ignored)."""
    import os
    import subprocess
    import tempfile
    import time

    exe = chromium_binary()
    if not exe:
        raise FileNotFoundError("chromium not installed (apt-get install -y chromium)")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    with tempfile.TemporaryDirectory(prefix="govcrawl-chromium-") as prof:
        def _fds():  # child: CDP pipe ends on fds 3 (commands in) and 4 (replies out)
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        proc = subprocess.Popen([exe, *CHROMIUM_FLAGS, f"--user-data-dir={prof}", "--remote-debugging-pipe",
                                 "about:blank"], preexec_fn=_fds, pass_fds=(3, 4),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        buf = b""
        ids = iter(range(1, 10**6))

        def call(method, params=None, session=None):
            nonlocal buf
            mid = next(ids)
            msg = {"id": mid, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            os.write(to_chrome_w, json.dumps(msg).encode() + b"\0")
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    m = json.loads(raw)
                    if m.get("id") == mid:
                        if "error" in m:
                            raise RuntimeError(f"CDP {method}: {m['error']}")
                        return m["result"]
                chunk = os.read(from_chrome_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the CDP pipe")
                buf += chunk
            raise TimeoutError(method)

        try:
            target = call("Target.createTarget", {"url": url})["targetId"]
            session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            end = time.monotonic() + timeout
            page = {}
            while time.monotonic() < end:
                r = call("Runtime.evaluate", {"expression": _JS_PAGE, "returnByValue": True}, session)
                page = json.loads(r["result"].get("value") or "{}")
                seen = "".join((page.get("title", "") + page.get("text", "")).split())
                if page.get("ready") == "complete" and (not want or "".join(want.split()) in seen):
                    break
                time.sleep(0.3)
            return page
        finally:
            try:
                call("Browser.close")
            except Exception:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            os.close(to_chrome_w)
            os.close(from_chrome_r)


# ----------------------------------------------------------------------------- test helpers

PROJECT_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def project_python() -> str:
    p = PROJECT_ROOT / ".venv" / "bin" / "python"
    return str(p) if p.exists() else sys.executable


def crawl_in_subprocess(tmp, warc_dir, start: str, timeout: float = 180, **cfg) -> dict:
    """One real Scrapy crawl (``run_crawl``) in its own process; returns {"stats", "items"}."""
    import subprocess
    from pathlib import Path

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    conf = {"warc_dir": str(warc_dir), "start": start, "stats_out": str(tmp / "stats.json"), **cfg}
    (tmp / "crawl.json").write_text(json.dumps(conf))
    r = subprocess.run([project_python(), "-m", "archive.testing", "crawl", str(tmp / "crawl.json")],
                       cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0 or "Traceback" in r.stderr:
        raise AssertionError(f"crawl failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads((tmp / "stats.json").read_text())


def warcio_check(paths) -> None:
    """``warcio check`` (the CLI of the project venv) must accept every file."""
    import subprocess
    from pathlib import Path

    paths = [str(p) for p in paths]
    assert paths, "no WARC files"
    exe = Path(project_python()).parent / "warcio"
    r = subprocess.run([str(exe), "check", *paths], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
