"""常熟 (Hanweb-shaped, UTF-8 with a wrong gb2312 meta), 武汉政协 (TRS), 江阴政协."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from .base import ReplicaSite
from .common import dates_back, esc, load_seed, paras_html, rng_for
from .model import Article, Resp

JAMMERS = "套粒既魔保量织汤圃欤涌旖蔑韧炯镓铌"


# ============================================================================ 常熟 (Hanweb)
CS_COLUMNS = [(1753, "常熟要闻", "政务公开"), (1754, "部门动态", "政务公开"), (1761, "通知公告", "政务公开")]
CS_GUARDED_COL = 1999   # behind an anti-bot wall (412 challenge), with faults=True
CS_PER_PAGE = 15


class Changshu(ReplicaSite):
    name = "changshu"
    real_base_url = "http://www.changshu.gov.cn/"
    declared = "gb2312"         # meta label (wrong: bytes are UTF-8); HTTP header has no charset
    http_charset = None
    meta_charset = "gb2312"
    server = "nginx"
    city = "changshu"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        reprints = self.replica.reprint_sources(self.name, rng)
        n_own = max(1, self.n - 1 - len(reprints))
        dates = dates_back(rng, n_own, dt.date(2024, 12, 18), 1.5)
        specs = [("gen", d, None) for d in dates] + [("seed", dt.date(2021, 12, 31), None)]
        for src in reprints:
            specs.append(("reprint", dt.date.fromisoformat(src.date) + dt.timedelta(days=rng.randint(1, 3)), src))
        specs.sort(key=lambda x: (x[1], x[0]))
        aid = 5600000 + rng.randint(0, 99999)
        self.columns = {c: [] for c, _, _ in CS_COLUMNS}
        for i, (kind, d, src) in enumerate(specs):
            aid += rng.randint(1, 30)
            arng = rng_for(self.seed, self.name, i)
            col = arng.choice(CS_COLUMNS)[0]
            reprint_of = None
            if kind == "seed":
                title, date, source, paras = load_seed("seed002.txt")
                col = 1753
                story = f"{self.name}-seed002"
                jam = {len(paras) - 1: [(9, "套粒既"), (40, "魔保量")]}
            else:
                date = d.isoformat()
                if kind == "reprint":
                    title, paras, source = src.title, list(src.paragraphs), "常州日报"
                    paras = self.replica.edit_reprint(paras, arng, self.city)
                    reprint_of = src.story_id
                else:
                    title, paras, _ = gen.story(arng, "changshu", d.year)
                    title = gen.unique_title(title, arng)
                    source = arng.choice(["常熟日报", "市政府办", "常熟市融媒体中心", "市发改委"])
                story = f"{self.name}-{aid}"
                jam = {}
                if arng.random() < 0.25:
                    for pi in arng.sample(range(len(paras)), min(2, len(paras))):
                        spots = []
                        for _ in range(arng.randint(1, 2)):
                            pos = arng.randrange(1, max(2, len(paras[pi]) - 1))
                            spots.append((pos, "".join(arng.sample(JAMMERS, 2))))
                        jam[pi] = sorted(spots)
            path = f"/art/{d.year}/{d.month}/{d.day}/art_{col}_{aid}.html"
            art = Article(site=self.name, path=path, title=title, date=date, source=source or None, paragraphs=paras,
                          story_id=story, column=str(col), kind="reprint" if reprint_of else "official",
                          reprint_of=reprint_of, extra={"jam": jam})
            self.add_article(art)
            self.columns[col].append(art)
        for col, _, _ in CS_COLUMNS:
            self.columns[col].sort(key=lambda a: (a.date, a.path), reverse=True)
            self.routes[f"/col/col{col}/index.html"] = lambda col=col: self.render_col(col)
        self.routes["/"] = self.render_home
        self.routes["/index.html"] = self.render_home
        if self.faults:
            self.routes[f"/col/col{CS_GUARDED_COL}/index.html"] = self.render_challenge
        if self.faults and self.articles:
            self.fault_503.add(f"/col/col{CS_COLUMNS[1][0]}/index.html")

    def frame(self, title: str, inner: str) -> str:
        nav = "".join(f'<a href="/col/col{c}/index.html">{esc(n)}</a>' for c, n, _ in CS_COLUMNS)
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(title)}</title>
<meta name="SiteName" content="常熟市人民政府" />
<meta name="SiteDomain" content="www.changshu.gov.cn" />
<script type="text/javascript" src="/script/jquery.min.js"></script>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
</head>
<body>
<div class="top"><a href="/"><img src="/picture/0/logo.png" alt="常熟市人民政府" /></a>
<form action="/search/" method="get" target="_blank"><input type="text" name="q" /><input type="submit" value="搜索" /></form>
<a href="/search/?q=%E5%B8%B8%E7%86%9F">站内搜索</a></div>
<div class="nav"><a href="/">首页</a>{nav}</div>
{inner}
<div class="foot"><p>主办单位：常熟市人民政府办公室　承办单位：常熟市大数据管理局</p>
<p><a href="https://beian.miit.gov.cn/">苏ICP备10069433号-1</a>　网站标识码：3205810001</p></div>
</body>
</html>
"""

    def para_html(self, art: Article) -> str:
        out = []
        for i, p in enumerate(art.paragraphs):
            spots = art.extra.get("jam", {}).get(i)
            if not spots:
                out.append(f"<p>{esc(p, quote=False)}</p>")
                continue
            s, last = [], 0
            for pos, junk in spots:
                s.append(esc(p[last:pos], quote=False))
                s.append(f'<span style="display:none">{junk}</span>')
                last = pos
            s.append(esc(p[last:], quote=False))
            out.append("<p>" + "".join(s) + "</p>")
        return "\n".join(out)

    def render_article(self, art: Article) -> Resp:
        col = int(art.column)
        cname, parent = next((n, p) for c, n, p in CS_COLUMNS if c == col)
        inner = f"""<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col{col}/index.html">{parent}</a> &gt; <a href="/col/col{col}/index.html">{cname}</a></div>
<div class="article">
<div class="title">{esc(art.title)}</div>
<div class="info">发布日期：{art.date} 来源：{esc(art.source or '')} 字体：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</div>
<div id="zoom" class="content">
{self.para_html(art)}
</div>
<div class="qr">扫一扫在手机打开当前页</div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""
        return self.page(self.frame(f"{art.title} {cname} 常熟市人民政府", inner), lm=art.date)

    @staticmethod
    def record(a: Article) -> str:
        return f'<record><![CDATA[<li><a href="{a.path}" title="{esc(a.title)}" target="_blank">{esc(a.title)}</a><span>{a.date}</span></li>]]></record>'

    def render_col(self, col: int) -> Resp:
        arts = self.columns[col]
        cname, parent = next((n, p) for c, n, p in CS_COLUMNS if c == col)
        recs = "\n".join(self.record(a) for a in arts[:CS_PER_PAGE])
        inner = f"""<div class="position">当前位置：<a href="/">首页</a> &gt; {parent} &gt; {cname}</div>
