"""End to end: the offline replica crawled over real sockets into WARC files and the corpus."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import govcrawl

OFFICIAL_SITES = ["changzhou_zx", "changzhou_gov", "changshu", "wuhan_zx", "jiangyin_zx", "hk_gia"]


def norm(text: str | None) -> str:
    """Compare texts line by line, ignoring blank lines and surrounding spaces."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in (text or "").splitlines()]
    return "\n".join(line for line in lines if line)


def rows(db: Path, sql: str, *params):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_crawl_exits_zero_and_reports(crawl_run):
    proc = crawl_run.proc
    assert proc.returncode == 0, proc.stderr[-3000:]
    for site in OFFICIAL_SITES:
        assert re.search(rf"^{site}\s+\d+", proc.stdout, re.M), proc.stdout
    assert "WARC" in proc.stdout and "corpus" in proc.stdout


def test_warcs_pass_warcio_check(crawl_run):
    warcs = crawl_run.warcs()
    assert warcs, "no WARC written"
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v",
                            *map(str, warcs)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]


@pytest.mark.parametrize("site", OFFICIAL_SITES)
def test_every_article_present_once_and_equal_to_truth(crawl_run, site):
    truth = crawl_run.replica.truth(site)
    assert truth
    docs = rows(crawl_run.corpus, "select * from documents where site = ?", site)
    assert len(docs) == len(truth), "every document of the site is a replica article, once"
    by_path: dict[str, list[dict]] = {}
    for d in docs:
        by_path.setdefault(urlsplit(d["url"]).path, []).append(d)
    problems = []
    for art in truth:
        found = by_path.get(urlsplit(art.url).path, [])
        if len(found) != 1:
            problems.append(f"{art.url}: {len(found)} documents")
            continue
        doc = found[0]
        for name, want, got in (("title", art.title, doc["title"]),
                                ("published", art.published, doc["published"]),
                                ("body", norm(art.body), norm(doc["text"]))):
            if want != got:
                problems.append(f"{art.url}: {name} differs: want {want[:80]!r} got {str(got)[:80]!r}")
        if (art.source or None) != (doc["source"] or None):
            problems.append(f"{art.url}: source want {art.source!r} got {doc['source']!r}")
    assert not problems, f"{len(problems)} problems, e.g.\n" + "\n".join(problems[:15])


def test_every_warc_pointer_resolves_to_its_response(crawl_run):
    docs = rows(crawl_run.corpus, "select url, title, warc_file, warc_offset, warc_record_id from documents")
    assert docs
    for d in docs:
        path = crawl_run.warc_dir / d["warc_file"]
        assert path.exists(), d
        with open(path, "rb") as f:
            f.seek(d["warc_offset"])
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_headers.get_header("WARC-Record-ID") == d["warc_record_id"]
            assert record.rec_type in ("response", "revisit")
            assert record.rec_headers.get_header("WARC-Target-URI") == d["url"]
            if record.rec_type == "response":
                from crawler.encoding import decode

                payload = record.content_stream().read()
                ctype = record.http_headers.get_header("Content-Type") or ""
                charset = re.search(r"charset=([\w-]+)", ctype)
                text = decode(payload, http_charset=charset.group(1) if charset else None).text
                assert d["title"], d["url"]
                # Mirrors serve the title converted to traditional with pinyin notes; the
                # corpus holds it cleaned, so compare with the page made simplified again.
                assert d["title"] in text or d["title"] in _simplified(text), d["url"]


