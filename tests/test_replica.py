"""The offline replica: real sockets, no mocks. Run: pytest tests/test_replica*.py -q"""
from __future__ import annotations

import gzip
import http.client
import io
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from lxml import html as lhtml

from crawler.replica import Replica, TruthArticle, TruthAttachment
from crawler.replica.probe import crawl, fetch

SITES = ["changzhou_zx", "changzhou_gov", "changshu", "wuhan_zx", "jiangyin_zx", "hk_gia", "mirror"]


@pytest.fixture(scope="module")
def rep():
    with Replica(articles=60, seed=3, faults=False) as r:
        yield r


def raw(url, method="GET", headers=None):
    """One request over http.client: (status, headers dict lower-case, raw body as sent)."""
    u = urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request(method, u.path + ("?" + u.query if u.query else ""), headers=headers or {})
    r = c.getresponse()
    body = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, h, body


def paragraphs(site: str, page: bytes, encoding: str) -> list[str]:
    doc = lhtml.fromstring(page.decode(encoding))
    for el in doc.xpath('//*[@style="display:none"]'):
        el.drop_tree()
    xp = {"changzhou_zx": '//div[@id="fontzoom"]/p', "changzhou_gov": '//div[@id="zoom"]/p',
          "changshu": '//div[@id="zoom"]/p', "wuhan_zx": '//div[@class="TRS_Editor"]/p',
          "jiangyin_zx": '//div[@class="content"]/p', "mirror": '//div[@class="content"]/p'}
    if site == "hk_gia":
        span = doc.xpath('//span[@id="pressrelease"]')[0]
        lines = [l.strip() for l in "".join(span.itertext()).split("\n")]
        return [l for l in lines if l and l != "完"]
    return [p.text_content() for p in doc.xpath(xp[site])]


# --------------------------------------------------------------------------- API
def test_api_shape(rep):
    assert list(rep.sites) == SITES
    for name in SITES:
        site = rep.sites[name]
        assert rep.base_url(name) == site.base_url and re.fullmatch(r"http://127\.0\.0\.1:\d+", site.base_url)
        assert site.real_base_url.startswith("http")
        truth = rep.truth(name)
        assert truth and all(isinstance(t, TruthArticle) for t in truth)
        assert truth == rep.truth(name)          # stable order
        for t in truth:
            assert t.site == name and t.url == site.base_url + t.path
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.published)
            assert t.pages[0] == t.url and all(p.startswith(site.base_url) for p in t.pages)
            assert t.kind in ("official", "mirror", "reprint")
            assert isinstance(t.fields, dict) and t.story_id
            assert all(isinstance(a, TruthAttachment) for a in t.attachments)
            assert len(t.body) >= 300 or t.attachments, (t.url, len(t.body))
    assert len(rep.all_truth()) == sum(len(rep.truth(n)) for n in SITES)
    with pytest.raises(Exception):
        t.title = "x"  # frozen


def test_truth_matches_served_pages(rep):
    for name in SITES:
        for t in rep.truth(name)[:12] + rep.truth(name)[-3:]:
            text = []
            for u in t.pages:
                st, h, body = raw(u)
                assert st == 200, u
                text += paragraphs(name, body, t.encoding)
            if name == "mirror" and "(" in "".join(text):
                continue  # traditional + pinyin copy: checked in test_mirror
            assert "\n".join(text) == t.body, t.url
            page = raw(t.url)[2].decode(t.encoding)
            assert t.title in page


