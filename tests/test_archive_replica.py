"""archive/ against the offline replica (crawler.replica), over real sockets.

Two real Scrapy crawls of every replica site (WarcCaptureMiddleware + recording handler,
a generic same-host link-following spider from archive.testing) into one collection:

* every WARC passes ``warcio check``; robots.txt, redirects, error pages, attachments,
  list pages are archived;
* pywb ``id_`` replay of every archived article returns exactly the bytes the replica
  serves (same Accept-Encoding as the crawler: the gzip bytes), also through a revisit;
* the GBK article replays in headless Chromium (mp_ in pywb's replay frame) with its
  Chinese title and text;
* the second crawl of the unchanged replica writes revisits; its WARC bytes are printed as
  a fraction of the first crawl's.
"""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from archive.reader import iter_captures, iter_records
from archive.testing import chromium_binary, chromium_page, crawl_in_subprocess, warcio_check
from archive.warc import warc_date_to_14

ROOT = Path(__file__).resolve().parent.parent
replica = pytest.importorskip("crawler.replica")

SCRAPY_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def need(what: str, ok: bool, how: str):
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} missing (CI): {how}")
    pytest.skip(f"{what} missing: {how}")


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _fetch(url: str, accept_encoding: str) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def rep():
    with replica.Replica(articles=20) as r:
        yield r


@pytest.fixture(scope="module")
def crawls(rep, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replica")
    d = tmp / "warc"
    urls = [s.base_url + "/" for s in rep.sites.values()]
    settings = {"RETRY_ENABLED": True, "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}
    r1 = crawl_in_subprocess(tmp / "c1", d, urls[0], extra=urls[1:], settings=settings)
    files1 = {p.name for p in d.glob("*.warc.gz")}
    r2 = crawl_in_subprocess(tmp / "c2", d, urls[0], extra=urls[1:], settings=settings)
    files2 = {p.name for p in d.glob("*.warc.gz")} - files1
    caps = list(iter_captures(d))
    return {"dir": d, "r1": r1, "r2": r2, "files1": files1, "files2": files2, "caps": caps}


def _first(crawls):
    return [c for c in crawls["caps"] if c["warc"]["file"] in crawls["files1"]]


def test_replica_warcs_pass_warcio_check(crawls):
    assert not list(crawls["dir"].glob("*.open"))
    warcio_check(sorted(crawls["dir"].glob("*.warc.gz")))


def test_replica_everything_archived(rep, crawls):
    got = {}
    for c in _first(crawls):
        got.setdefault(c["url"], set()).add(c["status"])
    statuses = {s for v in got.values() for s in v}
    assert {200, 301, 302, 404, 503} <= statuses, statuses
    for site in rep.sites.values():
        assert 200 in got.get(site.base_url + "/robots.txt", set()), site.name
    truth = rep.all_truth()
    arts = [a for a in truth if 200 in got.get(a.url, set())]
    assert len(arts) >= 0.85 * len(truth), (len(arts), len(truth))
    atts = [x for a in truth for x in a.attachments]
    assert atts and sum(1 for x in atts if 200 in got.get(x.url, set())) >= 0.7 * len(atts)


@pytest.fixture(scope="module")
def pywb(crawls):
    need("pywb", (ROOT / ".venv-pywb" / "bin" / "wayback").exists() or bool(os.environ.get("GOVCRAWL_PYWB_VENV")),
         "make pywb  (python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb)")
    from archive.replay import PywbServer

    with PywbServer([crawls["dir"]]) as base:
        yield base


def test_replica_id_replay_is_byte_exact(rep, crawls, pywb):
    truth = {a.url: a for a in rep.all_truth()}
    pages = {u for a in truth.values() for u in (a.pages or [a.url])}
    checked = revisits = 0
    for c in crawls["caps"]:
        if c["status"] != 200 or c["url"] not in pages:
            continue
        ts = warc_date_to_14(c["fetched_at"])
        st, _, live = _fetch(c["url"], SCRAPY_ACCEPT_ENCODING)
        assert st == 200
        st, hdr, replayed = _fetch(f"{pywb}{ts}id_/{c['url']}", SCRAPY_ACCEPT_ENCODING)
        assert st == 200, c["url"]
        assert replayed == live == c["raw_body"], c["url"]
        # and decoded, for a client without gzip
        st, _, plain = _fetch(f"{pywb}{ts}id_/{c['url']}", "identity")
        assert plain == c["body"] == _fetch(c["url"], "identity")[2], c["url"]
        checked += 1
        revisits += c["warc"]["type"] == "revisit"
    print(f"\n[replica id_] {checked} article captures byte-exact ({revisits} through revisits)")
    assert checked >= 100 and revisits >= 50


def test_replica_gbk_article_in_chromium(rep, crawls, pywb):
    need("chromium", chromium_binary() is not None, "apt-get install -y chromium  (make chromium)")
    arts = [a for a in rep.truth("changzhou_zx") if a.encoding in ("gb18030", "gbk", "gb2312")]
    assert arts
    art = arts[0]
    cap = [c for c in _first(crawls) if c["url"] == art.url and c["status"] == 200][0]
    assert cap["body"].decode("gb18030").count(art.title[:10]) >= 1
    snippet = re.sub(r"\s+", "", art.body)[:20]
    page = chromium_page(f"{pywb}{warc_date_to_14(cap['fetched_at'])}mp_/{art.url}", want=snippet[:10])
    assert page["framed"] and art.title in page["title"], page.get("title")
    assert snippet in re.sub(r"\s+", "", page["text"]), page["text"][:500]
    print(f"\n[replica chromium] {art.url}: charset={page['charset']} title={page['title']}")


def test_replica_second_crawl_is_revisits(crawls, capsys):
    d = crawls["dir"]
    b1 = sum((d / f).stat().st_size for f in crawls["files1"])
    b2 = sum((d / f).stat().st_size for f in crawls["files2"])
    by_type = {}
    for r in iter_records([d / f for f in crawls["files2"]], read_body=False):
        by_type[r["type"]] = by_type.get(r["type"], 0) + r["length"]
    payload1 = sum(r["length"] for r in iter_records([d / f for f in crawls["files1"]], read_body=False)
                   if r["type"] in ("response", "revisit"))
    payload2 = by_type.get("response", 0) + by_type.get("revisit", 0)
    st2 = crawls["r2"]["stats"]
    with capsys.disabled():
        print(f"\n[replica revisits] crawl 1: {b1} B; crawl 2 of the unchanged replica: {b2} B = "
              f"{b2 / b1:.1%}; response/revisit records only: {payload2 / payload1:.1%}; "
              f"{st2.get('warc/revisits')} revisits; crawl-2 bytes by record type {by_type}")
    ok200 = st2.get("downloader/response_status_count/200", 0)
    assert st2.get("warc/revisits", 0) >= ok200 - 2  # every unchanged 200 (robots.txt too)
    assert b2 / b1 < 0.4 and payload2 / payload1 < 0.2
