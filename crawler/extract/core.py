"""``extract_html``: one decoded HTML page -> :class:`Extracted`.

Pipeline (every step is a general mechanism, documented in docs/extraction.md):

1. robust parse (:mod:`.htmlclean`): stray ``</html>``/``</body>``, repeated ``<html>``/``<body>``,
   control characters; lxml's recovering parser handles broken nesting;
2. multi-page links and attachment links from the whole page; then cleaning: invisible
   elements (anti-copy jammers), scripts/styles/forms, empty spam-mirror junk elements;
3. metadata (:mod:`.meta`): government meta tags, title, breadcrumb, 信息公开 table;
4. body: breadcrumb and disclosure table removed, layout tables turned into blocks, loose
   text wrapped into paragraphs, private-use characters protected; trafilatura with
   ``favor_precision=True`` (the setting that measured best), checked against the default
   setting by the amount of running prose, with a density fallback;
5. an unconfirmed title is checked against the heading right above the body; the dateline
   near the title gives date / time / source / author;
6. mirror signals and cleaning (:mod:`.mirror`), the government-boilerplate filter
   (:mod:`.boilerplate`), attachment link lines out, NFC.
"""
from __future__ import annotations

import copy
import logging
import re
import unicodedata

from .attachments import find_attachments
from .boilerplate import filter_lines
from .htmlclean import (count_junk_tags, drop_invisible, drop_junk_tags, drop_nontext, paragraphize,
                        drop_unlikely, parse_html, text_len, unlayout_tables)
from .meta import (choose_title_ex, heading_before_body, date_from_url, find_breadcrumb, find_disclosure, parse_date,
                   read_meta, visible_fields)
from .mirror import clean_lines, clean_text, detect, is_mirror, seo_elements
from .model import Extracted
from .pages import find_article_pages
from .render import element_lines, norm_ws

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

TRAFILATURA_SETTINGS = dict(favor_precision=True, include_comments=False, include_tables=True,
                            include_images=False, include_links=False, deduplicate=False,
                            with_metadata=False)


def _trafilatura_text(tree, url: str, **overrides) -> str:
    import trafilatura
    kw = dict(TRAFILATURA_SETTINGS)
    kw.update(overrides)
    try:
        out = trafilatura.extract(copy.deepcopy(tree), url=url or None, **kw)
    except Exception:  # trafilatura must never take a page down with it
        out = None
    return out or ""


_PROT_OPEN, _PROT_CLOSE = "\u27e6", "\u27e7"
_PROT_RE = re.compile(_PROT_OPEN + r"([0-9a-f]{4,6})" + _PROT_CLOSE)


def _protect(s: str) -> str:
    if s.isprintable():
        return s
    return "".join(f"{_PROT_OPEN}{ord(c):04x}{_PROT_CLOSE}"
                   if unicodedata.category(c) in ("Co", "Cn") else c for c in s)


def protect_private_chars(root) -> bool:
    """Private-use / unassigned characters are part of the page (often evidence of damage that
    a later repair step needs); trafilatura drops every non-printable character, so they are
    replaced by tokens before extraction and restored after."""
    changed = False
    for el in root.iter():
        if isinstance(el.tag, str):
            if el.text and not el.text.isprintable():
                t = _protect(el.text)
                changed |= t != el.text
                el.text = t
        if el.tail and not el.tail.isprintable():
            t = _protect(el.tail)
            changed |= t != el.tail
            el.tail = t
    return changed


def restore_private_chars(text: str) -> str:
    return _PROT_RE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _density_text(root) -> str:
    """Fallback: the block element with the most (non-link) text, as lines."""
    best, best_score = None, 0.0
    for el in root.iter("div", "td", "article", "section", "span", "p", "body"):
        n = text_len(el)
        if n < 30:
            continue
        link = sum(text_len(a) for a in el.iter("a"))
        punct = len(re.findall(r"[，。；！？、]", el.text_content() or ""))
        score = (n - link) * (1 + punct / max(n / 30, 1)) / (1 + 0.02 * sum(1 for _ in el.iter("div", "table", "ul")))
        if score > best_score:
            best, best_score = el, score
    return "\n".join(element_lines(best)) if best is not None else ""


_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _table_row(line: str) -> str:
    """trafilatura renders table rows as Markdown (``| a | b |``); keep the cells, tab-separated."""
    if "|" not in line:
        return norm_ws(line)
    if _TABLE_SEP_RE.match(line):
        return ""
    st = line.strip()
    if st.startswith("|") or st.endswith("|"):
        cells = [norm_ws(c) for c in st.strip("|").split(" | ")]
        return "\t".join(c for c in cells if c)
    return norm_ws(line)


def _content_container(root, lines: list[str]):
    """Deepest element whose text holds both the first and the last body line."""
    if not lines:
        return None
    first = re.sub(r"\s+", "", lines[0])[:20]
    last = re.sub(r"\s+", "", lines[-1])[-20:]
    if not first:
        return None
    best = None
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str):
            continue
        z = re.sub(r"\s+", "", el.text_content() or "")
        if first in z and last in z:
            best = el  # iter() is document order: later hits are deeper
    return best


