"""Each extraction mechanism on its own, on small pages built for the purpose.

The pages imitate the templates described in /work/shared/sites.md and the seed README
(风讯, TRS, Hanweb furniture, disclosure tables, spam mirrors); assertions are properties
(what must / must not be in the body), not stored outputs.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from crawler.extract import (Extracted, extract_html, find_article_pages, join_pages,
                             normalize_for_search)
from crawler.extract.score import char_f1

from tests.fixtures.extract.helpers import REALPAGES, boilerplate_hits, decode_bytes

PARAS = [
    "1月10日，市政协十五届二次会议举行联组讨论，委员们围绕“532”发展战略踊跃建言献策。",
    "委员们认为，新能源汽车产业发展，需要营造有规划可预期的产业发展政策环境，引导龙头车企更好发挥示范带动作用。",
    "会议指出，要加快构建清洁低碳、安全高效的能源体系（特别是储能产业），解决大规模、高比例新能源接入和消纳难题。",
]


def page(body_html: str, *, title="同心同德挺膺担当 阔步迈入万亿之城", head_extra="", site="常州市政协",
         before="", after="") -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_{site}</title>{head_extra}</head>
<body>
<div id="top"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/a/">重要会议</a></li>
<li><a href="/b/">工作动态</a></li><li><a href="/c/">提案工作</a></li></ul></div>
{before}
<table class="weizhi"><tr><td>当前位置 <a href="/">首页</a> &gt;&gt; <a href="/a/">重要会议</a> &gt;&gt; 内容</td></tr></table>
<div class="article"><h1 class="title">{title}</h1>
<div class="info">发布日期:2023-01-10 浏览次数:<span id='hits'></span> 字号:〖<a href="javascript:z(16)">大</a> <a href="javascript:z(14)">中</a> <a href="javascript:z(12)">小</a>〗</div>
<div class="content" id="fontzoom">{body_html or paras}</div>
<div class="print"><a href="javascript:window.print()">【打印】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="qr">扫一扫在手机打开当前页</div>
</div>
{after}
<div id="footer"><p>中国人民政治协商会议常州市委员会主办</p><p>苏ICP备05005043号 技术支持:常州风讯网络科技有限公司</p>
<p>网站标识码：3204000001 苏公网安备 32041102000502号</p></div>
</body></html>"""


GOLD = "\n".join(PARAS)
URL = "http://zx.changzhou.gov.cn/html/czzx/2023/BAMOPFQL_0110/09448.html"


# ----------------------------------------------------------------- furniture, metadata
def test_seed_like_furniture_never_in_body():
    r = extract_html(page(""), URL)
    assert not boilerplate_hits(r.text), r.text
    assert char_f1(r.text, GOLD) > 0.99
    assert r.title == "同心同德挺膺担当 阔步迈入万亿之城"
    assert r.published == "2023-01-10"
    assert r.breadcrumb and r.breadcrumb.startswith("首页") and "重要会议" in r.breadcrumb
    assert "当前位置" not in r.breadcrumb


@pytest.mark.parametrize("line,source,date,time", [
    ("发布日期：2021-12-31 来源：常熟日报 字体：[大 中 小]", "常熟日报", "2021-12-31", None),
    ("信息来源:市政协大会秘书处  发布时间:2024-01-19 10:00 【字体: 大 中 小】", "市政协大会秘书处", "2024-01-19", "2024-01-19 10:00"),
    ("发布日期:2024-10-18 来源:", None, "2024-10-18", None),
    ("发布时间:2016-07-28  来源:市政协  浏览次数:", "市政协", "2016-07-28", None),
    ("2024年05月10日06:58 | 来源：人民网－人民日报", "人民网－人民日报", "2024-05-10", "2024-05-10 06:58"),
    ("发布时间：2023年1月9日 15时30分 作者：张三 来源：市委宣传部", "市委宣传部", "2023-01-09", "2023-01-09 15:30"),
])
def test_visible_date_source_formats(line, source, date, time):
    html = page("").replace(
        '<div class="info">发布日期:2023-01-10 浏览次数:<span id=\'hits\'></span> 字号:〖<a href="javascript:z(16)">大</a> <a href="javascript:z(14)">中</a> <a href="javascript:z(12)">小</a>〗</div>',
        f'<div class="info">{line}</div>')
    r = extract_html(html, "http://example.gov.cn/art/1.html")
    assert r.published == date
    assert r.source == source
    assert r.published_time == time
    assert line.split("：")[0] not in r.text.split("\n")[0]
    assert not re.search(r"来源|发布日期|发布时间|字体", r.text)


