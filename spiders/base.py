"""The generic municipal spider and the declarative :class:`Site` that each site module fills in.

A site is data: real start URLs and domains, and regular expressions over the URL's
path-and-query for list pages and article pages. The spider does the rest the same way for
every site: list pages -> paging (links, TRS ``createPageHTML``, JSON list endpoints, Hanweb
``<script type="text/xml">`` records) -> articles -> the article's other pages and its
attachments, fetched together so that one item carries the whole document.

Links are found on the raw bytes read as Latin-1: URLs are ASCII on these sites, and this
keeps link discovery independent of the page's (often wrong) charset label, and cheap.
Decoding and extraction of the text happen later, in a worker process (pipelines.extract).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator
from urllib.parse import quote, urldefrag, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from crawler import signals as gc_signals

logger = logging.getLogger(__name__)

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".txt", ".rtf",
)


@dataclass(frozen=True)
class Site:
    """What govcrawl knows about one municipal site. Patterns match ``path?query``."""

    name: str
    title: str
    kind: str                                   # cppcc | government | news | mirror
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    list_patterns: tuple[str, ...]
    article_patterns: tuple[str, ...]
    official: bool = True
    deny_patterns: tuple[str, ...] = ()
    attachment_extensions: tuple[str, ...] = ATTACHMENT_EXTENSIONS
    cms: str = ""
    encoding_note: str = ""
    notes: str = ""
    max_article_pages: int = 50                 # safety bound for multi-page articles
    in_all: bool = True                         # taken by `govcrawl crawl --all`

    @property
    def real_base_url(self) -> str:
        parts = urlsplit(self.start_urls[0])
        return f"{parts.scheme}://{parts.netloc}/"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Site":
        """Build a site from plain data (a TOML/JSON site file)."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown site keys: {sorted(unknown)}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


@dataclass
class _Compiled:
    lists: list[re.Pattern]
    articles: list[re.Pattern]
    deny: list[re.Pattern]


_HREF_RE = re.compile(rb"""(?:href|src)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))""", re.I)
_SCRIPT_URL_RE = re.compile(rb"""["']((?:https?://|/|\./|\.\./)[^"'\s<>()]{2,300})["']""")
_CREATE_PAGE_RE = re.compile(
    rb"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']""")
_JPAGE_RE = re.compile(rb"""\.jpage\(\s*\{(.*?)\}\s*\)""", re.S)
_JPAGE_PARAM_RE = re.compile(rb"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|(\d+))""")
_NEXTGROUP_RE = re.compile(rb"""<nextgroup>.*?href\s*=\s*["']([^"']+)["']""", re.S)
_ANCHOR_HREF_RE = re.compile(rb"""<a\b[^>]*?href\s*=\s*["']([^"']+)["']""", re.I)


_URL_SAFE = "/:?=&%#;,+@!$'()*~.-_[]|"


def href_text(raw: bytes) -> str:
    """A link as found in the page's bytes, as URL text. ASCII stays as it is; other bytes
    are percent-encoded as they stand (UTF-8 on UTF-8 pages, GBK on GBK pages, as the
    servers of such pages expect), never decoded as Latin-1."""
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return quote(raw, safe=_URL_SAFE)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def capture_from_response(response: Response) -> dict[str, Any]:
    """The picklable record of one fetch that the extraction worker and the corpus see."""
    headers = {
        k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
        for k, v in response.headers.items()
    }
    warc = response.meta.get("warc")
    return {
        "url": response.url,
        "status": response.status,
        "headers": headers,
        "body": response.body,
        "fetched_at": (warc or {}).get("fetched_at") or utc_now(),
        "warc": dict(warc) if warc else None,
    }


