"""香港政府新聞公報 (Big5-HKSCS labelled big5) and a spam mirror of the Changzhou sites."""
from __future__ import annotations

import datetime as dt

from .base import ReplicaSite
from .common import DATA, dates_back, esc, paras_html, rng_for, safe
from .model import Article, Resp
from .textgen import _g, compile_template  # noqa: F401 - _g is used by the compiled templates

# ============================================================================ 香港 GIA
WEEKDAYS = "一二三四五六日"
BUREAUS = ["運輸及物流局", "發展局", "房屋局", "醫務衞生局", "教育局", "保安局", "勞工及福利局", "環境及生態局",
           "創新科技及工業局", "文化體育及旅遊局", "財經事務及庫務局", "民政及青年事務局", "商務及經濟發展局", "公務員事務局"]
DEPTS = ["衞生署", "食物環境衞生署", "康樂及文化事務署", "運輸署", "路政署", "渠務署", "水務署", "消防處", "香港警務處",
         "社會福利署", "勞工處", "地政總署", "規劃署", "屋宇署", "香港天文台", "漁農自然護理署", "機電工程署", "入境事務處"]
HK_TOPICS = ["公共屋邨維修", "長者醫療券", "道路改善工程", "海濱長廊發展", "防蚊滅鼠", "食物安全", "公共交通票價優惠",
             "青年宿舍計劃", "學校網絡保安", "樓宇安全檢查", "山泥傾瀉預防", "冬季流感疫苗接種", "旅遊推廣活動", "文化節目",
             "社區體育設施", "過渡性房屋", "電動車充電設施", "斜坡維修", "污水處理設施", "綠化工程", "人才引進計劃",
             "中小企資助", "創科基建", "智慧燈柱", "公共圖書館服務", "大型體育盛事", "濕地保育", "空氣質素監測"]
HK_VERBS = ["推展", "加強", "檢討", "落實", "優化", "擴展", "推行"]
CASES = ["食物中毒個案", "違例泊車檢控", "噪音投訴", "非法擴建舉報", "登革熱本地個案", "火警召喚", "工業意外"]
CANTONESE = [
    "我哋喺{d}已經做咗好多準備工夫",
    "呢個安排啱晒大部分市民嘅需要",
    "大家唔使擔心，有乜嘢問題可以揾我哋",
    "佢哋嚟緊會喺{d}加派人手",
    "市民噚日已經可以喺網上登記",
    "啲居民反映嘅意見我哋會認真考慮",
    "我哋唔會嘥任何資源",
    "做咗咁耐，同事都好攰，但係值得",
    "請大家早啲瞓，留意天文台嘅最新消息",
]
HKSCS_ONLY = []
for _c in "喺嘅啱嘢咗嚟瞓揾攰啲嘥噚":
    try:
        _c.encode("big5hkscs")
        try:
            _c.encode("cp950")
        except UnicodeEncodeError:
            HKSCS_ONLY.append(_c)
    except UnicodeEncodeError:
        pass

HK_TEMPLATES = [
    "政府發言人今日表示，{bureau}會{verb}{topic}工作，{period}已處理相關個案{n}宗。",
    "{bureau}局長{name}今日出席{event}時表示，政府會繼續{verb}{topic}，並於{year}年內推出{n2}項新措施。",
    "{dept}呼籲市民留意{topic}的最新安排，如有查詢，可致電{phone}與該署聯絡。",
    "截至{m}月{d}日，{district}共錄得{n}宗{case}，較去年同期{updown}{pct}%。",
    "{dept}發言人說，{topic}涉及款項約{money}億元，預計可於{year}年第{q}季完成，受惠市民約{n3}萬人。",
    "立法會{panel}委員會今日討論{topic}，{n2}名議員就{verb}措施提出意見，政府代表逐一回應。",
    "{dept}今日在{district}進行{topic}巡查，共巡查{n}個地點，發現{n2}宗違規情況並已即時跟進。",
    "有關{topic}的公眾諮詢將於{m}月{d}日展開，為期{n2}日，市民可透過郵寄、傳真或電郵提交意見。",
]
class _HkCtx:
    __slots__ = ("names", "year")

    def __init__(self, names, year):
        self.names, self.year = names, year


def _hk_pick(name: str, seq) -> str:
    return f"{name}[int(r() * {len(seq)})]"


HK_DISTRICTS = ["中西區", "灣仔區", "東區", "南區", "油尖旺區", "深水埗區", "九龍城區", "黃大仙區", "觀塘區", "葵青區",
                "荃灣區", "屯門區", "元朗區", "北區", "大埔區", "沙田區", "西貢區", "離島區", "北部都會區", "啟德"]
HK_SURNAMES = "陳李張黃何林吳劉蔡楊梁鄭謝郭曾羅葉潘麥馮鍾周"
HK_GIVEN = "志偉家明嘉欣詠詩俊傑淑儀國強美玲子健慧敏浩然穎芝"


