"""Datasette over corpus.db with the generated metadata.json: facets and _search for
Chinese queries of any length (氢能, 政协, 新能源之都), on a real server on 127.0.0.1."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crawler.corpus import Corpus
from tests.test_corpus import build_seed_corpus, register_sites

DATASETTE = Path(sys.executable).with_name("datasette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    exe = str(DATASETTE) if DATASETTE.exists() else shutil.which("datasette")
    if not exe:
        pytest.skip("datasette not installed")
    d = tmp_path_factory.mktemp("ds")
    db = d / "corpus.db"
    c = Corpus(db)
    register_sites(c)
    ids = {k: v.document_id for k, v in build_seed_corpus(c).items()}
    c.write_datasette_metadata(d / "metadata.json")
    c.close()
    port = _free_port()
    proc = subprocess.Popen([exe, str(db), "-m", str(d / "metadata.json"), "-h", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=d)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                _get(base + "/-/versions.json")
                break
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode())
                time.sleep(0.1)
        else:
            raise RuntimeError("datasette did not start")
        yield base, ids
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _search(base, q, **extra):
    params = {"_search": q, "_shape": "objects", "_size": "100", **extra}
    return _get(base + "/corpus/documents.json?" + urllib.parse.urlencode(params))


def test_datasette_search_any_length(server):
    base, ids = server
    for q, must in (("氢能", {"zx0", "zx3"}), ("政协", {"zx0", "zx3", "zx4"}), ("新能源之都", {"zx0", "zx1"})):
        data = _search(base, q)
        got = {r["id"] for r in data["rows"]}
        assert {ids[k] for k in must} <= got, (q, got)
        for r in data["rows"]:
            assert q in r["text"] or q in (r["title"] or "") or r["script"] == "traditional", (q, r["id"])
    # canonical copies only, as a user would filter
    data = _search(base, "氢能", is_canonical="1")
    got = {r["id"] for r in data["rows"]}
    assert ids["m0"] not in got and ids["zx0"] in got
    assert _search(base, "不存在的词语组合")["rows"] == []


def test_datasette_facets_and_descriptions(server):
    base, ids = server
    data = _get(base + "/corpus/documents.json?_size=1&_extra=facet_results")
    facets = data.get("facet_results", {})
    facets = facets.get("results", facets)
    assert {"site", "year", "is_mirror"} <= set(facets)
    sites = {f["value"] for f in facets["site"]["results"]}
    assert sites == {"changzhou_zx", "changzhou_gov", "mirror"}
    # the canned search query in metadata works too
    rows = _get(base + "/corpus/search.json?" + urllib.parse.urlencode({"q": "氢能", "_shape": "objects"}))["rows"]
    assert ids["zx0"] in {r["id"] for r in rows}
