"""Replica articles, fetched over real sockets, come out equal to the replica's truth.

Title, date, source and body (whitespace-normalised) of every article of every site;
multi-page articles are fetched page by page (``next_pages``) and joined; attachments are
fetched and their text compared; no page furniture in any body; mirror copies are marked
and clean down to the official text.
"""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest

from crawler.extract import extract_attachment, extract_html, join_pages
from crawler.extract.score import char_f1

from tests.fixtures.extract.helpers import boilerplate_hits

Replica = pytest.importorskip("crawler.replica").Replica
ARTICLES = 12
W = lambda s: re.sub(r"\s+", "", s or "")


def fetch(url: str):
    for attempt in range(4):
        try:
            with urllib.request.urlopen(url, timeout=15) as r:
                return r.read(), r.headers.get_content_charset(), r.headers.get_content_type()
        except urllib.error.HTTPError as e:
            if e.code not in (502, 503, 504) or attempt == 3:
                raise
            time.sleep(0.1)


def decode_page(body: bytes, http_charset):
    from crawler.encoding import decode
    return decode(body, http_charset=http_charset).text


@pytest.fixture(scope="module")
def replica():
    with Replica(articles=ARTICLES, faults=True) as rep:
        yield rep


@pytest.fixture(scope="module")
def extracted(replica):
    """site -> list of (truth, joined Extracted, first-page Extracted, raw html of page 1)."""
    out = {}
    for site in replica.sites:
        rows = []
        for t in replica.truth(site):
            body, cs, _ = fetch(t.url)
            html = decode_page(body, cs)
            first = extract_html(html, t.url)
            parts = [first]
            for u in first.next_pages:
                b, c, _ = fetch(u)
                parts.append(extract_html(decode_page(b, c), u))
            rows.append((t, join_pages(parts), first, html))
        out[site] = rows
    return out


def official_sites(extracted):
    return [s for s in extracted if s != "mirror"]


def test_every_site_is_covered(extracted):
    for site in ("changzhou_zx", "changzhou_gov", "changshu", "wuhan_zx", "jiangyin_zx"):
        assert extracted.get(site), site


def test_titles_dates_bodies_equal_truth(extracted):
    """Bodies as the pipeline stores them: extracted, then repaired (some replica pages carry
    upstream mojibake, which extraction keeps and crawler.encoding.repair undoes)."""
    from crawler.encoding import repair

    bad = []
    for site in official_sites(extracted):
        for t, j, _, _ in extracted[site]:
            if W(j.title) != W(t.title):
                bad.append((t.url, "title", j.title, t.title))
            if j.published != t.published:
                bad.append((t.url, "published", j.published, t.published))
            text = repair(j.text).text
            if W(text) != W(t.body):
                bad.append((t.url, "body F1", round(char_f1(text, t.body), 4)))
    assert not bad, bad


def test_sources_equal_truth(extracted):
    bad = [(t.url, j.source, t.source) for site in official_sites(extracted) for t, j, _, _ in extracted[site]
           if (j.source or None) != (t.source or None)]
    assert not bad, bad


def test_multi_page_articles_are_joined(extracted):
    multi = [(t, j, f) for s in official_sites(extracted) for t, j, f, _ in extracted[s] if len(t.pages) > 1]
    assert multi, "the replica serves multi-page articles (Wuhan TRS createPageHTML)"
    for t, j, first in multi:
        assert first.next_pages == t.pages[1:]
        assert j.page_count == len(t.pages)
        assert W(j.text) == W(t.body)
        assert W(first.text) != W(t.body)  # page 1 alone is not the article


def test_single_pages_have_no_next_pages(extracted):
    for site in extracted:
        for t, _, first, _ in extracted[site]:
            if len(t.pages) == 1:
                assert first.next_pages == [], t.url


def test_attachments_found_fetched_and_extracted(extracted):
    n = 0
    kinds = set()
    for site in official_sites(extracted):
        for t, j, _, _ in extracted[site]:
            assert sorted(a["url"] for a in j.attachments) == sorted(a.url for a in t.attachments), t.url
            names = {a["url"]: a["name"] for a in j.attachments}
            for a in t.attachments:
                body, _, ctype = fetch(a.url)
                r = extract_attachment(body, a.url, ctype)
                assert r.error is None, (a.url, r.error)
                # the file's text holds the truth text (a PDF also prints its title)
                assert W(a.text) in W(r.text), a.url
                assert W(a.name) in W(names[a.url])
                kinds.add(a.url.rsplit(".", 1)[-1])
                n += 1
    assert n > 0 and {"pdf", "docx", "xlsx"} <= kinds


def test_disclosure_fields(extracted):
    seen = 0
    for site in official_sites(extracted):
        for t, j, _, _ in extracted[site]:
            for k, v in (t.fields or {}).items():
                assert j.fields.get(k) == v, (t.url, k, j.fields.get(k), v)
                seen += 1
    assert seen > 0


def test_no_furniture_in_any_stored_body(extracted):
    bad = {}
    for site in extracted:
        for t, j, _, _ in extracted[site]:
            hits = boilerplate_hits(j.text)
            if hits:
                bad[t.url] = hits
    assert not bad


def test_official_articles_are_not_mirrors(extracted):
    flagged = [t.url for s in official_sites(extracted) for t, j, _, _ in extracted[s] if j.is_mirror]
    assert not flagged


def test_mirror_copies_marked_and_cleaned(extracted):
    rows = extracted.get("mirror") or []
    if not rows:
        pytest.skip("replica without a mirror site")
    for t, j, _, _ in rows:
        assert j.is_mirror, t.url
        assert {"junk-tags", "seo-keyword-block", "repost-footer"} <= set(j.mirror_signals), t.url
        assert W(j.title) == W(t.title), t.url
        assert j.published == t.published
        assert W(j.text) == W(t.body), (t.url, round(char_f1(j.text, t.body), 4))
        assert (j.source or None) == (t.source or None)   # the copy prints no source
