"""Re-derive the corpus from WARC files alone (``govcrawl rebuild``).

The crawl writes, for every stored document, a WARC ``metadata`` record whose
``govcrawl-manifest`` field names the records that make it up (first page, other pages,
attachments). Rebuild reads those manifests in archive order, fetches the named records
(revisits resolved to their originals by archive.reader), and calls the very same
:func:`crawler.document.build_document` as the crawl, in a process pool, then inserts the
documents in manifest order so that the result is deterministic.

When a URL was stored by several crawls, each manifest is replayed in turn, as the crawls did.
Memory stays bounded: the parent keeps record locations only, the workers read the bodies
from the WARC files, and at most four documents per worker are in flight.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterable

from archive.reader import index_captures, iter_metadata, load_capture
from crawler.document import prepared_document

logger = logging.getLogger(__name__)
from pipelines.store import store_document


def _warc_paths(path: str | os.PathLike | list) -> list[Path]:
    if isinstance(path, (list, tuple)):
        return [f for one in path for f in _warc_paths(one)]
    p = Path(path)
    if p.is_file():
        return [p]
    # A .open file is a WARC whose writer stopped: valid up to its last complete record.
    return sorted(list(p.glob("*.warc.gz")) + list(p.glob("*.warc")) + list(p.glob("*.warc.gz.open")))


def manifests(paths: Iterable[Path]) -> list[dict[str, Any]]:
    out = []
    for meta in iter_metadata(paths):
        fields = dict((k, v) for k, v in meta["fields"] if k == "govcrawl-manifest")
        if "govcrawl-manifest" in fields:
            out.append(json.loads(fields["govcrawl-manifest"]))
    return out


def _load(loc: tuple[str, int, tuple[str, int] | None]) -> dict[str, Any]:
    return load_capture(*loc)


def _build(job: tuple[dict, tuple, list, list]) -> tuple[dict, dict, list, list, dict]:
    """In a worker: read the document's records from the WARC files and build it."""
    manifest, main_loc, part_locs, att_locs = job
    main = _load(main_loc)
    parts = [_load(loc) for loc in part_locs]
    atts = [{"capture": _load(loc), "name": name, "url": url} for url, name, loc in att_locs]
    doc = prepared_document(manifest["site"], main, parts, atts)
    # Bodies are not needed any more: only what the corpus rows take goes back.
    for cap in [main, *parts, *(a["capture"] for a in atts)]:
        cap.pop("body", None)
        cap.pop("raw_body", None)
    return manifest, main, parts, atts, doc


def rebuild(warc: str | os.PathLike | list, out: str | os.PathLike,
            workers: int | None = None) -> dict[str, Any]:
    from crawler.corpus import Corpus

    paths = _warc_paths(warc)
    if not paths:
        raise SystemExit(f"govcrawl rebuild: no WARC files in {warc}")
    docs = manifests(paths)
    index = index_captures(paths)          # locations only: bodies are read by the workers
    jobs, skipped = [], 0
    for m in docs:
        main = index.get(m.get("main"))
        parts = [index.get(r) for r in m.get("parts", [])]
        atts = [(a["url"], a.get("name", ""), index.get(a.get("record"))) for a in m.get("attachments", [])]
        if main is None or any(p is None for p in parts) or any(loc is None for *_, loc in atts):
            skipped += 1
            logger.error("rebuild: records of %s are missing from the WARC files", m.get("url"))
            continue
        jobs.append((m, main, parts, atts))
    workers = workers or os.cpu_count() or 1
    out = Path(out)
    for stale in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        if stale.exists():
            stale.unlink()
    corpus = Corpus(str(out))
    bases: dict[str, str] = {}
    for m, *_ in jobs:
        bases.setdefault(m["site"], m["url"])
    _register_sites(corpus, bases)
    sites = sorted(bases)
    crawl_id = corpus.start_crawl(sites=sites, settings={"rebuild_from": [str(w) for w in warc]
                                                       if isinstance(warc, (list, tuple)) else str(warc)})
    statuses: dict[str, int] = {}
    errors = 0
    window = 4 * workers                     # documents in flight: bounds memory
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        queue = iter(jobs)
        while True:
            while len(pending) < window:
                job = next(queue, None)
                if job is None:
                    break
                pending.append((job, pool.submit(_build, job)))
            if not pending:
                break
            job, future = pending.popleft()   # in manifest order: deterministic inserts
            try:
                manifest, main, parts, atts, doc = future.result()
                res = store_document(corpus, crawl_id, manifest["site"], main, parts, atts, doc)
                statuses[res.status] = statuses.get(res.status, 0) + 1
            except Exception as exc:  # noqa: BLE001 - logged, counted, reported by the CLI
                errors += 1
                logger.error("rebuild: could not rebuild %s: %r", job[0].get("url"), exc)
    stats = {"warc_files": len(paths), "manifests": len(docs), "documents": len(jobs),
             "skipped_incomplete": skipped, "errors": errors,
             **{f"documents_{k}": v for k, v in sorted(statuses.items())}}
    corpus.finish_crawl(crawl_id, stats, 0 if not errors and not skipped else 1)
    corpus.close()
    return stats


def _register_sites(corpus, bases: dict[str, str]) -> None:
    """Register each site as the crawl did, its base URL taken from its documents' URLs."""
    from urllib.parse import urlsplit

    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    loader = get_spider_loader(get_project_settings())
    known = set(loader.list())
    for name, url in bases.items():
        if name in known:
            site = loader.load(name).site
            parts = urlsplit(url)
            corpus.register_site(site.name, site.title, site.official, site.kind,
                                 site.real_base_url, f"{parts.scheme}://{parts.netloc}/")
