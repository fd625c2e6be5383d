"""The Replica: builds every site from a seed and serves each on its own 127.0.0.1 port."""
from __future__ import annotations

import gzip
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from .common import http_date, lm_datetime
from .model import RequestLog, Resp
from .textgen import Generator

SITE_ORDER = ["changzhou_zx", "changzhou_gov", "changshu", "wuhan_zx", "jiangyin_zx", "hk_gia", "mirror"]


def _site_classes():
    from .sites_cz import ChangzhouGov, ChangzhouZx
    from .sites_other import Changshu, JiangyinZx, WuhanZx

    classes = [ChangzhouZx, ChangzhouGov, Changshu, WuhanZx, JiangyinZx]
    try:
        from .sites_hk import HkGia, Mirror
        classes += [HkGia, Mirror]
    except ImportError:  # pragma: no cover
        pass
    return classes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    site = None      # set per server subclass
    replica = None

    def version_string(self) -> str:
        return self.site.server

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method: str) -> None:
        site = self.site
        raw = self.path
        if raw.startswith("http://") or raw.startswith("https://"):
            raw = "/" + raw.split("/", 3)[3] if raw.count("/") >= 3 else "/"
        path, _, qs = raw.partition("?")
        path = path.split("#", 1)[0] or "/"
        post = b""
        if method == "POST":
            n = int(self.headers.get("Content-Length") or 0)
            post = self.rfile.read(n) if n else b""
        if site.take_503(path):
            body = ("<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
                    "<h1>503 Service Temporarily Unavailable</h1></center><hr><center>" + site.server +
                    "</center></body></html>").encode("ascii")
            self._send(method, path, Resp(status=503, body=body, ctype="text/html", headers=[("Retry-After", "1")]), raw)
            return
        try:
            resp = site.get(method, path, qs, post)
        except Exception as e:  # pragma: no cover - a bug in a renderer must not kill the server
            import traceback

            traceback.print_exc()
            resp = Resp(status=500, body=b"<h1>500 Internal Server Error</h1>", ctype="text/html")
        self._send(method, path, resp, raw)

    def _send(self, method: str, path: str, resp: Resp, raw: str) -> None:
        status = resp.status
        etag = None
        lm = None
        if status == 200:
            etag = getattr(resp, "_etag", None)
            if etag is None:
                etag = '"' + hashlib.md5(resp.body).hexdigest()[:16] + '"'
                resp._etag = etag
            lm = lm_datetime(resp.last_modified or "2020-01-01")
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            not_modified = False
            if inm is not None:
                not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                try:
                    from email.utils import parsedate_to_datetime

                    not_modified = parsedate_to_datetime(ims) >= lm.replace(microsecond=0)
                except (TypeError, ValueError):
                    pass
            if not_modified:
                status = 304
        self.replica.requests_log.add((self.site.name, method, raw, status))
        self.send_response(status)
        body = resp.body
        gz = False
        if status == 200 and resp.compressible and ("gzip" in (self.headers.get("Accept-Encoding") or "")) and len(body) > 200:
            gz_body = getattr(resp, "_gz", None)
            if gz_body is None:
                gz_body = gzip.compress(body, compresslevel=6, mtime=0)
                resp._gz = gz_body
            body = gz_body
            gz = True
        if status != 304:
            self.send_header("Content-Type", resp.ctype)
        for k, v in resp.headers:
            self.send_header(k, v)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", http_date(lm))
        if status == 200 and resp.compressible:
            self.send_header("Vary", "Accept-Encoding")
        if gz:
            self.send_header("Content-Encoding", "gzip")
        chunked = resp.chunked and self.request_version != "HTTP/1.0"
        if status == 304 or (method == "HEAD" and not chunked):
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return
        if resp.chunked and self.request_version != "HTTP/1.0":   # HTTP/1.0 clients get Content-Length
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if method == "HEAD":
                return
            out = []
            for i in range(0, len(body), 4096):
                part = body[i:i + 4096]
                out.append(b"%x\r\n" % len(part) + part + b"\r\n")
            out.append(b"0\r\n\r\n")
            self.wfile.write(b"".join(out))
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)


