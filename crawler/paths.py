"""Where the products live: one answer for the crawl (Scrapy settings) and for the commands
that have no settings (search, export, index, wacz, replay), which read the environment.

``GOVCRAWL_DATA_DIR`` (default ``data``) holds ``warc/`` and ``corpus.db``;
``GOVCRAWL_WARC_DIR`` and ``GOVCRAWL_CORPUS`` move either one on its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _get(settings: Any, name: str) -> str | None:
    value = settings.get(name) if settings is not None else os.environ.get(name)
    return str(value) if value else None


def data_dir(settings: Any = None) -> Path:
    return Path(_get(settings, "GOVCRAWL_DATA_DIR") or "data")


def warc_dir(settings: Any = None) -> Path:
    return Path(_get(settings, "GOVCRAWL_WARC_DIR") or data_dir(settings) / "warc")


def corpus_path(settings: Any = None) -> Path:
    return Path(_get(settings, "GOVCRAWL_CORPUS") or data_dir(settings) / "corpus.db")