def test_government_meta_tags_first():
    head = ('<meta name="SiteName" content="常州市人民政府"><meta name="ArticleTitle" content="常州市人民政府工作报告">'
            '<meta name="PubDate" content="2024-01-21 09:00"><meta name="ContentSource" content="常州市人民政府办公室">'
            '<meta name="ColumnName" content="政府工作报告"><meta name="SiteIDCode" content="3204000001">')
    r = extract_html(page("", title="常州市人民政府工作报告", head_extra=head, site="常州市人民政府"), URL)
    assert r.title == "常州市人民政府工作报告"
    assert r.published == "2024-01-21" and r.published_time == "2024-01-21 09:00"
    assert r.source == "常州市人民政府办公室"
    assert r.meta["SiteIDCode"] == "3204000001" and r.meta["ColumnName"] == "政府工作报告"


@pytest.mark.parametrize("doc_title,expected", [
    ("市政协召开提案工作座谈会_常州市政协", "市政协召开提案工作座谈会"),
    ("市政协召开提案工作座谈会 - 武汉政协", "市政协召开提案工作座谈会"),
    ("市政协召开提案工作座谈会|江阴政协网", "市政协召开提案工作座谈会"),
    ("市政协召开提案工作座谈会_工作动态_常州市人民政府", "市政协召开提案工作座谈会"),
])
def test_title_loses_site_suffix(doc_title, expected):
    html = f"""<html><head><title>{doc_title}</title><meta name="SiteName" content="常州市人民政府"></head>
<body><div class="nav"><a href="/">首页</a></div><div class="c">{''.join(f'<p>{p}</p>' for p in PARAS)}</div></body></html>"""
    assert extract_html(html, URL).title == expected


def test_site_name_is_never_the_title():
    html = page("").replace('<h1 class="title">', '<h1 class="logo">常州市政协</h1><h2 class="title">')
    html = html.replace("</h1>\n<div class=\"info\">", "</h2>\n<div class=\"info\">", 1)
    r = extract_html(html, URL)
    assert r.title == "同心同德挺膺担当 阔步迈入万亿之城"


def test_disclosure_table_becomes_fields():
    table = """<table class="xxgk"><tr><th>信息名称</th><td colspan="3">常州市人民政府工作报告</td></tr>
<tr><th>索引号</th><td>014109429/2024-00020</td><th>主题分类</th><td>综合政务</td></tr>
<tr><th>发文机关</th><td>常州市人民政府</td><th>成文日期</th><td>2024-01-16</td></tr>
<tr><th>发文字号</th><td>常政发〔2024〕5号</td><th>发布日期</th><td>2024-01-21</td></tr></table>"""
    r = extract_html(page("", before=table), URL)
    assert r.fields["索引号"] == "014109429/2024-00020"
    assert r.fields["主题分类"] == "综合政务"
    assert r.fields["发文机关"] == "常州市人民政府"
    assert r.fields["成文日期"] == "2024-01-16"
    assert r.fields["发文字号"] == "常政发〔2024〕5号"
    assert r.fields["发布日期"] == "2024-01-21"
    assert "索引号" not in r.text and "014109429" not in r.text
    assert char_f1(r.text, GOLD) > 0.99


