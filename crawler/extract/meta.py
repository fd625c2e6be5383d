"""Metadata of Chinese government article pages.

Order of evidence (first usable wins):

1. the 《政府网站发展指引》 meta tags (``ArticleTitle``, ``PubDate``, ``ContentSource``,
   ``ColumnName``, ``SiteName``, ``SiteIDCode``, ``Keywords``, ``Author``);
2. visible labelled fields near the headline (发布日期 / 发布时间 / 来源 / 信息来源 / 作者 ...),
   in the many formats CMS templates print them;
3. other meta tags (``publishdate``, ``source``, Open Graph) and trafilatura/htmldate;
4. the URL (``/2024/10/18/``, ``t20240119_``, ``/202301/``) for the date.
"""
from __future__ import annotations

import re

from .render import element_lines, element_text, norm_ws
from .urls import safe_split

GOV_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription",
            "ColumnKeywords", "ColumnType", "ArticleTitle", "PubDate", "ContentSource",
            "Keywords", "Author", "Description", "Image", "Url")
OTHER_META = ("publishdate", "pubdate", "publish_date", "publishtime", "source", "author",
              "keywords", "description", "og:title", "og:url", "og:site_name",
              "article:published_time", "og:release_date", "dc.date", "dc.title",
              "dcterms.created", "firstpublishedtime", "contentid", "filetype", "catalogs",
              "subject", "apple-mobile-web-app-title")
_GOV_LC = {k.lower(): k for k in GOV_META}

# ---------------------------------------------------------------- dates
_D = r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.年])\s*(?P<m>[01]?\d)\s*(?:[-/.月])\s*(?P<d>[0-3]?\d)\s*日?"
_T = r"(?:\s*(?P<H>[0-2]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)(?:\s*[:：分]\s*(?P<S>[0-5]\d)\s*秒?)?(?:分)?)?"
DATE_RE = re.compile(_D + _T)
DATE_LABEL_RE = re.compile(
    r"(?P<label>发\s*布\s*日\s*期|发\s*布\s*时\s*间|发表日期|发表时间|发稿时间|公开日期|发布于|"
    r"更新时间|更新日期|录入时间|添加时间|上传时间|时\s*间|日\s*期)\s*[:：]?\s*[\[【（(]?\s*" + _D + _T)


_WEEKDAY_DATELINE_RE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*"
                                  r"[（(]\s*(?:星期|礼拜|禮拜|周)[一二三四五六日天]\s*[)）]")
_CLOCK_RE = re.compile(r"^\s*\S{0,4}[時时]間\s*(\d{1,2})\s*[時时:：]\s*(\d{1,2})\s*分?")


def _mk_date(m) -> tuple[str | None, str | None]:
    try:
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    except (TypeError, ValueError):
        return None, None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100):
        return None, None
    date = f"{y:04d}-{mo:02d}-{d:02d}"
    tm = None
    g = m.groupdict()
    H, M, S = g.get("H"), g.get("M"), g.get("S")
    if H and M and int(H) < 24:
        tm = f"{date} {int(H):02d}:{int(M):02d}"
        if S:
            tm += f":{int(S):02d}"
    return date, tm


def parse_date(s: str | None) -> tuple[str | None, str | None]:
    """Parse the first date (and time) in ``s`` -> (YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]')."""
    if not s:
        return None, None
    m = DATE_RE.search(s)
    if not m:
        return None, None
    return _mk_date(m)


_URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d\d)[-/_]?([01]\d)[-/_]?([0-3]\d)/"),
    re.compile(r"[/_]t((?:19|20)\d\d)([01]\d)([0-3]\d)_"),
    re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)\d*/"),
    re.compile(r"/((?:19|20)\d\d)-([01]\d)/([0-3]\d)/"),
)