# --------------------------------------------------------------------------- encodings
def test_changzhou_zx_gbk_labelled_gb2312(rep):
    truth = rep.truth("changzhou_zx")
    special = [t for t in truth if any(c in t.title + t.body for c in "镕喆堃")]
    assert len(special) > len(truth) // 3
    t = next(t for t in special if any(c in t.title for c in "镕喆堃"))
    st, h, body = raw(t.url)
    assert h["content-type"] == "text/html; charset=gb2312"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />' in body
    assert t.encoding == "gb18030" and t.declared == "gb2312"
    assert t.title in body.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    assert t.title not in body.decode("gb2312", errors="replace")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_seed_stories(rep):
    zx = {t.title: t for t in rep.truth("changzhou_zx")}
    s0 = zx["同心同德挺膺担当 阔步迈入万亿之城——市政协十五届二次会议联组讨论委员踊跃建言献策"]
    assert s0.published == "2023-01-10" and "第一组\n坚定不移强产业\n打造国际化智造名城" in s0.body
    assert "/span>" not in s0.body and "练" not in s0.body.split("\n")[0]
    report = next(t for t in rep.truth("changzhou_gov") if t.title == "常州市人民政府工作报告")
    assert report.published == "2024-01-21" and report.fields["成文日期"] == "2024-01-16"
    assert report.fields["索引号"].startswith("014109429/2024-")
    assert "我们在承压前行中彰显韧劲" in report.body and "（八）在政府自身建设上再出发" in report.body
    assert not re.search(r"[報發們]|\([a-zàáèéìíòóùúǎǐǒǔ]+\)|[\ue000-\uf8ff]", report.body)
    cs = next(t for t in rep.truth("changshu") if t.title == "加速绘就“六美集大美”精彩画卷")
    assert "第一梯队" in cs.body and "最具幸福感" in cs.body and "扎实做好" in cs.body
    assert "diyi" not in cs.body and "套粒" not in cs.body and "版权声明" not in cs.body
    page = raw(cs.url)[2].decode("utf-8")
    assert '<span style="display:none">套粒既</span>' in page   # jammers are hidden elements
    wh = next(t for t in rep.truth("wuhan_zx") if t.path.endswith("t20240119_5068890.shtml"))
    assert len(wh.pages) == 3 and wh.pages[1].endswith("t20240119_5068890_1.shtml")
    assert "梁鸣" in wh.body and "金永红" in wh.body
    jy = next(t for t in rep.truth("jiangyin_zx") if t.path == "/doc/2024/10/18/1264158.shtml")
    assert jy.title == "市领导领衔督办市政协重点提案" and jy.source is None
    assert "关闭窗口" not in jy.body and "当前位置" not in jy.body


def test_changshu_wrong_meta_label_and_jammers(rep):
    truth = rep.truth("changshu")
    t = truth[-1]
    st, h, body = raw(t.url)
    assert h["content-type"] == "text/html"            # no charset in the header
    assert b'charset=gb2312' in body and t.declared == "gb2312" and t.encoding == "utf-8"
    assert t.title in body.decode("utf-8")
    jammed = 0
    for t in truth:
        page = raw(t.url)[2].decode("utf-8")
        spans = re.findall(r'<span style="display:none">(.*?)</span>', page)
        if spans:
            jammed += 1
            visible = re.sub(r'<span style="display:none">.*?</span>', "", page)
            for para in t.body.split("\n"):
                assert para in visible or "&" in para
    assert jammed >= 3


def test_wuhan_gbk_page_with_utf8_header(rep):
    truth = rep.truth("wuhan_zx")
    bad = [t for t in truth if t.encoding == "gb18030"]
    assert bad, "at least one GBK page with a utf-8 header"
    for t in bad:
        st, h, body = raw(t.url)
        assert h["content-type"] == "text/html; charset=utf-8" and b'<meta charset="gbk">' in body
        assert t.title in body.decode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    assert sum(1 for t in truth if t.encoding == "utf-8") > len(truth) * 0.8


