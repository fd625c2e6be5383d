"""Scrapy settings of govcrawl. Every govcrawl behaviour is a ``GOVCRAWL_*`` setting that
``-s NAME=VALUE`` (or ``govcrawl crawl -s``) overrides; see docs/architecture.md."""

import os

from crawler import __version__

BOT_NAME = "govcrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

USER_AGENT = f"govcrawl/{__version__} (archival crawler of public government pages)"
ROBOTSTXT_OBEY = True

# Politeness towards real government servers; `govcrawl demo` and the tests lift these for
# the local replica.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024          # attachments can be large
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Keeps the raw status line, header lines and request head that Scrapy drops, for the WARC.
DOWNLOAD_HANDLERS = {
    "http": "archive.handler.RecordingHTTP11DownloadHandler",
    "https": "archive.handler.RecordingHTTP11DownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    # Outside HttpCompressionMiddleware (590): sees the body as received, content-encoded,
    # and the request headers as sent.
    "archive.middleware.WarcCaptureMiddleware": 950,
    # Scrapy's, with tldextract's bundled public suffix list instead of a download.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.cookies.CookiesMiddleware": 700,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 300,
    "pipelines.store.StorePipeline": 800,
}

EXTENSIONS = {
    "crawler.report.CrawlReportExtension": 500,
}

# --- govcrawl -------------------------------------------------------------------------
# The three paths also come from the environment, which every govcrawl command reads (search,
# export, index... have no Scrapy settings): one variable moves all products.
GOVCRAWL_DATA_DIR = os.environ.get("GOVCRAWL_DATA_DIR", "data")
GOVCRAWL_WARC_DIR = os.environ.get("GOVCRAWL_WARC_DIR")   # default: <GOVCRAWL_DATA_DIR>/warc
GOVCRAWL_CORPUS = os.environ.get("GOVCRAWL_CORPUS")       # default: <GOVCRAWL_DATA_DIR>/corpus.db
GOVCRAWL_WARC_PREFIX = "govcrawl"
GOVCRAWL_WARC_MAX_SIZE = 1_000_000_000
GOVCRAWL_WARC_GZIP_LEVEL = 6        # measured in bench/bench_warc.py, see docs/warc.md
GOVCRAWL_WARC_REVISITS = True       # identical payloads as revisit records
GOVCRAWL_WARC_FSYNC = False         # fsync after every record
GOVCRAWL_DIGEST_INDEX = None        # default: <warc dir>/digests.sqlite
GOVCRAWL_OPERATOR = os.environ.get("GOVCRAWL_OPERATOR", "")   # warcinfo "operator"
GOVCRAWL_EXTRACT_WORKERS = None     # default: number of cores (at most 8); 0: inline
GOVCRAWL_EXTRACT_TIMEOUT = 300      # seconds one document may take in a worker
GOVCRAWL_BASE_URLS = {}             # site name -> base URL serving the same paths (replica)
GOVCRAWL_BASE_URL = None
GOVCRAWL_REFRESH_DAYS = None       # incremental: skip articles the corpus saw this recently
GOVCRAWL_MAX_ERROR_RATE = 0.05      # failed fetches / fetches above which the crawl failed
GOVCRAWL_MIN_FAILED_FETCHES = 2     # ...provided at least this many failed
GOVCRAWL_PROGRESS = None            # None: a live line on a terminal, log lines otherwise
GOVCRAWL_PROGRESS_INTERVAL = 10.0   # seconds between progress log lines off a terminal
