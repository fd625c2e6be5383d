"""Store documents in the SQLite corpus (crawler.corpus, via sqlite-utils).

Deduplication (exact text hash, then MinHash near-duplicates) is the corpus's job, inside
``Corpus.add_document``, so that a crawl and ``govcrawl rebuild`` dedup the same way; this
pipeline records every capture, stores the document, counts the outcome in the crawl stats
(``govcrawl/documents/<status>``), and writes a WARC ``metadata`` record per document that
tells ``govcrawl rebuild`` which records make it up.

Several crawls in one process (``govcrawl demo``) share one connection per database file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler import signals as gc_signals
from crawler.corpus import Corpus
from crawler.paths import corpus_path
from crawler.report import judge_with

logger = logging.getLogger(__name__)

_CORPORA: dict[str, list] = {}   # path -> [Corpus, users]


def _open(path: Path) -> Corpus:
    key = str(path.resolve())
    entry = _CORPORA.get(key)
    if entry is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = _CORPORA[key] = [Corpus(str(path)), 0]
    entry[1] += 1
    return entry[0]


def _release(path: Path) -> None:
    key = str(path.resolve())
    entry = _CORPORA.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        entry[0].close()
        del _CORPORA[key]


def capture_row(capture: dict[str, Any], site: str, role: str,
                encoding: dict | None = None) -> dict[str, Any]:
    warc = capture.get("warc") or {}
    headers = capture.get("headers") or {}
    return {
        "url": capture["url"],
        "fetched_at": capture.get("fetched_at"),
        "status": capture.get("status"),
        "content_type": headers.get("content-type"),
        "warc_file": warc.get("file"),
        "warc_offset": warc.get("offset"),
        "warc_length": warc.get("length"),
        "warc_record_id": warc.get("record_id"),
        "warc_type": warc.get("type"),
        "payload_digest": warc.get("payload_digest"),
        "encoding": encoding,
        "site": site,
        "role": role,
    }


def store_document(corpus: Corpus, crawl_id: int, site: str, main: dict[str, Any],
                   parts: list[dict[str, Any]], attachments: list[dict[str, Any]],
                   doc: dict[str, Any]):
    """Record a document's captures and the document itself: the one way both the crawl and
    ``govcrawl rebuild`` write to the corpus."""
    corpus.add_capture(crawl_id, capture_row(main, site, "article", doc.get("encoding")))
    for part in parts:
        corpus.add_capture(crawl_id, capture_row(part, site, "part"))
    for att in attachments:
        corpus.add_capture(crawl_id, capture_row(att["capture"], site, "attachment"))
    doc["part_records"] = [(p.get("warc") or {}).get("record_id") for p in parts]
    return corpus.add_document(crawl_id, doc)


def document_fields(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The WARC metadata fields that let a rebuild regroup a document's records."""
    warc = doc.get("warc") or {}
    manifest = {
        "incomplete": bool(doc.get("incomplete")),
        "site": doc["site"],
        "url": doc["url"],
        "main": warc.get("record_id"),
        "parts": [p for p in doc.get("part_records", [])],
        "attachments": [
            {"url": a["url"], "name": a.get("name", ""), "record": (a.get("warc") or {}).get("record_id")}
            for a in doc.get("attachments") or ()
        ],
    }
    summary = {
        "title": doc.get("title"),
        "published": doc.get("published"),
        "chars": len(doc.get("text") or ""),
        "encoding": (doc.get("encoding") or {}).get("encoding"),
        "encoding_source": (doc.get("encoding") or {}).get("source"),
        "repairs": len(doc.get("repairs") or ()),
        "is_mirror": bool(doc.get("is_mirror")),
    }
    return [
        ("govcrawl-site", doc["site"]),
        ("govcrawl-role", "document"),
        ("govcrawl-manifest", json.dumps(manifest, ensure_ascii=False, sort_keys=True)),
        ("govcrawl-extract", json.dumps(summary, ensure_ascii=False, sort_keys=True)),
    ]


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = corpus_path(crawler.settings)
        self.corpus: Corpus | None = None
        self.crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls(crawler)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        self.corpus = _open(self.path)
        site = spider.site
        start = urlsplit(spider.start_urls[0])
        self.corpus.register_site(site.name, site.title, site.official, site.kind,
                                  site.real_base_url, f"{start.scheme}://{start.netloc}/")
        settings = {k: v for k, v in self.crawler.settings.items()
                    if k.startswith("GOVCRAWL_") and isinstance(v, (str, int, float, bool, type(None)))}
        self.crawl_id = self.corpus.start_crawl(sites=[site.name], settings=settings)
        self.stats.set_value("govcrawl/crawl_id", self.crawl_id)

    def process_item(self, item: dict[str, Any], spider=None) -> dict[str, Any]:
        doc = item.get("document")
        if doc is None:
            raise DropItem("no document (extraction did not run)")
        site = item["site"]
        doc["incomplete"] = bool(item.get("incomplete"))
        try:
            result = store_document(self.corpus, self.crawl_id, site, item["main"],
                                    item.get("parts") or [], item.get("attachments") or [], doc)
        except Exception as exc:  # noqa: BLE001 - counted and logged; the WARC keeps the bytes
            self.stats.inc_value("govcrawl/pipeline_errors")
            logger.error("could not store %s: %r", item.get("url"), exc)
            raise DropItem(f"store failed: {exc!r}") from exc
        self.stats.inc_value(f"govcrawl/documents/{result.status}")
        if result.status != "unchanged":
            # An unchanged document's manifest is already in the collection: a rebuild
            # replays the earlier one.
            warc = doc.get("warc") or {}
            self.crawler.signals.send_catch_log(
                gc_signals.page_metadata, url=doc["url"], record_id=warc.get("record_id"),
                fields=document_fields(doc))
        # Keep the item light from here on: the bytes are in the WARC.
        return {"site": site, "url": doc["url"], "title": doc.get("title"),
                "document_id": result.document_id, "status": result.status}

    def spider_closed(self, spider, reason) -> None:
        if self.corpus is None:
            return
        try:
            stats = {k: v if isinstance(v, (int, float, str, bool, type(None))) else str(v)
                     for k, v in self.stats.get_stats().items()}
            code, _ = judge_with(stats, self.crawler.settings)
            self.corpus.finish_crawl(self.crawl_id, stats, code)
        finally:
            _release(self.path)
            self.corpus = None
