"""Dedup against the offline replica's ground truth.

The replica carries the same articles on two official sites (常州政协 and 常州市政府), on a
spam mirror, and reprints with small edits on other sites.  Inserting the truth articles as
documents must give exactly the truth's story grouping (a reprint belongs with the story it
reprints), with the official, earliest, most complete copy canonical -- in any order, and
also when the mirror copies come as traditional text with pinyin notes and spam.
"""
from __future__ import annotations

import random
from collections import defaultdict

import pytest

from crawler.corpus import Corpus

replica = pytest.importorskip("crawler.replica")

PORT_BASE = 18950  # truth URLs need base URLs; nothing is served


@pytest.fixture(scope="module")
def truth():
    rep = replica.Replica(articles=100, seed=0, port_base=PORT_BASE)
    return rep.all_truth()


def _doc(a, mirror_style: bool = False) -> dict:
    text = a.body
    if mirror_style and a.kind == "mirror":
        from tests.test_corpus import mirror_copy

        text = mirror_copy(text)
    return {
        "url": a.url, "site": a.site, "title": a.title, "published": a.published, "source": a.source,
        "text": text, "fields": a.fields or {}, "is_mirror": a.kind == "mirror",
        "mirror_signals": ["truth"] if a.kind == "mirror" else [], "attachments": [], "repairs": [],
        "warc": None, "fetched_at": "2024-12-31T00:00:00Z",
    }


def _group_key(a) -> str:
    return a.reprint_of if a.kind == "reprint" and a.reprint_of else a.story_id


def _expected_canonical(members: list, order: dict) -> str:
    def key(a):
        official = a.kind != "mirror"
        return (0 if official else 1, 0 if a.published else 1, a.published or "", -len(a.body), a.url)
    return min(members, key=key).url


def _check(tmp_path, truth, arts, mirror_style=False, name="c.db"):
    c = Corpus(tmp_path / name)
    for s in sorted({a.site for a in truth}):
        c.register_site(s, s, s != "mirror", "mirror" if s == "mirror" else "official", None, None)
    order = {}
    url_to_id = {}
    for i, a in enumerate(arts):
        order[a.url] = i
        url_to_id[a.url] = c.add_document(None, _doc(a, mirror_style)).document_id
    id_to_url = {v: k for k, v in url_to_id.items()}
    got = {frozenset(id_to_url[i] for i in members) for members in c.clusters().values() if members}
    groups = defaultdict(list)
    for a in arts:
        groups[_group_key(a)].append(a)
    want = {frozenset(a.url for a in g) for g in groups.values()}
    missing = want - got
    extra = got - want
    assert not missing and not extra, (sorted(map(sorted, missing))[:5], sorted(map(sorted, extra))[:5])
    # canonical choice
    for g in groups.values():
        if len(g) < 2:
            continue
        exp = _expected_canonical(g, order)
        for a in g:
            d = c.document(url_to_id[a.url])
            assert id_to_url[d["canonical_id"]] == exp, (a.url, exp)
            if a.kind == "mirror":
                assert d["is_canonical"] == 0 and d["dup_kind"] in ("exact", "near")
    c.close()
    return groups


def test_replica_truth_clusters(tmp_path, truth):
    groups = _check(tmp_path, truth, list(truth))
    sizes = sorted(len(g) for g in groups.values() if len(g) > 1)
    assert len(sizes) >= 25 and max(sizes) >= 3  # mirrors, two-official-site copies, reprints


def test_replica_truth_clusters_shuffled_mirror_style(tmp_path, truth):
    """Mirror pages first, as traditional text with pinyin notes and spam; random order."""
    arts = list(truth)
    random.Random(7).shuffle(arts)
    arts.sort(key=lambda a: a.kind != "mirror")
    _check(tmp_path, truth, arts, mirror_style=True, name="d.db")
