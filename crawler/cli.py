"""The ``govcrawl`` command.

    govcrawl list                         the sites govcrawl knows
    govcrawl crawl SITE... [--all]        crawl real sites (or --base-url / --replica)
    govcrawl demo                         start the offline replica, crawl it, summarise
    govcrawl rebuild --warc DIR --out DB  re-derive the corpus from WARC files alone
    govcrawl repair | extract | search | export | index | wacz | replay | replica

Exit status: 0 when every crawl did its job, 1 when one failed (judged from its stats, see
crawler.report), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")

from crawler import __version__  # noqa: E402
from crawler.paths import corpus_path, data_dir, warc_dir  # noqa: E402
from crawler.report import FAILED, OK, USAGE, format_summary, human_bytes  # noqa: E402

logger = logging.getLogger("govcrawl")

#: Settings for crawling the local replica: no politeness delays against our own server.
REPLICA_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 2,
}


def _parse_set(values: Sequence[str]) -> dict[str, str]:
    out = {}
    for v in values or ():
        if "=" not in v:
            raise SystemExit(f"govcrawl: -s takes NAME=VALUE, not {v!r}")
        k, _, val = v.partition("=")
        out[k] = val
    return out


def project_settings(data_dir: str | None = None, overrides: dict[str, Any] | None = None):
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if data_dir:
        settings.set("GOVCRAWL_DATA_DIR", data_dir, priority="cmdline")
    for k, v in (overrides or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


def spider_names(settings) -> list[str]:
    from scrapy.spiderloader import get_spider_loader

    return sorted(get_spider_loader(settings).list())


def run_crawls(names: Sequence[str], settings, spider_kwargs: dict[str, Any] | None = None):
    """Run the named spiders together in this process; return their CrawlResults."""
    from scrapy.crawler import CrawlerProcess

    from crawler import report
    from pipelines.extract import shutdown_pools

    start = len(report.FINISHED)
    process = CrawlerProcess(settings)
    for name in names:
        process.crawl(name, **(spider_kwargs or {}))
    process.start()
    shutdown_pools()
    results = report.FINISHED[start:]
    missing = set(names) - {r.site for r in results}
    for name in sorted(missing):
        results.append(report.CrawlResult(name, {}, FAILED, ["the crawl did not run"]))
    return results


def print_products(settings, results, out=sys.stdout) -> None:
    wdir = warc_dir(settings)
    warcs = sorted(wdir.glob("*.warc.gz")) if wdir.exists() else []
    size = sum(p.stat().st_size for p in warcs)
    stats = [r.stats for r in results]
    total = lambda key: sum(int(s.get(key, 0)) for s in stats)  # noqa: E731
    print(format_summary(results), file=out)
    print("", file=out)
    print(f"pages fetched      {total('downloader/response_count')}", file=out)
    print(f"documents stored   {total('govcrawl/documents/new') + total('govcrawl/documents/updated')}"
          f" new, {total('govcrawl/documents/unchanged')} unchanged", file=out)
    print(f"duplicates         {total('govcrawl/documents/exact_duplicate')} exact, "
          f"{total('govcrawl/documents/near_duplicate')} near", file=out)
    print(f"attachments        {total('govcrawl/attachments')}", file=out)
    if total("govcrawl/articles_skipped_fresh"):
        print(f"skipped (fresh)    {total('govcrawl/articles_skipped_fresh')} articles seen recently",
              file=out)
    print(f"repairs            {total('govcrawl/repairs')}", file=out)
    from crawler.report import failed_fetches

    errors = sum(failed_fetches(s) for s in stats)
    print(f"fetch errors       {errors} (not found: {total('govcrawl/not_found')}, refused by "
          f"robots.txt: {total('govcrawl/refused')})", file=out)
    print(f"WARC               {len(warcs)} file(s), {human_bytes(size)} in {wdir}", file=out)
    print(f"corpus             {corpus_path(settings)}", file=out)
    failed = [r.site for r in results if r.exit_status != OK]
    print(f"result             {'FAILED: ' + ', '.join(failed) if failed else 'ok'}", file=out)


# --------------------------------------------------------------------------- commands
def cmd_list(args) -> int:
    from scrapy.spiderloader import get_spider_loader

    settings = project_settings()
    loader = get_spider_loader(settings)
    for name in sorted(loader.list()):
        site = loader.load(name).site
        print(f"{name:16} {site.kind:11} {site.title}  {site.start_urls[0]}")
    return OK


def cmd_crawl(args) -> int:
    overrides: dict[str, Any] = _parse_set(args.set)
    settings = project_settings(args.data, overrides)
    known = spider_names(settings)
    bases = {}
    if args.base_urls:
        bases = json.loads(Path(args.base_urls).read_text() if os.path.exists(args.base_urls)
                           else args.base_urls)
    names = args.sites
    if args.all:
        # Sites that exist only as copies (the spam mirror) have no real host to crawl: --all
        # takes them only when a base URL is given for them.
        from scrapy.spiderloader import get_spider_loader

        loader = get_spider_loader(settings)
        names = [n for n in known if loader.load(n).site.in_all or n in bases]
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        print(f"govcrawl: unknown site(s) {unknown}; known: {', '.join(known)}" if unknown
              else "govcrawl: name sites or use --all", file=sys.stderr)
        return USAGE
    if bases:
        settings.set("GOVCRAWL_BASE_URLS", bases, priority="cmdline")
        for k, v in REPLICA_SETTINGS.items():
            if k not in overrides:
                settings.set(k, v, priority="cmdline")
    redis_url = args.redis or settings.get("GOVCRAWL_REDIS_URL")
    if redis_url:
        from crawler.distributed import flush, redis_settings

        for k, v in redis_settings(redis_url).items():
            settings.set(k, v, priority="cmdline")
        if args.redis_flush:
            flush(redis_url, list(names))
    kwargs = {}
    if args.base_url:
        kwargs["base_url"] = args.base_url
    if args.max_articles:
        kwargs["max_articles"] = args.max_articles
    if args.refresh_days is not None:
        settings.set("GOVCRAWL_REFRESH_DAYS", args.refresh_days, priority="cmdline")
    results = run_crawls(names, settings, kwargs)
    print_products(settings, results)
    return max((r.exit_status for r in results), default=FAILED)


def cmd_demo(args) -> int:
    from crawler.replica import Replica

    overrides = dict(REPLICA_SETTINGS)
    if sys.stderr.isatty():
        # On a terminal the live progress line tells what happens; warnings still show.
        overrides["LOG_LEVEL"] = "WARNING"
    overrides.update(_parse_set(args.set))
    settings = project_settings(args.data, overrides)
    known = set(spider_names(settings))
    print(f"govcrawl {__version__} demo: starting the offline replica "
          f"({args.articles} articles per site)...", flush=True)
    replica = Replica(articles=args.articles, seed=args.seed, port_base=args.port_base or None)
    try:
        replica.start()
    except OSError as exc:
        print(f"govcrawl demo: cannot start the replica on ports {args.port_base}+ ({exc}); "
              f"use --port-base with free ports, or --port-base 0 for any", file=sys.stderr)
        return FAILED
    with replica as rep:
        names = [n for n in rep.sites if n in known and (not args.sites or n in args.sites)]
        bases = {n: rep.base_url(n) for n in names}
        for n in names:
            print(f"  {n:14} {bases[n]}  (replica of {rep.sites[n].real_base_url})", flush=True)
        settings.set("GOVCRAWL_BASE_URLS", bases, priority="cmdline")
        results = run_crawls(names, settings)
    print("", flush=True)
    print_products(settings, results)
    try:
        from crawler.corpus import Corpus

        meta = data_dir(settings) / "metadata.json"
        corpus = Corpus(str(corpus_path(settings)))
        corpus.write_datasette_metadata(str(meta))
        corpus.close()
        print(f"browse             datasette {corpus_path(settings)} -m {meta}")
    except Exception as exc:  # noqa: BLE001 - the demo's products are written already
        print(f"(no Datasette metadata: {exc})", file=sys.stderr)
    return max((r.exit_status for r in results), default=FAILED)


def cmd_rebuild(args) -> int:
    from crawler.rebuild import rebuild

    stats = rebuild(args.warc, args.out, workers=args.workers)
    for k, v in stats.items():
        print(f"{k:20} {v}")
    return OK if not stats.get("errors") and not stats.get("skipped_incomplete") else FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govcrawl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"govcrawl {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="list the known sites")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("crawl", help="crawl sites into WARC files and the corpus")
    p.add_argument("sites", nargs="*", help="site names (see `govcrawl list`)")
    p.add_argument("--all", action="store_true", help="crawl every known site")
    p.add_argument("--data", help="data directory (default: data)")
    p.add_argument("--base-url", help="serve the site's paths from this URL (one site)")
    p.add_argument("--base-urls", help="JSON (or a JSON file) mapping site -> base URL")
    p.add_argument("--max-articles", type=int, help="stop after this many articles per site")
    p.add_argument("--redis", metavar="URL",
                   help="share the queue with other workers through Redis (scrapy-redis)")
    p.add_argument("--redis-flush", action="store_true",
                   help="with --redis: clear the shared queue and seen-set first (a new crawl)")
    p.add_argument("--refresh-days", type=float, metavar="DAYS",
                   help="incremental: do not refetch articles the corpus saw within DAYS")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("demo", help="crawl the bundled offline replica and summarise")
    p.add_argument("--articles", type=int, default=100, help="articles per site (default 100)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", default="data", help="data directory (default: data)")
    p.add_argument("--sites", nargs="*", help="only these replica sites")
    p.add_argument("--port-base", type=int, default=18470,
                   help="first replica port, so that repeated demos see the same URLs (0: any)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("rebuild", help="re-derive the corpus from WARC files alone")
    p.add_argument("--warc", required=True, action="append",
                   help="directory (or file) of WARCs; repeat for several workers' directories")
    p.add_argument("--out", required=True, help="corpus database to write")
    p.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    p.set_defaults(func=cmd_rebuild)

    from archive.cli import register as register_archive
    from crawler.corpus.cli import register as register_corpus
    from crawler.encoding.cli import register as register_encoding
    from crawler.extract.cli import register as register_extract
    from crawler.replica.cli import register as register_replica

    for register in (register_encoding, register_extract, register_corpus, register_archive,
                     register_replica):
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in ("crawl", "demo"):   # Scrapy configures logging for crawls
        logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    elif args.verbose:
        args.set = [*(args.set or []), "LOG_LEVEL=DEBUG"]
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
