"""Judging a crawl, reporting it, and a live progress line.

Scrapy exits 0 even when every request failed. govcrawl turns each crawl's stats into an exit
status (:func:`judge`) so that a cron job sees failure, and prints the same judgement in the
crawl report. Exit codes: 0 the crawl did its job, 1 the crawl failed, 2 usage error.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger(__name__)

OK, FAILED, USAGE = 0, 1, 2


@dataclass
class CrawlResult:
    site: str
    stats: dict[str, Any]
    exit_status: int
    reasons: list[str] = field(default_factory=list)


#: Crawls finished in this process, in order (the CLI reads them after the reactor stops,
#: when Scrapy has already forgotten its crawlers).
FINISHED: list[CrawlResult] = []


def _sum_prefix(stats: Mapping[str, Any], prefix: str, pred=lambda k: True) -> int:
    return sum(int(v) for k, v in stats.items()
               if k.startswith(prefix) and pred(k[len(prefix):]) and isinstance(v, (int, float)))


def failed_fetches(stats: Mapping[str, Any]) -> int:
    """Fetches that ended without a usable answer, each counted once after its retries:
    network errors, 5xx, and anti-bot refusals (403/412/429...). 404/410 and robots.txt or
    offsite refusals are not failures (see spiders.base.MunicipalSpider.count_failure)."""
    return _sum_prefix(stats, "govcrawl/failed/")


#: Finish reasons that are a deliberate limit, not a failure.
OK_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout",
              "closespider_timeout_no_item")


def judge(stats: Mapping[str, Any], max_error_rate: float = 0.05,
          min_failed: int = 2) -> tuple[int, list[str]]:
    """Return (exit status, reasons) for one crawl's stats.

    Failed fetches fail the crawl when they are more than ``max_error_rate`` of all fetches
    and at least ``min_failed`` of them: on a small crawl one blocked page would otherwise
    be "7%" (it is still counted and shown in the report)."""
    reasons: list[str] = []
    reason = stats.get("finish_reason", "finished")
    if reason not in OK_REASONS:
        reasons.append(f"finish reason {reason!r}")
    responses = int(stats.get("downloader/response_count", 0))
    is2xx = lambda s: s.startswith("2")  # noqa: E731
    ok = (_sum_prefix(stats, "downloader/response_status_count/", is2xx)
          - _sum_prefix(stats, "robotstxt/response_status_count/", is2xx))
    idle_worker = stats.get("govcrawl/distributed") and not int(stats.get("downloader/request_count", 0))
    if idle_worker:
        pass  # one of several workers found the shared queue already drained: nothing to judge
    elif responses == 0:
        reasons.append("no response at all")
    elif ok <= 0:
        reasons.append("no successful (2xx) page besides robots.txt")
    elif (not int(stats.get("govcrawl/articles", 0)) + int(stats.get("govcrawl/articles_skipped_fresh", 0))
          and not stats.get("govcrawl/distributed")):
        # (one of several workers may legitimately have found the queue empty)
        reasons.append("no article found (do the site's patterns still match its URLs?)")
    requests = max(1, int(stats.get("downloader/request_count", 0)))
    failed = failed_fetches(stats)
    if failed >= min_failed and failed / requests > max_error_rate:
        reasons.append(f"{failed} of {requests} fetches failed (> {max_error_rate:.0%})")
    exceptions = _sum_prefix(stats, "spider_exceptions/")
    if exceptions:
        reasons.append(f"{exceptions} spider exceptions")
    pipeline_errors = int(stats.get("govcrawl/pipeline_errors", 0))
    if pipeline_errors:
        reasons.append(f"{pipeline_errors} documents could not be processed")
    if int(stats.get("warc/errors", 0)):
        reasons.append(f"{stats['warc/errors']} WARC write errors")
    errors = int(stats.get("log_count/ERROR", 0))
    if errors:
        reasons.append(f"{errors} errors logged")
    return (FAILED if reasons else OK), reasons


def judge_with(stats: Mapping[str, Any], settings) -> tuple[int, list[str]]:
    """:func:`judge` with the thresholds of a crawl's settings."""
    return judge(stats, settings.getfloat("GOVCRAWL_MAX_ERROR_RATE", 0.05),
                 settings.getint("GOVCRAWL_MIN_FAILED_FETCHES", 2))


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