def test_disclosure_synonyms_get_canonical_names():
    table = """<div class="xxgk"><ul><li><b>信息索引号：</b>01404053X/2022-02217</li><li><b>生成日期：</b>2022-05-20</li>
<li><b>文件编号：</b>澄政办发〔2022〕31号</li><li><b>发布机构：</b>江阴市人民政府办公室</li><li><b>公开方式：</b>主动公开</li></ul></div>"""
    r = extract_html(page("", before=table), URL)
    assert r.fields["信息索引号"] == "01404053X/2022-02217"
    assert r.fields["索引号"] == "01404053X/2022-02217"
    assert r.fields["成文日期"] == "2022-05-20"
    assert r.fields["发文字号"] == "澄政办发〔2022〕31号"
    assert r.fields["发文机关"] == "江阴市人民政府办公室"


def test_no_fields_on_an_ordinary_article():
    assert extract_html(page(""), URL).fields == {}


# ----------------------------------------------------------------- robustness
STRAY_VARIANTS = {
    "included header document in <head>": lambda h, mh, mb: h[:mh] + '<html><head><title>x</title></head><body><div>首页</div></body></html>' + h[mh:],
    "a document before the page": lambda h, mh, mb: '<html><body><div class="top"><a href="/">首页</a></div></body></html>' + h,
    "</html> after the navigation": lambda h, mh, mb: h[:mb] + '<div class="top"><a href="/">首页</a></div></html>' + h[mb:],
    "</html> before </head>": lambda h, mh, mb: h[:mh] + "</html>" + h[mh:],
}


@pytest.mark.parametrize("variant", sorted(STRAY_VARIANTS))
def test_stray_closing_tags(variant):
    import trafilatura
    h = decode_bytes(open(os.path.join(REALPAGES, "gne_shanxi_gov.html"), "rb").read())
    gold = open(os.path.join(REALPAGES, "gold", "gne_shanxi_gov.txt"), encoding="utf-8").read()
    mh = h.index("</head>")
    mb = re.search(r"<body[^>]*>", h).end()
    broken = STRAY_VARIANTS[variant](h, mh, mb)
    r = extract_html(broken, "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml")
    assert char_f1(r.text, gold) > 0.98
    assert r.title == "山西品牌丝路行（南美站）正式启动"
    assert any("stray" in x or "repeated" in x for x in r.repairs)
    # the baseline really is hurt by this (otherwise the test proves nothing)
    assert char_f1(trafilatura.extract(broken) or "", gold) < 0.5


def test_broken_nesting_and_garbage():
    html = "<html><body><div><p>第一段文字，内容完整。<div><span>第二段<b>文字</span></b>，同样完整。</p></td></tr></table>" \
           "<p>第三段文字也在这里，长度足够让提取器接受。</div></body>"
    r = extract_html(html, "")
    for frag in ("第一段文字", "第二段", "第三段文字"):
        assert frag in r.text
    for junk in ("", "   ", "<html>", "\x00\x01garbage<<<>>>", "<p>短</p>"):
        assert isinstance(extract_html(junk, ""), Extracted)


def test_invisible_jammer_characters_removed():
    body = ("<style>.jm{display:none} span.x2{visibility:hidden}</style>"
            "<p>要扎<span style=\"display:none\">套粒</span>实做好安全生产专项整治三年行动收官工作，"
            "持续深化省级安全发展示<font class=\"jm\">魔保量</font>范城市创建工作<span class=\"x2\">织汤</span>。</p>"
            + "".join(f"<p>{p}</p>" for p in PARAS))
    r = extract_html(page(body), URL)
    assert "扎实做好安全生产专项整治三年行动收官工作" in r.text
    assert "安全发展示范城市创建工作。" in r.text
    for jammer in ("套粒", "魔保量", "织汤"):
        assert jammer not in r.text
    assert any("invisible" in x for x in r.repairs)