def date_from_url(url: str) -> str | None:
    path = safe_split(url).path
    for rx in _URL_DATE_RES:
        m = rx.search(path)
        if m:
            y, mo, d = map(int, m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


# ---------------------------------------------------------------- meta tags
def read_meta(root) -> dict:
    """Government meta tags (canonical spelling) plus a few common ones (lower case)."""
    out: dict = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip()
        if not name:
            continue
        content = m.get("content")
        if content is None:
            continue
        content = norm_ws(content)
        lc = name.lower()
        key = _GOV_LC.get(lc)
        if key is None:
            if lc not in OTHER_META:
                continue
            key = lc
        if key not in out or (not out[key] and content):
            out[key] = content
    return out


# ---------------------------------------------------------------- visible fields
_STOP = (r"(?=\s{2,}|\s*(?:来源|信息来源|文章来源|稿件来源|作者|发布日期|发布时间|发表时间|发布者|时间|日期|"
         r"浏览次数|浏览量|阅读次数|点击数|点击量|访问量|阅读量|字号|字体|责任编辑|编辑|打印|分享|"
         r"【|〖|\[|\||丨|│|\t|参与互动|(?:19|20)\d\d\s*[-/.年]|$))")
SOURCE_RE = re.compile(r"(?:信息来源|文章来源|稿件来源|新闻来源|来\s*源|出处)\s*[:：]\s*(?P<v>[^\s|丨│【〖\[]*?)" + _STOP.replace("(?=", "(?=\\s|", 1))
AUTHOR_RE = re.compile(r"(?:作\s*者|撰\s*稿|撰稿人|发布者|记者)\s*[:：]\s*(?P<v>[^\t|丨│【〖\[]*?)" + _STOP)
VIEWS_RE = re.compile(r"(?:浏览次数|浏览量|阅读次数|点击数|点击量|访问量|阅读量|点击率|浏览)\s*[:：]\s*(?P<v>\d*)")


def _clean_value(v: str | None) -> str | None:
    if v is None:
        return None
    v = norm_ws(v).strip(" :：,，;；")
    v = re.sub(r"^(?:来源|来\s*源)\s*[:：]\s*", "", v)
    return v or None


# ---------------------------------------------------------------- breadcrumb
BREADCRUMB_LABEL_RE = re.compile(
    r"^\s*(?:您现在的位置|你现在的位置|您当前的位置|你当前的位置|您所在的位置|你所在的位置|您的位置|你的位置|当前位置|现在位置|"
    r"所在位置|当前的位置|位置)\s*[:：是]?\s*")
_CRUMB_HINT_RE = re.compile(r"crumb|position|location|dqwz|weizhi|curpos|current|guide|lujing|"
                            r"path|nav_?bar|mianbao|daohang|bread", re.I)
_CRUMB_SEP_RE = re.compile(r"[>›»→＞/]|&gt;")


def find_breadcrumb(root):
    """Return (breadcrumb text, element) or (None, None)."""
    best = None
    for el in root.iter("div", "p", "span", "td", "li", "ul", "nav", "section", "ol", "dd", "h2", "h3"):
        t = element_text(el)
        if not t or len(t) > 200:
            continue
        if BREADCRUMB_LABEL_RE.match(t) and _CRUMB_SEP_RE.search(t):
            # the smallest element holding the whole crumb wins
            if best is None or len(t) <= len(best[0]):
                best = (t, el)
    if best is None:
        for el in root.iter("div", "p", "span", "td", "ul", "ol", "nav"):
            ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
            if not ident or not _CRUMB_HINT_RE.search(ident):
                continue
            t = element_text(el)
            if 2 <= len(t) <= 200 and len(_CRUMB_SEP_RE.findall(t)) >= 1 and len(el.findall(".//a")) >= 1:
                best = (t, el)
                break
    if best is None:
        return None, None
    text, el = best
    text = BREADCRUMB_LABEL_RE.sub("", text)
    text = norm_ws(text.replace("&gt;", ">"))
    return (text or None), el


# ---------------------------------------------------------------- disclosure table
DISCLOSURE_LABELS = (
    "信息名称", "名称", "标题", "索引号", "信息索引号", "主题分类", "体裁分类", "组配分类", "服务对象分类",
    "发文机关", "发布机构", "发布机关", "成文日期", "产生日期", "生成日期", "发文字号", "文件编号", "文号",
    "发布日期", "公开日期", "公开方式", "公开范围", "公开时限", "公开形式", "公开程序", "有效期",
    "废止日期", "效力状况", "有效性", "文件有效性", "关键词", "主题词", "内容概述", "体裁", "主题(一级)",
    "主题(二级)", "主题（一级）", "主题（二级）", "所属主题", "信息分类", "分类", "公文种类", "公开类别",
    "实施日期", "发布单位", "责任部门", "来源", "发布时间", "成文时间",
)
_STRONG_LABELS = {"索引号", "信息索引号", "主题分类", "体裁分类", "组配分类", "发文机关", "成文日期",
                  "产生日期", "生成日期", "发文字号", "文件编号", "文号", "公开方式", "公开范围", "效力状况",
                  "有效性", "文件有效性", "公文种类", "发布机构"}
CANONICAL = {"信息索引号": "索引号", "发布机构": "发文机关", "发布机关": "发文机关", "产生日期": "成文日期",
             "生成日期": "成文日期", "成文时间": "成文日期", "文件编号": "发文字号", "文号": "发文字号",
             "公开日期": "发布日期"}
_LABEL_ALT = "|".join(sorted((re.escape(x) for x in DISCLOSURE_LABELS), key=len, reverse=True))
_INLINE_FIELD_RE = re.compile(r"(?:^|(?<=\s))(?P<l>" + _LABEL_ALT + r")\s*[:：]\s*(?P<v>.*?)"
                              r"(?=\s+(?:" + _LABEL_ALT + r")\s*[:：]|$)")


def _label_of(t: str) -> str | None:
    t = norm_ws(t).replace(" ", "").rstrip(":：")
    return t if t in DISCLOSURE_LABELS else None


def _lca(elements):
    anc = None
    for el in elements:
        if anc is None:
            anc = el
            continue
        chain = set()
        a = anc
        while a is not None:
            chain.add(a)
            a = a.getparent()
        b = el
        while b is not None and b not in chain:
            b = b.getparent()
        anc = b
    return anc


_FIELD_TAGS = ("td", "th", "dt", "dd", "li", "span", "div", "p", "b", "strong", "label", "em", "font")


def _collect_fields(scope) -> tuple[dict, list]:
    fields: dict = {}
    where: list = []
    for el in scope.iter(*_FIELD_TAGS):
        own = norm_ws(el.text_content() or "")
        if not own or len(own) > 400:
            continue
        lab = _label_of(own)
        if lab:
            nxt = el.getnext()
            val = None
            if nxt is not None and isinstance(nxt.tag, str):
                val = element_text(nxt)
                if _label_of(val or ""):
                    val = ""
            if not val and el.tail and el.tail.strip():
                val = norm_ws(el.tail)
            if val is not None and lab not in fields and len(val) < 400:
                fields[lab] = val
                where.append((lab, el))
            continue
        if any(isinstance(c.tag, str) and c.tag in ("div", "table", "tr", "ul", "p", "li") for c in el):
            continue  # only leaf-ish elements carry "label：value" text
        for m in _INLINE_FIELD_RE.finditer(own):
            lab, val = m.group("l"), norm_ws(m.group("v"))
            if lab not in fields and len(val) < 400:
                fields[lab] = val
                where.append((lab, el))
    return fields, where


def find_disclosure(root):
    """Return (fields dict, table element or None) for a 信息公开 metadata table.

    The table is the lowest common ancestor of the *strong* labels (索引号, 发文字号, 主题分类 ...);
    fields are then read only inside it, so the article's own date/source line is never
    mistaken for table content.
    """
    fields, where = _collect_fields(root)
    strong_els = [el for lab, el in where if lab in _STRONG_LABELS]
    if len({lab for lab, _ in where if lab in _STRONG_LABELS}) < 2:
        return {}, None
    table = _lca(strong_els)
    # widen to the enclosing table / list element when the LCA is a row or cell
    t = table
    while t is not None and t.tag in ("tr", "tbody", "thead", "li", "dd", "dt"):
        t = t.getparent()
    if t is not None and t.tag in ("table", "ul", "ol", "dl"):
        table = t
    fields, _ = _collect_fields(table)
    if len(fields) < 3:
        return {}, None
    for k, v in list(fields.items()):
        c = CANONICAL.get(k)
        if c and c not in fields and v:
            fields[c] = v
    return fields, table


# ---------------------------------------------------------------- title
_TITLE_SEP_RE = re.compile(r"\s*(?:_|\||｜|--|—{1,2}|–| - |-)\s*")


def title_candidates_from_doc_title(t: str) -> list[str]:
    parts = [p for p in _TITLE_SEP_RE.split(t) if p.strip()]
    return parts


def _nz(s):
    return re.sub(r"\s+", "", s or "")


def choose_title(root, meta: dict, site_names: set) -> str | None:
    return choose_title_ex(root, meta, site_names)[0]


_STRICT_HEAD_RE = re.compile(r"title|biaoti|headline", re.I)


def is_heading(el) -> bool:
    if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return True
    ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(ident) and bool(_STRICT_HEAD_RE.search(ident))


def heading_before_body(root, first_line: str, exclude: set) -> str | None:
    """The last heading-like element before the article's first line (or that line itself
    when it is a heading): where a headline sits when ``<title>`` names only the column."""
    key = re.sub(r"\s+", "", first_line or "")[:8]
    body = root.find("body")
    last = None
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str):
            continue
        if is_heading(el):
            hl = element_lines(el)
            t = hl[0].replace("\t", " ") if hl else ""   # a title block may also hold the dateline
            z = _nz(t)
            if 6 <= len(z) <= 150 and z not in exclude and el.find(".//a") is None:
                if key and z.startswith(key):
                    return t
                last = t
        if key and key in re.sub(r"\s+", "", (el.text or "") + (el.tail or "")):
            return last
    return None


