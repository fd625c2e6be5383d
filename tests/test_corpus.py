"""crawler.corpus: schema, dedup clusters and canonical choice, search, exports, determinism.

Real SQLite files in tmp_path; documents built from the seed texts in tests/fixtures/seeds
and variants of them (exact copies, reprints with a sentence changed, a traditional-script
spam-mirror copy with junk, different articles sharing long boilerplate).
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest

from crawler.corpus import Corpus, prepare
from crawler.corpus import minhash as mh
from crawler.corpus.schema import DESCRIPTIONS, SCHEMA_VERSION
from crawler.corpus.text import dedup_normalize, detect_script, to_simplified

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

# --------------------------------------------------------------------------- helpers

_TAG_RE = re.compile(r"</?[a-z][^>\n]*>|[a-z/]*(span|td|a)>|<[^>\n]*$", re.I)


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def clean_seed(text: str) -> str:
    """A rough 'extracted' version of a seed: tag residue and empty lines dropped."""
    lines = []
    for line in text.splitlines():
        line = _TAG_RE.sub("", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def seed_articles() -> list[dict]:
    """Five clean-ish articles: (title, text) from the seeds, bodies of 2-20k characters."""
    out = []
    for i, t in enumerate(seed_texts()):
        lines = clean_seed(t).splitlines()
        title = max(lines[:4], key=len)[:60]
        out.append({"title": title, "text": "\n".join(lines[1:])})
    return out


def make_doc(url, site, title, text, published="2024-01-10", **kw) -> dict:
    d = {
        "url": url, "site": site, "title": title, "published": published, "published_time": None,
        "source": kw.pop("source", "常州市政协"), "author": None, "breadcrumb": None, "text": text,
        "text_search": dedup_normalize(text), "fields": {}, "meta": {}, "encoding": {"encoding": "utf-8", "source": "http"},
        "repairs": [], "is_mirror": False, "mirror_signals": [], "parts": [], "attachments": [],
        "warc": {"file": "t.warc.gz", "offset": 0, "length": 1, "record_id": f"<urn:uuid:{abs(hash(url))}>",
                 "type": "response", "payload_digest": "sha1:X", "fetched_at": "2024-02-01T00:00:00Z"},
        "fetched_at": "2024-02-01T00:00:00Z",
    }
    d.update(kw)
    return d


def change_sentence(text: str, k: int = 0) -> str:
    """Reprint edit: one sentence changed (as the replica does)."""
    paras = text.split("\n")
    i = min(len(paras) - 1, 2 + k)
    sents = paras[i].split("。")
    sents[0] = sents[0] + "，受到与会人员一致好评"
    paras[i] = "。".join(sents)
    return "\n".join(paras)


def mirror_copy(text: str) -> str:
    """Spam mirror: traditional script with pinyin notes after some characters, junk lines."""
    from opencc import OpenCC

    trad = OpenCC("s2t").convert(text)
    trad = trad.replace("報", "報(bào)").replace("發", "發(fā)").replace("會", "會(huì)")
    return "\n".join([
        '<b id="w9hfh"><meter id="w9hfh"></meter></b>',
        trad,
        "掃一掃在手機打開當前頁",
        "国产精品综合一区二区,国产在线精品一区二区不卡顿,亚洲中文制服丝袜欧美精品",
    ])


def register_sites(c: Corpus) -> None:
    c.register_site("changzhou_zx", "常州市政协", True, "cppcc", "http://zx.changzhou.gov.cn/", "http://127.0.0.1:1/")
    c.register_site("changzhou_gov", "常州市人民政府", True, "government", "https://www.changzhou.gov.cn/", "http://127.0.0.1:2/")
    c.register_site("mirror", "镜像站", False, "mirror", "http://www.czfc-mirror.example/", "http://127.0.0.1:3/")


@pytest.fixture
def corpus(tmp_path):
    c = Corpus(tmp_path / "corpus.db")
    register_sites(c)
    yield c
    c.close()


def build_seed_corpus(c: Corpus, crawl_id=None) -> dict:
    """Seeds on two official sites + reprints + mirror copies. Returns name -> AddResult."""
    arts = seed_articles()
    res = {}
    # the mirror copy of seed 0 arrives first and claims an earlier date: must not win
    res["m0"] = c.add_document(crawl_id, make_doc(
        "http://m/0", "mirror", arts[0]["title"], mirror_copy(arts[0]["text"]), "2023-01-09",
        is_mirror=True, mirror_signals=["pinyin_notes", "spam_keywords"]))
    for i, a in enumerate(arts):
        res[f"zx{i}"] = c.add_document(crawl_id, make_doc(f"http://zx/{i}", "changzhou_zx", a["title"], a["text"], "2023-01-10"))
    # exact copy (different line breaks / punctuation width) on the government site, a day later
    t = arts[1]["text"].replace("，", ",").replace("\n", "\n\n")
    res["gov1"] = c.add_document(crawl_id, make_doc("http://gov/1", "changzhou_gov", arts[1]["title"], t, "2023-01-11"))
    # reprint with one sentence changed, published earlier on the government site
    res["gov2"] = c.add_document(crawl_id, make_doc("http://gov/2", "changzhou_gov", arts[2]["title"],
                                                    change_sentence(arts[2]["text"]), "2023-01-08"))
    res["m3"] = c.add_document(crawl_id, make_doc("http://m/3", "mirror", arts[3]["title"], mirror_copy(arts[3]["text"]),
                                                  "2023-01-10", is_mirror=True))
    return res


# --------------------------------------------------------------------------- schema

def test_schema_created_idempotent_and_described(tmp_path):
    p = tmp_path / "c.db"
    Corpus(p).close()
    c = Corpus(p)  # re-open: migration is idempotent
    c.close()
    con = sqlite3.connect(p)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type in ('table','view')")}
    for t in ("documents", "captures", "attachments", "sites", "crawls", "repairs", "clusters",
              "duplicates", "document_versions", "signatures", "lsh_buckets", "corpus_meta",
              "_descriptions", "documents_fts", "documents_fts_words", "documents_search"):
        assert t in tables, t
    meta = dict(con.execute("select key, value from corpus_meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["created_by"].startswith("govcrawl")
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    # every column of every described ordinary table has a description
    desc = {(r[0], r[1]) for r in con.execute("select table_name, column_name from _descriptions")}
    for t in ("documents", "captures", "attachments", "sites", "crawls", "repairs", "clusters", "duplicates"):
        assert (t, "") in desc
        for col in (r[1] for r in con.execute(f"pragma table_info({t})")):
            assert (t, col) in desc, (t, col)
            assert col in DESCRIPTIONS[t][1]
    con.close()


# --------------------------------------------------------------------------- statuses

def test_statuses_unique_url_versions(corpus):
    a = seed_articles()[3]
    cid = corpus.start_crawl(sites=["changzhou_zx"], settings={"x": 1})
    r1 = corpus.add_document(cid, make_doc("http://zx/a", "changzhou_zx", a["title"], a["text"]))
    assert r1.status == "new" and r1.canonical_id == r1.document_id
    r2 = corpus.add_document(cid, make_doc("http://zx/a", "changzhou_zx", a["title"], a["text"],
                                           fetched_at="2024-03-01T00:00:00Z"))
    assert r2.status == "unchanged" and r2.document_id == r1.document_id
    r3 = corpus.add_document(cid, make_doc("http://zx/a", "changzhou_zx", a["title"], a["text"] + "\n（更新）新增一段说明文字。"))
    assert r3.status == "updated" and r3.document_id == r1.document_id
    r4 = corpus.add_document(cid, make_doc("http://gov/a", "changzhou_gov", a["title"], a["text"] + "\n（更新）新增一段说明文字。"))
    assert r4.status == "exact_duplicate" and r4.cluster_id == r3.cluster_id
    r5 = corpus.add_document(cid, make_doc("http://gov/b", "changzhou_gov", a["title"], change_sentence(a["text"])))
    assert r5.status == "near_duplicate" and r5.cluster_id == r3.cluster_id
    corpus.finish_crawl(cid, {"documents": 5}, 0)
    con = corpus.conn
    assert con.execute("select count(*) from documents").fetchone()[0] == 3
    d = corpus.document(r1.document_id)
    assert d["version"] == 2 and d["first_seen"] == "2024-02-01T00:00:00Z"
    v = con.execute("select version, text from document_versions where document_id=?", (r1.document_id,)).fetchone()
    assert v[0] == 1 and v[1] == a["text"]
    crawl = con.execute("select * from crawls where id=?", (cid,)).fetchone()
    assert (crawl["n_new"], crawl["n_unchanged"], crawl["n_updated"], crawl["n_exact_duplicates"],
            crawl["n_near_duplicates"]) == (1, 1, 1, 1, 1)
    assert json.loads(crawl["stats"]) == {"documents": 5} and crawl["exit_status"] == 0
    # the updated text is what FTS finds
    assert r1.document_id in {h.document_id for h in corpus.search("新增一段说明", collapse=False)}


def test_captures_attachments_repairs(corpus):
    cid = corpus.start_crawl(sites=["changzhou_zx"])
    cap = {"url": "http://zx/a", "fetched_at": "2024-02-01T00:00:00Z", "status": 200,
           "content_type": "text/html; charset=gbk", "warc_file": "a.warc.gz", "warc_offset": 10,
           "warc_length": 99, "warc_record_id": "<urn:uuid:1>", "warc_type": "response",
           "payload_digest": "sha1:AAA", "encoding": {"encoding": "gb18030", "source": "meta", "confidence": 1.0},
           "site": "changzhou_zx", "role": "article"}
    k1 = corpus.add_capture(cid, cap)
    assert corpus.add_capture(cid, dict(cap)) == k1  # same WARC record: same capture
    k2 = corpus.add_capture(cid, dict(cap, warc_record_id="<urn:uuid:2>", role="attachment", encoding=None))
    assert k2 != k1
    a = seed_articles()[4]
    doc = make_doc("http://zx/a", "changzhou_zx", a["title"], a["text"],
                   warc={"file": "a.warc.gz", "offset": 10, "length": 99, "record_id": "<urn:uuid:1>",
                         "type": "response", "payload_digest": "sha1:AAA", "fetched_at": "2024-02-01T00:00:00Z"},
                   attachments=[{"url": "http://zx/f.pdf", "name": "附件1.pdf", "mime": "application/pdf",
                                 "text": "附件正文", "error": None, "warc": {"file": "a.warc.gz", "offset": 200, "record_id": "<urn:uuid:2>"}}],
                   repairs=[{"family": "gbk_roundtrip", "start": 5, "end": 8, "before": "委呗/", "after": "委员<",
                             "confidence": 0.99, "lost": 0},
                            {"family": "lost_char", "start": 20, "end": 21, "before": "?", "after": "?", "confidence": 0.2, "lost": 1}])
    r = corpus.add_document(cid, doc)
    d = corpus.document(r.document_id)
    assert d["capture_id"] == k1 and d["n_repairs"] == 2 and d["lost_chars"] == 1 and d["n_attachments"] == 1
    assert d["encoding_name"] == "utf-8" and d["script"] == "simplified" and d["year"] == 2024
    con = corpus.conn
    assert con.execute("select encoding_name, encoding_source from captures where id=?", (k1,)).fetchone()[:] == ("gb18030", "meta")
    assert con.execute("select name, text_length from attachments where document_id=?", (r.document_id,)).fetchone()[:] == ("附件1.pdf", 4)
    assert [x[0] for x in con.execute("select family from repairs where document_id=? order by seq", (r.document_id,))] == [
        "gbk_roundtrip", "lost_char"]


# --------------------------------------------------------------------------- dedup

def test_seed_clusters_and_canonical(corpus):
    res = build_seed_corpus(corpus)
    # m0 (mirror, traditional, junk, earlier date) joined zx0's cluster; zx0 is canonical
    assert res["zx0"].cluster_id == res["m0"].cluster_id
    assert res["zx0"].status == "near_duplicate"  # it matched the mirror copy that came first
    assert corpus.document(res["m0"].document_id)["canonical_id"] == res["zx0"].document_id
    assert corpus.document(res["m0"].document_id)["dup_kind"] == "near"
    assert corpus.document(res["m0"].document_id)["script"] == "traditional"
    assert corpus.document(res["zx0"].document_id)["is_canonical"] == 1
    # exact copy with other punctuation width and line breaks
    assert res["gov1"].status == "exact_duplicate" and res["gov1"].canonical_id == res["zx1"].document_id
    assert corpus.document(res["gov1"].document_id)["dup_kind"] == "exact"
    # reprint with a changed sentence, published earlier on another official site: it wins
    assert res["gov2"].status == "near_duplicate" and res["gov2"].cluster_id == res["zx2"].cluster_id
    assert res["gov2"].canonical_id == res["gov2"].document_id
    assert corpus.document(res["zx2"].document_id)["canonical_id"] == res["gov2"].document_id
    assert res["m3"].status == "near_duplicate" and res["m3"].canonical_id == res["zx3"].document_id
    clusters = {tuple(v) for v in corpus.clusters().values()}
    ids = {k: v.document_id for k, v in res.items()}
    assert clusters == {
        tuple(sorted((ids["m0"], ids["zx0"]))), tuple(sorted((ids["zx1"], ids["gov1"]))),
        tuple(sorted((ids["zx2"], ids["gov2"]))), tuple(sorted((ids["zx3"], ids["m3"]))), (ids["zx4"],),
    }
    # nothing deleted: every document is a row; duplicates explain themselves
    con = corpus.conn
    assert con.execute("select count(*) from documents").fetchone()[0] == 9
    assert con.execute("select count(*) from duplicates").fetchone()[0] == 4
    row = con.execute("select size, n_mirror, canonical_id from clusters where id=?", (res["zx0"].cluster_id,)).fetchone()
    assert tuple(row) == (2, 1, ids["zx0"])


def test_mirror_never_canonical_when_official_exists(corpus):
    a = seed_articles()[4]
    r1 = corpus.add_document(None, make_doc("http://m/x", "mirror", a["title"], a["text"] + "\n更多精彩内容请关注", "2020-01-01"))
    assert r1.status == "new" and r1.canonical_id == r1.document_id  # alone: it is canonical
    r2 = corpus.add_document(None, make_doc("http://zx/x", "changzhou_zx", a["title"], a["text"], "2024-10-18"))
    assert r2.cluster_id == r1.cluster_id and r2.canonical_id == r2.document_id
    # an is_mirror page on an official site is not official either
    r3 = corpus.add_document(None, make_doc("http://gov/x", "changzhou_gov", a["title"], a["text"], "2024-10-01", is_mirror=True))
    assert r3.canonical_id == r2.document_id


def test_canonical_official_then_earliest_then_longest(corpus):
    a = seed_articles()[3]
    text = a["text"]
    longer = text + "\n（责任编辑：张三）"
    r1 = corpus.add_document(None, make_doc("http://zx/1", "changzhou_zx", a["title"], text, "2024-01-12"))
    r2 = corpus.add_document(None, make_doc("http://gov/1", "changzhou_gov", a["title"], longer, "2024-01-12"))
    assert r2.canonical_id == r2.document_id  # same date: most complete
    r3 = corpus.add_document(None, make_doc("http://gov/2", "changzhou_gov", a["title"], change_sentence(text), "2024-01-11"))
    assert r3.canonical_id == r3.document_id  # earliest
    r4 = corpus.add_document(None, make_doc("http://gov/3", "changzhou_gov", a["title"], change_sentence(text, 1), None))
    assert r4.canonical_id == r3.document_id  # undated never beats dated
    assert len({r1.cluster_id, r2.cluster_id, r3.cluster_id, r4.cluster_id}) == 1


def _boilerplate(site_no: int) -> tuple[str, str]:
    head = "\n".join([
        "当前位置：首页 > 新闻中心 > 政协要闻",
        "字号：大 中 小 【打印】 【关闭窗口】 扫一扫在手机打开当前页",
    ])
    foot = "\n".join([
        f"主办单位：中国人民政治协商会议常州市委员会{site_no} 承办单位：常州市政协办公室信息中心 地址：常州市龙城大道1280号行政中心3号楼",
        "版权所有：常州市政协 苏ICP备05003616号 苏公网安备32041102000460号 网站标识码3204000060 技术支持：常州风讯网络科技有限公司",
        "建议使用1024×768分辨率浏览本站，推荐使用谷歌浏览器、火狐浏览器或360浏览器极速模式访问本网站，以获得最佳浏览体验效果",
        "联系电话：0519-85682222 传真：0519-85682333 电子邮箱：czzx@changzhou.gov.cn 邮政编码：213022 工作时间：周一至周五",
    ] * 3)
    return head, foot


def test_shared_boilerplate_does_not_merge_different_articles(corpus, tmp_path):
    """Short different articles wrapped in a long identical template (boilerplate >> body)."""
    paras = [p for a in seed_articles() for p in a["text"].split("\n") if 80 <= len(p) <= 200]
    assert len(paras) >= 12
    head, foot = _boilerplate(1)
    bodies = paras[:12]
    results = []
    for i, body in enumerate(bodies):
        text = f"{head}\n{body}\n{foot}"
        # boilerplate is far longer than the body: a plain Jaccard would merge them
        results.append(corpus.add_document(None, make_doc(f"http://zx/b{i}", "changzhou_zx", f"标题{i}", text)))
    # ... and a genuine reprint of article 5 on the same template still merges
    rep = corpus.add_document(None, make_doc("http://gov/b5", "changzhou_gov", "标题5", f"{head}\n{bodies[5]}，受到与会人员一致好评。\n{foot}"))
    clusters = corpus.clusters()
    sizes = sorted(len(v) for v in clusters.values())
    assert sizes == [1] * 11 + [2], clusters
    assert rep.cluster_id == results[5].cluster_id
    # the template's lines are recorded as boilerplate of the site
    n = corpus.conn.execute("select count(*) from boilerplate_lines where site='changzhou_zx' and is_boilerplate = 1").fetchone()[0]
    assert n >= 5
    # ... and the txt export leaves the template out (head and tail only)
    out = tmp_path / "txt"
    corpus.export("txt", out)
    texts = [f.read_text(encoding="utf-8") for f in sorted(out.glob("*.txt"))]
    assert len(texts) == 12
    got = {t.split("\n\n", 1)[1].strip() for t in texts}
    # cluster 5's canonical is the longer reprint (same date, more complete)
    assert got == (set(bodies) - {bodies[5]}) | {f"{bodies[5]}，受到与会人员一致好评。"}


def test_first_two_documents_of_a_site_split_when_boilerplate_learned(corpus):
    """The first two pages of a site share its template before it is known as boilerplate:
    a merge made then is undone once the third page shows the lines are boilerplate."""
    paras = [p for a in seed_articles() for p in a["text"].split("\n") if 60 <= len(p) <= 120]
    head, foot = _boilerplate(2)
    r = [corpus.add_document(None, make_doc(f"http://zx/c{i}", "changzhou_zx", f"标题{i}", f"{head}\n{paras[i]}\n{foot}"))
         for i in range(4)]
    assert len({x.cluster_id for x in r}) == 4 or len(set(corpus.clusters())) >= 4
    members = [v for v in corpus.clusters().values() if v]
    assert sorted(len(v) for v in members) == [1, 1, 1, 1]
    for x in r:
        d = corpus.document(x.document_id)
        assert d["canonical_id"] == x.document_id and d["is_canonical"] == 1


def test_short_texts_do_not_collide(corpus):
    r1 = corpus.add_document(None, make_doc("http://zx/s1", "changzhou_zx", "关于公布2024年第一批名单的通知", "详见附件。",
                                            attachments=[{"url": "http://zx/1.pdf", "name": "第一批名单.pdf"}]))
    r2 = corpus.add_document(None, make_doc("http://zx/s2", "changzhou_zx", "关于公布2024年第二批名单的通知", "详见附件。",
                                            attachments=[{"url": "http://zx/2.pdf", "name": "第二批名单.pdf"}]))
    r3 = corpus.add_document(None, make_doc("http://m/s1", "mirror", "关于公布2024年第一批名单的通知", "详见附件。",
                                            attachments=[{"url": "http://m/1.pdf", "name": "第一批名单.pdf"}], is_mirror=True))
    assert r1.cluster_id != r2.cluster_id
    assert r3.status == "exact_duplicate" and r3.canonical_id == r1.document_id


# --------------------------------------------------------------------------- minhash

def test_minhash_properties_and_speed():
    a = dedup_normalize(seed_articles()[3]["text"])
    b = a[:1000] + "某某" + a[1010:]
    ha, hb = mh.shingle_hashes(a), mh.shingle_hashes(b)
    j = mh.jaccard(ha, hb)
    est = mh.estimate_jaccard(mh.signature(a), mh.signature(b))
    assert 0.9 < j < 1.0 and abs(est - j) < 0.12
    assert mh.signature(a).tolist() == mh.signature(a).tolist()  # deterministic
    assert len(mh.lsh_keys(mh.signature(a))) == mh.BANDS
    assert len(mh.to_blob(mh.signature(a))) == 4 * mh.NUM_PERM
    text = dedup_normalize("".join(seed_texts()))[:1800]  # ~5 KB of UTF-8
    assert len(text.encode("utf-8")) >= 4900
    mh.signature(text)
    t0 = time.perf_counter()
    for _ in range(200):
        mh.signature(text)
    per = (time.perf_counter() - t0) / 200
    assert per < 0.003, per  # about 0.7 ms on one core; generous for loaded CI machines


def test_script_detection():
    assert detect_script("常州市人民政府工作报告") == "simplified"
    assert detect_script("常州市人民政府工作報告，發布日期") == "traditional"
    assert detect_script("hello") == "none"


# --------------------------------------------------------------------------- search

def test_search_short_and_long_queries(corpus):
    res = build_seed_corpus(corpus)
    ids = {k: v.document_id for k, v in res.items()}
    hits = corpus.search("氢能")
    got = {h.document_id for h in hits}
    # seed 0 (新能源之都, 氢能), 2 (氢能源), 3 (氢能小镇): canonical copies, one per cluster
    assert {ids["zx0"], ids["zx3"]} <= got
    assert ids["m0"] not in got and ids["m3"] not in got
    assert all("氢能" in to_simplified(h.snippet) for h in hits)
    assert "[氢能]" in hits[0].snippet
    hits = corpus.search("新能源之都")
    assert [h.document_id for h in hits][:1] == [ids["zx0"]] and "[新能源之都]" in hits[0].snippet
    hits = corpus.search("政协")
    assert {ids["zx0"], ids["zx3"], ids["zx4"]} <= {h.document_id for h in hits}
    # filters
    assert {h.site for h in corpus.search("氢能", site="mirror", collapse=False)} == {"mirror"}
    assert corpus.search("氢能", since="2030-01-01") == []
    # all copies, and simplified query finding the traditional mirror copy (政協)
    all_ids = {h.document_id for h in corpus.search("政协", collapse=False, limit=100)}
    assert ids["m0"] in all_ids
    # multi-term AND, mixed lengths
    hits = corpus.search("氢能 新能源之都")  # seed 1 (traditional: 氫能) has both too
    assert {h.document_id for h in hits} == {ids["zx0"], ids["zx1"]}
    assert corpus.search("不存在的词语组合") == []


def test_search_view_in_plain_sqlite(corpus):
    build_seed_corpus(corpus)
    corpus.commit()
    con = sqlite3.connect(corpus.path)
    for q in ("氢能", "政协", "新能源之都"):
        # the form Datasette uses for _search
        n = con.execute("select count(*) from documents where id in (select rowid from documents_search "
                        "where documents_search match ?)", (f'"{q}"',)).fetchone()[0]
        assert n > 0, q
    # sqlite-utils sees the trigram FTS of documents
    import sqlite_utils

    db = sqlite_utils.Database(corpus.path)
    assert db["documents"].detect_fts() == "documents_fts"
    assert len(list(db["documents"].search('"新能源之都"'))) >= 1
    con.close()


# --------------------------------------------------------------------------- exports

def test_exports_read_back(corpus, tmp_path):
    res = build_seed_corpus(corpus)
    n_canon = corpus.conn.execute("select count(*) from documents where is_canonical=1").fetchone()[0]
    assert n_canon == 5
    out = tmp_path / "txt"
    assert corpus.export("txt", out) == 5
    files = sorted(out.glob("*.txt"))
    assert len(files) == 5
    first = files[0].read_text(encoding="utf-8")
    head = first.split("\n\n", 1)[0].splitlines()
    assert [h.split(":")[0] for h in head] == ["标题", "日期", "来源", "网址", "站点"]
    assert "网址: http://zx/0" in first and "站点: 常州市政协" in first
    assert "\ufffd" not in first and "/span>" not in first
    jl = tmp_path / "c.jsonl"
    assert corpus.export("jsonl", jl) == 5
    recs = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in recs} == {res[k].canonical_id for k in ("zx0", "zx1", "gov2", "zx3", "zx4")}
    assert all(r["is_canonical"] == 1 for r in recs) and isinstance(recs[0]["fields"], dict)
    assert corpus.export("jsonl", tmp_path / "all.jsonl", canonical_only=False) == 9
    import pyarrow.parquet as pq

    pqf = tmp_path / "c.parquet"
    assert corpus.export("parquet", pqf) == 5
    t = pq.read_table(pqf)
    assert t.num_rows == 5 and "text" in t.column_names and "attachments" in t.column_names
    assert sorted(t.column("id").to_pylist()) == sorted(r["id"] for r in recs)
    with pytest.raises(ValueError):
        corpus.export("xml", tmp_path / "x")


def test_datasette_metadata_template(corpus, tmp_path):
    p = tmp_path / "metadata.json"
    corpus.write_datasette_metadata(p)
    md = json.loads(p.read_text(encoding="utf-8"))
    t = md["databases"]["corpus"]["tables"]["documents"]
    assert t["fts_table"] == "documents_search" and t["fts_pk"] == "id"
    assert {"site", "year", "is_mirror"} <= set(t["facets"])
    assert "canonical_id" in t["columns"]


# --------------------------------------------------------------------------- determinism

def test_same_inserts_same_content(tmp_path):
    digests = []
    for i, every in enumerate((1, 50)):
        c = Corpus(tmp_path / f"d{i}.db", commit_every=every)
        register_sites(c)
        cid = c.start_crawl(sites=["changzhou_zx"], settings={"run": i})
        build_seed_corpus(c, cid)
        c.finish_crawl(cid, {"run": i}, 0)
        digests.append(c.content_digest())
        c.close()
        time.sleep(0.01)
    assert digests[0] == digests[1]


def test_failed_insert_rolls_back_only_itself(tmp_path, monkeypatch):
    c = Corpus(tmp_path / "r.db", commit_every=100)
    arts = seed_articles()
    c.add_document(None, make_doc("http://zx/1", "changzhou_zx", arts[0]["title"], arts[0]["text"]))
    with pytest.raises(Exception):
        c.add_document(None, {"site": "changzhou_zx", "text": "无网址"})  # no url
    # a failure in the middle of the database work: the batch is rolled back and replayed
    real = Corpus._add_repairs

    def boom(self, cur, doc_id, version, repairs):
        if repairs and repairs[0].get("family") == "boom":
            raise RuntimeError("boom")
        return real(self, cur, doc_id, version, repairs)

    monkeypatch.setattr(Corpus, "_add_repairs", boom)
    with pytest.raises(RuntimeError):
        c.add_document(None, make_doc("http://zx/x", "changzhou_zx", arts[2]["title"], arts[2]["text"], repairs=[{"family": "boom"}]))
    c.add_document(None, make_doc("http://zx/2", "changzhou_zx", arts[1]["title"], arts[1]["text"]))
    c.close()
    con = sqlite3.connect(tmp_path / "r.db")
    assert [r[0] for r in con.execute("select url from documents order by id")] == ["http://zx/1", "http://zx/2"]
    assert con.execute("select count(*) from documents_fts").fetchone()[0] == 2
    assert con.execute("select count(*) from clusters").fetchone()[0] == 2


def test_prepare_in_worker_equivalent(tmp_path):
    arts = seed_articles()
    a = Corpus(tmp_path / "a.db")
    b = Corpus(tmp_path / "b.db")
    for i, art in enumerate(arts):
        d = make_doc(f"http://zx/{i}", "changzhou_zx", art["title"], art["text"])
        a.add_document(None, dict(d))
        d2 = dict(d)
        d2["_corpus"] = prepare(d2)
        b.add_document(None, d2)
    assert a.content_digest() == b.content_digest()
    a.close()
    b.close()


# --------------------------------------------------------------------------- CLI

def test_cli_search_and_export(corpus, tmp_path, capsys):
    from crawler.corpus.cli import main

    build_seed_corpus(corpus)
    corpus.close()
    db = str(tmp_path / "corpus.db")
    assert main(["search", "--db", db, "氢能"]) == 0
    out = capsys.readouterr().out
    assert "[氢能]" in out and "http://zx/0" in out
    assert main(["search", "--db", db, "新能源之都", "--site", "changzhou_zx", "--since", "2023-01-01"]) == 0
    assert main(["search", "--db", db, "无此词语组合"]) == 1
    assert main(["export", "--db", db, "--format", "jsonl", str(tmp_path / "o.jsonl")]) == 0
    assert len((tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    assert main(["datasette-metadata", "--db", db, str(tmp_path / "m.json")]) == 0
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["databases"]["corpus"]


def test_registering_a_site_as_unofficial_later_moves_canonical(corpus):
    a = seed_articles()[4]
    r1 = corpus.add_document(None, make_doc("http://x/1", "unknown_site", a["title"], a["text"], "2024-01-01"))
    r2 = corpus.add_document(None, make_doc("http://zx/1", "changzhou_zx", a["title"], a["text"], "2024-02-01"))
    assert r2.canonical_id == r1.document_id  # unregistered sites count as official; earlier wins
    corpus.register_site("unknown_site", "转载站", False, "reposter", None, None)
    assert corpus.document(r1.document_id)["canonical_id"] == r2.document_id
    assert corpus.document(r2.document_id)["is_canonical"] == 1


def test_fast_segmenter_gives_jieba_tokens():
    """rjieba (optional, ~8x faster) must give exactly jieba's tokens, so that a corpus
    built with or without it indexes the same words."""
    rjieba = pytest.importorskip("rjieba")
    import jieba

    from crawler.corpus.text import search_fold

    for art in seed_articles():
        t = search_fold(art["text"])
        assert rjieba.cut_for_search(t, hmm=False) == list(jieba.cut_for_search(t, HMM=False))