<div class="list" id="{col}">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid={col}&unitid=4273&webname=%E5%B8%B8%E7%86%9F%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0"></a>]]></nextgroup>
<recordset>
{recs}
</recordset>
</datastore></script>
<script language="javascript">$('#{col}').jpage({{dataStore: $('#{col} script[type="text/xml"]'), perPage: {CS_PER_PAGE}, totalRecord: {len(arts)}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3}});</script>
</div>"""
        return self.page(self.frame(f"{cname} 常熟市人民政府", inner), chunked=True, lm=arts[0].date if arts else "2020-01-01")

    def dynamic(self, method, path, query):
        if path != "/module/web/jpage/dataproxy.jsp":
            return None
        try:
            col = int(query.get("columnid", ["0"])[0])
        except ValueError:
            return None
        if col not in self.columns:
            return None
        arts = self.columns[col]
        per = int(query.get("perpage", [str(CS_PER_PAGE)])[0] or CS_PER_PAGE)
        if "startrecord" in query:
            start = int(query["startrecord"][0] or 1)
            end = int(query.get("endrecord", [str(start + per - 1)])[0] or start + per - 1)
        else:
            page = int(query.get("page", ["1"])[0] or 1)
            start, end = (page - 1) * per + 1, page * per
        chunk = arts[start - 1:end]
        recs = "\n".join(self.record(a) for a in chunk)
        xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<datastore>
<totalrecord>{len(arts)}</totalrecord>
<totalpage>{-(-len(arts) // per)}</totalpage>
<recordset>
{recs}
</recordset>
</datastore>"""
        return Resp(body=xml.encode("utf-8"), ctype="text/xml;charset=UTF-8", chunked=True,
                    last_modified=chunk[0].date if chunk else "2020-01-01")

    def render_challenge(self) -> Resp:
        """A 瑞数-style anti-bot wall: ``412 Precondition Failed`` with a JavaScript cookie
        challenge that only a browser solves. Real government sites put one in front of some
        columns; an archive records the answer as it is and reports the block."""
        body = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
                'charset=utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" content="' + "q" * 64 + '">'
                '<script type="text/javascript" r="m">$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};'
                '$_ts.nsd=53821;$_ts.cd="qEqcrrAlqGW";</script>'
                '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.4bd9a2b.js" r="m">'
                '</script></head><body></body></html>')
        return Resp(status=412, body=body.encode("utf-8"), ctype="text/html",
                    headers=[("Set-Cookie", "FSSBBIl1UgzbN7N80S=abc123; Path=/; HttpOnly")])

    def render_home(self) -> Resp:
        blocks = []
        for col, name, _ in CS_COLUMNS:
            li = "".join(f'<li><a href="{a.path}" target="_blank">{esc(a.title)}</a><span>{a.date}</span></li>' for a in self.columns[col][:7])
            blocks.append(f'<div class="block"><h2><a href="/col/col{col}/index.html">{esc(name)}</a></h2><ul>{li}</ul></div>')
        if self.faults:
            blocks.append(f'<div class="block"><h2><a href="/col/col{CS_GUARDED_COL}/index.html">互动交流</a></h2></div>')
        return self.page(self.frame("常熟市人民政府", "\n".join(blocks)), lm=max((a.date for a in self.articles), default="2020-01-01"))