def test_hk_big5_hkscs(rep):
    truth = rep.truth("hk_gia")
    t = truth[0]
    st, h, body = raw(t.url)
    assert h["content-type"] == "text/html; charset=big5" and b"charset=big5" in body
    assert t.encoding == "big5hkscs" and t.declared == "big5"
    text = body.decode("big5hkscs")
    assert t.title in text and "完" in text and "香港時間" in text
    hkscs_only = set()
    for c in set("".join(x.body for x in truth)):
        try:
            c.encode("big5hkscs")
        except UnicodeEncodeError:
            pytest.fail(f"{c!r} not big5hkscs")
        try:
            c.encode("cp950")
        except UnicodeEncodeError:
            hkscs_only.add(c)
    assert {"喺", "嘅"} & hkscs_only
    for x in truth:
        assert any(c in hkscs_only for c in x.body), x.url
    some = next(x for x in truth if any(c in hkscs_only for c in x.body))
    with pytest.raises(UnicodeDecodeError):
        raw(some.url)[2].decode("cp950")
    assert re.search(r"/gia/general/\d{6}/\d{2}/P\d{8}\d{5}\.htm$", t.url)


# --------------------------------------------------------------------------- HTTP
def test_conditional_get_304(rep):
    t = rep.truth("jiangyin_zx")[5]
    st, h, body = raw(t.url)
    assert st == 200 and h["etag"] and h["last-modified"] and h["date"] and h["server"].startswith("nginx")
    st2, h2, body2 = raw(t.url, headers={"If-None-Match": h["etag"]})
    assert st2 == 304 and body2 == b"" and h2["etag"] == h["etag"]
    st3, _, _ = raw(t.url, headers={"If-Modified-Since": h["last-modified"]})
    assert st3 == 304
    st4, _, _ = raw(t.url, headers={"If-None-Match": '"nope"'})
    assert st4 == 200
    st5, _, _ = raw(t.url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert st5 == 200


def test_gzip_and_chunked(rep):
    t = rep.truth("changzhou_gov")[3]
    st, h, plain = raw(t.url)
    st, hz, zipped = raw(t.url, headers={"Accept-Encoding": "gzip, deflate"})
    assert hz["content-encoding"] == "gzip" and gzip.decompress(zipped) == plain
    assert "content-encoding" not in h and int(h["content-length"]) == len(plain)
    assert h["server"] == "TRS WCM"
    base = rep.base_url("changzhou_zx")
    st, h, body = raw(base + "/html/czzx/BAMOPFQL/index.html", headers={"Accept-Encoding": "gzip"})
    assert st == 200 and h["transfer-encoding"] == "chunked" and "content-length" not in h
    assert "首页" in gzip.decompress(body).decode("gb18030")   # http.client de-chunks
    st, h, body = raw(base + "/html/czzx/BAMOPFQL/index.html", method="HEAD")
    assert st == 200 and body == b"" and h["etag"]
    st, h, body = raw(t.url, method="HEAD")
    assert st == 200 and body == b"" and int(h["content-length"]) == len(plain)


def test_robots_search_404_redirects(rep):
    for name in SITES:
        base = rep.base_url(name)
        st, h, body = raw(base + "/robots.txt")
        assert st == 200 and b"User-agent: *" in body
        st, h, body = raw(base + "/no/such/page.html")
        assert st == 404 and "text/html" in h["content-type"] and b"404" in body
    zx = rep.base_url("changzhou_zx")
    assert b"Disallow: /search/" in raw(zx + "/robots.txt")[2]
    assert b'href="/search/?q=' in raw(zx + "/html/czzx/index.html")[2]
    st, h, _ = raw(zx + "/")
    assert st == 302 and h["location"] == zx + "/html/czzx/index.html"
    assert raw(rep.base_url("jiangyin_zx") + "/gzdt/index_1.shtml")[0] == 404
    assert raw(rep.base_url("jiangyin_zx") + "/gzdt/index_2.shtml")[0] == 200
    wh = rep.truth("wuhan_zx")[-1]
    old = re.sub(r"/t\d{8}_(\d+)\.shtml$", r"/t\1.htm", wh.path)
    st, h, _ = raw(rep.base_url("wuhan_zx") + old)
    assert st == 301 and h["location"] == wh.url
    hk = rep.base_url("hk_gia")
    assert raw(hk + "/gia/")[0] == 302


def test_fault_503_once_then_200():
    with Replica(articles=10, seed=9, faults=True) as r:
        for name, site in r.sites.items():
            for path in site.fault_503:
                u = site.base_url + path
                assert raw(u)[0] == 503
                assert raw(u)[0] == 200
                assert raw(u)[0] == 200
        assert sum(1 for n in r.sites if r.sites[n].fault_503) >= 5
        assert r.requests_log.count(status=503) >= 5
        # the dead link on the changzhou_zx home page
        assert raw(r.base_url("changzhou_zx") + "/html/czzx/2016/HGNMAQDC_0728/00001.html")[0] == 404


# --------------------------------------------------------------------------- lists
def test_gov_json_list(rep):
    base = rep.base_url("changzhou_gov")
    page = raw(base + "/gk/jrcz/index.shtml")[2].decode("utf-8")
    assert 'var listApi = "/gk/jrcz/list.json";' in page and "t20" not in page.split("listApi")[1][:2000].split("</script>")[0]
    want = {t.path for t in rep.truth("changzhou_gov") if t.path.startswith("/gk/jrcz/")}
    got, url, n = set(), "/gk/jrcz/list.json", 0
    first = json.loads(raw(base + url)[2])
    assert first["page"] == 1 and first == json.loads(raw(base + url + "?page=1")[2])
    while url:
        st, h, body = raw(base + url)
        assert st == 200 and h["content-type"].startswith("application/json")
        d = json.loads(body)
        n += 1
        assert d["page"] == n and d["total"] == len(want)
        for it in d["items"]:
            assert re.fullmatch(r"/gk/jrcz/\d{6}/t\d{8}_\d+\.shtml", it["url"]) and it["pubDate"]
            got.add(it["url"])
        url = d["next"]
    assert n == d["pages"] and got == want
    assert raw(base + f"/gk/jrcz/list.json?page={n + 1}")[0] == 404


def test_hanweb_datastore_and_proxy(rep):
    base = rep.base_url("changshu")
    want = [t for t in rep.truth("changshu") if "/art_1753_" in t.path]
    page = raw(base + "/col/col1753/index.html")[2].decode("utf-8")
    assert '<script type="text/xml"><datastore>' in page and "/module/web/jpage/dataproxy.jsp?page=1" in page
    first = re.findall(r'<record><!\[CDATA\[<li><a href="(/art/\d{4}/\d{1,2}/\d{1,2}/art_1753_\d+\.html)"', page)
    assert len(first) == min(15, len(want))
    got = list(first)
    start = 16
    while start <= len(want):
        st, h, body = raw(base + f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 14}&perpage=15&columnid=1753&appid=1&webid=1&path=/")
        xml = body.decode("utf-8")
        assert st == 200 and f"<totalrecord>{len(want)}</totalrecord>" in xml
        got += re.findall(r'href="([^"]+)"', xml)
        start += 15
    assert sorted(got) == sorted(t.path for t in want)
    # POST (what the jpage script really does)
    c = http.client.HTTPConnection("127.0.0.1", rep.sites["changshu"].port)
    c.request("POST", "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15&perpage=15",
              body="columnid=1753&appid=1&webid=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    assert r.status == 200 and b"<record>" in r.read()


def test_trs_create_page_html(rep):
    base = rep.base_url("wuhan_zx")
    page = raw(base + "/zxyw/index.shtml")[2].decode("utf-8")
    m = re.search(r'createPageHTML\((\d+), 0, "index", "shtml"\)', page)
    assert m
    n = int(m.group(1))
    if n > 1:
        assert raw(base + "/zxyw/index_1.shtml")[0] == 200
    assert raw(base + f"/zxyw/index_{n}.shtml")[0] == 404
    wh = next(t for t in rep.truth("wuhan_zx") if len(t.pages) == 3)
    p1 = raw(wh.pages[0])[2].decode("utf-8")
    assert 'createPageHTML(3, 0, "t20240119_5068890", "shtml")' in p1
    assert 'createPageHTML(3, 2, "t20240119_5068890", "shtml")' in raw(wh.pages[2])[2].decode("utf-8")


# --------------------------------------------------------------------------- attachments
def test_attachments_round_trip(rep):
    import docx
    import openpyxl
    import pypdf

    kinds = set()
    atts = [a for t in rep.truth("changzhou_gov") for a in t.attachments]
    for a in atts:
        ext = a.url.rsplit(".", 1)[1]
        if ext in kinds:
            continue
        kinds.add(ext)
        assert re.search(r"/gk/\w+/\d{6}/P0\d{8}\d{12}\.(pdf|docx|xlsx)$", a.url)
        st, h, body = raw(a.url, headers={"Accept-Encoding": "gzip"})
        assert st == 200 and h["content-type"] == a.mime and "content-encoding" not in h
        if ext == "pdf":
            text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
            assert re.sub(r"\s", "", a.text) == re.sub(r"\s", "", text)
        elif ext == "docx":
            d = docx.Document(io.BytesIO(body))
            assert "\n".join(p.text for p in d.paragraphs) == a.text
        else:
            ws = openpyxl.load_workbook(io.BytesIO(body)).active
            assert "\n".join("\t".join(str(c) for c in row) for row in ws.iter_rows(values_only=True)) == a.text
    assert kinds == {"pdf", "docx", "xlsx"}
    # TRS-style relative links on the article page
    t = next(t for t in rep.truth("changzhou_gov") if t.attachments)
    page = raw(t.url)[2].decode("utf-8")
    name = t.attachments[0].url.rsplit("/", 1)[1]
    assert f'href="./{name}"' in page and "附件：" in page
    assert t.body.startswith("详见附件。")


def test_gov_fields_and_meta(rep):
    t = next(t for t in rep.truth("changzhou_gov") if t.fields and t.title != "常州市人民政府工作报告")
    assert set(t.fields) >= {"信息名称", "索引号", "主题分类", "体裁分类", "发文机关", "成文日期", "发文字号", "发布日期"}
    assert re.fullmatch(r"014109429/\d{4}-\d{5}", t.fields["索引号"])
    page = raw(t.url)[2].decode("utf-8")
    for tag in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author"):
        assert f'<meta name="{tag}"' in page
    assert '<meta name="SiteIDCode" content="3204000001">' in page
    assert re.search(r'<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}">', page)


# --------------------------------------------------------------------------- cross-site truth
def test_cross_site_copies_reprints_mirror(rep):
    zx = {t.story_id: t for t in rep.truth("changzhou_zx")}
    gov_copies = [t for t in rep.truth("changzhou_gov") if t.story_id in zx]
    assert gov_copies
    for t in gov_copies:
        o = zx[t.story_id]
        assert t.kind == o.kind == "official" and t.body == o.body
        assert 0 <= (int(t.published.replace("-", "")) - int(o.published.replace("-", ""))) <= 1 or t.published[:7] != o.published[:7]
    reprints = [t for n in ("changshu", "jiangyin_zx") for t in rep.truth(n) if t.kind == "reprint"]
    assert reprints
    for t in reprints:
        o = zx[t.reprint_of]
        assert t.story_id != o.story_id and t.body != o.body
        a, b = set(o.body.split("\n")), set(t.body.split("\n"))
        assert len(a & b) >= len(a) - 1
    officials = {t.story_id: t for n in ("changzhou_zx", "changzhou_gov") for t in rep.truth(n)}
    mirror = rep.truth("mirror")
    assert any(t.path.startswith("/zx/html/czzx/") for t in mirror)
    assert any(re.fullmatch(r"/ns_news/\d{15}", t.path) for t in mirror)
    trad = 0
    for t in mirror:
        assert t.kind == "mirror" and t.story_id in officials and t.body == officials[t.story_id].body
        page = raw(t.url)[2].decode("utf-8")
        assert "版权声明:本文由常州厂房网发布,如需转载请注明出处。" in page and re.search(r'<(\w+) id="\w{5}">', page)
        if re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔù]+\)", page):
            trad += 1
    assert trad >= 1
    report = next(t for t in mirror if t.title == "常州市人民政府工作报告")
    assert "報(bào)告" in raw(report.url)[2].decode("utf-8")