def choose_title_ex(root, meta: dict, site_names: set) -> tuple[str | None, bool]:
    """(title, confirmed): confirmed when a meta tag gives it or the <title> contains a
    visible heading; otherwise the caller may prefer the heading right above the text."""
    doc_title = ""
    t_el = root.find(".//title")
    if t_el is not None:
        doc_title = norm_ws(t_el.text_content())
    sites = {_nz(s) for s in site_names if s}

    def is_site(s):
        z = _nz(s)
        return not z or z in sites

    for key in ("ArticleTitle",):
        v = meta.get(key)
        if v and not is_site(v) and len(_nz(v)) >= 2:
            return v, True
    # visible headings that the <title> confirms
    heads = []
    for el in root.iter("h1", "h2", "h3", "h4", "div", "p", "td", "span", "strong", "b", "font"):
        tag = el.tag
        ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if tag not in ("h1", "h2", "h3", "h4") and not re.search(r"title|biaoti|tit|headline|bt", ident, re.I):
            continue
        hl = element_lines(el)
        for t in ([element_text(el)] + ([hl[0].replace("\t", " ")] if len(hl) > 1 else [])):
            if 4 <= len(t) <= 150:
                heads.append((tag, t))
    zdoc = _nz(doc_title)
    scored = []
    for i, (tag, t) in enumerate(heads):
        z = _nz(t)
        if is_site(t):
            continue
        score = 0
        if zdoc and z and (z in zdoc):
            score = 3 + (len(z) / max(len(zdoc), 1))
        elif zdoc and z and len(zdoc) >= 6 and zdoc.split("_")[0] in z:
            score = 2.5
        if score:
            score += {"h1": 0.5, "h2": 0.3}.get(tag, 0)
            scored.append((score, -i, t))
    if scored:
        scored.sort(reverse=True)
        return scored[0][2], True
    for key in ("og:title", "dc.title"):
        v = meta.get(key)
        if v and not is_site(v):
            return strip_site_suffix(v, sites), True
    if doc_title:
        return strip_site_suffix(doc_title, sites), False
    for tag, t in heads:
        if tag == "h1":
            return t, False
    return None, False