_HK_EXPR = {
    "bureau": _hk_pick("BUREAUS", BUREAUS), "dept": _hk_pick("DEPTS", DEPTS), "topic": _hk_pick("HK_TOPICS", HK_TOPICS),
    "verb": _hk_pick("HK_VERBS", HK_VERBS), "period": _hk_pick("_PERIODS", ["今年首季", "過去一年", "上半年", "本月", "近五年"]),
    "n": "str(3 + int(r() * 978))", "n2": "str(2 + int(r() * 39))", "n3": "str(2 + int(r() * 89))",
    "name": "c.names[int(r() * len(c.names))]", "event": _hk_pick("_EVENTS", [0] * 5),
    "year": "str(c.year + int(r() * 2))",
    "phone": '("2" if r() < 0.5 else "3") + str(100 + int(r() * 900)) + " " + str(1000 + int(r() * 9000))',
    "m": "str(1 + int(r() * 12))", "d": "str(1 + int(r() * 28))", "district": _hk_pick("HK_DISTRICTS", HK_DISTRICTS),
    "case": _hk_pick("CASES", CASES), "updown": '("上升" if r() < 0.5 else "下降")',
    "pct": "_g(5 + int(r() * 596))", "money": "_g(5 + int(r() * 1996))", "q": "str(1 + int(r() * 4))",
    "panel": _hk_pick("_PANELS", [0] * 5),
}
_PERIODS = ["今年首季", "過去一年", "上半年", "本月", "近五年"]
_EVENTS = ["地區活動", "論壇", "記者會", "開幕典禮", "電台節目"]
_PANELS = ["交通事務", "發展事務", "衞生事務", "房屋事務", "教育事務"]
_HK_COMPILED = [compile_template(t, _HK_EXPR, globals()) for t in HK_TEMPLATES]