def test_stories_do_not_share_text(rep):
    owner = {}
    groups = {}
    for t in rep.all_truth():
        groups.setdefault(t.reprint_of or t.story_id, set()).add(t.story_id)
    for t in rep.all_truth():
        root = t.reprint_of or t.story_id
        for s in re.split(r"(?<=[。！？])", t.body):
            if len(s) < 12:
                continue
            prev = owner.setdefault(s, root)
            assert prev == root, (s, prev, root)


# --------------------------------------------------------------------------- whole crawl
def test_every_truth_url_reachable_by_links(rep):
    for name in SITES:
        res = crawl(rep.base_url(name))
        truth = rep.truth(name)
        want = {u for t in truth for u in t.pages} | {a.url for t in truth for a in t.attachments}
        assert not want - set(res), (name, sorted(want - set(res))[:3])
        assert not any("/search/" in u for u in res)
    assert not any("/search/" in p for p in rep.requests_log.paths())
    assert rep.requests_log.count(site="changzhou_zx") > 50


# --------------------------------------------------------------------------- determinism, speed
def _strip(truth):
    return [(t.site, t.path, t.title, t.published, t.source, t.body, [urlsplit(p).path for p in t.pages],
             [(urlsplit(a.url).path, a.name, a.text) for a in t.attachments], t.story_id, t.kind, t.fields) for t in truth]


