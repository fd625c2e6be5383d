"""Base class of a replica site: routes, lazy rendering with a byte cache, 404 pages, robots."""
from __future__ import annotations

import threading
from typing import Callable, Optional
from urllib.parse import parse_qs

from .common import esc
from .model import Article, Resp


# placeholder assets for the css/js/images the templates reference (served 200 like the real sites)
_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
STATIC = {
    "css": ("text/css", b"body{margin:0;font-family:SimSun,serif}.content p{text-indent:2em;line-height:2}\n"),
    "js": ("application/javascript", b"function czfxfontzoom(s){}function doZoom(s){}function setFont(s){}\n"
                                      b"function createPageHTML(n,c,name,ext){}\n"),
    "png": ("image/png", _GIF), "jpg": ("image/jpeg", _GIF), "gif": ("image/gif", _GIF),
}


class ReplicaSite:
    name = ""
    real_base_url = ""
    codec = "utf-8"             # codec used to encode pages
    truth_encoding = "utf-8"    # codec name reported in truth
    declared: Optional[str] = "utf-8"
    http_charset: Optional[str] = "utf-8"   # None: Content-Type without charset
    meta_charset: Optional[str] = "utf-8"
    server = "nginx"
    city = "changzhou"
    robots = "User-agent: *\nDisallow: /search/\n"

    def __init__(self, replica):
        self.replica = replica
        self.seed = replica.seed
        self.n = replica.n_articles
        self.faults = replica.faults
        self.articles: list[Article] = []
        self.routes: dict[str, Callable[[], Resp]] = {}
        self.redirects: dict[str, tuple[int, str]] = {}
        self.fault_503: set[str] = set()
        self._served_503: set[str] = set()
        self._cache: dict[str, Resp] = {}
        self._lock = threading.Lock()
        self.base_url: str = ""
        self.port: int = 0

    @property
    def encoding(self) -> str:
        """Codec that decodes the pages this site serves (e.g. gb18030, big5hkscs, utf-8)."""
        return self.truth_encoding

    def __repr__(self) -> str:
        return (f"ReplicaSite(name={self.name!r}, base_url={self.base_url!r}, real_base_url={self.real_base_url!r}, "
                f"encoding={self.truth_encoding!r}, declared={self.declared!r}, articles={len(self.articles)})")

    # ------------------------------------------------------------------ building
    def build(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def add_article(self, art: Article, render: Callable[[Article], Resp] | None = None) -> None:
        art.site = self.name
        if not art.encoding or art.encoding == "utf-8":
            art.encoding = self.truth_encoding
        if art.declared == "utf-8" and self.declared != "utf-8":
            art.declared = self.declared
        self.articles.append(art)
        r = render or self.render_article
        if art.page_paths:
            for i, p in enumerate(art.page_paths):
                self.routes[p] = (lambda a=art, i=i: self.render_article_page(a, i))
        else:
            self.routes[art.path] = lambda a=art: r(a)

    def render_article(self, art: Article) -> Resp:  # pragma: no cover - overridden
        raise NotImplementedError

    def render_article_page(self, art: Article, i: int) -> Resp:
        return self.render_article(art)

    # ------------------------------------------------------------------ responses
    def content_type(self) -> str:
        return f"text/html; charset={self.http_charset}" if self.http_charset else "text/html"

    def page(self, html_text: str, *, status: int = 200, chunked: bool = False, lm: Optional[str] = None,
             codec: Optional[str] = None, ctype: Optional[str] = None) -> Resp:
        body = html_text.encode(codec or self.codec, errors="xmlcharrefreplace")
        return Resp(status=status, body=body, ctype=ctype or self.content_type(), chunked=chunked, last_modified=lm)

    def not_found(self, path: str) -> Resp:
        html_text = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={self.meta_charset or 'utf-8'}">
<title>404 页面不存在</title>
<style>body{{font-family:SimSun;text-align:center}} .box{{margin:80px auto;width:600px}}</style></head>
<body><div class="box"><h1>404</h1><p>对不起，您访问的页面不存在或已被删除！</p>
<p>Sorry, the page you requested {esc(path)} was not found.</p>
<p><a href="/">返回首页</a></p></div></body></html>"""
        return self.page(html_text, status=404, lm="2020-01-01")

    def search_page(self, query: str) -> Resp:
        html_text = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={self.meta_charset or 'utf-8'}">
<title>站内搜索</title></head><body><h1>站内搜索</h1><p>关键词：{esc(query)}</p><p>共找到 0 条结果</p>
<p><a href="/">返回首页</a></p></body></html>"""
        return self.page(html_text)

    def dynamic(self, method: str, path: str, query: dict) -> Optional[Resp]:
        return None

    def get(self, method: str, path: str, qs: str, post: bytes = b"") -> Resp:
        """Resolve a request to a response (cached by full path + query)."""
        if path == "/robots.txt":
            return Resp(body=self.robots.encode("ascii"), ctype="text/plain", last_modified="2020-01-01")
        if path.startswith("/search/"):
            return self.search_page(parse_qs(qs).get("q", [""])[0])
        if path in self.redirects:
            code, loc = self.redirects[path]
            body = f'<html><body>Moved: <a href="{loc}">{loc}</a></body></html>'.encode("ascii", "xmlcharrefreplace")
            return Resp(status=code, body=body, ctype="text/html",
                        headers=[("Location", self.base_url + loc if loc.startswith("/") else loc)])
        ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        if ext in STATIC and path not in self.routes:
            return Resp(body=STATIC[ext][1], ctype=STATIC[ext][0], last_modified="2019-06-01")
        key = path + ("?" + qs if qs else "")
        if method != "POST":
            r = self._cache.get(key)
            if r is not None:
                return r
        fn = self.routes.get(path)
        if fn is not None and not qs:
            r = fn()
        else:
            query = parse_qs(qs, keep_blank_values=True)
            if post:
                for k, v in parse_qs(post.decode("latin-1"), keep_blank_values=True).items():
                    query.setdefault(k, v)
            r = self.dynamic(method, path, query)
            if r is None and fn is not None:
                r = fn()
            if r is None:
                r = self.not_found(path)
        if method != "POST":
            with self._lock:
                self._cache[key] = r
        return r

    def take_503(self, path: str) -> bool:
        """True exactly once per configured fault URL."""
        if path not in self.fault_503:
            return False
        with self._lock:
            if path in self._served_503:
                return False
            self._served_503.add(path)
            return True

    def truth(self):
        return [a.truth(self.base_url) for a in self.articles]