@pytest.mark.parametrize("extra", ["", "links", "script"])
def test_hidden_main_text_is_not_dropped(extra):
    """A template that hides the whole article until a script shows it (WeChat's
    ``js_content``) keeps its text, even when it is a small part of a big page."""
    body = '<div style="visibility: hidden;" id="js_content">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
    after = ""
    if extra == "links":
        after = '<div class="list">' + "".join(f'<a href="/n{i}.html">第{i}条新闻标题文字比较长一些用于测试</a>'
                                              for i in range(60)) + "</div>"
    elif extra == "script":
        after = "<script>var data = '" + "数据" * 5000 + "';</script>"
    r = extract_html(page(body, after=after), URL)
    assert char_f1(r.text, GOLD) > 0.99


def test_page_characters_kept_and_search_field_normalised():
    r = extract_html(page(""), URL)
    assert "，" in r.text and "“532”" in r.text and "（特别是储能产业）" in r.text
    s = normalize_for_search("委员们认为，新能源（汽车）ＡＢＣ１２３　\n  产业")
    assert s == "委员们认为,新能源(汽车)ABC123 产业"


def test_private_use_characters_survive():
    body = "".join(f"<p>{p}</p>" for p in PARAS) + "<p>我們\ue07e在承壓前行中\ue3be彰顯韌勁，這是一段足夠長的測試文字。</p>"
    r = extract_html(page(body), URL)
    assert "\ue07e" in r.text and "\ue3be" in r.text


def test_nfc():
    body = "".join(f"<p>{p}</p>" for p in PARAS) + "<p>Cafe\u0301 的报道，这是一段足够长的文字用于测试。</p>"
    r = extract_html(page(body), URL)
    assert "Caf\u00e9" in r.text


# ----------------------------------------------------------------- multi-page
WUHAN = "http://www.whzx.gov.cn/dhfy/202401/t20240119_5068890.shtml"


def test_create_page_html_first_page():
    html = page("") + '<script>createPageHTML(3, 0, "t20240119_5068890", "shtml");</script>'
    assert find_article_pages(html, WUHAN) == [
        "http://www.whzx.gov.cn/dhfy/202401/t20240119_5068890_1.shtml",
        "http://www.whzx.gov.cn/dhfy/202401/t20240119_5068890_2.shtml"]
    assert extract_html(html, WUHAN).next_pages[-1].endswith("_2.shtml")


def test_create_page_html_later_page_and_variables():
    html = ('<script>var countPage = 3; var currentPage = 1; var prevPage = "t20240119_5068890";\n'
            'createPageHTML(countPage, currentPage, prevPage, "shtml");</script>')
    url = WUHAN.replace(".shtml", "_1.shtml")
    assert find_article_pages(html, url) == ["http://www.whzx.gov.cn/dhfy/202401/t20240119_5068890_2.shtml"]


def test_list_paging_is_not_an_article():
    html = '<script>createPageHTML(20, 0, "index", "shtml");</script><a href="index_1.shtml">下一页</a>'
    assert find_article_pages(html, "http://www.whzx.gov.cn/ldjh/index.shtml") == []
    assert extract_html(html, "http://www.whzx.gov.cn/ldjh/index.shtml").next_pages == []
    # createPageHTML naming another page is list paging too
    assert find_article_pages(html, WUHAN) == []


def test_sibling_links_and_next_page_text():
    url = "http://zx.jiangyin.gov.cn/doc/2024/10/18/1264158.shtml"
    html = page("", after='<div class="page"><a href="1264158_2.shtml">2</a> <a href="1264158_3.shtml">3</a> '
                         '<a href="1264158_2.shtml">下一页</a> <a href="1264159.shtml">下一篇</a></div>')
    r = extract_html(html, url)
    assert r.next_pages == ["http://zx.jiangyin.gov.cn/doc/2024/10/18/1264158_2.shtml",
                            "http://zx.jiangyin.gov.cn/doc/2024/10/18/1264158_3.shtml"]
    assert "下一页" not in r.text