def test_legacy_encodings_come_out_as_chinese(crawl_run):
    """GBK under a gb2312 label and Big5-HKSCS under a big5 label are not mojibake."""
    gbk_truth = [a for a in crawl_run.replica.truth("changzhou_zx")
                 if any(ch in a.title + a.body for ch in "镕喆堃")]
    assert gbk_truth, "the replica must carry characters outside GB2312"
    for art in gbk_truth:
        doc = rows(crawl_run.corpus, "select title, text from documents where url = ?", art.url)[0]
        for ch in "镕喆堃":
            assert (ch in art.title + art.body) == (ch in doc["title"] + doc["text"]), (art.url, ch)
    hkscs = [ch for ch in "喺嘅啱噚" if ch.encode("big5hkscs") and not _in_cp950(ch)]
    big5_truth = [a for a in crawl_run.replica.truth("hk_gia") if any(ch in a.body for ch in hkscs)]
    assert big5_truth, "the replica must carry HKSCS characters"
    for art in big5_truth:
        doc = rows(crawl_run.corpus, "select text from documents where url = ?", art.url)[0]
        assert norm(doc["text"]) == norm(art.body)
        assert "\ufffd" not in doc["text"]


def _simplified(text: str) -> str:
    from opencc import OpenCC

    text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text)
    return OpenCC("t2s").convert(text)


def _in_cp950(ch: str) -> bool:
    try:
        ch.encode("cp950")
        return True
    except UnicodeEncodeError:
        return False


def test_robots_and_404s_are_honoured_and_archived(crawl_run):
    import json

    stats = [json.loads(r["stats"]) for r in rows(crawl_run.corpus, "select stats from crawls")]
    assert sum(int(s.get("robotstxt/forbidden", 0)) for s in stats) > 0, \
        "the replica links a robots.txt-disallowed column (/gk/nbgl/) that the spider would follow"
    urls = []
    for path in crawl_run.warcs():
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    urls.append((rec.rec_headers.get_header("WARC-Target-URI"),
                                 rec.http_headers.get_statuscode()))
    assert any(u.endswith("/robots.txt") for u, _ in urls)
    assert not any("/search/" in u or "/gk/nbgl/" in u for u, _ in urls), \
        "a robots.txt-disallowed URL was fetched"
    assert any(s == "404" for _, s in urls), "the 404 pages are archived too"


def test_attachments_are_archived_and_their_text_stored(crawl_run):
    truth = [a for a in crawl_run.replica.truth("changzhou_gov") if a.attachments]
    assert truth
    atts = rows(crawl_run.corpus, "select * from attachments")
    by_url = {a["url"]: a for a in atts}
    for art in truth:
        for ta in art.attachments:
            assert ta.url in by_url, ta.url
            row = by_url[ta.url]
            assert row["error"] is None, row
            # PDF text comes out in lines as laid out on the page: compare without whitespace.
            assert re.sub(r"\s+", "", row["text"]) == re.sub(r"\s+", "", ta.text), ta.url