class MunicipalSpider(scrapy.Spider):
    """Crawl one municipal site described by ``site``.

    Spider arguments (``-a``): ``base_url`` points the spider at another host serving the same
    paths (the offline replica); ``max_articles`` stops following article links after that many.
    The setting ``GOVCRAWL_BASE_URLS`` (a dict site name -> base URL) does the same for many
    spiders at once.
    """

    site: Site
    custom_settings: dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        site = cls.__dict__.get("site")
        if site is not None and "name" not in cls.__dict__:
            cls.name = site.name

    def __init__(self, *args: Any, base_url: str | None = None,
                 max_articles: int | str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not getattr(self, "site", None):
            raise ValueError(f"{type(self).__name__} has no site")
        self._base_url_arg = base_url
        self.max_articles = int(max_articles) if max_articles else None
        self._compiled = _Compiled(
            lists=[re.compile(p) for p in self.site.list_patterns],
            articles=[re.compile(p) for p in self.site.article_patterns],
            deny=[re.compile(p) for p in self.site.deny_patterns],
        )
        self._articles_seen = 0
        self.fresh: set[str] = set()         # filled by _load_fresh for incremental crawls
        self._skipped: set[str] = set()
        self._attachment_cache: OrderedDict[str, dict] = OrderedDict()
        self._attachment_inflight: dict[str, asyncio.Future] = {}
        self._retarget(base_url)

    # ----------------------------------------------------------------- targeting
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        if "base_url" not in kwargs:
            base = (crawler.settings.getdict("GOVCRAWL_BASE_URLS") or {}).get(cls.site.name)
            base = base or crawler.settings.get("GOVCRAWL_BASE_URL")
            if base:
                kwargs["base_url"] = base
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._load_fresh(crawler.settings)
        return spider

    # ----------------------------------------------------------------- incremental crawls
    def _load_fresh(self, settings) -> None:
        """With ``GOVCRAWL_REFRESH_DAYS`` set, articles the corpus saw less than that many days
        ago are not fetched again (list pages always are, so new articles are found). Unset,
        every article is fetched and unchanged ones become WARC revisits."""
        self.fresh: set[str] = set()
        self._skipped: set[str] = set()
        days = settings.get("GOVCRAWL_REFRESH_DAYS")
        if days in (None, ""):
            return
        from crawler.paths import corpus_path

        path = corpus_path(settings)
        if not path.exists():
            return
        cutoff = (datetime.now(timezone.utc) - timedelta(days=float(days))).strftime("%Y-%m-%dT%H:%M:%SZ")
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            self.fresh = {url for (url,) in con.execute(
                "select url from documents where site = ? and last_seen >= ?", (self.site.name, cutoff))}
        except sqlite3.Error as exc:
            logger.warning("incremental crawl: cannot read %s (%s); fetching everything", path, exc)
        finally:
            con.close()
        logger.info("incremental crawl: %d articles of %s seen in the last %s days are skipped",
                    len(self.fresh), self.site.name, days)

    def _retarget(self, base_url: str | None) -> None:
        """Serve the same paths from ``base_url`` (e.g. the replica) instead of the real host."""
        self.netlocs: set[str] = set()
        if base_url:
            base = urlsplit(base_url)
            self.start_urls = [
                urlunsplit((base.scheme, base.netloc, urlsplit(u).path or "/", urlsplit(u).query, ""))
                for u in self.site.start_urls
            ]
            self.netlocs = {base.netloc}
            self.allowed_domains = [base.hostname or ""]
        else:
            self.start_urls = list(self.site.start_urls)
            self.netlocs = {urlsplit(u).netloc for u in self.site.start_urls}
            self.netlocs |= set(self.site.allowed_domains)
            self.allowed_domains = list(self.site.allowed_domains)

    def on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if self._base_url_arg:
            return parts.netloc in self.netlocs
        host = parts.hostname or ""
        return any(host == d or host.endswith("." + d) for d in self.site.allowed_domains)

    # ----------------------------------------------------------------- classification
    def role_of(self, url: str) -> str | None:
        pq = path_and_query(url)
        if any(p.search(pq) for p in self._compiled.deny):
            return None
        if urlsplit(url).path.lower().endswith(self.site.attachment_extensions):
            return "attachment"
        if any(p.search(pq) for p in self._compiled.articles):
            return "article"
        if any(p.search(pq) for p in self._compiled.lists):
            return "list"
        return None

    # ----------------------------------------------------------------- link discovery
    def links(self, response: Response) -> Iterator[str]:
        """Every candidate URL of a page, absolute and without fragment, in page order."""
        body = response.body
        seen: set[str] = set()
        candidates: list[str] = []
        ctype = response.headers.get(b"Content-Type", b"").lower()
        stripped = body.lstrip()[:1]
        if b"json" in ctype or stripped in (b"{", b"["):
            try:
                candidates.extend(_json_strings(json.loads(body.decode("utf-8", "replace"))))
            except ValueError:
                pass
        for m in _HREF_RE.finditer(body):
            candidates.append(href_text(m.group(1) or m.group(2) or m.group(3) or b""))
        for m in _SCRIPT_URL_RE.finditer(body):
            candidates.append(href_text(m.group(1)))
        for count, current, prefix, ext in self.create_page_calls(body):
            candidates.extend(_trs_pages(prefix, ext, count))
        candidates.extend(_hanweb_pages(body))
        for raw in candidates:
            raw = raw.strip().replace("&amp;", "&")
            if not raw or raw.startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
                continue
            url = urldefrag(urljoin(response.url, raw))[0]
            if url not in seen:
                seen.add(url)
                yield url

    @staticmethod
    def create_page_calls(body: bytes) -> list[tuple[int, int, str, str]]:
        return [(int(c), int(cur), p.decode("latin-1"), e.decode("latin-1"))
                for c, cur, p, e in _CREATE_PAGE_RE.findall(body)]

    def article_page_urls(self, response: Response) -> list[str]:
        """Other pages of a multi-page article: TRS createPageHTML whose prefix is this page's
        own stem, or links to ``<stem>_N.<ext>``."""
        name = urlsplit(response.url).path.rsplit("/", 1)[-1]
        stem, _, ext = name.rpartition(".")
        pages: list[str] = []
        for count, _cur, prefix, pext in self.create_page_calls(response.body):
            # The call names the article's own stem: "t20240119_5068890" on page 1 and on
            # "t20240119_5068890_1"; list paging names "index" instead.
            if stem == prefix or re.fullmatch(re.escape(prefix) + r"_\d+", stem):
                pages.extend(urljoin(response.url, u) for u in _trs_pages(prefix, pext, count))
        if not pages and stem:
            pat = re.compile(rb"(?<![\w.-])" + re.escape(stem).encode() + rb"_(\d+)\."
                             + re.escape(ext).encode())
            nums = sorted({int(n) for n in pat.findall(response.body)})
            pages = [urljoin(response.url, f"{stem}_{n}.{ext}") for n in nums]
        own = urlsplit(response.url).path
        out = []
        for u in pages:
            if urlsplit(u).path != own and u not in out:
                out.append(u)
        return out[: self.site.max_article_pages]

    @staticmethod
    def attachment_links(response: Response, extensions: tuple[str, ...]) -> list[str]:
        """Attachment URLs linked anywhere on the page (all are archived; the document keeps
        those of its article block, and their names, from extraction)."""
        found: list[str] = []
        for href in _ANCHOR_HREF_RE.findall(response.body):
            url = urldefrag(urljoin(response.url, href_text(href.strip())))[0]
            if urlsplit(url).path.lower().endswith(extensions) and url not in found:
                found.append(url)
        return found

    # ----------------------------------------------------------------- crawling
    async def start(self):
        if self.crawler.settings.get("GOVCRAWL_REDIS_URL"):
            self.crawler.stats.set_value("govcrawl/distributed", 1)
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.on_error,
                          meta={"govcrawl_role": "list"})

    def parse(self, response: Response, **kwargs: Any):
        role = self.role_of(response.url)
        if role == "article":
            return self.parse_article(response)
        return self.parse_list(response)

    def parse_list(self, response: Response):
        outlinks = []
        for url in self.links(response):
            if not self.on_site(url):
                continue
            role = self.role_of(url)
            if role is None:
                continue
            outlinks.append(url)
            if role == "article":
                if url in self.fresh:
                    if url not in self._skipped:
                        self._skipped.add(url)
                        self.crawler.stats.inc_value("govcrawl/articles_skipped_fresh")
                    continue
                if self.max_articles is not None and self._articles_seen >= self.max_articles:
                    continue
                self._articles_seen += 1
                yield Request(url, callback=self.parse_article, errback=self.on_error, priority=10,
                              meta={"govcrawl_role": "article"})
            elif role == "list":
                yield Request(url, callback=self.parse_list, errback=self.on_error,
                              meta={"govcrawl_role": "list"})
        self.crawler.stats.inc_value("govcrawl/list_pages")
        self._send_metadata(response, "list", outlinks)

    async def parse_article(self, response: Response):
        if self.role_of(response.url) != "article":
            # Redirected to a home page, a login or a challenge page: archived, not a document.
            self.crawler.stats.inc_value("govcrawl/articles_redirected_away")
            logger.warning("article %s ended at %s; not stored as a document",
                           response.request.url, response.url)
            return
        if not _looks_like_html(response):
            self.crawler.stats.inc_value("govcrawl/articles_not_html")
            logger.warning("article %s is not HTML (%s); not stored as a document", response.url,
                           response.headers.get(b"Content-Type", b"?").decode("latin-1"))
            return
        main = capture_from_response(response)
        part_urls = self.article_page_urls(response)
        part_responses = [r for r in await self._fetch_all(part_urls, "part") if r is not None]
        parts = [capture_from_response(r) for r in part_responses]
        links: list[str] = []
        for r in [response, *part_responses]:
            links += [u for u in self.attachment_links(r, self.site.attachment_extensions) if u not in links]
        att_urls = [u for u in links if self.on_site(u)]
        if len(att_urls) < len(links):
            self.crawler.stats.inc_value("govcrawl/attachments_offsite", len(links) - len(att_urls))
            logger.info("%s links %d attachment(s) on other hosts, not fetched",
                        response.url, len(links) - len(att_urls))
        # An attachment linked from many articles (a footer's 办事指南.pdf) is fetched once
        # per crawl; later articles reuse its capture (and WARC record).
        caps = await asyncio.gather(*(self._attachment(u, response.url) for u in att_urls))
        atts = [{"capture": cap, "name": "", "url": url}
                for url, cap in zip(att_urls, caps) if cap is not None]
        stats = self.crawler.stats
        stats.inc_value("govcrawl/articles")
        stats.inc_value("govcrawl/article_parts", len(parts))
        if len(parts) != len(part_urls):
            stats.inc_value("govcrawl/article_parts_missing", len(part_urls) - len(parts))
            stats.inc_value("govcrawl/documents_incomplete")
        if len(atts) != len(att_urls):
            stats.inc_value("govcrawl/attachments_missing", len(att_urls) - len(atts))
        self._send_metadata(response, "article", [u for u in self.links(response) if self.on_site(u)])
        for r in part_responses:
            self._send_metadata(r, "part", [], document=response.url)
        yield {
            "site": self.site.name,
            "url": response.url,
            "main": main,
            "parts": parts,
            "attachments": atts,
            "incomplete": len(parts) != len(part_urls),
        }

    ATTACHMENT_CACHE_ENTRIES = 64
    ATTACHMENT_CACHE_MAX_BODY = 4 * 1024 * 1024

    async def _attachment(self, url: str, document: str) -> dict | None:
        """The capture of an attachment: from this crawl's cache, from a fetch already under
        way for another article, or fetched now."""
        if url in self._attachment_cache:
            self._attachment_cache.move_to_end(url)
            self.crawler.stats.inc_value("govcrawl/attachments_reused")
            return self._attachment_cache[url]
        if url in self._attachment_inflight:
            self.crawler.stats.inc_value("govcrawl/attachments_reused")
            return await asyncio.shield(self._attachment_inflight[url])
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._attachment_inflight[url] = future
        cap = None
        try:
            response = await self._fetch(url, "attachment")
            if response is not None:
                cap = capture_from_response(response)
                self.crawler.stats.inc_value("govcrawl/attachments")      # fetched, once each
                self._send_metadata_capture(cap, "attachment", document=document)
                if len(cap["body"]) <= self.ATTACHMENT_CACHE_MAX_BODY:
                    self._attachment_cache[url] = cap
                    while len(self._attachment_cache) > self.ATTACHMENT_CACHE_ENTRIES:
                        self._attachment_cache.popitem(last=False)
        finally:
            del self._attachment_inflight[url]
            future.set_result(cap)
        return cap

    async def _fetch_all(self, urls: list[str], role: str) -> list[Response | None]:
        if not urls:
            return []
        return list(await asyncio.gather(*(self._fetch(u, role) for u in urls)))

    async def _fetch(self, url: str, role: str) -> Response | None:
        """Fetch a page of a document outside the scheduler (downloader middlewares, and so the
        WARC capture, robots and retries, still apply)."""
        request = Request(url, meta={"govcrawl_role": role}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - classified, counted and logged
            self.count_failure(role, url, exc=exc)
            return None
        if not 200 <= response.status < 300:
            self.count_failure(role, url, status=response.status)
            return None
        return response

    def on_error(self, failure) -> None:
        """Errback of every scheduled request: called once, after retries, per failed fetch."""
        request = failure.request if hasattr(failure, "request") else None
        exc = failure.value
        response = getattr(exc, "response", None)
        url = request.url if request is not None else "?"
        role = (request.meta.get("govcrawl_role") if request is not None else None) or "page"
        if response is not None:
            self.count_failure(role, url, status=response.status)
        else:
            self.count_failure(role, url, exc=exc)

    def count_failure(self, role: str, url: str, *, status: int | None = None,
                      exc: BaseException | None = None) -> None:
        """Count one fetch that gave nothing usable, by kind. Only ``govcrawl/failed/*`` makes
        a crawl fail (crawler.report): 404/410 and robots/offsite refusals are normal."""
        stats = self.crawler.stats
        if status is not None:
            if status in (404, 410):
                stats.inc_value("govcrawl/not_found")
                logger.info("%s %s: %s", role, url, status)
                return
            kind = f"blocked_{status}" if status in (401, 403, 412, 429, 451, 521) else f"http_{status}"
            stats.inc_value(f"govcrawl/failed/{kind}")
            logger.warning("%s %s answered %s", role, url, status)
            return
        if isinstance(exc, IgnoreRequest):
            stats.inc_value("govcrawl/refused")           # robots.txt or offsite: by design
            logger.debug("%s %s not fetched: %s", role, url, exc)
            return
        stats.inc_value(f"govcrawl/failed/{type(exc).__name__}")
        logger.warning("could not fetch %s %s: %r", role, url, exc)

    # ----------------------------------------------------------------- WARC metadata
    def _send_metadata(self, response: Response, role: str, outlinks: Iterable[str],
                       document: str | None = None) -> None:
        self._emit(response.url, response.meta.get("warc") or {}, role, outlinks, document)

    def _send_metadata_capture(self, capture: dict, role: str, document: str | None) -> None:
        self._emit(capture["url"], capture.get("warc") or {}, role, (), document)

    def _emit(self, url, warc: dict, role, outlinks, document) -> None:
        """A metadata record per archived page (outlinks, role, document), as Heritrix writes.
        Not for an ``identical-payload-digest`` revisit: the same payload has the same links,
        and its original's metadata record already holds them."""
        if warc.get("type") == "revisit":
            self.crawler.stats.inc_value("govcrawl/metadata_skipped_revisit")
            return
        record_id = warc.get("record_id")
        fields = [("govcrawl-site", self.site.name), ("govcrawl-role", role)]
        if document:
            fields.append(("govcrawl-document", document))
        fields.extend(("outlink", u) for u in outlinks)
        self.crawler.signals.send_catch_log(
            gc_signals.page_metadata, url=url, record_id=record_id, fields=fields)


def _looks_like_html(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").lower()
    if b"html" in ctype or b"xml" in ctype:
        return True
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<meta", b"<body"))


def _trs_pages(prefix: str, ext: str, count: int) -> list[str]:
    count = max(0, min(count, 500))
    return [f"{prefix}.{ext}"] + [f"{prefix}_{i}.{ext}" for i in range(1, count)]


def _hanweb_pages(body: bytes) -> list[str]:
    """Hanweb (大汉) column pages: ``$(..).jpage({perPage: 15, totalRecord: 36, proxyUrl:
    '/module/web/jpage/dataproxy.jsp', groupSize: 3})`` shows the first records inline and
    loads the rest from the proxy, ``groupSize`` pages per call, with the parameters of the
    ``<nextgroup>`` link. Returns those proxy URLs (records after the first page)."""
    m = _JPAGE_RE.search(body)
    if not m:
        return []
    params = {k.decode(): (a or b or c).decode("latin-1")
              for k, a, b, c in _JPAGE_PARAM_RE.findall(m.group(1))}
    try:
        per = int(params.get("perPage", 15))
        total = min(int(params.get("totalRecord", 0)), 100_000)
        group = max(1, int(params.get("groupSize", 1)))
    except ValueError:
        return []
    proxy = params.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
    extra = ""
    ng = _NEXTGROUP_RE.search(body)
    if ng:
        query = urlsplit(ng.group(1).decode("latin-1").replace("&amp;", "&")).query
        extra = "&".join(p for p in query.split("&") if p and not p.startswith("page="))
    step = max(1, per * group)
    urls = []
    for start in range(per + 1, total + 1, step):
        end = min(total, start + step - 1)
        urls.append(f"{proxy}?startrecord={start}&endrecord={end}&perpage={per}"
                    + (f"&{extra}" if extra else ""))
    return urls


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith(("/", "http://", "https://", "./", "../")) or value.endswith(
                (".html", ".shtml", ".htm", ".json")):
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
