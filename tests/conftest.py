"""Shared fixtures: the offline replica on 127.0.0.1 and one real crawl of it.

The crawl runs the real ``govcrawl crawl`` command in a subprocess (Scrapy's reactor cannot
be restarted inside one test process), over real sockets, into a temporary data directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_ARTICLES = int(os.environ.get("GOVCRAWL_TEST_ARTICLES", "100"))


def govcrawl(*args: str, cwd: Path | None = None, timeout: float = 900,
             env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the govcrawl CLI as a user would, and return the finished process."""
    full_env = dict(os.environ, PYTHONUNBUFFERED="1", GOVCRAWL_PROGRESS="0")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout, env=full_env)


@dataclass
class CrawlRun:
    replica: object
    data: Path
    proc: subprocess.CompletedProcess

    @property
    def warc_dir(self) -> Path:
        return self.data / "warc"

    @property
    def corpus(self) -> Path:
        return self.data / "corpus.db"

    def warcs(self) -> list[Path]:
        return sorted(self.warc_dir.glob("*.warc.gz"))


@pytest.fixture(scope="session")
def replica():
    from crawler.replica import Replica

    with Replica(articles=TEST_ARTICLES, seed=7) as rep:
        yield rep


def crawl_replica(rep, data: Path, sites=None, extra=()) -> CrawlRun:
    names = sites or sorted(rep.sites)
    bases = {n: rep.base_url(n) for n in names}
    proc = govcrawl("crawl", *names, "--data", str(data), "--base-urls", json.dumps(bases), *extra)
    return CrawlRun(rep, data, proc)


@pytest.fixture(scope="session")
def crawl_run(replica, tmp_path_factory) -> CrawlRun:
    """One crawl of every replica site, shared by the end-to-end, archive and corpus tests."""
    run = crawl_replica(replica, tmp_path_factory.mktemp("crawl"))
    if run.proc.returncode != 0:
        sys.stderr.write(run.proc.stdout[-5000:] + run.proc.stderr[-20000:])
    return run