def test_query_paging():
    url = "http://he.news.cn/20240515/d59c39d4160a4fe4b3084c3e4abfb450/c.html"
    h = decode_bytes(open(os.path.join(REALPAGES, "mh_he_news_cn.html"), "rb").read())
    pages = extract_html(h, url).next_pages
    assert pages == [url + "?page=2", url + "?page=3", url + "?page=4"]


def test_single_page_has_no_next_pages():
    assert extract_html(page(""), URL).next_pages == []


def test_join_pages():
    a = Extracted(url="u1", title="标题", published="2024-01-19", source="市政协", text="第一页。",
                  attachments=[{"url": "http://x/a.pdf", "name": "a"}], next_pages=["u2", "u3"])
    b = Extracted(url="u2", title="标题", text="第二页。", attachments=[{"url": "http://x/a.pdf", "name": "a"}])
    c = Extracted(url="u3", title="标题", text="第三页。", fields={"索引号": "1"})
    j = join_pages([a, b, c])
    assert j.text == "第一页。\n第二页。\n第三页。"
    assert j.title == "标题" and j.published == "2024-01-19" and j.source == "市政协"
    assert j.next_pages == [] and j.page_count == 3
    assert j.attachments == [{"url": "http://x/a.pdf", "name": "a"}]
    assert j.fields == {"索引号": "1"}
    assert a.text == "第一页。"  # inputs untouched


# ----------------------------------------------------------------- attachments in pages
def test_attachment_links_found_and_kept_out_of_body():
    after = ('<div class="fj"><p>附件：</p><p><a href="./P020241205316636922536.pdf">1.关于印发工作要点的通知.pdf</a></p>'
             '<p><a href="/files/预算表.xlsx">2.预算表.xlsx</a></p></div>')
    html = page("").replace('<div class="print">', after + '<div class="print">')
    html = html.replace('<div id="footer">', '<div id="footer"><a href="/download/app.doc">下载客户端说明.doc</a>')
    r = extract_html(html, URL)
    urls = [a["url"] for a in r.attachments]
    assert urls == ["http://zx.changzhou.gov.cn/html/czzx/2023/BAMOPFQL_0110/P020241205316636922536.pdf",
                    "http://zx.changzhou.gov.cn/files/%E9%A2%84%E7%AE%97%E8%A1%A8.xlsx"] or \
        urls == ["http://zx.changzhou.gov.cn/html/czzx/2023/BAMOPFQL_0110/P020241205316636922536.pdf",
                 "http://zx.changzhou.gov.cn/files/预算表.xlsx"]
    assert r.attachments[0]["name"] == "1.关于印发工作要点的通知.pdf"
    assert ".pdf" not in r.text and "附件" not in r.text


# ----------------------------------------------------------------- mirrors
def _mirror_page(trad: bool) -> str:
    paras = PARAS if not trad else [
        "1月10日，市政協(xié)十五屆二次會(huì)議舉行聯(lián)組討論，委員們圍繞“532”發(fā)展戰略踴躍建言獻策。",
        "委員們認為，新能源汽車產(chǎn)業(yè)發(fā)展，需要營造有規(guī)劃可預期的產(chǎn)業(yè)發(fā)展政策環境。",
        "會(huì)議指出，要加快構建清潔低碳、安全高效的能源體系，解決大規(guī)模新能源接入和消納難題。"]
    junk = '<meter id="k3x9q"></meter><dfn id="k3x9q"><var id="k3x9q"></var></dfn><tt id="k3x9q"></tt>'
    return f"""<html><head><meta charset="utf-8"><title>{paras[0][:8]}-常州厂房网</title></head><body>{junk}
<div class="nav"><a href="/">首页</a> &gt; <a href="/">新闻资讯</a></div>
<div class="art"><h1>同心同德挺膺擔當</h1><div class="info">發(fā)布日期: 2023-01-10</div>
<div class="content">{''.join(f'<p>{p}</p>' for p in paras)}</div>
<div class="qr">扫一扫在手机打开当前页</div>
<div class="copyright">版权声明:本文由常州厂房网发布,如需转载请注明出处。部份内容收集于网络,如有不妥之处请联系我们删除</div></div>
<div class="seo">常州厂房出租，常州厂房出售，武进标准厂房，新北区仓库出租，钟楼区厂房，天宁区仓库</div>{junk}
</body></html>"""


