"""Scrapy downloader middleware that archives every fetch as WARC records.

Enable at priority 950 (outside HttpCompressionMiddleware, 590, and RedirectMiddleware,
600): ``process_response`` then sees the response as received (still content-encoded,
redirects and error pages included, robots.txt too) and ``process_request`` runs after
every header-setting middleware. With
``archive.handler.RecordingHTTP11DownloadHandler`` as download handler the records hold
the wire status line, raw response header lines and the exact request head sent; without
it they are rebuilt from Scrapy's objects (logged once, stat ``warc/rebuilt_heads``).

Per response: ``request`` + ``response`` records (``WARC-Concurrent-To``), or a
``revisit``: ``identical-payload-digest`` when a 200's payload digest is already archived
(this crawl or an earlier one: :class:`archive.digests.DigestIndex`), or
``server-not-modified`` for a 304 answering a conditional request whose URL has an
archived response. A revisit is only written when its original is still in the WARC
directory. ``response.meta["warc"]`` gets the pointer (see ``docs/warc.md``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import paths

from .digests import DigestIndex
from .handler import WIRE_META_KEY
from .warc import (
    CT_HTTP_REQUEST,
    CT_HTTP_RESPONSE,
    CT_WARC_FIELDS,
    DEFAULT_GZIP_LEVEL,
    DEFAULT_MAX_SIZE,
    REVISIT_IDENTICAL,
    REVISIT_NOT_MODIFIED,
    WarcWriter,
    encode_fields,
    new_record_id,
    sha1_digest,
    warc_date,
)

logger = logging.getLogger(__name__)

# Twisted removed the chunking: the stored body is de-chunked, so the framing header goes.
_DROP_RESPONSE_HEADERS = {b"transfer-encoding"}
_CONDITIONAL = (b"If-Modified-Since", b"If-None-Match")
_SETTINGS_IN_WARCINFO = (
    "BOT_NAME", "USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT", "DEPTH_LIMIT",
    "AUTOTHROTTLE_ENABLED", "RETRY_TIMES", "DOWNLOAD_MAXSIZE", "COOKIES_ENABLED",
    "GOVCRAWL_BASE_URL",
)


def _b(v) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode("latin-1", "replace")


def _head_bytes(first_line: bytes, headers) -> bytes:
    return first_line + b"\r\n" + b"".join(_b(k) + b": " + _b(v) + b"\r\n" for k, v in headers) + b"\r\n"


class _Shared:
    """One WarcWriter + DigestIndex per (WARC directory, prefix) and process, shared by every
    crawler of a CrawlerProcess: one sequence of files whose record order is the order of
    events across all spiders (``govcrawl rebuild`` replays metadata in archive order)."""

    registry: dict[tuple[str, str], "_Shared"] = {}

    def __init__(self, writer: WarcWriter, index: DigestIndex | None):
        self.writer = writer
        self.index = index
        self.users = 0

    @classmethod
    def acquire(cls, key, make) -> "_Shared":
        sh = cls.registry.get(key)
        if sh is None:
            sh = cls.registry[key] = make()
        sh.users += 1
        return sh

    def release(self, key) -> None:
        self.users -= 1
        if self.users <= 0:
            self.registry.pop(key, None)
            self.writer.close()
            if self.index is not None:
                self.index.close()


class WarcCaptureMiddleware:
    def __init__(self, crawler, writer: WarcWriter, index: DigestIndex | None, shared_key=None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        self.index = index
        self._warned_no_wire = False
        self._closed = False
        self._shared_key = shared_key

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("GOVCRAWL_WARC_ENABLED", True):
            raise NotConfigured("GOVCRAWL_WARC_ENABLED is off")
        warc_dir = str(paths.warc_dir(s))
        obey = s.getbool("ROBOTSTXT_OBEY")
        info = [
            ("operator", s.get("GOVCRAWL_OPERATOR") or ""),
            ("robots", "classic" if obey else "ignore"),
            ("http-header-user-agent", s.get("USER_AGENT")),
            ("isPartOf", s.get("BOT_NAME")),
            ("description", "govcrawl archival crawl of municipal government websites"),
            ("govcrawl-http-bodies",
             "as received: content-encoding kept, transfer-encoding removed (bodies de-chunked)"),
        ]
        try:
            from importlib.metadata import version

            info.append(("govcrawl-software-stack",
                         f"Scrapy/{version('scrapy')} Twisted/{version('twisted')} warcio/{version('warcio')}"))
        except Exception:
            pass
        for name in _SETTINGS_IN_WARCINFO:
            val = s.get(name)
            if val not in (None, ""):
                info.append(("govcrawl-setting", f"{name}={val}"))
        prefix = s.get("GOVCRAWL_WARC_PREFIX") or "govcrawl"
        key = (os.path.abspath(warc_dir), prefix)

        def make():
            writer = WarcWriter(
                warc_dir,
                prefix=prefix,
                max_size=s.getint("GOVCRAWL_WARC_MAX_SIZE", DEFAULT_MAX_SIZE),
                gzip_level=s.getint("GOVCRAWL_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
                info=info,
                fsync=s.getbool("GOVCRAWL_WARC_FSYNC", False),
            )
            index_path = s.get("GOVCRAWL_DIGEST_INDEX") or os.path.join(warc_dir, "digests.sqlite")
            index = DigestIndex(index_path, warc_dir) if s.getbool("GOVCRAWL_WARC_REVISITS", True) else None
            if index is not None:
                for r in writer.recovered:
                    index.prune_file(os.path.basename(r.final_path or r.open_path[:-5]),
                                     r.valid_size if r.final_path else None)
            for r in writer.recovered:
                logger.warning("recovered WARC %s: %d -> %d bytes, %d records", r.open_path,
                               r.original_size, r.valid_size, r.records)
                crawler.stats.inc_value("warc/recovered_files")
            return _Shared(writer, index)

        shared = _Shared.acquire(key, make)
        writer, index = shared.writer, shared.index
        mw = cls(crawler, writer, index, shared_key=key)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        try:
            from crawler.signals import page_metadata

            crawler.signals.connect(mw.page_metadata, signal=page_metadata)
        except ImportError:  # pragma: no cover - archive used outside the project
            pass
        return mw

    # -- scrapy hooks -----------------------------------------------------------------

    def process_request(self, request, spider=None):
        # a pointer copied from a redirected/retried request must never describe this one
        request.meta.pop("warc", None)
        request.meta.pop(WIRE_META_KEY, None)
        return None

    def process_response(self, request, response, spider=None):
        wire = request.meta.pop(WIRE_META_KEY, None)
        if self._closed or "cached" in (response.flags or []):
            # HttpCacheMiddleware replays are not fetches: never archive them as captures
            return response
        try:
            request.meta["warc"] = self._archive(request, response, wire)
        except Exception:
            logger.exception("WARC: could not archive %s", response.url)
            self.stats.inc_value("warc/errors")
        return response

    def spider_closed(self, spider=None, reason=None):
        self.close()

    def close(self):
        if self._closed:
            return
        self._closed = True
        sh = _Shared.registry.get(self._shared_key) if self._shared_key else None
        if sh is not None and sh.writer is self.writer:
            sh.release(self._shared_key)
        else:
            self.writer.close()
            if self.index is not None:
                self.index.close()

    def page_metadata(self, url, record_id=None, fields=(), **kw):
        """``crawler.signals.page_metadata`` -> one ``metadata`` record."""
        if self._closed:
            return None
        try:
            headers = []
            if record_id:
                headers += [("WARC-Refers-To", record_id), ("WARC-Concurrent-To", record_id)]
            (ptr,) = self._write([dict(rec_type="metadata", uri=url, block=encode_fields(fields),
                                       content_type=CT_WARC_FIELDS, headers=headers)])
            return ptr
        except Exception:
            logger.exception("WARC: could not write metadata for %s", url)
            self.stats.inc_value("warc/errors")
            return None

    # -- records ----------------------------------------------------------------------

    def _write(self, records) -> list[dict]:
        """Write through the (shared) writer; this crawler's stats get what its own writes
        added (records, bytes, files — a warcinfo counts for the write that rotated)."""
        w = self.writer
        with w._lock:
            before = (w.records, w.bytes, w.files_opened)
            ptrs = w.write_group(records)
            after = (w.records, w.bytes, w.files_opened)
        for name, b, a in zip(("warc/records", "warc/bytes", "warc/files"), before, after):
            if a - b:
                self.stats.inc_value(name, a - b)
        return ptrs

    def _heads(self, request, response, wire):
        body = response.body
        if wire and wire.get("status_line") and wire.get("request_head"):
            status_line = wire["status_line"]
            resp_headers = list(wire["headers"])
            req_head = wire["request_head"]
        else:
            if not self._warned_no_wire:
                self._warned_no_wire = True
                logger.warning("WARC: %s without archive.handler.RecordingHTTP11DownloadHandler: "
                               "status lines and request heads are rebuilt from Scrapy objects",
                               response.url)
            self.stats.inc_value("warc/rebuilt_heads")
            proto = (getattr(response, "protocol", None) or "HTTP/1.1").encode()
            try:
                phrase = HTTPStatus(response.status).phrase
            except ValueError:
                phrase = ""
            status_line = b"%s %d %s" % (proto, response.status, phrase.encode())
            resp_headers = [(k, v) for k, vs in response.headers.items() for v in vs]
            u = urlsplit(request.url)
            target = (u.path or "/") + (f"?{u.query}" if u.query else "")
            req_headers = [(b"Host", u.netloc.encode())]
            req_headers += [(k, v) for k, vs in request.headers.items() for v in vs
                            if k.lower() != b"host"]
            if request.body:
                req_headers.append((b"Content-Length", str(len(request.body)).encode()))
            req_head = _head_bytes(f"{request.method} {target} HTTP/1.1".encode(), req_headers)
        resp_headers = [(k, v) for k, v in resp_headers if k.strip().lower() not in _DROP_RESPONSE_HEADERS]
        resp_head = _head_bytes(status_line.rstrip(b"\r\n"), resp_headers)
        return resp_head, req_head + (request.body or b""), body

    def _archive(self, request, response, wire) -> dict:
        url = response.url
        resp_head, req_block, body = self._heads(request, response, wire)
        digest = sha1_digest(body)
        date = warc_date()
        resp_id = new_record_id()
        common = []
        ip = getattr(response, "ip_address", None)
        if ip is None:
            try:
                ip = ipaddress.ip_address(urlsplit(url).hostname or "")
            except ValueError:
                ip = None
        if ip is not None:
            common.append(("WARC-IP-Address", str(ip)))
        flags = response.flags or []
        truncated = None
        if "dataloss" in flags or "partial" in flags:
            truncated = "disconnect"
        if "download_stopped" in flags:
            truncated = "length"

        original, profile = None, None
        if self.index is not None and truncated is None:
            if response.status == 304 and any(request.headers.get(h) for h in _CONDITIONAL):
                original = self.index.lookup_url(url)
                profile = REVISIT_NOT_MODIFIED if original else None
            elif response.status == 200 and body:
                original = self.index.lookup(digest)
                profile = REVISIT_IDENTICAL if original else None

        if original is not None:
            rec = dict(
                rec_type="revisit", uri=url, block=resp_head, record_id=resp_id, date=date,
                content_type=CT_HTTP_RESPONSE,
                headers=common + [
                    ("WARC-Profile", profile),
                    ("WARC-Refers-To", original["record_id"]),
                    ("WARC-Refers-To-Target-URI", original["uri"]),
                    ("WARC-Refers-To-Date", original["date"]),
                ],
                payload_digest=digest if profile == REVISIT_IDENTICAL else None,
            )
            if profile == REVISIT_NOT_MODIFIED:
                rec["payload_offset"] = len(resp_head)  # digest of the (empty) 304 body
            rtype = "revisit"
        else:
            rec = dict(
                rec_type="response", uri=url, block=resp_head + body, record_id=resp_id, date=date,
                content_type=CT_HTTP_RESPONSE, headers=common + [("WARC-Truncated", truncated)],
                payload_offset=len(resp_head), payload_digest=digest,
            )
            rtype = "response"
        req = dict(
            rec_type="request", uri=url, block=req_block, date=date, content_type=CT_HTTP_REQUEST,
            headers=common + [("WARC-Concurrent-To", resp_id)],
            payload_offset=req_block.find(b"\r\n\r\n") + 4,
        )
        resp_ptr, req_ptr = self._write([rec, req])
        if rtype == "revisit":
            self.stats.inc_value("warc/revisits")
            self.stats.inc_value(f"warc/revisits/{'not-modified' if profile == REVISIT_NOT_MODIFIED else 'identical'}")
            self.stats.inc_value("warc/revisit_bytes_saved", len(body) if profile == REVISIT_IDENTICAL else 0)
        elif self.index is not None and truncated is None:
            self.index.add(digest, url, resp_ptr, response.status)
        return {
            "file": resp_ptr["file"],
            "offset": resp_ptr["offset"],
            "length": resp_ptr["length"],
            "record_id": resp_id,
            "type": rtype,
            "payload_digest": digest,
            "fetched_at": date,
            "refers_to": None if original is None else {
                "file": original["file"], "offset": original["offset"],
                "record_id": original["record_id"], "uri": original["uri"], "date": original["date"],
            },
        }
