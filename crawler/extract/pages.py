"""Multi-page articles: find the following pages and join the parts.

Three general signals, in order:

1. TRS ``createPageHTML(count, current, "name", "ext")`` (also with variable names resolved
   from ``var x = ...``): pages are ``name.ext``, ``name_1.ext`` ... ``name_{count-1}.ext``.
   Only taken when ``name`` is this page's own file stem, so list paging (``"index"``) is
   never mistaken for article pages.
2. links in the page to ``<stem>_N.<ext>`` of this page's own stem (the usual ``_2.shtml``
   scheme), or to the same path with ``?page=N``/``&page=N``;
3. a ``下一页`` link that points to such a sibling.

List pages (stems like ``index``/``list``/``default``) never produce article pages.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
from urllib.parse import parse_qsl, urlunsplit

from .model import Extracted
from .urls import safe_join, safe_split

_CPH_RE = re.compile(r"createPageHTML\s*\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*,\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)")
_LIST_STEMS = {"index", "list", "default", "more", "lists", "morelist", "column", "col", "search"}
_STEM_RE = re.compile(r"^(?P<stem>.+?)(?:_(?P<n>\d{1,3}))?\.(?P<ext>[A-Za-z0-9]{2,6})$")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "pn", "p", "pageindex", "curpage")


def _split_name(url: str):
    parts = safe_split(url)
    base = posixpath.basename(parts.path)
    m = _STEM_RE.match(base)
    if not m:
        return parts, base, None, None, None
    return parts, base, m.group("stem"), int(m.group("n") or 0), m.group("ext")


def _resolve_js(arg: str, html: str) -> str | None:
    arg = arg.strip()
    if arg[:1] in "\"'" and arg[-1:] == arg[:1]:
        return arg[1:-1]
    if re.fullmatch(r"\d+", arg):
        return arg
    if re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
        m = re.search(r"\b(?:var\s+)?" + re.escape(arg) + r"\s*=\s*(\"[^\"]*\"|'[^']*'|\d+)\s*[;,\n]", html)
        if m:
            v = m.group(1)
            return v[1:-1] if v[:1] in "\"'" else v
    return None


def find_article_pages(html: str, url: str, root=None) -> list[str]:
    """Absolute URLs of the pages that follow this one in a multi-page article, in order."""
    parts, base, stem, cur, ext = _split_name(url)
    if not url:
        return []
    out: list[str] = []
    directory = url.rsplit("/", 1)[0] + "/" if "/" in parts.path else url
    # 1. TRS createPageHTML
    if stem and stem.lower() not in _LIST_STEMS:
        for m in _CPH_RE.finditer(html):
            vals = [_resolve_js(a, html) for a in m.groups()]
            if None in vals:
                continue
            try:
                count, current = int(vals[0]), int(vals[1])
            except ValueError:
                continue
            name, pext = vals[2], vals[3].lstrip(".")
            if name != stem or count <= 1 or count > 200:
                continue
            for k in range(current + 1, count):
                u = safe_join(directory, f"{name}_{k}.{pext}")
                if u:
                    out.append(u)
            if out:
                return out
    if root is None:
        from .htmlclean import parse_html
        root = parse_html(html or "")
    # 2./3. sibling links <stem>_N.ext or ?page=N
    if stem and stem.lower() in _LIST_STEMS:
        return []
    found: dict[int, str] = {}
    own_path = parts.path
    own_query = dict(parse_qsl(parts.query))
    cur_q = None
    for k in _PAGE_PARAMS:
        if k in own_query and own_query[k].isdigit():
            cur_q = int(own_query[k])
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        absu = safe_join(url, href)
        if absu is None:
            continue
        ap = safe_split(absu)
        if ap.netloc != parts.netloc:
            continue
        if ap.path == own_path and ap.query:
            q = dict(parse_qsl(ap.query))
            for k in _PAGE_PARAMS:
                if k in q and q[k].isdigit():
                    n = int(q[k])
                    if n > (cur_q or 1) and n < 500:
                        found.setdefault(n, urlunsplit((ap.scheme, ap.netloc, ap.path, ap.query, "")))
            continue
        if stem is None or posixpath.dirname(ap.path) != posixpath.dirname(own_path):
            continue
        m = _STEM_RE.match(posixpath.basename(ap.path))
        if not m or m.group("stem") != stem or m.group("ext") != ext or not m.group("n"):
            continue
        n = int(m.group("n"))
        if n > cur and n < 500:
            found.setdefault(n, urlunsplit((ap.scheme, ap.netloc, ap.path, "", "")))
    return [found[k] for k in sorted(found)]


def join_pages(pages: list[Extracted]) -> Extracted:
    """Join the parts of a multi-page article: metadata from page 1, text concatenated."""
    if not pages:
        return Extracted()
    first = pages[0]
    out = dataclasses.replace(first)
    texts = [p.text for p in pages if p.text]
    out.text = "\n".join(texts)
    seen = set()
    atts = []
    for p in pages:
        for a in p.attachments:
            if a["url"] not in seen:
                seen.add(a["url"])
                atts.append(a)
    out.attachments = atts
    out.next_pages = []
    out.page_count = len(pages)
    out.fields = dict(first.fields)
    for p in pages[1:]:
        for k, v in p.fields.items():
            out.fields.setdefault(k, v)
    out.mirror_signals = sorted({s for p in pages for s in p.mirror_signals})
    out.is_mirror = any(p.is_mirror for p in pages)
    out.repairs = [r for p in pages for r in p.repairs]
    for attr in ("title", "published", "published_time", "source", "author", "breadcrumb"):
        if getattr(out, attr) is None:
            for p in pages[1:]:
                if getattr(p, attr):
                    setattr(out, attr, getattr(p, attr))
                    break
    return out