def test_mirror_recognised_and_cleaned():
    r = extract_html(_mirror_page(trad=True), "http://www.czfc-mirror.example/zx/html/czzx/2023/BAMOPFQL_0110/09448.html")
    assert r.is_mirror
    for s in ("junk-tags", "pinyin-annotations", "seo-keyword-block", "repost-footer"):
        assert s in r.mirror_signals
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", r.text)
    assert "版权声明" not in r.text and "厂房出租" not in r.text
    # the automatic simplified->traditional conversion is undone, so the copy matches the original
    assert "市政协十五届二次会议举行联组讨论" in r.text
    assert r.published == "2023-01-10"


def test_simplified_mirror_still_recognised():
    r = extract_html(_mirror_page(trad=False), "http://www.czfc-mirror.example/zx/1.html")
    assert r.is_mirror and "junk-tags" in r.mirror_signals
    assert char_f1(r.text, GOLD) > 0.99


def test_official_pages_are_not_mirrors():
    r = extract_html(page(""), URL)
    assert not r.is_mirror and r.mirror_signals == []
    for name in os.listdir(REALPAGES):
        if name.endswith(".html"):
            h = decode_bytes(open(os.path.join(REALPAGES, name), "rb").read())
            assert not extract_html(h, "").is_mirror, name


def test_traditional_original_is_not_converted():
    """A Hong Kong page is traditional Chinese by nature: no mirror signal, no conversion."""
    body = "".join(f"<p>{p}</p>" for p in [
        "保安局局長今日出席電台節目時表示，政府會繼續擴展人才引進計劃，並於年內推出新措施。",
        "有關食物安全的公眾諮詢將於11月10日展開，為期13日，市民可透過郵寄、傳真或電郵提交意見。"])
    r = extract_html(f"<html><head><title>政府擴展濕地保育</title></head><body><h1>政府擴展濕地保育</h1>{body}</body></html>", "")
    assert "保安局局長" in r.text and "諮詢" in r.text and not r.is_mirror


