"""The corpus re-derived from the WARC files alone, and an incremental second crawl."""

from __future__ import annotations

import re
import sqlite3

from tests.conftest import crawl_replica, govcrawl

DOC_COLUMNS = ("url", "site", "title", "published", "source", "author", "breadcrumb", "text",
               "is_mirror", "dup_kind")


def documents(db) -> dict[str, dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        docs = {r["url"]: dict(r) for r in con.execute("select * from documents")}
        urls = {r["id"]: r["url"] for r in con.execute("select id, url from documents")}
    finally:
        con.close()
    for d in docs.values():   # ids differ between databases: compare canonical URLs
        d["canonical_url"] = urls.get(d.get("canonical_id")) if d.get("canonical_id") else None
    return docs


def test_rebuild_reproduces_the_crawled_corpus(crawl_run, tmp_path):
    assert crawl_run.proc.returncode == 0
    out = tmp_path / "rebuilt.db"
    proc = govcrawl("rebuild", "--warc", str(crawl_run.warc_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    crawled, rebuilt = documents(crawl_run.corpus), documents(out)
    assert crawled and set(crawled) == set(rebuilt)
    differences = []
    for url, doc in crawled.items():
        for col in DOC_COLUMNS:
            if doc.get(col) != rebuilt[url].get(col):
                differences.append((url, col, str(doc.get(col))[:60], str(rebuilt[url].get(col))[:60]))
        if (doc["canonical_url"] or url) != (rebuilt[url]["canonical_url"] or url):
            differences.append((url, "canonical", doc["canonical_url"], rebuilt[url]["canonical_url"]))
    assert not differences, differences[:10]


def test_second_crawl_of_an_unchanged_site_changes_nothing_in_the_corpus(replica, tmp_path):
    sites = ["wuhan_zx", "changzhou_gov"]
    first = crawl_replica(replica, tmp_path, sites)
    assert first.proc.returncode == 0, first.proc.stderr[-3000:]
    before = documents(first.corpus)
    first_bytes = sum(p.stat().st_size for p in first.warcs())
    second = crawl_replica(replica, tmp_path, sites)
    assert second.proc.returncode == 0, second.proc.stderr[-3000:]
    after = documents(second.corpus)
    assert set(after) == set(before)
    for url in before:
        assert after[url]["text"] == before[url]["text"]
    assert re.search(r"^documents stored\s+0 new, [1-9]\d* unchanged", second.proc.stdout, re.M), \
        second.proc.stdout
    second_bytes = sum(p.stat().st_size for p in second.warcs()) - first_bytes
    print(f"second crawl WARC bytes: {second_bytes} = {second_bytes / first_bytes:.1%} of the first")
    assert second_bytes < first_bytes * 0.5


def test_incremental_crawl_fetches_lists_but_not_recently_seen_articles(replica, tmp_path):
    sites = ["jiangyin_zx"]
    first = crawl_replica(replica, tmp_path, sites)
    assert first.proc.returncode == 0, first.proc.stderr[-3000:]
    n_docs = len(documents(first.corpus))
    before = replica.requests_log.count(site="jiangyin_zx")
    again = crawl_replica(replica, tmp_path, sites, extra=("--refresh-days", "30"))
    assert again.proc.returncode == 0, again.proc.stderr[-3000:]
    fetched = replica.requests_log.count(site="jiangyin_zx") - before
    assert f"skipped (fresh)    {n_docs} articles" in again.proc.stdout, again.proc.stdout
    # robots.txt, the home page and the list pages only: no article page again.
    assert 0 < fetched < n_docs / 4, fetched
    assert len(documents(again.corpus)) == n_docs