class HkGia(ReplicaSite):
    name = "hk_gia"
    real_base_url = "https://www.info.gov.hk/gia/"
    codec = "big5hkscs"
    truth_encoding = "big5hkscs"
    declared = "big5"
    http_charset = "big5"
    meta_charset = "big5"
    server = "Apache"
    city = "hongkong"

    def _sentence(self, rng, names, year) -> str:
        gen = self.replica.gen
        r = rng.random
        c = _HkCtx(names, year)
        n = len(_HK_COMPILED)
        s = ""
        for _ in range(20):
            i = int(r() * n)
            if i == getattr(self, "_last", -1):     # no template twice in a row
                i = (i + 1 + int(r() * (n - 1))) % n
            self._last = i
            s = _HK_COMPILED[i](r, c)
            if s not in gen.used:
                gen.used.add(s)
                return s
        return s

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        gen = self.replica.gen
        dates = dates_back(rng, self.n, dt.date(2024, 12, 20), 0.35)
        self.days: dict[dt.date, list[Article]] = {}
        seq = {}
        for i, d in enumerate(dates):
            arng = rng_for(self.seed, self.name, i)
            names = [rng.choice(HK_SURNAMES) + "".join(arng.sample(HK_GIVEN, 2)) for _ in range(2)]
            title = arng.choice(["{b}公布{t}最新情況", "政府{v}{t}", "{dp}提醒市民注意{t}", "{t}諮詢展開",
                                 "立法會討論{t}", "{dp}{v}{t}"]).format(
                b=arng.choice(BUREAUS), t=arng.choice(HK_TOPICS), v=arng.choice(HK_VERBS), dp=arng.choice(DEPTS))
            title = gen.unique_title(title, arng)
            paras = []
            npara = arng.randint(3, 8)
            quote_at = arng.randrange(npara)
            total = 0
            k = 0
            while k < npara or total < 300:
                p = "".join(self._sentence(arng, names, d.year) for _ in range(arng.randint(1, 3)))
                if k == quote_at:
                    for _ in range(30):
                        q = arng.choice(CANTONESE).format(d=arng.choice(HK_DISTRICTS))
                        who = arng.choice([names[0], f"{arng.choice(DEPTS)}發言人", f"{arng.choice(BUREAUS)}局長{names[0]}"])
                        quote = f"{who}說：「{q}。」"
                        if quote not in gen.used:
                            break
                    gen.used.add(quote)
                    p += quote
                paras.append(safe(p, "big5hkscs"))
                total += len(p)
                k += 1
            seq[d] = seq.get(d, 0) + arng.randint(1, 60)
            nn = 100 + seq[d]
            ymd = f"{d.year}{d.month:02d}{d.day:02d}"
            path = f"/gia/general/{d.year}{d.month:02d}/{d.day:02d}/P{ymd}{nn:05d}.htm"
            hh, mm = arng.randint(9, 23), arng.choice([0, 5, 15, 20, 30, 45, 50])
            art = Article(site=self.name, path=path, title=safe(title, "big5hkscs"), date=d.isoformat(),
                          time=f"{hh:02d}:{mm:02d}", source=None, paragraphs=paras, story_id=f"{self.name}-P{ymd}{nn:05d}",
                          encoding="big5hkscs", declared="big5")
            self.add_article(art)
            self.days.setdefault(d, []).append(art)
        for d, arts in self.days.items():
            self.routes[f"/gia/general/{d.year}{d.month:02d}/{d.day:02d}c.htm"] = lambda d=d: self.render_day(d)
        self.routes["/gia/general/todayc.htm"] = self.render_today
        self.redirects["/"] = (302, "/gia/general/todayc.htm")
        self.redirects["/gia/"] = (302, "/gia/general/todayc.htm")
        if self.faults and self.articles:
            self.fault_503.add(self.articles[len(self.articles) // 2].path)

    def frame(self, title: str, inner: str) -> str:
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="zh-HK">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=big5">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/gia/css/gia.css">
</head>
<body>
<div id="header"><img src="/gia/images/gia_banner.gif" alt="香港特別行政區政府 新聞公報"><span class="headertitle">新聞公報</span>
<a href="/search/?q=%B7s%BBD">搜尋</a></div>
{inner}
<div id="footer">2024 | 重要告示 | 私隱政策 | 香港特別行政區政府新聞處 版權所有</div>
</body>
</html>
"""

    def not_found(self, path: str) -> Resp:
        inner = f"""<div id="contentBody"><h2>404 - 找不到網頁</h2><p>對不起，你要求的網頁 {esc(path)} 並不存在。</p>
<p>Sorry, the page you requested cannot be found.</p><p><a href="/gia/general/todayc.htm">返回新聞公報</a></p></div>"""
        return self.page(self.frame("找不到網頁", inner), status=404, lm="2020-01-01")

    def render_article(self, art: Article) -> Resp:
        d = dt.date.fromisoformat(art.date)
        hh, mm = art.time.split(":")
        body = "<br><br>\n".join("　　" + esc(p, quote=False) for p in art.paragraphs)
        inner = f"""<div id="contentBody">
<h1 id="PRHeadlineSpan" class="fontSize2">{esc(art.title)}</h1>
<span id="pressrelease" class="fontSize1">
{body}<br><br>
完<br>
</span>
<div class="mB15 f15">{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）<br>香港時間{int(hh)}時{mm}分</div>
<div class="back"><a href="/gia/general/{d.year}{d.month:02d}/{d.day:02d}c.htm">返回</a> | <a href="/gia/general/todayc.htm">新聞公報</a></div>
</div>"""
        return self.page(self.frame(art.title, inner), lm=f"{art.date} {art.time}")

    def render_day(self, d: dt.date) -> Resp:
        arts = sorted(self.days[d], key=lambda a: (a.time, a.path))
        li = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a> <span class="time">{a.time}</span></li>' for a in arts)
        inner = f"""<div id="contentBody"><h2>新聞公報 {d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）</h2>
<ul class="prlist">
{li}
</ul><p><a href="/gia/general/todayc.htm">今日新聞</a></p></div>"""
        return self.page(self.frame(f"新聞公報 {d.isoformat()}", inner), chunked=True, lm=f"{arts[-1].date} {arts[-1].time}")

    def render_today(self) -> Resp:
        days = sorted(self.days, reverse=True)
        latest = days[0]
        li = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in sorted(self.days[latest], key=lambda a: a.time))
        cal = "\n".join(f'<a href="/gia/general/{d.year}{d.month:02d}/{d.day:02d}c.htm">{d.year}年{d.month}月{d.day}日</a>' for d in days)
        inner = f"""<div id="contentBody"><h2>今日新聞公報</h2><ul class="prlist">{li}</ul>
<div class="archive"><h3>新聞公報檔案</h3>
{cal}
</div></div>"""
        return self.page(self.frame("新聞公報 - 今日新聞", inner), chunked=True, lm=latest.isoformat())


# ============================================================================ spam mirror
JUNK_TAGS = ["b", "dl", "thead", "cite", "meter", "var", "em", "address", "tt", "strike", "rp", "sub"]
SPAM = ["国产精品综合一区二区", "国产在线精品一区二区不卡顿", "亚洲中文制服丝袜欧美精品", "人碰超碰免费",
        "久久综合中文无码", "国内中文字字幕在线中文无码", "常州厂房出租", "常州厂房出售", "武进标准厂房", "新北区仓库出租"]
MIRROR_PER_PAGE = 30


def _pinyin_table() -> dict:
    table = {}
    p = DATA / "pinyin_annot.tsv"
    if p.exists():
        for line in p.read_text("utf-8").splitlines():
            if "\t" in line:
                c, py = line.split("\t", 1)
                table[c] = py
    return table


class Mirror(ReplicaSite):
    name = "mirror"
    real_base_url = "http://www.czfc-mirror.example/"
    server = "nginx"
    city = "changzhou"
    robots = "User-agent: *\nAllow: /\n"

    def build(self) -> None:
        rng = rng_for(self.seed, self.name)
        zx = self.replica.sites.get("changzhou_zx")
        gov = self.replica.sites.get("changzhou_gov")
        srcs = []
        k = max(3, self.n // 8)
        if zx is not None:
            srcs += [("zx", a) for a in rng.sample(zx.articles, min(k, len(zx.articles)))]
        if gov is not None:
            seed_art = [a for a in gov.articles if a.column == "gzbg"]
            pool = [a for a in gov.articles if a.column != "gzbg" and not a.attachments]
            srcs += [("gov", a) for a in seed_art + rng.sample(pool, min(k, len(pool)))]
        self.table = _pinyin_table()
        from opencc import OpenCC
        self._s2t = OpenCC("s2t")
        for i, (kind, src) in enumerate(srcs):
            arng = rng_for(self.seed, self.name, i)
            if kind == "zx":
                path = "/zx" + src.path
            else:
                path = f"/ns_news/{arng.randint(10**14, 10**15 - 1)}"
            trad = src.column == "gzbg" or arng.random() < 0.35
            # the copy does not print the original's source: its truth source is None
            art = Article(site=self.name, path=path, title=src.title, date=src.date, source=None,
                          paragraphs=list(src.paragraphs), story_id=src.story_id, kind="mirror",
                          extra={"trad": trad, "junk": arng.randint(0, 10**6), "orig": src.path})
            # the body a cleaned mirror copy reduces to: the official body
            self.add_article(art)
        self.articles.sort(key=lambda a: (a.date, a.path))
        pages = max(1, -(-len(self.articles) // MIRROR_PER_PAGE))
        self.routes["/"] = lambda: self.render_index(1, pages)
        for p in range(2, pages + 1):
            self.routes[f"/list_{p}.html"] = lambda p=p: self.render_index(p, pages)

    def annotate(self, text: str) -> str:
        t = self._s2t.convert(text)
        return "".join(c + f"({self.table[c]})" if c in self.table else c for c in t)

    def junk(self, seed: int) -> str:
        import random

        r = random.Random(seed)
        ident = "".join(r.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(5))
        tags = []
        for _ in range(r.randint(4, 7)):
            a, b = r.sample(JUNK_TAGS, 2)
            tags.append(f'<{a} id="{ident}"><{b} id="{ident}"></{b}></{a}>' if r.random() < 0.5 else f'<{a} id="{ident}"></{a}>')
        return "\n".join(tags)

    def render_article(self, art: Article) -> Resp:
        conv = self.annotate if art.extra["trad"] else (lambda s: s)
        junk = self.junk(art.extra["junk"])
        import random

        r = random.Random(art.extra["junk"])
        spam = "，".join(r.sample(SPAM, 6))
        body = paras_html([conv(p) for p in art.paragraphs])
        html_text = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(conv(art.title))}-常州厂房网</title>
<meta name="keywords" content="{esc(spam)}"></head>
<body>
{junk}
<div class="nav"><a href="/">首页</a> &gt; <a href="/">新闻资讯</a></div>
<div class="art">
<h1>{esc(conv(art.title))}</h1>
<div class="info">{conv('发布日期')}: {art.date}   {conv('字号')}:〖<a href="javascript:;">{conv('默认')}</a>〗</div>
<div class="content">
{body}
</div>
<div class="qr">{conv('扫一扫在手机打开当前页')}</div>
<div class="copyright">版权声明:本文由常州厂房网发布,如需转载请注明出处。部份内容收集于网络,如有不妥之处请联系我们删除</div>
</div>
<div class="seo">{esc(spam)}</div>
{junk}
</body></html>
"""
        return self.page(html_text, lm=art.date)

    def render_index(self, p: int, pages: int) -> Resp:
        arts = sorted(self.articles, key=lambda a: (a.date, a.path), reverse=True)[(p - 1) * MIRROR_PER_PAGE:p * MIRROR_PER_PAGE]
        li = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a> {a.date}</li>' for a in arts)
        nav = " ".join(f'<a href="{"/" if k == 1 else f"/list_{k}.html"}">{k}</a>' for k in range(1, pages + 1))
        html_text = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>常州厂房网-新闻资讯</title></head>
<body>{self.junk(p)}<ul>
{li}
</ul><div class="pages">{nav}</div><div class="seo">{"，".join(SPAM)}</div></body></html>"""
        return self.page(html_text, chunked=True, lm=arts[0].date if arts else "2020-01-01")
