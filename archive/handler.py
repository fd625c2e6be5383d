"""A Scrapy HTTP/1.1 download handler that keeps what the WARC needs and Scrapy drops.

Scrapy's ``Response`` has no reason phrase, no HTTP version string, drops connection
headers (``Connection``, ``Keep-Alive``, ``Transfer-Encoding``...) into Twisted's
``connHeaders`` and re-creates ``Content-Length``; and the request headers Twisted really
sends (``Host``, ``Connection: close``, ``Content-Length``) are never visible to Scrapy.

:class:`RecordingHTTP11DownloadHandler` is Scrapy's ``HTTP11DownloadHandler`` with:

* a response parser that keeps the raw status line and every header line as received
  (name case, order, duplicates, connection headers);
* a request writer tee that keeps the exact request head written to the socket;

and puts them in ``request.meta["_govcrawl_wire"]``::

    {"status_line": b"HTTP/1.1 404 Not Found", "headers": [(b"Server", b"nginx"), ...],
     "request_head": b"GET /a?b=1 HTTP/1.1\\r\\nHost: ...\\r\\n\\r\\n"}

which :class:`archive.middleware.WarcCaptureMiddleware` pops. Settings::

    DOWNLOAD_HANDLERS = {
        "http": "archive.handler.RecordingHTTP11DownloadHandler",
        "https": "archive.handler.RecordingHTTP11DownloadHandler",
    }
"""

from __future__ import annotations

import types

from scrapy.core.downloader.handlers import http11 as _http11
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
    _ScrapyAgent,
)

WIRE_META_KEY = "_govcrawl_wire"


class _RecordingParser(_LenientHTTPClientParser):
    """Keeps the raw status line and header lines on the Twisted response object."""

    def statusReceived(self, status):
        super().statusReceived(status)
        self._govcrawl_headers = []
        resp = getattr(self, "response", None)
        if resp is not None:
            resp._govcrawl_status_line = bytes(status)
            resp._govcrawl_raw_headers = self._govcrawl_headers

    def headerReceived(self, name, value):
        lst = getattr(self, "_govcrawl_headers", None)
        if lst is not None:
            lst.append((bytes(name).strip(), bytes(value)))
        super().headerReceived(name, value)


class _Tee:
    """Transport stand-in for ``Request._writeHeaders``: records then forwards."""

    def __init__(self, transport, sink: list):
        self._t = transport
        self._sink = sink

    def write(self, data):
        self._sink.append(bytes(data))
        self._t.write(data)

    def writeSequence(self, seq):
        seq = list(seq)
        self._sink.extend(bytes(s) for s in seq)
        self._t.writeSequence(seq)

    def __getattr__(self, name):
        return getattr(self._t, name)


class _RecordingProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request):
        head: list[bytes] = []
        orig = request._writeHeaders

        def _write_headers(transport, TEorCL):
            return orig(_Tee(transport, head), TEorCL)

        request._writeHeaders = _write_headers  # instance attribute, this request only
        d = super().request(request)
        if self._parser is not None:
            self._parser.__class__ = _RecordingParser

        def _attach(response):
            response._govcrawl_request_head = b"".join(head)
            return response

        d.addCallback(_attach)
        return d


class _RecordingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return _RecordingProtocol(self._quiescentCallback)


class _RecordingAgent(_ScrapyAgent):
    def _cb_bodyready(self, txresponse, request):
        request.meta[WIRE_META_KEY] = {
            "status_line": getattr(txresponse, "_govcrawl_status_line", None),
            "headers": list(getattr(txresponse, "_govcrawl_raw_headers", None) or []),
            "request_head": getattr(txresponse, "_govcrawl_request_head", None),
            "phrase": txresponse.phrase,
        }
        return super()._cb_bodyready(txresponse, request)


# HTTP11DownloadHandler.download_request builds a ``_ScrapyAgent`` by global name. Rebind
# the same function to globals where that name is our recording agent: Scrapy's code
# (maxsize, dataloss, timeouts) runs unchanged, no copy of it lives here.
_orig_download = HTTP11DownloadHandler.download_request
if "_ScrapyAgent" not in _orig_download.__code__.co_names:  # pragma: no cover
    raise ImportError("archive.handler: this Scrapy's HTTP11DownloadHandler no longer builds _ScrapyAgent")
_download_request = types.FunctionType(
    _orig_download.__code__,
    {**vars(_http11), "_ScrapyAgent": _RecordingAgent},
    _orig_download.__name__,
    _orig_download.__defaults__,
    _orig_download.__closure__,
)


class RecordingHTTP11DownloadHandler(HTTP11DownloadHandler):
    """``HTTP11DownloadHandler`` that records the wire status line, raw response headers
    and the request head actually sent (see module doc)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _RecordingFactory

    download_request = _download_request