_NAV_RE = re.compile(r"(?:^|[\s_-])(?:nav|menu|header|footer|foot|top|banner|sidebar|side|links?|"
                     r"friend|yqlj|daohang|bottom|copyright)(?:$|[\s_-])", re.I)


def _attachment_scope(root, container):
    """Where an article's attachments live: its container, plus the container's parent when
    that is not much larger (the ``附件`` block is usually a sibling of the text block)."""
    if container is None:
        return [root]
    parent = container.getparent()
    if parent is not None and parent.tag not in ("html",) and \
            text_len(parent) <= 2 * text_len(container) + 600:
        container = parent
    scope = [container]
    sib = container.getnext()
    while sib is not None and len(scope) < 4:
        ident = " ".join(filter(None, (sib.get("class"), sib.get("id")))) if isinstance(sib.tag, str) else ""
        if isinstance(sib.tag, str) and not _NAV_RE.search(ident) and sib.tag not in ("footer", "nav"):
            scope.append(sib)
        sib = sib.getnext()
    return scope


_SENT_PUNCT_RE = re.compile(r"[，。；！？、：,;]")


def _prose_chars(text: str, link_texts: set) -> int:
    """Characters in lines that read as running text: sentence punctuation, not a link."""
    n = 0
    for ln in (text or "").split("\n"):
        z = re.sub(r"\s+", "", ln).lstrip("-*|")
        if len(z) < 12 or z in link_texts or not _SENT_PUNCT_RE.search(z):
            continue
        n += len(z)
    return n


def _title_elements(root, title: str | None) -> list:
    """Elements showing the headline (kept out of furniture pruning)."""
    z = re.sub(r"\s+", "", title or "")
    if len(z) < 4:
        return []
    out = []
    body = root.find("body")
    for el in (body if body is not None else root).iter("h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "td",
                                                        "span", "strong", "b", "font"):
        t = re.sub(r"\s+", "", el.text_content() or "")
        if t == z or (t.startswith(z) and len(t) < len(z) + 60 and el.tag.startswith("h")):
            out.append(el)
    return out


def _kept_chars(text: str | None, title: str | None) -> int:
    """Characters of ``text`` that survive the boilerplate filter (for short pages)."""
    lines = [norm_ws(ln) for ln in (text or "").split("\n")]
    return sum(len(ln) for ln in filter_lines(lines, title=title))


def _after_headline_text(title_els) -> str | None:
    """Lines that follow the headline inside the smallest block holding more than it."""
    if not title_els:
        return None
    el = title_els[-1]
    anc = el.getparent()
    own = text_len(el)
    while anc is not None and anc.tag not in ("body", "html") and text_len(anc) <= own + 30:
        anc = anc.getparent()
    if anc is None or anc.tag in ("html",):
        return None
    lines = element_lines(anc)
    zt = re.sub(r"\s+", "", el.text_content() or "")
    for i, ln in enumerate(lines):
        if re.sub(r"\s+", "", ln) == zt:
            return "\n".join(lines[i + 1:])
    return None


def _link_texts(root) -> set:
    out = set()
    for a in root.iter("a"):
        t = re.sub(r"\s+", "", a.text_content() or "")
        if t:
            out.add(t)
    return out


_ATT_LABEL_RE = re.compile(r"^\s*(?:相关)?附\s*件\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})?\s*[:：.、]?\s*")


def _drop_attachment_lines(lines: list[str], attachments: list[dict]) -> list[str]:
    """Attachment links are recorded in ``attachments``; their link lines leave the body."""
    names = {re.sub(r"\s+", "", _ATT_LABEL_RE.sub("", a["name"])) for a in attachments if a.get("name")}
    out = []
    for ln in lines:
        z = re.sub(r"\s+", "", ln)
        bare = re.sub(r"\s+", "", _ATT_LABEL_RE.sub("", ln))
        if attachments and (bare in names or z in ("附件", "附件:", "附件：", "相关附件", "相关附件：")):
            continue
        out.append(ln)
    return out


def _meta_date(meta: dict, *keys) -> tuple[str | None, str | None]:
    for k in keys:
        d, t = parse_date(meta.get(k))
        if d:
            return d, t
    return None, None


def extract_html(html: str, url: str) -> Extracted:
    """Extract body and metadata from one decoded HTML page.

    Never raises on page content: should a step fail on some unforeseen markup, the page is
    extracted by trafilatura alone and the failure is recorded in ``repairs``, so one odd page
    cannot stop a crawl or a rebuild.
    """
    try:
        return _extract_html(html, url)
    except Exception as e:  # pragma: no cover - a safety net, exercised by the fuzz test
        res = Extracted(url=url or "")
        res.repairs = [f"extraction fallback after {type(e).__name__}: {e}"[:300]]
        try:
            import trafilatura
            res.text = unicodedata.normalize("NFC", trafilatura.extract(html or "", favor_precision=True) or "")
        except Exception:
            res.text = ""
        return res