# ============================================================================ 武汉政协 (TRS)
WH_COLUMNS = [("dhfy", "市政协十四届三次会议", "大会发言"), ("zxyw", "政协要闻", "政协要闻"),
              ("tagz", "提案工作", "提案工作"), ("ldjh", "市政协十四届三次会议", "领导讲话")]
WH_PER_PAGE = 20


class WuhanZx(ReplicaSite):
    name = "wuhan_zx"
    real_base_url = "http://www.whzx.gov.cn/"
    server = "TRS WCM"
    city = "wuhan"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        dates = dates_back(rng, max(1, self.n - 1), dt.date(2024, 12, 22), 1.9)
        specs = [("gen", d) for d in dates] + [("seed", dt.date(2024, 1, 19))]
        specs.sort(key=lambda x: (x[1], x[0]))
        nid = 5060000 - 40 * max(1, self.n // 2) + rng.randint(0, 999)
        self.columns = {c: [] for c, _, _ in WH_COLUMNS}
        oldest = specs[: max(1, len(specs) // 2)]
        first_gen = next(i for i, sp in enumerate(specs) if sp[0] == "gen")
        for i, (kind, d) in enumerate(specs):
            nid += rng.randint(1, 40)
            arng = rng_for(self.seed, self.name, i)
            gbk = False
            if kind == "seed":
                title, date, source, paras = load_seed("seed003.txt")
                col = "dhfy"
                nid_s = 5068890
                split = [0, len(paras) // 3, 2 * len(paras) // 3, len(paras)]
                # cut pages at speech headings (a short line) near the thirds
                for k in (1, 2):
                    j = split[k]
                    while j < len(paras) - 1 and not (len(paras[j]) < 20 and len(paras[j + 1]) < 20):
                        j += 1
                    split[k] = j
                page_paras = [paras[split[k]:split[k + 1]] for k in range(3)]
                time = "10:00"
            else:
                nid_s = nid
                col = arng.choice([c for c, _, _ in WH_COLUMNS])
                title, paras, _ = gen.story(arng, "wuhan", d.year)
                title = gen.unique_title(title, arng)
                source = arng.choice(["市政协办公厅", "市政协大会秘书处", "市政协研究室", "长江日报"])
                date = d.isoformat()
                time = f"{arng.randint(8, 18):02d}:{arng.choice(['00', '10', '30', '45'])}"
                page_paras = []
                if arng.random() < 0.06 and len(paras) >= 4:
                    k = arng.choice([2, 3]) if len(paras) >= 6 else 2
                    step = len(paras) // k
                    page_paras = [paras[j * step:(j + 1) * step if j < k - 1 else len(paras)] for j in range(k)]
                # fault: older articles served as GBK with a utf-8 header
                gbk = i < len(oldest) and (arng.random() < 1 / 8 or i == first_gen)
            ym = f"{d.year}{d.month:02d}"
            stem = f"t{ym}{d.day:02d}_{nid_s}"
            path = f"/{col}/{ym}/{stem}.shtml"
            art = Article(site=self.name, path=path, title=title, date=date, time=time, source=source or None,
                          paragraphs=[p for pp in page_paras for p in pp] if page_paras else paras,
                          story_id=f"{self.name}-{nid_s}", column=col,
                          encoding="gb18030" if gbk else "utf-8", declared="utf-8",
                          extra={"gbk": gbk, "stem": stem})
            if page_paras:
                art.page_paths = [path] + [f"/{col}/{ym}/{stem}_{j}.shtml" for j in range(1, len(page_paras))]
                art.page_paras = page_paras
            self.add_article(art)
            self.columns[col].append(art)
            # old TRS-style URL (.htm without date) answers 301 to the current one
            self.redirects[f"/{col}/{ym}/t{nid_s}.htm"] = (301, path)
        for col, _, _ in WH_COLUMNS:
            arts = sorted(self.columns[col], key=lambda a: (a.date, a.path), reverse=True)
            self.columns[col] = arts
            pages = max(1, -(-len(arts) // WH_PER_PAGE))
            for p in range(pages):
                lp = f"/{col}/index.shtml" if p == 0 else f"/{col}/index_{p}.shtml"
                self.routes[lp] = lambda col=col, p=p, pages=pages: self.render_list(col, p, pages)
        self.routes["/"] = self.render_home
        self.routes["/index.shtml"] = self.render_home
        if self.faults and self.articles:
            self.fault_503.add(self.articles[len(self.articles) // 3].page_paths[0] if self.articles[len(self.articles) // 3].page_paths else self.articles[len(self.articles) // 3].path)

    def frame(self, title: str, inner: str, meta_charset: str = "utf-8") -> str:
        nav = "".join(f'<li><a href="/{c}/">{esc(n)}</a></li>' for c, _, n in WH_COLUMNS)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="{meta_charset}">
<title>{esc(title)}</title>
<meta name="SiteName" content="武汉政协">
<meta name="SiteDomain" content="www.whzx.gov.cn">
<script src="/images/trs_page.js"></script>
</head>
<body>
<div class="head"><img src="/images/whzx_logo.png" alt="武汉政协"><form action="/search/" method="get"><input name="q"><input type="submit" value="检索"></form>
<a href="/search/?q=%E6%8F%90%E6%A1%88">全文检索</a></div>
<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>
{inner}
<div class="footer">政协武汉市委员会办公厅主办 版权所有 鄂ICP备05003304号 地址：武汉市江岸区沿江大道188号</div>
</body>
</html>
"""

    def render_article_page(self, art: Article, i: int) -> Resp:
        return self._render(art, i)

    def render_article(self, art: Article) -> Resp:
        return self._render(art, 0)

    def _render(self, art: Article, i: int) -> Resp:
        parent, cname = next((p, n) for c, p, n in WH_COLUMNS if c == art.column)
        paras = art.page_paras[i] if art.page_paras else art.paragraphs
        pager = ""
        if art.page_paras:
            pager = (f'<div class="page"><script>createPageHTML({len(art.page_paras)}, {i}, "{art.extra["stem"]}", "shtml");</script></div>')
        inner = f"""<div class="position"><a href="/">武汉政协</a> &gt; <a href="/{art.column}/">{esc(parent)}</a> &gt; <a href="/{art.column}/">{esc(cname)}</a></div>
<div class="article">
<h2 class="title">{esc(art.title)}</h2>
<div class="info">信息来源:{esc(art.source or '')}&nbsp;&nbsp;发布时间:{art.date} {art.time}&nbsp;&nbsp;【字体: <a href="javascript:setFont(18)">大</a> <a href="javascript:setFont(16)">中</a> <a href="javascript:setFont(14)">小</a>】</div>
<div class="TRS_Editor">
{paras_html(paras)}
</div>
{pager}
</div>"""
        if art.extra.get("gbk"):
            return self.page(self.frame(f"{art.title}-武汉政协", inner, "gbk"), codec="gbk", lm=art.date)
        return self.page(self.frame(f"{art.title}-武汉政协", inner), lm=art.date)

    def render_list(self, col: str, p: int, pages: int) -> Resp:
        parent, cname = next((pp, n) for c, pp, n in WH_COLUMNS if c == col)
        arts = self.columns[col][p * WH_PER_PAGE:(p + 1) * WH_PER_PAGE]
        li = []
        for a in arts:
            href = a.path
            # about one list link in ten still uses the old .htm form (answered with 301)
            if rng_for(self.seed, "whold", a.path).random() < 0.1:
                href = "/" + a.column + "/" + a.path.split("/")[2] + "/t" + a.story_id.rsplit("-", 1)[1] + ".htm"
            li.append(f'<li><a href="{href}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a><span>{a.date}</span></li>')
        inner = f"""<div class="position"><a href="/">武汉政协</a> &gt; {esc(parent)} &gt; {esc(cname)}</div>
<ul class="list">
{chr(10).join(li)}
</ul>
<div class="page"><script>createPageHTML({pages}, {p}, "index", "shtml");</script></div>"""
        return self.page(self.frame(f"{cname}-武汉政协", inner), chunked=True, lm=arts[0].date if arts else "2020-01-01")

    def dynamic(self, method, path, query):
        return None

    def render_home(self) -> Resp:
        blocks = []
        for col, _, name in WH_COLUMNS:
            li = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.columns[col][:6])
            blocks.append(f'<div class="block"><h3><a href="/{col}/">{esc(name)}</a></h3><ul>{li}</ul></div>')
        return self.page(self.frame("武汉政协", "\n".join(blocks)), lm=max((a.date for a in self.articles), default="2020-01-01"))

    def get(self, method, path, qs, post=b""):
        # /{col}/ serves the column index like TRS does
        for col, _, _ in WH_COLUMNS:
            if path == f"/{col}/":
                path = f"/{col}/index.shtml"
        return super().get(method, path, qs, post)


# ============================================================================ 江阴政协
JY_COLUMNS = [("gzdt", "工作动态", "工作动态"), ("tagz", "提案工作", "提案工作")]
JY_PER_PAGE = 20


class JiangyinZx(ReplicaSite):
    name = "jiangyin_zx"
    real_base_url = "http://zx.jiangyin.gov.cn/"
    server = "nginx/1.20.1"
    city = "jiangyin"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        reprints = self.replica.reprint_sources(self.name, rng)
        dates = dates_back(rng, max(1, self.n - 1 - len(reprints)), dt.date(2024, 12, 19), 1.7)
        specs = [("gen", d, None) for d in dates] + [("seed", dt.date(2024, 10, 18), None)]
        for src in reprints:
            specs.append(("reprint", dt.date.fromisoformat(src.date) + dt.timedelta(days=rng.randint(1, 4)), src))
        specs.sort(key=lambda x: (x[1], x[0]))
        nid = 860000 + rng.randint(0, 9999)
        self.columns = {c: [] for c, _, _ in JY_COLUMNS}
        for i, (kind, d, src) in enumerate(specs):
            nid += rng.randint(1, 60)
            arng = rng_for(self.seed, self.name, i)
            reprint_of = None
            if kind == "seed":
                title, date, source, paras = load_seed("seed004.txt")
                col = "gzdt"
                n_s = 1264158
            else:
                n_s = nid
                col = arng.choice(["gzdt", "gzdt", "tagz"])
                date = d.isoformat()
                if kind == "reprint":
                    title, paras = src.title, self.replica.edit_reprint(list(src.paragraphs), arng, self.city)
                    source = "常州市政协"
                    reprint_of = src.story_id
                else:
                    title, paras, _ = gen.story(arng, "jiangyin", d.year)
                    title = gen.unique_title(title, arng)
                    source = arng.choice(["", "", "", "市政协办公室", "江阴日报"])
            path = f"/doc/{d.year}/{d.month:02d}/{d.day:02d}/{n_s}.shtml"
            art = Article(site=self.name, path=path, title=title, date=date, source=source or None, paragraphs=paras,
                          story_id=f"{self.name}-{n_s}", column=col, kind="reprint" if reprint_of else "official",
                          reprint_of=reprint_of)
            self.add_article(art)
            self.columns[col].append(art)
        for col, _, _ in JY_COLUMNS:
            arts = sorted(self.columns[col], key=lambda a: (a.date, a.path), reverse=True)
            self.columns[col] = arts
            pages = max(1, -(-len(arts) // JY_PER_PAGE))
            self.routes[f"/{col}/index.shtml"] = lambda col=col, pages=pages: self.render_list(col, 1, pages)
            for p in range(2, pages + 1):
                self.routes[f"/{col}/index_{p}.shtml"] = lambda col=col, p=p, pages=pages: self.render_list(col, p, pages)
        self.routes["/"] = self.render_home
        self.routes["/index.shtml"] = self.render_home
        if self.faults and self.articles:
            self.fault_503.add(self.articles[len(self.articles) // 4].path)

    def frame(self, title: str, inner: str) -> str:
        nav = "".join(f'<li><a href="/{c}/index.shtml">{esc(n)}</a></li>' for c, n, _ in JY_COLUMNS)
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
</head>
<body>
<div class="header"><img src="/images/jyzx_banner.jpg" alt="政协江阴市委员会"><form action="/search/"><input name="q"></form><a href="/search/?q=%E6%8F%90%E6%A1%88">搜索</a></div>
<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>
{inner}
<div class="footer">版权所有：政协江阴市委员会 地址：江阴市澄江中路 苏ICP备11076577号</div>
</body>
</html>
"""

    def damaged(self, art: Article) -> tuple[int, str, str] | None:
        """(paragraph index, clean clause, the mojibake shown instead) or None.

        A fault of real sites: text pasted into the CMS from a system that had read UTF-8 as
        GBK (``鍙戝竷鏃ユ湡`` for 发布日期). About one official article in eight carries one
        such clause; the truth keeps the clean text, so the crawl must repair it. Only
        clauses whose mis-decoding lost no byte are used (the repair can be exact)."""
        if not self.faults or art.kind != "official":
            return None
        if int(hashlib.md5(art.path.encode()).hexdigest(), 16) % 8:
            return None
        from crawler.encoding.corrupt import utf8_as_gbk

        for i, para in enumerate(art.paragraphs):
            for clause in re.findall(r"[\u4e00-\u9fff]{8,}", para):
                text, lossless = utf8_as_gbk(clause)
                if lossless:
                    return i, clause, text
        return None

    def render_article(self, art: Article) -> Resp:
        cname, sub = next((n, s) for c, n, s in JY_COLUMNS if c == art.column)
        paragraphs = list(art.paragraphs)
        bad = self.damaged(art)
        if bad is not None:
            i, clause, shown = bad
            paragraphs[i] = paragraphs[i].replace(clause, shown, 1)
        inner = f"""<div class="dqwz">当前位置:<a href="/">首页</a> &gt; <a href="/{art.column}/index.shtml">{cname}</a> &gt; <a href="/{art.column}/index.shtml">{sub}</a></div>
<div class="article">
<h1>{esc(art.title)}</h1>
<div class="info">发布日期:{art.date} 来源:{esc(art.source or '')}</div>
<div class="content">
{paras_html(paragraphs)}
</div>
<div class="tools">【<a href="javascript:window.print()">打印</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>"""
        return self.page(self.frame(f"{art.title}-江阴政协", inner), lm=art.date)

    def render_list(self, col: str, p: int, pages: int) -> Resp:
        cname, sub = next((n, s) for c, n, s in JY_COLUMNS if c == col)
        arts = self.columns[col][(p - 1) * JY_PER_PAGE:p * JY_PER_PAGE]
        li = "\n".join(f'<li><a href="{a.path}" target="_blank">{esc(a.title)}</a><span>{a.date}</span></li>' for a in arts)
        # like the real site, every page links all page numbers as index_N.shtml (index_1 is a 404)
        nums = " ".join(f'<a href="/{col}/index_{k}.shtml">{k}</a>' for k in range(1, pages + 1))
        inner = f"""<div class="dqwz">当前位置:<a href="/">首页</a> &gt; {cname} &gt; {sub}</div>
<ul class="list">
{li}
</ul>
<div class="page"><a href="/{col}/index.shtml">首页</a> {nums} 共{pages}页</div>"""
        return self.page(self.frame(f"{sub}-江阴政协", inner), chunked=True, lm=arts[0].date if arts else "2020-01-01")

    def render_home(self) -> Resp:
        blocks = []
        for col, name, _ in JY_COLUMNS:
            li = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in self.columns[col][:8])
            blocks.append(f'<div class="block"><h3><a href="/{col}/index.shtml">{esc(name)}</a></h3><ul>{li}</ul></div>')
        return self.page(self.frame("江阴政协", "\n".join(blocks)), lm=max((a.date for a in self.articles), default="2020-01-01"))