def test_deterministic_for_seed():
    a = Replica(articles=40, seed=11, port_base=20000).all_truth()
    b = Replica(articles=40, seed=11, port_base=21000).all_truth()
    c = Replica(articles=40, seed=12, port_base=20000).all_truth()
    assert _strip(a) == _strip(b)
    assert _strip(a) != _strip(c)


def test_large_replica_builds_fast():
    t0 = time.time()
    r = Replica(articles=2000, seed=0, port_base=30000)
    took = time.time() - t0
    assert len(r.truth("changzhou_zx")) == 2000 and len(r.truth("hk_gia")) == 2000
    assert took < 12, took
    lists = [p for p in r.sites["changzhou_zx"].routes if re.search(r"/index_\d+\.html$", p)]
    assert len(lists) > 50


def test_throughput_keepalive(rep):
    site = rep.sites["changzhou_zx"]
    paths = [t.path for t in rep.truth("changzhou_zx")]
    c = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    t0 = time.time()
    n = 1500
    for i in range(n):
        c.request("GET", paths[i % len(paths)], headers={"Accept-Encoding": "gzip"})
        r = c.getresponse()
        r.read()
        assert r.status == 200
    took = time.time() - t0
    c.close()
    assert n / took > 500, n / took


def test_cli_register(capsys):
    import argparse
    import threading

    from crawler.replica import cli

    parser = argparse.ArgumentParser(prog="govcrawl")
    cli.register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["replica", "serve", "--articles", "5", "--seed", "2"])
    assert args.articles == 5 and args.seed == 2 and args.port_base is None
    stop = threading.Event()
    th = threading.Thread(target=cli.cmd_serve, args=(args, stop))
    th.start()
    deadline = time.time() + 10
    out = ""
    while time.time() < deadline and "serving" not in out:
        time.sleep(0.05)
        out += capsys.readouterr().out
    m = re.search(r"changzhou_zx\t(http://127\.0\.0\.1:\d+)", out)
    assert m, out
    assert fetch(m.group(1) + "/html/czzx/index.html")[0] == 200
    stop.set()
    th.join(5)
    assert not th.is_alive()