def _extract_html(html: str, url: str) -> Extracted:
    repairs: list[str] = []
    root = parse_html(html or "", repairs)
    meta = read_meta(root)
    res = Extracted(url=url or "", meta=meta, repairs=repairs)

    junk = count_junk_tags(root)
    res.next_pages = find_article_pages(html or "", url or "", root)
    all_attachments = find_attachments(root, url or "")

    drop_invisible(root, repairs)   # first: it reads the <style> rules
    drop_nontext(root)
    drop_junk_tags(root, repairs)

    site_names = {s for s in (meta.get("SiteName"), meta.get("og:site_name"),
                              meta.get("apple-mobile-web-app-title")) if s}
    title, confirmed = choose_title_ex(root, meta, site_names)
    crumb, crumb_el = find_breadcrumb(root)
    res.breadcrumb = crumb
    fields, table_el = find_disclosure(root)
    res.fields = fields
    page_lines = element_lines(root.find("body") if root.find("body") is not None else root)
    seo_blocks = len(seo_elements(root))   # before furniture pruning removes them

    # ---- body (before the dateline search: an unconfirmed title is checked against it)
    for el in (crumb_el, table_el):
        if el is not None and el.getparent() is not None and el.tag not in ("body", "html"):
            if text_len(el) < 0.5 * max(text_len(root), 1):
                el.drop_tree()
    title_els = _title_elements(root, title)
    drop_unlikely(root, keep=title_els, repairs=None)
    unlayout_tables(root)
    paragraphize(root)
    protected = protect_private_chars(root)
    links = _link_texts(root)
    text = _trafilatura_text(root, url)
    prose = _prose_chars(text, links)
    # favor_precision sometimes keeps a sidebar instead of the article: when the default
    # setting finds much more running prose, the precise run missed the article.
    alt = _trafilatura_text(root, url, favor_precision=False)
    if _prose_chars(alt, links) > 2 * prose + 40:
        text, prose = alt, _prose_chars(alt, links)
    if prose < 40:
        # a short notice ("详见附件。"): read what follows the headline in its block
        alt = _after_headline_text(title_els)
        if alt is None:
            alt = _density_text(root)
        if _prose_chars(alt, links) > prose or _kept_chars(alt, title) > _kept_chars(text, title):
            text = alt
    if protected:
        text = restore_private_chars(text)
    lines = [_table_row(re.sub(r"^- (?=\S)", "", ln)) for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]

    if not confirmed and lines:
        exclude = {re.sub(r"\s+", "", x) for x in site_names}
        exclude |= {re.sub(r"\s+", "", p) for p in re.split(r"\s*(?:>>|>|›|»|-|/)\s*", crumb or "") if p}
        h = heading_before_body(root, lines[0], exclude)
        if h:
            title = h
    res.title = title

    vis = visible_fields(page_lines, res.title)

    # ---- date: gov meta, visible, other meta, trafilatura/htmldate, URL
    d, t = _meta_date(meta, "PubDate")
    if d is None and vis.get("published"):
        d, t = vis["published"], vis.get("published_time")
    if d is None:
        for k in ("发布日期", "公开日期", "成文日期", "产生日期", "生成日期"):
            d, t = parse_date(fields.get(k))
            if d:
                break
    if d is None:
        d, t = _meta_date(meta, "publishdate", "pubdate", "publish_date", "article:published_time",
                          "og:release_date", "dc.date", "dcterms.created", "firstpublishedtime",
                          "publishtime")
    if d is None:
        d = _htmldate(root, url)
    if d is None:
        d = date_from_url(url or "")
    res.published = d
    res.published_time = t if t and d and t.startswith(d) else None

    # ---- source / author
    src = meta.get("ContentSource") or vis.get("source") or meta.get("source")
    if src:
        src = re.sub(r"^\s*(?:来源|来\s*源|信息来源|文章来源)\s*[:：]\s*", "", src).strip() or None
    res.source = src
    auth = meta.get("Author") or vis.get("author") or meta.get("author")
    if auth and (re.fullmatch(r"[\d\s]+", auth) or auth.lower() in ("admin", "administrator")):
        auth = vis.get("author")
    res.author = auth or None

    signals = detect(lines, junk, root, meta, url or "", page_lines, seo_blocks)
    lines = clean_lines(lines, signals)
    lines = filter_lines(lines, title=res.title, breadcrumb=crumb, link_texts=links)
    container = _content_container(root, lines)
    if all_attachments:
        scope_urls = set()
        for el in _attachment_scope(root, container):
            scope_urls.update(a["url"] for a in find_attachments(el, url or ""))
        res.attachments = [a for a in all_attachments if a["url"] in scope_urls]
    lines = _drop_attachment_lines(lines, res.attachments)
    res.text = unicodedata.normalize("NFC", "\n".join(lines))
    if res.title:
        res.title = unicodedata.normalize("NFC", clean_text(res.title, signals))
    res.mirror_signals = signals
    res.is_mirror = is_mirror(signals)
    return res


def _htmldate(root, url: str) -> str | None:
    try:
        from htmldate import find_date
        d = find_date(copy.deepcopy(root), url=url or None, original_date=True, outputformat="%Y-%m-%d",
                      extensive_search=False)
    except Exception:
        d = None
    return d