def strip_site_suffix(t: str, sites: set) -> str:
    parts = title_candidates_from_doc_title(t)
    if len(parts) <= 1:
        return t.strip()
    keep = [p for p in parts if _nz(p) not in sites]
    if not keep:
        return parts[0].strip()
    # the article title is the first (longest among leading) segment; site/column names follow
    first = keep[0]
    if len(first) < 4 and len(keep) > 1:
        first = max(keep, key=len)
    return first.strip()


# ---------------------------------------------------------------- visible fields near the title
def visible_fields(lines: list[str], title: str | None) -> dict:
    """Find the date / source / author / views line printed with the article."""
    out: dict = {}
    start = 0
    if title:
        zt = _nz(title)
        for i, ln in enumerate(lines):
            if zt and (_nz(ln) == zt or (len(zt) >= 8 and zt in _nz(ln) and len(_nz(ln)) < len(zt) + 20)):
                start = i
                break
    order = list(range(start, min(len(lines), start + 25))) + list(range(0, start)) + \
        list(range(min(len(lines), start + 25), len(lines)))
    for i in order:
        ln = lines[i]
        flat = ln.replace("\t", "  ")
        if len(flat) > 200:
            flat = flat[:200]  # a dateline glued to the first paragraph
        if "published" not in out:
            m = DATE_LABEL_RE.search(flat)
            if m:
                d, tm = _mk_date(m)
                if d:
                    out["published"], out["published_time"] = d, tm
                    out["date_line"] = i
        if "source" not in out:
            m = SOURCE_RE.search(flat)
            if m:
                v = _clean_value(m.group("v"))
                if v is None and not flat[m.end():].strip() and i + 1 < len(lines):
                    # "稿件来源：" at the end of one element, the value in the next one
                    nxt = lines[i + 1].strip()
                    if 2 <= len(nxt) <= 20 and not re.search(r"[。，！？；：:【〖\[|]", nxt):
                        v = _clean_value(nxt)
                out["source"] = v
                out.setdefault("source_line", i)
        if "author" not in out:
            m = AUTHOR_RE.search(flat)
            if m:
                v = _clean_value(m.group("v"))
                if v and len(v) <= 30:
                    out["author"] = v
        if "views" not in out:
            m = VIEWS_RE.search(flat)
            if m and m.group("v"):
                out["views"] = m.group("v")
        if "published" in out and i > start + 25:
            break
    # a closing dateline "2024年12月20日（星期五）" + "香港時間17時45分" (press releases)
    if "published_time" not in out or out.get("published_time") is None:
        for i, ln in enumerate(lines):
            m = _WEEKDAY_DATELINE_RE.search(ln)
            if not m:
                continue
            d, _ = _mk_date(m)
            tail = ln[m.end():] + " " + (lines[i + 1] if i + 1 < len(lines) else "")
            tm = _CLOCK_RE.search(tail)
            if d and tm and (out.get("published") in (None, d)):
                out["published"] = d
                out["published_time"] = f"{d} {int(tm.group(1)):02d}:{int(tm.group(2)):02d}"
                break
    # an unlabelled date printed right under the title ("2024-01-19 10:00  来源:...")
    if "published" not in out and title:
        for ln in lines[start + 1:start + 6]:
            if len(ln) <= 120:
                m = DATE_RE.search(ln)
                if m:
                    d, tm = _mk_date(m)
                    if d:
                        out["published"], out["published_time"] = d, tm
                        break
    return out
