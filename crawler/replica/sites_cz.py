"""常州市政协 (风讯 CMS, GBK labelled gb2312) and 常州市人民政府 (TRS-style, UTF-8)."""
from __future__ import annotations

import datetime as dt
import json

from .base import ReplicaSite
from .common import dates_back, esc, load_seed, paras_html, rng_for, safe
from .model import Article, Attachment, Resp
from .textgen import GBK_ONLY_NAME

GBK_ONLY = set(GBK_ONLY_NAME)

# ============================================================================ 常州市政协
ZX_COLUMNS = [
    # code, breadcrumb (list of names), old style furniture
    ("BAMOPFQL", ["重要会议", "全体会议"], False),
    ("OHFIPFOD", ["工作动态", "政协要闻"], False),
    ("QKDHMGCA", ["提案工作", "提案动态"], False),
    ("LJFDPKEN", ["委员风采", "委员风采"], False),
    ("HGNMAQDC", ["政协概况", "大事记"], True),
]
ZX_PER_PAGE = 20


class ChangzhouZx(ReplicaSite):
    name = "changzhou_zx"
    real_base_url = "http://zx.changzhou.gov.cn/"
    codec = "gbk"
    truth_encoding = "gb18030"
    declared = "gb2312"
    http_charset = "gb2312"
    meta_charset = "gb2312"
    server = "Microsoft-IIS/7.5"
    city = "changzhou"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        n = self.n
        dates = dates_back(rng, n - 1, dt.date(2024, 12, 20), 2.2)
        specs = [(d, None) for d in dates]
        specs.append((dt.date(2023, 1, 10), "seed000"))
        specs.sort(key=lambda x: x[0])
        next_id = 9000 + rng.randint(0, 500)
        self.columns = {c: [] for c, _, _ in ZX_COLUMNS}
        for i, (d, seed) in enumerate(specs):
            next_id += rng.randint(1, 4)
            if seed:
                title, date, source, paras = load_seed("seed000.txt")
                col = "BAMOPFQL"
                crumbs = ["重要会议", "全体会议", "十五届二次会议", "小组讨论"]
                source = None
            else:
                arng = rng_for(self.seed, self.name, i)
                title, paras, names = gen.story(arng, "changzhou", d.year, gbk_names=True)
                if not any(c in GBK_ONLY for c in "".join(paras)):
                    paras[0] += gen.name_sentence(arng, names[0], "changzhou", d.year)
                title = gen.unique_title(title, arng)
                # make sure a GBK-only name is visible in the title for a share of articles
                if arng.random() < 0.3:
                    title = f"{names[0]}委员：{title}"
                col, crumbs, _ = ZX_COLUMNS[arng.randrange(len(ZX_COLUMNS))]
                crumbs = list(crumbs)
                source = "市政协" if arng.random() < 0.4 else None
                date = d.isoformat()
            title = safe(title, "gbk")
            paras = [safe(p, "gbk") for p in paras]
            old = next(o for c, _, o in ZX_COLUMNS if c == col)
            if old and not seed:
                source = "市政协"     # the older template always prints 来源:
            path = f"/html/czzx/{d.year}/{col}_{d.month:02d}{d.day:02d}/{next_id:05d}.html"
            art = Article(site=self.name, path=path, title=title, date=date, source=source, paragraphs=paras,
                          story_id=f"{self.name}-{next_id:05d}", column=col, encoding="gb18030", declared="gb2312",
                          extra={"crumbs": crumbs, "old": old, "seed": bool(seed)})
            self.add_article(art)
            self.columns[col].append(art)
        self.routes["/html/czzx/index.html"] = self.render_home
        for col, crumbs, _ in ZX_COLUMNS:
            arts = sorted(self.columns[col], key=lambda a: (a.date, a.path), reverse=True)
            self.columns[col] = arts
            pages = max(1, -(-len(arts) // ZX_PER_PAGE))
            for p in range(1, pages + 1):
                path = f"/html/czzx/{col}/index.html" if p == 1 else f"/html/czzx/{col}/index_{p}.html"
                self.routes[path] = lambda col=col, p=p, pages=pages: self.render_list(col, p, pages)
        self.redirects["/"] = (302, "/html/czzx/index.html")
        self.redirects["/index.html"] = (302, "/html/czzx/index.html")
        if self.faults and len(self.articles) > 3:
            self.fault_503.add(self.articles[len(self.articles) // 2].path)

    # ---------------------------------------------------------------- templates
    def frame(self, title: str, inner: str, colname: str = "") -> str:
        nav = "".join(f'<li><a href="/html/czzx/{c}/index.html">{esc(cr[0] if cr[0] != cr[1] else cr[0])}</a></li>'
                      for c, cr, _ in ZX_COLUMNS)
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(title)}</title>
<meta name="keywords" content="常州政协,政协常州市委员会,常州市政协" />
<link href="/css/czzx_style.css" rel="stylesheet" type="text/css" />
<script language="javascript" type="text/javascript" src="/js/czfx_font.js"></script>
</head>
<body>
<div id="top"><div class="logo"><img src="/images/czzx_logo.jpg" alt="中国人民政治协商会议常州市委员会" /></div>
<div class="search"><form action="/search/" method="get"><input type="text" name="q" /><input type="submit" value="搜索" /></form>
<a href="/search/?q=%E6%94%BF%E5%8D%8F">高级搜索</a></div></div>
<div id="menu"><ul><li><a href="/html/czzx/index.html">首页</a></li>{nav}</ul></div>
<div id="main">
{inner}
</div>
<div id="footer">
<p><a href="/html/czzx/index.html">网站首页</a> | <a href="/html/czzx/HGNMAQDC/index.html">联系我们</a></p>
<p>中国人民政治协商会议常州市委员会主办</p>
<p>Copyright 2003-2017 Chinese People's Political Consultative Conference ChangZhou Committee China All Rights Reserved</p>
<p>苏ICP备05005043号 技术支持:常州风讯网络科技有限公司</p>
</div>
<script type="text/javascript">var _czfx_sid = "czzx"; document.write('<img src="/stat/count.asp?sid=' + _czfx_sid + '" width="0" height="0" />');</script>
</body>
</html>
"""

    def render_article(self, art: Article) -> Resp:
        crumbs = art.extra["crumbs"]
        links = " >> ".join(f'<a href="/html/czzx/{art.column}/index.html">{esc(c)}</a>' for c in crumbs)
        if art.extra.get("old"):
            where = f'您现在的位置:<a href="/html/czzx/index.html">首页</a> >> {links} >> 内容'
            info = f"发布时间:{art.date}&nbsp;&nbsp;来源:{esc(art.source or '')}&nbsp;&nbsp;浏览次数:<span id='hits'></span>"
        else:
            where = f'当前位置 <a href="/html/czzx/index.html">首页</a> >> {links} >> 内容'
            src = f"来源:{esc(art.source)} " if art.source else ""
            info = (f"发布日期:{art.date} {src}浏览次数:<span id='hits'></span> 字号:〖<a href=\"javascript:czfxfontzoom(16)\">大</a> "
                    f"<a href=\"javascript:czfxfontzoom(14)\">中</a> <a href=\"javascript:czfxfontzoom(12)\">小</a>〗")
        nid = art.path.rsplit("/", 1)[1].split(".")[0]
        inner = f"""<table width="100%" class="weizhi"><tr><td>{where}</td></tr></table>
<div class="article">
<h1 class="title">{esc(art.title)}</h1>
<div class="info">{info}</div>
<div class="content" id="fontzoom">
{paras_html(art.paragraphs)}
</div>
<div class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<script type="text/javascript" src="/stat/hits.asp?id={nid}&amp;type=news"></script>"""
        return self.page(self.frame(f"{art.title}_常州市政协", inner), lm=art.date)

    def render_list(self, col: str, p: int, pages: int) -> Resp:
        arts = self.columns[col][(p - 1) * ZX_PER_PAGE: p * ZX_PER_PAGE]
        crumbs = next(cr for c, cr, _ in ZX_COLUMNS if c == col)
        items = "\n".join(f'<li><span class="date">{a.date}</span><a href="{a.path}" title="{esc(a.title)}" target="_blank">{esc(a.title)}</a></li>'
                          for a in arts)

        def pl(k):
            return f"/html/czzx/{col}/index.html" if k == 1 else f"/html/czzx/{col}/index_{k}.html"
        nav = (f'共{len(self.columns[col])}条记录 页次:{p}/{pages} <a href="{pl(1)}">首页</a> '
               + (f'<a href="{pl(p - 1)}">上一页</a> ' if p > 1 else "上一页 ")
               + (f'<a href="{pl(p + 1)}">下一页</a> ' if p < pages else "下一页 ")
               + f'<a href="{pl(pages)}">尾页</a>')
        inner = f"""<table width="100%" class="weizhi"><tr><td>当前位置 <a href="/html/czzx/index.html">首页</a> >> {esc(crumbs[0])} >> {esc(crumbs[1])}</td></tr></table>
<div class="list"><ul>
{items}
</ul></div>
<div class="page">{nav}</div>"""
        lm = arts[0].date if arts else "2020-01-01"
        return self.page(self.frame(f"{crumbs[1]}_常州市政协", inner), chunked=True, lm=lm)

    def render_home(self) -> Resp:
        blocks = []
        for col, crumbs, _ in ZX_COLUMNS:
            arts = self.columns[col][:8]
            li = "\n".join(f'<li><a href="{a.path}" title="{esc(a.title)}">{esc(a.title[:24])}</a><span>{a.date[5:]}</span></li>' for a in arts)
            blocks.append(f'<div class="block"><h2><a href="/html/czzx/{col}/index.html">{esc(crumbs[1])}</a>'
                          f'<a class="more" href="/html/czzx/{col}/index.html">更多>></a></h2><ul>{li}</ul></div>')
        extra = ""
        if self.faults:
            extra = '<div class="block"><a href="/html/czzx/2016/HGNMAQDC_0728/00001.html">政协常州市委员会简介（旧）</a></div>'
        lm = max((a.date for a in self.articles), default="2020-01-01")
        return self.page(self.frame("常州市政协", "\n".join(blocks) + extra), lm=lm)


# ============================================================================ 常州市人民政府
GOV_COLUMNS = [
    ("zfwj", "政府文件", "政府信息公开 > 政府文件"),
    ("tzgg", "通知公告", "政府信息公开 > 通知公告"),
    ("jrcz", "今日常州", "新闻中心 > 今日常州"),
    ("gzbg", "政府工作报告", "政府信息公开 > 政府工作报告"),
]
GOV_PER_PAGE = 15
TOPIC_CLASS = ["综合政务", "国民经济管理、国有资产监管", "城乡建设、环境保护", "科技、教育", "卫生、体育",
               "劳动、人事、监察", "农业、林业、水利", "工业、交通", "商贸、海关、旅游", "民政、扶贫、救灾"]
GENRE = ["通知", "意见", "办法", "公告", "报告", "决定", "批复", "方案"]
ISSUERS = ["常州市人民政府", "常州市人民政府办公室"]


GOV_GUIDE_PATH = "/images/bszn.pdf"


class ChangzhouGov(ReplicaSite):
    name = "changzhou_gov"
    real_base_url = "https://www.changzhou.gov.cn/"
    server = "TRS WCM"
    city = "changzhou"
    # The internal-management column is linked from the home page but closed to robots: a
    # crawler that ignores robots.txt would fetch it (and get a 404 here).
    robots = "User-agent: *\nDisallow: /search/\nDisallow: /gk/nbgl/\n"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        n = self.n
        zx = self.replica.sites_by_name.get("changzhou_zx")
        copies = []
        if zx is not None:
            pool = [a for a in zx.articles if not a.extra.get("seed")]
            k = max(1, round(len(pool) * 0.05))
            copies = rng.sample(pool, min(k, len(pool)))
        n_own = max(1, n - 1 - len(copies))
        dates = dates_back(rng, n_own, dt.date(2024, 12, 25), 1.8)
        specs = [("gen", d, None) for d in dates] + [("seed", dt.date(2024, 1, 21), None)]
        for c in copies:
            d = dt.date.fromisoformat(c.date) + dt.timedelta(days=rng.choice([0, 1]))
            specs.append(("copy", d, c))
        specs.sort(key=lambda x: (x[1], x[0]))
        self.columns = {c: [] for c, _, _ in GOV_COLUMNS}
        fid = 1234000 + rng.randint(0, 9999)
        doc_no = 0
        for i, (kind, d, src) in enumerate(specs):
            fid += rng.randint(1, 9)
            arng = rng_for(self.seed, self.name, i)
            attachments: list[Attachment] = []
            fields: dict = {}
            made = d
            if kind == "seed":
                title, date, source, paras = load_seed("seed001.txt")
                col = "gzbg"
                made = dt.date(2024, 1, 16)
                story = f"{self.name}-gzbg-2024"
            elif kind == "copy":
                title, paras, source = src.title, list(src.paragraphs), "常州市政协"
                col = "jrcz"
                story = src.story_id
                date = d.isoformat()
            else:
                col = arng.choice(["zfwj", "zfwj", "tzgg", "jrcz", "jrcz"])
                title, paras, _ = gen.story(arng, "changzhou", d.year)
                title = gen.unique_title(title, arng)
                source = arng.choice(["常州市人民政府办公室", "常州日报", "市发展改革委", "市政府新闻办"])
                story = f"{self.name}-{fid}"
                date = d.isoformat()
            ym = f"{d.year}{d.month:02d}"
            ymd = f"{ym}{d.day:02d}"
            path = f"/gk/{col}/{ym}/t{ymd}_{fid}.shtml"
            if kind == "gen" and col in ("zfwj", "tzgg"):
                title = gen.unique_title(gen.doc_title(arng, col == "zfwj"), arng)
                # short article + attachments carrying the real text
                n_att = arng.choice([1, 1, 2, 3])
                kinds = arng.sample(["pdf", "docx", "xlsx"], n_att)
                for j, ak in enumerate(kinds):
                    code = f"P0{ymd}{arng.randint(10**11, 10**12 - 1)}"
                    apath = f"/gk/{col}/{ym}/{code}.{ak}"
                    aname = f"{title}{'（附件' + str(j + 1) + '）' if j else ''}.{ak}"
                    a_title, a_paras, _ = gen.story(arng, "changzhou", d.year, paragraphs=(3, 6))
                    a_paras = [title] + a_paras     # the document prints its title first
                    if ak == "xlsx":
                        rows = [["序号", "项目名称", "责任单位", "完成时限", "投资（万元）"]]
                        for r in range(arng.randint(4, 12)):
                            rows.append([str(r + 1), gen.sentence(arng, "changzhou", ["项目组"], d.year)[:24],
                                         arng.choice(["市发展改革委", "市工信局", "市住建局", "市交通运输局", "市生态环境局"]),
                                         f"{d.year}年{arng.randint(1, 12)}月", str(arng.randint(50, 90000))])
                        text = "\n".join("\t".join(r) for r in rows)
                        att = Attachment(apath, aname, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                         text, "xlsx", rows=rows)
                    elif ak == "docx":
                        att = Attachment(apath, aname, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                         "\n".join(a_paras), "docx", paragraphs=a_paras)
                    else:
                        att = Attachment(apath, aname, "application/pdf", "\n".join(a_paras), "pdf", paragraphs=a_paras)
                    att.title = title
                    attachments.append(att)
                paras = ["详见附件。", f"为{arng.choice(['进一步', '切实', '全面'])}做好相关工作，现将《{title}》印发给你们，请认真贯彻执行。"]
            if col in ("zfwj", "gzbg") or (kind == "gen" and arng.random() < 0.3):
                doc_no += 1
                issuer = "常州市人民政府" if col == "gzbg" else arng.choice(ISSUERS)
                fields = {
                    "信息名称": title,
                    "索引号": f"014109429/{d.year}-{doc_no:05d}",
                    "主题分类": arng.choice(TOPIC_CLASS) if col != "gzbg" else "综合政务",
                    "体裁分类": "报告" if col == "gzbg" else arng.choice(GENRE),
                    "发文机关": issuer,
                    "成文日期": made.isoformat() if kind == "seed" else (d - dt.timedelta(days=arng.randint(0, 6))).isoformat(),
                    "发文字号": ("" if col == "gzbg" else f"常政{'办' if '办公室' in issuer else ''}发〔{d.year}〕{arng.randint(1, 160)}号"),
                    "发布日期": date,
                }
            art = Article(site=self.name, path=path, title=title, date=date, time=f"{arng.randint(8, 17):02d}:{arng.choice(['00', '15', '30', '45'])}",
                          source=source or None, paragraphs=paras, attachments=attachments, fields=fields,
                          story_id=story, column=col, kind="official")
            art.extra["keywords"] = ",".join(title[:8].split())
            self.add_article(art)
            self.columns[col].append(art)
            for att in attachments:
                self.routes[att.path] = lambda att=att: self.render_attachment(att)
        for col, _, _ in GOV_COLUMNS:
            self.columns[col].sort(key=lambda a: (a.date, a.path), reverse=True)
            self.routes[f"/gk/{col}/index.shtml"] = lambda col=col: self.render_list(col)
        self.routes["/"] = self.render_home
        self.routes["/index.shtml"] = self.render_home
        self.routes[GOV_GUIDE_PATH] = self.render_guide
        if self.faults and self.articles:
            self.fault_503.add(f"/gk/jrcz/list.json")

    # ---------------------------------------------------------------- templates
    def frame(self, title: str, inner: str, meta: str = "") -> str:
        nav = "".join(f'<li><a href="/gk/{c}/index.shtml">{esc(n)}</a></li>' for c, n, _ in GOV_COLUMNS)
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}</title>
{meta}
<link rel="stylesheet" href="/images/czgov_2021.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="常州市人民政府"></a></div>
<div class="search"><form action="/search/" method="get"><input name="q" type="text" placeholder="请输入关键词"><button type="submit">搜索</button></form>
<a href="/search/?q=%E6%94%BF%E7%AD%96">政策文件检索</a></div>
<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul></div>
<div class="main">
{inner}
</div>
<div class="footer"><p><a href="{GOV_GUIDE_PATH}">办事指南.pdf</a></p>
<p>主办：常州市人民政府办公室　承办：常州市大数据管理中心</p>
<p>网站标识码：3204000001　<a href="https://beian.miit.gov.cn/">苏ICP备05005043号-1</a>　苏公网安备 32041102000502号</p></div>
<script src="/images/trs_stat.js"></script>
</body>
</html>
"""

    def meta_tags(self, art: Article) -> str:
        colname = next(n for c, n, _ in GOV_COLUMNS if c == art.column)
        tags = [("SiteName", "常州市人民政府"), ("SiteDomain", "www.changzhou.gov.cn"), ("SiteIDCode", "3204000001"),
                ("ColumnName", colname), ("ColumnType", colname), ("ArticleTitle", art.title),
                ("PubDate", f"{art.date} {art.time}"), ("ContentSource", art.source or ""),
                ("Keywords", art.extra.get("keywords", "")), ("Author", ""), ("Url", "https://www.changzhou.gov.cn" + art.path)]
        return "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in tags)

    def render_article(self, art: Article) -> Resp:
        colname, crumb = next((n, cr) for c, n, cr in GOV_COLUMNS if c == art.column)
        table = ""
        if art.fields:
            f = art.fields
            cells = [("信息名称", f["信息名称"], 3), ("索引号", f["索引号"], 1), ("主题分类", f["主题分类"], 1),
                     ("体裁分类", f["体裁分类"], 1), ("发文机关", f["发文机关"], 1), ("成文日期", f["成文日期"], 1),
                     ("发文字号", f["发文字号"], 1), ("发布日期", f["发布日期"], 1)]
            rows = [f'<tr><th>信息名称</th><td colspan="3">{esc(f["信息名称"])}</td></tr>']
            rest = cells[1:]
            for k in range(0, len(rest), 2):
                rows.append("<tr>" + "".join(f"<th>{a}</th><td>{esc(b)}</td>" for a, b, _ in rest[k:k + 2]) + "</tr>")
            table = '<table class="xxgk-table">\n' + "\n".join(rows) + "\n</table>"
        atts = ""
        if art.attachments:
            atts = '<div class="attachments"><p>附件：</p>' + "".join(
                f'<p><a href="./{a.path.rsplit("/", 1)[1]}" target="_blank">附件：{esc(a.name)}</a></p>' for a in art.attachments) + "</div>"
        src = f"来源：{esc(art.source)}" if art.source else ""
        inner = f"""<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; {esc(crumb.split(' > ')[0])} &gt; <a href="/gk/{art.column}/index.shtml">{esc(colname)}</a> &gt; 正文</div>
{table}
<div class="article">
<h1 class="article-title">{esc(art.title)}</h1>
<div class="article-info"><span>发布日期：{art.date} {art.time}</span> <span>{src}</span> <span>浏览次数：<em id="readCount"></em></span> <span>字号：〖<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>〗</span></div>
<div class="TRS_Editor" id="zoom">
{paras_html(art.paragraphs)}
</div>
{atts}
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""
        return self.page(self.frame(f"{art.title}_常州市人民政府", inner, self.meta_tags(art)), lm=f"{art.date} {art.time}")

    def render_list(self, col: str) -> Resp:
        colname, crumb = next((n, cr) for c, n, cr in GOV_COLUMNS if c == col)
        inner = f"""<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; {esc(crumb)}</div>
<div class="list-box"><h2>{esc(colname)}</h2><ul id="listBox"></ul><div id="pageBar"></div></div>
<script>
var listApi = "/gk/{col}/list.json";
function loadList(url) {{
  var xhr = new XMLHttpRequest(); xhr.open("GET", url, true);
  xhr.onload = function () {{ var d = JSON.parse(xhr.responseText); var h = "";
    for (var i = 0; i < d.items.length; i++) {{ h += '<li><a href="' + d.items[i].url + '">' + d.items[i].title + '</a><span>' + d.items[i].pubDate + '</span></li>'; }}
    document.getElementById("listBox").innerHTML = h; }};
  xhr.send();
}}
loadList(listApi + "?page=1");
</script>"""
        arts = self.columns[col]
        return self.page(self.frame(f"{colname}_常州市人民政府", inner), chunked=True,
                         lm=arts[0].date if arts else "2020-01-01")

    def render_json(self, col: str, page: int) -> Resp | None:
        arts = self.columns[col]
        pages = max(1, -(-len(arts) // GOV_PER_PAGE))
        if page < 1 or page > pages:
            return None
        chunk = arts[(page - 1) * GOV_PER_PAGE: page * GOV_PER_PAGE]
        doc = {"page": page, "pages": pages, "total": len(arts),
               "next": f"/gk/{col}/list.json?page={page + 1}" if page < pages else None,
               "items": [{"title": a.title, "url": a.path, "pubDate": a.date} for a in chunk]}
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        return Resp(body=body, ctype="application/json; charset=utf-8", chunked=True,
                    last_modified=chunk[0].date if chunk else "2020-01-01")

    def dynamic(self, method, path, query):
        for col, _, _ in GOV_COLUMNS:
            if path == f"/gk/{col}/list.json":
                try:
                    page = int(query.get("page", ["1"])[0] or 1)
                except ValueError:
                    return None
                return self.render_json(col, page)
        return None

    def render_home(self) -> Resp:
        blocks = []
        for col, name, _ in GOV_COLUMNS:
            li = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a><span>{a.date}</span></li>' for a in self.columns[col][:6])
            blocks.append(f'<div class="block"><h2><a href="/gk/{col}/index.shtml">{esc(name)}</a></h2><ul>{li}</ul></div>')
        blocks.append('<div class="block"><h2><a href="/gk/nbgl/index.shtml">内部管理</a></h2></div>')
        return self.page(self.frame("常州市人民政府", "\n".join(blocks)),
                         lm=max((a.date for a in self.articles), default="2020-01-01"))

    def render_guide(self) -> Resp:
        """The footer's 办事指南.pdf, linked from every page: archived once, part of no document."""
        from . import files

        body = files.make_pdf("常州市政务服务办事指南", ["办事指南：请登录常州市政务服务网办理相关事项。"])
        return Resp(body=body, ctype="application/pdf", compressible=False, last_modified="2024-01-01")

    def render_attachment(self, att: Attachment) -> Resp:
        from . import files

        if att.kind == "pdf":
            body = files.make_pdf(att.title, att.paragraphs)
        elif att.kind == "docx":
            body = files.make_docx(att.title, att.paragraphs)
        else:
            body = files.make_xlsx(att.title, att.rows)
        return Resp(body=body, ctype=att.mime, compressible=False, last_modified="2024-01-01")
