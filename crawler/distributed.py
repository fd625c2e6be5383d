"""Crawling one site set with several workers (scrapy-redis).

``govcrawl crawl SITE... --redis redis://HOST:PORT/DB`` (or ``GOVCRAWL_REDIS_URL``) replaces
Scrapy's scheduler and duplicate filter by scrapy-redis's: every worker, on any machine, takes
requests from one shared queue and no URL is scheduled twice. The rest stays per worker, by
design: each writes its own WARC files (named after its host) and its own corpus in its own
``--data`` directory. The corpus of the whole crawl is then ``govcrawl rebuild`` over all the
workers' WARC directories: WARC files are the product that moves between machines, and the
rebuild runs the same code as the crawl, so the merged corpus equals a one-machine crawl's.

The queue persists between workers (``SCHEDULER_PERSIST``) so that a worker finishing early
does not flush the others' work; ``--redis-flush`` clears the queue and the seen-set first,
for a new crawl.
"""

from __future__ import annotations

from typing import Any


def redis_settings(url: str) -> dict[str, Any]:
    return {
        "GOVCRAWL_REDIS_URL": url,
        "REDIS_URL": url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
    }


def flush(url: str, sites: list[str]) -> int:
    """Delete the queues and seen-sets of these spiders (scrapy-redis key names)."""
    import redis

    server = redis.Redis.from_url(url)
    keys = []
    for name in sites:
        keys += [f"{name}:requests", f"{name}:dupefilter", f"{name}:items"]
    return int(server.delete(*keys)) if keys else 0