SUMMARY_COLUMNS = [
    ("site", lambda s: None),
    ("pages", lambda s: int(s.get("downloader/response_count", 0))),
    ("docs", lambda s: int(s.get("govcrawl/documents/new", 0)) + int(s.get("govcrawl/documents/updated", 0))),
    ("unchanged", lambda s: int(s.get("govcrawl/documents/unchanged", 0))),
    ("dups", lambda s: int(s.get("govcrawl/documents/exact_duplicate", 0))
        + int(s.get("govcrawl/documents/near_duplicate", 0))),
    ("attach", lambda s: int(s.get("govcrawl/attachments", 0))),
    ("repairs", lambda s: int(s.get("govcrawl/repairs", 0))),
    ("404", lambda s: int(s.get("govcrawl/not_found", 0))),
    ("errors", failed_fetches),
    ("warc", lambda s: human_bytes(int(s.get("warc/bytes", 0)))),
]


def format_summary(results: list[CrawlResult]) -> str:
    """A plain-text table of the crawls, one row per site, and a verdict per failed site."""
    header = [name for name, _ in SUMMARY_COLUMNS] + ["status"]
    rows = []
    for r in results:
        cells = [r.site] + [str(fn(r.stats)) for name, fn in SUMMARY_COLUMNS[1:]]
        rows.append(cells + ["ok" if r.exit_status == OK else "FAILED"])
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    for r in results:
        for reason in r.reasons:
            lines.append(f"{r.site}: {reason}")
    return "\n".join(lines)


class _Progress:
    """One live line for every crawl running in this process (terminals only)."""

    def __init__(self) -> None:
        self.crawlers: dict[str, Any] = {}
        self.loop: task.LoopingCall | None = None
        self.tty = sys.stderr.isatty()
        self.last_log = 0.0

    def add(self, name: str, crawler: Any, interval: float) -> None:
        self.crawlers[name] = crawler
        if self.loop is None:
            self.loop = task.LoopingCall(self.tick, interval)
            self.loop.start(0.5 if self.tty else interval, now=False)

    def remove(self, name: str) -> None:
        self.crawlers.pop(name, None)
        if not self.crawlers and self.loop is not None:
            if self.loop.running:
                self.loop.stop()
            self.loop = None
            if self.tty:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()

    def line(self) -> str:
        pages = docs = errs = 0
        for c in self.crawlers.values():
            s = c.stats.get_stats()
            pages += int(s.get("downloader/response_count", 0))
            docs += int(s.get("item_scraped_count", 0))
            errs += failed_fetches(s)
        return (f"crawling {len(self.crawlers)} site(s): {pages} pages, {docs} documents, "
                f"{errs} errors")

    def tick(self, interval: float) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K" + self.line())
            sys.stderr.flush()
        else:
            logger.info(self.line())


_PROGRESS = _Progress()


class CrawlReportExtension:
    """Judges the crawl when the spider closes (stats ``govcrawl/exit_status``), logs the
    report, records it in :data:`FINISHED`, and drives the progress line."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        progress = crawler.settings.get("GOVCRAWL_PROGRESS")
        self.progress = _PROGRESS.tty if progress is None else crawler.settings.getbool("GOVCRAWL_PROGRESS")
        self.interval = crawler.settings.getfloat("GOVCRAWL_PROGRESS_INTERVAL", 10.0)
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        if self.progress or not _PROGRESS.tty:
            _PROGRESS.add(spider.name, self.crawler, self.interval)

    def spider_closed(self, spider, reason) -> None:
        _PROGRESS.remove(spider.name)
        stats = self.crawler.stats
        stats.set_value("finish_reason", reason)
        code, reasons = judge_with(stats.get_stats(), self.crawler.settings)
        stats.set_value("govcrawl/exit_status", code)
        stats.set_value("govcrawl/duration_s", round(time.monotonic() - self.started, 3))
        result = CrawlResult(spider.name, dict(stats.get_stats()), code, reasons)
        FINISHED.append(result)
        log = logger.info if code == OK else logger.warning
        log("crawl of %s %s%s", spider.name, "ok" if code == OK else "FAILED",
            "" if not reasons else ": " + "; ".join(reasons))
