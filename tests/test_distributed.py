"""Two workers share one crawl through Redis (scrapy-redis); rebuild merges their WARCs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, govcrawl

SITES = ["jiangyin_zx", "changshu"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        # Installed by `make test` (Makefile: sysdeps). Missing here means the set-up failed.
        pytest.fail("redis-server is not installed (apt-get install redis-server; `make test` does it)")
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _worker(replica, data, url, flush=False):
    bases = json.dumps({n: replica.base_url(n) for n in SITES})
    args = [sys.executable, "-m", "crawler.cli", "crawl", *SITES, "--data", str(data),
            "--base-urls", bases, "--redis", url] + (["--redis-flush"] if flush else [])
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, GOVCRAWL_PROGRESS="0"))


def test_two_workers_share_the_queue_and_rebuild_merges_them(replica, redis_url, tmp_path):
    article_paths = {urlsplit(a.url).path for s in SITES for a in replica.truth(s)}
    before = {p: replica.requests_log.count(path=p) for p in article_paths}
    first = _worker(replica, tmp_path / "w1", redis_url, flush=True)
    time.sleep(1.0)                       # the first worker seeds (and flushes) the queue
    second = _worker(replica, tmp_path / "w2", redis_url)
    outs = [p.communicate(timeout=600) for p in (first, second)]
    for p, (out, err) in zip((first, second), outs):
        assert p.returncode == 0, out + err[-3000:]
    fetched = {p: replica.requests_log.count(path=p) - before[p] for p in article_paths}
    # Every article fetched by exactly one worker, once (a fault URL answers 503 once first).
    assert all(1 <= n <= 2 for n in fetched.values()), sorted(fetched.items(), key=lambda kv: -kv[1])[:5]
    assert sum(n == 2 for n in fetched.values()) <= len(SITES)

    merged = tmp_path / "merged.db"
    proc = govcrawl("rebuild", "--warc", str(tmp_path / "w1" / "warc"),
                    "--warc", str(tmp_path / "w2" / "warc"), "--out", str(merged))
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    con = sqlite3.connect(merged)
    urls = [r[0] for r in con.execute("select url from documents")]
    con.close()
    assert sorted(urlsplit(u).path for u in urls) == sorted(article_paths)