def test_demo_command(tmp_path):
    proc = govcrawl("demo", "--articles", "12", "--data", str(tmp_path / "data"), "--port-base", "0",
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    out = proc.stdout
    for word in ("pages fetched", "documents stored", "duplicates", "attachments", "WARC", "corpus"):
        assert word in out
    assert list((tmp_path / "data" / "warc").glob("*.warc.gz"))
    n = rows(tmp_path / "data" / "corpus.db", "select count(*) as n from documents")[0]["n"]
    assert n >= 12 * 6


def test_mirror_copies_are_marked_and_point_at_the_official_original(crawl_run):
    truth = {a.url: a for a in crawl_run.replica.all_truth()}
    mirrors = rows(crawl_run.corpus, """
        select d.url, d.is_mirror, d.text, c.url as canonical_url, c.site as canonical_site
        from documents d left join documents c on c.id = d.canonical_id
        where d.site = 'mirror'""")
    assert mirrors
    official_by_story = {(a.story_id): a for a in truth.values() if a.kind == "official"}
    for m in mirrors:
        art = truth[m["url"]]
        assert m["is_mirror"], m["url"]
        assert m["canonical_site"] in ("changzhou_zx", "changzhou_gov"), m
        assert truth[m["canonical_url"]].story_id == art.story_id
        assert norm(m["text"]) == norm(official_by_story[art.story_id].body), m["url"]


def test_mojibake_on_a_page_is_repaired_and_the_fix_recorded(crawl_run):
    """The replica shows some Jiangyin clauses as UTF-8 read as GBK (a real CMS fault); the
    stored body equals the clean truth (checked above) and each fix is in the repairs table."""
    site = crawl_run.replica.sites["jiangyin_zx"]
    damaged = {site.base_url + a.path: site.damaged(a) for a in site.articles
               if site.damaged(a) is not None}
    assert damaged, "the replica must carry damaged pages"
    fixes = rows(crawl_run.corpus, """
        select d.url, r.family, r.before, r.after from repairs r join documents d on d.id = r.document_id
        where d.site = 'jiangyin_zx'""")
    by_url = {}
    for f in fixes:
        by_url.setdefault(f["url"], []).append(f)
    for url, (_i, clause, shown) in damaged.items():
        found = by_url.get(url, [])
        assert any(f["family"] == "utf8_as_gbk" and f["after"] == clause and f["before"] == shown
                   for f in found), (url, found)
    assert set(by_url) <= set(damaged), "clean pages must not be 'repaired'"


BOILERPLATE = ("当前位置", "您现在的位置", "字号", "【打印】", "关闭窗口", "扫一扫在手机打开当前页",
               "ICP备", "技术支持", "浏览次数", "版权声明")
MOJIBAKE = ("\ufffd", "锟斤拷", "鍙戝竷", "·¢²¼", "(bào)", "(fā)")


def test_no_boilerplate_or_mojibake_in_stored_bodies_and_txt_export(crawl_run, tmp_path):
    docs = rows(crawl_run.corpus, "select url, text from documents")
    bad = [(d["url"], w) for d in docs for w in BOILERPLATE + MOJIBAKE if w in d["text"]]
    assert not bad, bad[:10]
    out = tmp_path / "txt"
    proc = govcrawl("export", "--db", str(crawl_run.corpus), "--format", "txt", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = list(out.rglob("*.txt"))
    canonical = rows(crawl_run.corpus, "select count(*) as n from documents where canonical_id is null "
                                       "or canonical_id = id")[0]["n"]
    assert len(files) == canonical
    for f in files:
        text = f.read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[-1]
        hits = [w for w in BOILERPLATE + MOJIBAKE if w in body]
        assert not hits, (f.name, hits)


def test_an_anti_bot_wall_is_archived_and_reported_not_hidden(crawl_run):
    """Changshu's 互动交流 column answers 412 with a JavaScript challenge (瑞数-style): the
    answer is in the WARC as received, counted as a block, and shown in the report."""
    import json

    blocked = []
    for path in crawl_run.warcs():
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response" and rec.http_headers.get_statuscode() == "412":
                    blocked.append(rec.rec_headers.get_header("WARC-Target-URI"))
    assert any(u.endswith("/col/col1999/index.html") for u in blocked), blocked
    stats = [json.loads(r["stats"]) for r in rows(crawl_run.corpus, "select stats from crawls")]
    assert sum(int(s.get("govcrawl/failed/blocked_412", 0)) for s in stats) >= 1
    line = re.search(r"^changshu\s.*$", crawl_run.proc.stdout, re.M).group(0)
    assert line.split()[-3] != "0", line           # the errors column shows the block


def test_a_footer_attachment_is_archived_once_and_belongs_to_no_document(crawl_run):
    """Every Changzhou government page links 办事指南.pdf in its footer."""
    from crawler.replica.sites_cz import GOV_GUIDE_PATH

    captures = []
    for path in crawl_run.warcs():
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
                if rec.rec_type in ("response", "revisit") and uri.endswith(GOV_GUIDE_PATH):
                    captures.append(rec.rec_type)
    assert captures.count("response") == 1, captures
    assert len(captures) <= 3, "fetched again and again instead of reused"
    assert not rows(crawl_run.corpus, "select id from attachments where url like ?", f"%{GOV_GUIDE_PATH}")
