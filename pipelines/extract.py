"""Turn a crawled item into a document, off the reactor.

Decoding, repair and extraction (crawler.document.build_document, the same function that
``govcrawl rebuild`` uses) run in a process pool so that trafilatura and lxml never block the
Twisted reactor. ``GOVCRAWL_EXTRACT_WORKERS`` sets the pool size (default: the number of
cores, at most 8); 0 runs extraction inline, which is only meant for debugging.

A document that cannot be built is dropped with a logged error and counted
(``govcrawl/pipeline_errors``): its bytes are already in the WARC, so nothing is lost and
``govcrawl rebuild`` can retry it once the code is fixed.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.exceptions import DropItem

from crawler.document import document_from_item

logger = logging.getLogger(__name__)

_POOLS: dict[int, ProcessPoolExecutor] = {}


class ExtractionTimeout(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001
    raise ExtractionTimeout("document took too long to extract")


def document_with_deadline(item: dict[str, Any], seconds: int) -> dict[str, Any]:
    """In a worker: build the document, giving up after ``seconds`` (SIGALRM, so a
    pathological page or attachment frees its worker instead of blocking the crawl)."""
    if seconds and hasattr(signal, "SIGALRM"):
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(seconds)
        try:
            return document_from_item(item)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    return document_from_item(item)


def _warm() -> None:
    """Import the heavy modules once per worker (trafilatura, jieba...)."""
    import crawler.document  # noqa: F401 - imported for its side effect: loading them


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per size for the whole process: several crawls in one process share it."""
    pool = _POOLS.get(workers)
    if pool is None:
        ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm)
        _POOLS[workers] = pool
    return pool


def _discard_pool(workers: int) -> None:
    pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOLS.clear()


class ExtractPipeline:
    def __init__(self, crawler, workers: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.timeout = crawler.settings.getint("GOVCRAWL_EXTRACT_TIMEOUT", 300)

    @classmethod
    def from_crawler(cls, crawler):
        workers = crawler.settings.get("GOVCRAWL_EXTRACT_WORKERS")
        workers = min(os.cpu_count() or 1, 8) if workers in (None, "") else int(workers)
        return cls(crawler, workers)

    async def _in_pool(self, item: dict[str, Any]) -> dict[str, Any]:
        """Run in the pool; if a worker died (e.g. out of memory on a huge attachment) the
        pool is broken for every later item, so start a new one and try this item once more."""
        for attempt in (1, 2):
            try:
                future = shared_pool(self.workers).submit(document_with_deadline, item, self.timeout)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                _discard_pool(self.workers)
                self.stats.inc_value("govcrawl/extract_pool_restarts")
                logger.error("extraction worker died on %s (attempt %d)", item.get("url"), attempt)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def process_item(self, item: dict[str, Any], spider=None) -> dict[str, Any]:
        try:
            if self.workers > 0:
                doc = await self._in_pool(item)
            else:
                doc = document_from_item(item)
        except Exception as exc:  # noqa: BLE001 - counted, logged, bytes stay in the WARC
            self.stats.inc_value("govcrawl/pipeline_errors")
            if isinstance(exc, ExtractionTimeout):
                self.stats.inc_value("govcrawl/extract_timeouts")
            logger.error("could not build a document from %s: %r", item.get("url"), exc)
            raise DropItem(f"extraction failed: {exc!r}") from exc
        enc = doc.get("encoding") or {}
        self.stats.inc_value(f"govcrawl/encoding/{enc.get('encoding', 'unknown')}")
        if enc.get("source"):
            self.stats.inc_value(f"govcrawl/encoding_source/{enc['source']}")
        if enc.get("errors"):
            self.stats.inc_value("govcrawl/decode_errors", int(enc["errors"]))
            self.stats.inc_value("govcrawl/documents_with_decode_errors")
        for fix in doc.get("repairs") or ():
            self.stats.inc_value("govcrawl/repairs")
            self.stats.inc_value(f"govcrawl/repairs/{fix.get('family', 'unknown')}")
            if fix.get("lost"):
                self.stats.inc_value("govcrawl/repairs_lost_chars", int(fix["lost"]))
        if doc.get("is_mirror"):
            self.stats.inc_value("govcrawl/mirror_pages")
        for att in doc.get("attachments") or ():
            if att.get("error"):
                self.stats.inc_value("govcrawl/attachment_text_errors")
        item["document"] = doc
        return item