class Replica:
    """Offline replica of the municipal sites (see docs/replica.md)."""

    def __init__(self, articles: int = 100, seed: int = 0, faults: bool = True, port_base: Optional[int] = None,
                 sites: Optional[list] = None, host: str = "127.0.0.1"):
        self.n_articles = max(3, int(articles))
        self.seed = int(seed)
        self.faults = bool(faults)
        self.port_base = port_base
        self.host = host
        self.gen = Generator(self.seed)
        self.requests_log = RequestLog()
        self.sites: dict = {}
        self.sites_by_name = self.sites
        self._servers: list = []
        self._threads: list = []
        self._reprints_done: set = set()
        import gc

        gc_was = gc.isenabled()
        gc.disable()    # building allocates ~10^6 small objects; the cyclic GC only slows it down
        try:
            self._build(sites)
        finally:
            if gc_was:
                gc.enable()
        for i, name in enumerate(self.sites):
            if port_base:
                self.sites[name].port = port_base + i
                self.sites[name].base_url = f"http://{host}:{port_base + i}"

    def _build(self, sites) -> None:
        # every site is always built (cross-site truth stays identical); `sites` only limits serving
        for cls in _site_classes():
            s = cls(self)
            self.sites[s.name] = s
            s.build()
        if sites is not None:
            unknown = set(sites) - set(self.sites)
            if unknown:
                raise ValueError(f"unknown replica sites: {sorted(unknown)}; known: {list(self.sites)}")
            for name in list(self.sites):
                if name not in sites:
                    del self.sites[name]

    # ------------------------------------------------------------------ cross-site helpers
    def reprint_sources(self, site_name: str, rng) -> list:
        """A few changzhou_zx stories reprinted (with small edits) on this site."""
        zx = self.sites.get("changzhou_zx")
        if zx is None:
            return []
        pool = [a for a in zx.articles if not a.extra.get("seed") and a.story_id not in self._reprints_done]
        k = max(1, min(len(pool) // 40, 25))
        chosen = rng.sample(pool, min(k, len(pool)))
        self._reprints_done.update(a.story_id for a in chosen)
        return chosen

    def edit_reprint(self, paras: list, rng, city: str = "changzhou") -> list:
        """One sentence changed or one paragraph added."""
        paras = list(paras)
        if rng.random() < 0.5:
            i = rng.randrange(len(paras))
            sents = [s for s in paras[i].split("。") if s]
            j = rng.randrange(len(sents))
            sents[j] = sents[j] + "，受到与会人员一致好评"
            paras[i] = "。".join(sents) + "。"
        else:
            paras.append(self.gen.sentence(rng, city, [self.gen.name(rng)], 2024))
        return paras

    # ------------------------------------------------------------------ serving
    def start(self) -> "Replica":
        if self._servers:
            return self
        for i, (name, site) in enumerate(self.sites.items()):
            handler = type(f"Handler_{name}", (_Handler,), {"site": site, "replica": self})
            port = (self.port_base + i) if self.port_base else 0
            try:
                srv = _Server((self.host, port), handler)
            except OSError:
                self.stop()          # no half-started replica
                raise
            site.port = srv.server_address[1]
            site.base_url = f"http://{self.host}:{site.port}"
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                 name=f"replica-{name}", daemon=True)
            t.start()
            self._servers.append(srv)
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> "Replica":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ truth
    def base_url(self, name: str) -> str:
        return self.sites[name].base_url

    def _check(self, site) -> None:
        if not site.base_url:
            raise RuntimeError("Replica not started: call start() (or pass port_base=) before asking for truth URLs")

    def truth(self, name: str) -> list:
        site = self.sites[name]
        self._check(site)
        return site.truth()

    def all_truth(self) -> list:
        out = []
        for name in self.sites:
            out += self.truth(name)
        return out

    def urls(self) -> dict:
        return {n: s.base_url for n, s in self.sites.items()}