# ----------------------------------------------------------------- CLI
def test_cli_prints_one_json_object(tmp_path):
    p = tmp_path / "page.html"
    p.write_bytes(page("").replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    out = subprocess.run([sys.executable, "-m", "crawler.extract.cli", str(p), "--url", URL],
                         capture_output=True, text=True, timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    for key in ("url", "title", "published", "source", "author", "breadcrumb", "text", "fields",
                "attachments", "encoding", "repairs"):
        assert key in d
    assert d["url"] == URL and d["title"] == "同心同德挺膺担当 阔步迈入万亿之城"
    assert d["published"] == "2023-01-10"
    assert d["encoding"]["encoding"] == "gb18030"
    assert char_f1(d["text"], GOLD) > 0.99


def test_cli_register_and_charset(tmp_path, capsys):
    import argparse

    from crawler.extract import cli
    ap = argparse.ArgumentParser(prog="govcrawl")
    sub = ap.add_subparsers(dest="cmd")
    cli.register(sub)
    p = tmp_path / "page.html"
    p.write_bytes(page("").encode("gb18030"))  # says utf-8 in <meta>, is GBK: the flag decides
    args = ap.parse_args(["extract", str(p), "--charset", "gbk"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["title"] == "同心同德挺膺担当 阔步迈入万亿之城"
    assert cli.main([str(tmp_path / "missing.html")]) == 2


# ----------------------------------------------------------------- old CMS markup
SOUP = {
    "text and <br> in a div": '<div id="fontzoom">　　{0}<br>　　{1}<br><br>　　{2}</div>',
    "font/span soup in a table cell": ('<table><tr><td class="content"><font size="3"><span style="font-family:宋体">　　{0}'
                                       '</span></font><br><font size="3"><span>　　{1}</span></font><br><font>　　{2}</font>'
                                       '</td></tr></table>'),
    "spans in divs": '<div class="TRS_Editor"><div><span>{0}</span></div><div><span>{1}</span></div><div>{2}</div></div>',
    "loose text between blocks": '<div class="c"><p>{0}</p><span>{1}</span><p>{2}</p></div>',
}


@pytest.mark.parametrize("kind", sorted(SOUP))
def test_old_cms_markup_gives_one_line_per_paragraph(kind):
    paras = [p.replace("“532”", "<b>“532”</b>") for p in PARAS]
    body = SOUP[kind].format(*paras)
    html = (f'<html><head><title>标题_常州市政协</title></head><body><div class="nav"><a href="/">首页</a> '
            f'<a href="/a">政协概况</a> <a href="/b">工作动态</a></div><h1>标题</h1>{body}'
            f'<div class="foot">版权所有：常州市政协 苏ICP备05005043号</div></body></html>')
    r = extract_html(html, URL)
    assert r.text.split("\n") == PARAS, r.text


def test_press_release_closing_dateline():
    html = ('<html><head><meta charset="big5"><title>政府擴展濕地保育</title></head><body><h1 id="PRHeadlineSpan">政府擴展濕地保育</h1>'
            '<span id="pressrelease">　　有關人才引進計劃的公眾諮詢將於6月25日展開，為期21日，市民可透過郵寄、傳真或電郵提交意見。<br><br>'
            '　　保安局局長今日出席電台節目時表示，政府會繼續擴展人才引進計劃，並於年內推出新措施。<br><br>完<br></span>'
            '<div class="mB15 f15">2024年12月20日（星期五）<br>香港時間17時45分</div>'
            '<div class="back"><a href="/gia/general/today.htm">返回</a></div></body></html>')
    r = extract_html(html, "http://www.info.gov.hk/gia/general/202412/20/P2024122000109.htm")
    assert r.published == "2024-12-20" and r.published_time == "2024-12-20 17:45"
    assert r.text.split("\n")[-1].endswith("並於年內推出新措施。")
    assert "星期五" not in r.text and "香港時間" not in r.text


@pytest.mark.parametrize("body,expected", [
    ("<p>详见附件。</p>", "详见附件。"),
    ("", ""),
    ('<p><img src="scan.jpg"></p>', ""),
    ("<p>现将《工作要点》印发给你们，请认真贯彻执行。</p>", "现将《工作要点》印发给你们，请认真贯彻执行。"),
])
def test_short_notice_body_is_not_replaced_by_furniture(body, expected):
    """Real government notices often say only 详见附件; the body must then be that (or empty),
    never a sidebar or the footer's browser advice, and the attachment must still be found."""
    side = '<div class="side"><h3>热点新闻</h3><ul>' + "".join(
        f'<li><a href="/n{i}.html">市政府召开第{i}次常务会议研究部署重点工作</a></li>' for i in range(8)) + "</ul></div>"
    foot = ('<div class="footer"><p>主办：常州市人民政府办公室 承办：常州市大数据管理中心</p><p>网站标识码：3204000001 '
            '苏ICP备05005043号-1</p><p>为确保最佳浏览效果，建议您使用以下浏览器版本：IE浏览器9.0版本及以上；谷歌浏览器63版本及以上，'
            '分辨率1366*768。</p></div>')
    html = (f'<html><head><title>关于印发工作要点的通知_常州市人民政府</title></head><body>'
            f'<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>{side}'
            f'<div class="article"><h1>关于印发工作要点的通知</h1><div class="info">发布日期：2024-12-05 来源：市政府办</div>'
            f'<div id="zoom">{body}</div><div class="fj"><a href="P020241205.pdf">关于印发工作要点的通知.pdf</a></div>'
            f'<div class="tools">【打印本页】【关闭窗口】</div></div>{foot}</body></html>')
    r = extract_html(html, "http://www.changzhou.gov.cn/gk/zfwj/202412/t20241205_1.shtml")
    assert r.text == expected
    assert r.title == "关于印发工作要点的通知" and r.published == "2024-12-05" and r.source == "市政府办"
    assert [a["url"] for a in r.attachments] == ["http://www.changzhou.gov.cn/gk/zfwj/202412/P020241205.pdf"]


def test_fuzz_truncated_and_garbled_pages_never_fail():
    """Truncated, spliced and garbled pages (what a broken connection or a bad template gives)
    are extracted without falling back to the safety net."""
    import random
    rnd = random.Random(20241122)
    pages = [decode_bytes(open(os.path.join(REALPAGES, n), "rb").read())
             for n in sorted(os.listdir(REALPAGES)) if n.endswith(".html")]
    atoms = ["<div>", "</div>", "<p>", "</td>", "<table>", "</html>", "文字，", "<br>", "<a href=x_2.html>下一页</a>",
             '<a href="http://[bad/x.pdf">附件</a>', "<script>", "<!--", "<![CDATA[", "&#0;", "\x00", "\ue000",
             "<style>.a{display:none}</style>", "<span class=a>藏</span>", "<meter id=x1></meter>"]
    for i in range(40):
        h = rnd.choice(pages)
        a = rnd.randrange(len(h))
        b = rnd.randrange(a, len(h) + 1)
        x = [h[:b], h[a:], h[:a] + h[b:], "".join(rnd.choice(atoms) for _ in range(300))][i % 4]
        url = rnd.choice(["", "http://a.gov.cn/t20240101_1.shtml", "not a url", "http://[::1/x"])
        r = extract_html(x, url)
        assert isinstance(r, Extracted)
        assert not any(rep.startswith("extraction fallback") for rep in r.repairs), r.repairs


@pytest.mark.parametrize("bar", [
    "字号 大 中 小 | 打印 | 关闭窗口", "【字体：大 中 小】【打印】【关闭】", "[ 打印本页 ] [ 关闭窗口 ]", "打印 | 关闭",
    "字体：[大 中 小]", "〖大 中 小〗", "分享到：", "【我要纠错】【打印】【关闭】", "【打印此页】 【关闭窗口】",
    "浏览次数：123 【收藏】【打印】【关闭】", "扫一扫在手机打开当前页", "（责任编辑：王五）", "上一篇：关于召开会议的通知",
    "主办：常州市人民政府办公室 承办：常州市大数据管理中心", "苏ICP备05005043号-1 苏公网安备 32041102000502号",
])
def test_tool_bars_and_footers_in_the_text_block(bar):
    """Furniture inside the article block itself (where trafilatura keeps it)."""
    body = f"<p>{PARAS[0]}</p><p>{PARAS[1]}</p><p>{bar}</p><p>{PARAS[2]}</p>"
    r = extract_html(page(body), URL)
    assert r.text.split("\n") == PARAS, r.text


@pytest.mark.parametrize("line", ["中国共产党常州市委员会", "更多的市民参与了活动，效果很好。", "联系我们的同志说，这项工作很重要。",
                                  "编辑部主任李四在会上发言，强调要做好工作。", "分享经验，共同提高。", "A股市场表现平稳。"])
def test_body_lines_that_merely_mention_furniture_words_stay(line):
    body = f"<p>{PARAS[0]}</p><p>{line}</p><p>{PARAS[1]}</p><p>{PARAS[2]}</p>"
    r = extract_html(page(body), URL)
    assert line in r.text.split("\n")
