"""archive/: WARC writing, revisits, crash recovery, reading, CDXJ, WACZ, pywb + Chromium replay.

Everything runs for real: Scrapy crawls (own processes) over sockets against a local site
(archive.testing.FixtureSite) with WarcCaptureMiddleware and the recording download
handler; `warcio check` on every file; pywb from .venv-pywb; headless Chromium.
pywb and Chromium are required when CI is set (the test fails loudly); elsewhere a test
that needs a missing one is skipped with the install command.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from archive.reader import iter_captures, iter_metadata, iter_records, read_record, resolve
from archive.testing import (GBK_TEXT, GBK_TITLE, FixtureSite, chromium_binary, chromium_page,
                             crawl_in_subprocess, warcio_check)
from archive.warc import WarcWriter, recover_open_files, warc_date_to_14

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
WARCIO = str(Path(PY).parent / "warcio")
NAME_RE = re.compile(r"^govcrawl-\d{17}-\d{5}-[A-Za-z0-9._]+\.warc\.gz$")


def need(what: str, ok: bool, how: str):
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} missing (CI): {how}")
    pytest.skip(f"{what} missing: {how}")


def pywb_ok() -> bool:
    return (ROOT / ".venv-pywb" / "bin" / "wayback").exists() or bool(os.environ.get("GOVCRAWL_PYWB_VENV"))


def crawl(tmp: Path, warc_dir: Path, start: str, **cfg) -> dict:
    return crawl_in_subprocess(tmp, warc_dir, start, **cfg)


def warcs(d: Path) -> list[Path]:
    return sorted(d.glob("*.warc.gz"))


def warc_bytes(d: Path, names=None) -> int:
    return sum(p.stat().st_size for p in warcs(d) if names is None or p.name in names)


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site():
    with FixtureSite() as s:
        yield s


@pytest.fixture(scope="module")
def two_crawls(site, tmp_path_factory):
    """Crawl 1 (full), then crawl 2 of the unchanged site into the same collection with a
    conditional request for /etag.html."""
    tmp = tmp_path_factory.mktemp("crawls")
    warc_dir = tmp / "warc"
    r1 = crawl(tmp / "c1", warc_dir, site.base_url + "/")
    served1 = dict(site.served)
    files1 = {p.name for p in warcs(warc_dir)}
    r2 = crawl(tmp / "c2", warc_dir, site.base_url + "/",
               conditional={"url": site.base_url + "/etag.html", "etag": site.etag})
    files2 = {p.name for p in warcs(warc_dir)} - files1
    return {"dir": warc_dir, "r1": r1, "r2": r2, "files1": files1, "files2": files2,
            "served1": served1, "site": site}


def _records(paths):
    return list(iter_records([str(p) for p in paths]))


# ----------------------------------------------------------------------------- records


def test_warcio_check_every_file_and_names(two_crawls):
    d = two_crawls["dir"]
    assert not list(d.glob("*.open")), "closed crawl left .open files"
    warcio_check(warcs(d))
    for p in warcs(d):
        assert NAME_RE.match(p.name), p.name


def test_faithful_records(two_crawls):
    d, site = two_crawls["dir"], two_crawls["site"]
    served = two_crawls["served1"]
    recs = _records(sorted(d / f for f in two_crawls["files1"]))
    base = site.base_url
    # one WARC version, warcinfo first in every file, digests everywhere
    by_file = {}
    for r in recs:
        by_file.setdefault(r["file"], []).append(r)
    for f, rs in by_file.items():
        assert rs[0]["type"] == "warcinfo"
        info = rs[0]["payload"].decode()
        for field in ("software:", "hostname:", "operator: archive tests", "robots: classic",
                      "format: WARC File Format 1.1", "govcrawl-setting: ROBOTSTXT_OBEY=True"):
            assert field in info, (field, info)
    with open(d / sorted(two_crawls["files1"])[0], "rb") as fh:
        raw = gzip.decompress(fh.read())
    assert raw.count(b"WARC/1.1\r\n") == len(by_file[sorted(two_crawls["files1"])[0]])
    assert b"WARC/1.0" not in raw
    resp = {r["uri"]: r for r in recs if r["type"] == "response"}
    reqs = {r["uri"]: r for r in recs if r["type"] == "request"}
    for r in resp.values():
        wh = dict(r["warc_headers"])
        assert wh["WARC-Payload-Digest"].startswith("sha1:") and wh["WARC-Block-Digest"].startswith("sha1:")
        assert wh["WARC-IP-Address"] == "127.0.0.1"
        req = reqs[r["uri"]]
        assert dict(req["warc_headers"])["WARC-Concurrent-To"] == r["record_id"]
    # real status line with the server's own reason phrase; duplicate headers kept
    odd = resp[base + "/odd.html"]
    assert odd["status_line"] == "HTTP/1.1 200 Everything Fine Here"
    assert [v for k, v in odd["http_headers"] if k.lower() == "x-gov-test"] == ["a", "b"]
    assert resp[base + "/error.html"]["status_line"] == "HTTP/1.1 500 Internal Server Error"
    assert resp[base + "/missing.html"]["status_line"] == "HTTP/1.1 404 Not Found"
    # content-encoding kept: stored bytes are the gzip bytes served, header present
    gz = resp[base + "/gz.html"]
    assert dict((k.lower(), v) for k, v in gz["http_headers"])["content-encoding"] == "gzip"
    assert gz["payload"] == served["/gz.html"][2] and gz["payload"][:2] == b"\x1f\x8b"
    # de-chunked body, no Transfer-Encoding header
    ch = resp[base + "/chunked.html"]
    assert not any(k.lower() == "transfer-encoding" for k, _ in ch["http_headers"])
    assert ch["payload"] == served["/chunked.html"][2]
    # request record: full request line with the query, headers actually sent
    q = reqs[base + "/utf8.html?id=1&x=2"]
    with open(q["path"], "rb") as fh:
        fh.seek(q["offset"])
        record = gzip.decompress(fh.read(q["length"]))
    assert b"\r\n\r\nGET /utf8.html?id=1&x=2 HTTP/1.1\r\n" in record
    sent = {k.lower(): v for k, v in q["http_headers"]}
    assert sent["host"] == f"127.0.0.1:{site.port}"
    assert "gzip" in sent["accept-encoding"] and "user-agent" in sent


def test_everything_an_archivist_expects(two_crawls):
    base = two_crawls["site"].base_url
    recs = _records(sorted(two_crawls["dir"] / f for f in two_crawls["files1"]))
    status = {r["uri"]: r["status"] for r in recs if r["type"] == "response"}
    assert status[base + "/robots.txt"] == 200
    assert status[base + "/old.html"] == 301
    assert status[base + "/missing.html"] == 404
    assert status[base + "/error.html"] == 500
    assert status[base + "/files/notice.pdf"] == 200
    assert status[base + "/"] == 200  # list page
    assert base + "/private/secret.html" not in status  # robots.txt obeyed


def test_pointers_and_stats(two_crawls):
    d = two_crawls["dir"]
    r1 = two_crawls["r1"]
    st = r1["stats"]
    n = sum(1 for _ in iter_records([d / f for f in two_crawls["files1"]], read_body=False))
    assert st["warc/records"] == n >= 40 and st["warc/files"] == 1
    assert st["warc/bytes"] == warc_bytes(d, two_crawls["files1"])
    assert st.get("warc/errors", 0) == 0 and not st.get("warc/rebuilt_heads")
    items = [i for i in r1["items"] if i["warc"]]
    assert len(items) >= 12
    for it in items:
        p = it["warc"]
        assert set(p) == {"file", "offset", "length", "record_id", "type", "payload_digest", "fetched_at", "refers_to"}
        assert not p["file"].endswith(".open") and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", p["fetched_at"])
        rec = read_record(resolve(d, p), p["offset"])
        assert rec["record_id"] == p["record_id"] and rec["length"] == p["length"]
        assert rec["type"] == p["type"] and rec["uri"] == it["url"].split("#")[0]
        assert dict(rec["warc_headers"])["WARC-Payload-Digest"] == p["payload_digest"]
    # while a file is still being written the pointer resolves to NAME.open
    with tempfile.TemporaryDirectory() as t:
        w = WarcWriter(t)
        ptr = w.write("resource", "urn:x", b"abc", content_type="text/plain")
        assert resolve(t, ptr).endswith(".warc.gz.open")
        w.close()
        assert resolve(t, ptr).endswith(".warc.gz")


def test_metadata_records(two_crawls):
    base = two_crawls["site"].base_url
    metas = list(iter_metadata(sorted(two_crawls["dir"] / f for f in two_crawls["files1"])))
    home = [m for m in metas if m["url"] == base + "/"][0]
    outl = [v for k, v in home["fields"] if k == "outlink"]
    assert base + "/gz.html L a/@href" in outl
    assert ("govcrawl-note", "multi\nline value") in home["fields"]
    ids = {r["record_id"] for r in _records(sorted(two_crawls["dir"] / f for f in two_crawls["files1"]))}
    assert home["refers_to"] in ids


def test_reader_captures_first_crawl(two_crawls):
    base = two_crawls["site"].base_url
    served = two_crawls["served1"]
    caps = list(iter_captures([two_crawls["dir"] / f for f in sorted(two_crawls["files1"])]))
    by = {c["url"]: c for c in caps}
    gz = by[base + "/gz.html"]
    assert gz["raw_body"] == served["/gz.html"][2]
    assert gz["body"] == gzip.decompress(served["/gz.html"][2]) and "content-encoding" not in gz["headers"]
    assert by[base + "/gbk.html"]["body"].decode("gbk").count(GBK_TITLE) == 1
    # dup1/dup2: identical payloads in the same crawl -> one of them is a revisit
    d1, d2 = by[base + "/dup1.html"], by[base + "/dup2.html"]
    assert {d1["warc"]["type"], d2["warc"]["type"]} == {"response", "revisit"}
    assert d1["body"] == d2["body"] == served["/dup1.html"][2]


# ----------------------------------------------------------------------------- revisits


def test_second_crawl_writes_revisits(two_crawls, capsys):
    d = two_crawls["dir"]
    b1 = warc_bytes(d, two_crawls["files1"])
    b2 = warc_bytes(d, two_crawls["files2"])
    ratio = b2 / b1
    with capsys.disabled():
        print(f"\n[revisits] crawl 1: {b1} WARC bytes; crawl 2 (unchanged site): {b2} bytes "
              f"= {ratio:.1%} of crawl 1; stats {two_crawls['r2']['stats'].get('warc/revisits')} revisits")
    recs = _records(sorted(d / f for f in two_crawls["files2"]))
    base = two_crawls["site"].base_url
    types = {}
    for r in recs:
        if r["type"] in ("response", "revisit"):
            types.setdefault(r["uri"], []).append(r)
    # every unchanged 200 is now a revisit (pages with dynamic bodies excepted: none here)
    for path in ("/", "/gbk.html", "/gz.html", "/chunked.html", "/files/notice.pdf", "/odd.html", "/robots.txt"):
        r = types[base + path][0]
        assert r["type"] == "revisit", path
        wh = dict(r["warc_headers"])
        assert wh["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        assert wh["WARC-Refers-To-Target-URI"] and wh["WARC-Refers-To-Date"] and wh["WARC-Refers-To"]
        assert r["status"] == 200
    # error pages and redirects are archived again in full (not 200)
    assert types[base + "/missing.html"][0]["type"] == "response"
    # conditional request answered 304 -> server-not-modified revisit
    nm = [r for r in types[base + "/etag.html"] if r["status"] == 304]
    assert nm and nm[0]["type"] == "revisit"
    assert dict(nm[0]["warc_headers"])["WARC-Profile"].endswith("/revisit/server-not-modified")
    assert ratio < 0.5, ratio
    warcio_check(warcs(d))


def test_revisits_resolve_to_originals(two_crawls):
    d = two_crawls["dir"]
    served = two_crawls["served1"]
    base = two_crawls["site"].base_url
    caps = [c for c in iter_captures(d) if c["warc"]["file"] in two_crawls["files2"]]
    by = {}
    for c in caps:
        by.setdefault(c["url"], []).append(c)
    gz = by[base + "/gz.html"][0]
    assert gz["warc"]["type"] == "revisit" and gz["warc"]["refers_to"]["file"] in two_crawls["files1"]
    assert gz["raw_body"] == served["/gz.html"][2]
    assert gz["body"] == gzip.decompress(served["/gz.html"][2])
    nm = [c for c in by[base + "/etag.html"] if c["status"] == 304][0]
    assert nm["body"] == served["/etag.html"][2]
    # the pointer the middleware gave the spider names the original
    items = {i["url"]: i for i in two_crawls["r2"]["items"]}
    p = items[base + "/gbk.html"]["warc"]
    assert p["type"] == "revisit" and p["refers_to"]["file"] in two_crawls["files1"]
    orig = read_record(resolve(d, p["refers_to"]), p["refers_to"]["offset"])
    assert orig["record_id"] == p["refers_to"]["record_id"] and orig["payload"] == served["/gbk.html"][2]


def test_no_revisit_when_original_missing(site, tmp_path):
    """Digest index kept, WARCs gone: the next crawl must write full responses."""
    d1 = tmp_path / "w1"
    crawl(tmp_path / "a", d1, site.base_url + "/")
    d2 = tmp_path / "w2"
    d2.mkdir()
    shutil.copy(d1 / "digests.sqlite", d2 / "digests.sqlite")
    r = crawl(tmp_path / "b", d2, site.base_url + "/")
    recs = _records(warcs(d2))
    revisits = [x for x in recs if x["type"] == "revisit"]
    ids = {x["record_id"] for x in recs}
    for x in revisits:  # only in-crawl duplicates (dup1/dup2), originals present
        assert dict(x["warc_headers"])["WARC-Refers-To"] in ids
    assert len(revisits) <= 1 and r["stats"]["warc/records"] > 40


# ----------------------------------------------------------------------------- files


def test_rotation_gzip_level_and_warcinfo(tmp_path):
    body = os.urandom(3000)
    with WarcWriter(tmp_path, prefix="rot", max_size=20_000, gzip_level=1,
                    info={"operator": "tests"}) as w:
        ptrs = [w.write("resource", f"urn:x:{i}", body, content_type="application/octet-stream")
                for i in range(30)]
        assert w.current_path.endswith(".warc.gz.open")
    files = sorted(tmp_path.glob("rot-*.warc.gz"))
    assert len(files) >= 4 and not list(tmp_path.glob("*.open"))
    assert all(re.match(r"^rot-\d{17}-\d{5}-[A-Za-z0-9._]+\.warc\.gz$", f.name) for f in files)
    warcio_check(files)
    for f in files:
        first = next(iter_records([f]))
        assert first["type"] == "warcinfo" and b"govcrawl-gzip-level: 1" in first["payload"]
        assert f.stat().st_size < 20_000 + 5_000
    assert {p["file"] for p in ptrs} == {f.name for f in files}
    for p in ptrs[::7]:
        assert read_record(resolve(tmp_path, p), p["offset"])["payload"] == body


def test_sigkill_mid_crawl_then_recovery(site, tmp_path):
    """kill -9 a crawl while it writes; the next crawl's start truncates the torn tail,
    finalises the .open file, and `warcio check` accepts every WARC."""
    d = tmp_path / "warc"
    with FixtureSite(chain=3000, chain_size=6000) as s:
        conf = {"warc_dir": str(d), "start": s.base_url + "/chain/0", "settings": {"CONCURRENT_REQUESTS": 1}}
        (tmp_path / "c.json").write_text(json.dumps(conf))
        proc = subprocess.Popen([PY, "-m", "archive.testing", "crawl", str(tmp_path / "c.json")],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            opened = []
            while time.monotonic() < deadline:
                opened = list(d.glob("*.warc.gz.open"))
                if opened and opened[0].stat().st_size > 150_000:
                    break
                time.sleep(0.05)
            assert opened, "crawl never opened a WARC"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    openf = opened[0]
    assert openf.exists(), "SIGKILL must leave the .open file"
    # make sure a torn last record is there too (the kill may land between two writes)
    with open(openf, "ab") as fh:
        fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:1800])
    r = subprocess.run([WARCIO, "check", str(openf)], capture_output=True, text=True)
    assert r.returncode != 0, "the torn file should fail warcio check before recovery"
    # the next start: a new crawl in the same directory
    r = crawl(tmp_path / "next", d, site.base_url + "/")
    assert r["stats"].get("warc/recovered_files") == 1
    final = d / openf.name[: -len(".open")]
    assert final.exists() and not openf.exists() and not list(d.glob("*.open"))
    warcio_check(warcs(d))
    recs = list(iter_records([final], read_body=False))
    assert len(recs) > 10 and recs[0]["type"] == "warcinfo"
    # the writer alone does the same (usable without Scrapy)
    d2 = tmp_path / "w2"
    d2.mkdir()
    shutil.copy(final, d2 / openf.name)
    with open(d2 / openf.name, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00torn")
    rec = recover_open_files(d2)
    assert len(rec) == 1 and rec[0].records == len(recs) and rec[0].valid_size == final.stat().st_size


def test_middleware_start_finalises_leftovers(site, tmp_path):
    """The recovery also happens when a crawl starts (WarcCaptureMiddleware.from_crawler)."""
    d = tmp_path / "warc"
    d.mkdir()
    w = WarcWriter(d)
    w.write("resource", "urn:a", b"x" * 100, content_type="text/plain")
    name = w.current_name
    w._fh.write(b"\x1f\x8b\x08\x00garbage")  # torn member
    w._fh.flush()
    os.close(os.dup(w._fh.fileno()))
    # simulate the crash: drop the lock without closing/renaming
    import fcntl

    fcntl.flock(w._fh.fileno(), fcntl.LOCK_UN)
    r = crawl(tmp_path / "c", d, site.base_url + "/")
    assert (d / name).exists() and not (d / (name + ".open")).exists()
    assert r["stats"].get("warc/recovered_files") == 1
    warcio_check(warcs(d))


# ----------------------------------------------------------------------------- index, wacz


def test_cli_index_and_wacz(two_crawls, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(two_crawls["dir"], d)
    r = subprocess.run([PY, "-m", "archive.cli", "index", str(d)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = (d / "index.cdxj").read_text().splitlines()
    assert lines == sorted(lines) and any("/gz.html" in ln for ln in lines)
    assert any('"mime": "warc/revisit"' in ln for ln in lines)
    out = tmp_path / "c.wacz"
    r = subprocess.run([PY, "-m", "archive.cli", "wacz", str(d), "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(Path(PY).parent / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and "Validation succeeded" in r.stdout, r.stdout + r.stderr
    import zipfile

    with zipfile.ZipFile(out) as z:
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()]
    urls = {p.get("url") for p in pages[1:]}
    base = two_crawls["site"].base_url
    assert base + "/gbk.html" in urls and base + "/missing.html" not in urls
    assert any(p.get("title") == GBK_TITLE for p in pages[1:])


# ----------------------------------------------------------------------------- replay


def _get(url: str) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def pywb(two_crawls):
    need("pywb", pywb_ok(), "make pywb  (python3 -m venv .venv-pywb && .venv-pywb/bin/pip install pywb)")
    from archive.replay import PywbServer

    with PywbServer([two_crawls["dir"]]) as base:
        yield base


def test_pywb_id_replay_is_byte_exact(two_crawls, pywb):
    d = two_crawls["dir"]
    served = two_crawls["served1"]
    site = two_crawls["site"]
    checked = 0
    for c in iter_captures(d):
        if c["status"] != 200 or c["warc"]["file"] not in two_crawls["files1"]:
            continue
        path = c["url"][len(site.base_url):]
        ts = warc_date_to_14(c["fetched_at"])
        st, hdr, body = _get(f"{pywb}{ts}id_/{c['url']}")
        assert st == 200, (c["url"], st)
        expect = served[path][2]
        if served[path][1].get("Content-Encoding") == "gzip":
            assert body in (expect, gzip.decompress(expect)), c["url"]
        else:
            assert body == expect, c["url"]
        checked += 1
    assert checked >= 12
    # a revisit (crawl 2) replays its original's body
    base = site.base_url
    for c in iter_captures(d):
        if c["warc"]["file"] in two_crawls["files2"] and c["url"] == base + "/gbk.html":
            assert c["warc"]["type"] == "revisit"
            st, _, body = _get(f"{pywb}{warc_date_to_14(c['fetched_at'])}id_/{c['url']}")
            assert st == 200 and body == served["/gbk.html"][2]
            break
    else:
        raise AssertionError("no revisit of gbk.html")


@pytest.mark.parametrize("path", ["/gbk.html", "/gbk-meta.html"])
def test_chromium_mp_replay_of_gbk_page(two_crawls, pywb, path):
    """pywb framed replay in headless Chromium: mp_ URL -> wombat puts it in the replay
    frame; the replayed document must show the right Chinese title and text."""
    need("chromium", chromium_binary() is not None, "apt-get install -y chromium  (make chromium)")
    url = two_crawls["site"].base_url + path
    cap = [c for c in iter_captures(two_crawls["dir"]) if c["url"] == url][0]
    page = chromium_page(f"{pywb}{warc_date_to_14(cap['fetched_at'])}mp_/{url}", want=GBK_TEXT)
    assert page["title"] == GBK_TITLE, page
    assert GBK_TEXT in page["text"], page["text"][:500]
    assert "mp_/" in page["url"]
    print(f"\n[chromium] {path}: framed={page['framed']} charset={page['charset']} title={page['title']}")


def test_cli_replay_serves_and_stops_cleanly(two_crawls, pywb):
    """`govcrawl replay` (archive.cli): serves on 127.0.0.1, and SIGTERM also stops wayback."""
    from archive.replay import free_port

    port = free_port()
    proc = subprocess.Popen([PY, "-m", "archive.cli", "replay", str(two_crawls["dir"]), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/govcrawl/" in line, line
        url = two_crawls["site"].base_url + "/gbk.html"
        st, _, body = _get(f"http://127.0.0.1:{port}/govcrawl/2id_/{url}")
        assert st == 200 and body == two_crawls["served1"]["/gbk.html"][2]
    finally:
        proc.terminate()
        proc.wait(20)
    time.sleep(0.5)
    r = subprocess.run(["pgrep", "-f", f"wayback -b 127.0.0.1 -p {port}"], capture_output=True)
    assert r.returncode == 1, "wayback left running"


def test_crawlers_of_one_process_share_one_writer(tmp_path):
    """Several spiders in one CrawlerProcess (as `govcrawl crawl site1 site2`) write one
    sequence of files (record order = event order across spiders); per-crawler stats add up."""
    with FixtureSite() as a, FixtureSite() as b:
        d = tmp_path / "warc"
        r = crawl(tmp_path / "c", d, a.base_url + "/", parallel=[b.base_url + "/"])
    files = warcs(d)
    assert len(files) == 1 and not list(d.glob("*.open"))
    warcio_check(files)
    recs = list(iter_records(files, read_body=False))
    assert sum(1 for x in recs if x["type"] == "warcinfo") == 1
    hosts = {x["uri"].split("/")[2] for x in recs if x["type"] == "response"}
    assert hosts == {a.base_url[7:], b.base_url[7:]}
    st = r["crawler_stats"]
    assert sum(s.get("warc/records", 0) for s in st) == len(recs)
    assert sum(s.get("warc/bytes", 0) for s in st) == files[0].stat().st_size
    # the second site's pages are byte-identical to the first's: revisits across spiders
    assert sum(s.get("warc/revisits", 0) for s in st) >= 10


def test_warc_disabled_writes_nothing(site, tmp_path):
    d = tmp_path / "warc"
    r = crawl(tmp_path / "c", d, site.base_url + "/", settings={"GOVCRAWL_WARC_ENABLED": False})
    assert r["items"] and all(i["warc"] is None for i in r["items"])
    assert not d.exists() or not any(d.iterdir())
    assert "warc/records" not in r["stats"]
