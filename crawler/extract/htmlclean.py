"""Robust parsing of real-world Chinese government HTML.

Mechanisms (all general, none keyed to a site):

* **stray document-closing tags** – CMS templates often ``include`` a header or footer that
  is itself a complete document, so ``</body></html>`` (and a second ``<html>``/``<body>``)
  turn up in the middle of the page.  Some parsers (and trafilatura's own loader) then drop
  everything after them.  We delete every ``</body>``/``</html>``/``</head>``-after-body
  and every repeated ``<html>``/``<body>`` opening tag before parsing.
* **invisible elements** – anti-copy "jammer" characters are hidden with inline
  ``display:none``/``visibility:hidden``/``font-size:0``, with a class/id rule in a
  ``<style>`` block, or with a conventional utility class (``hidden``, ``hide``, ``d-none``).
  Those elements are removed before extraction, so the hidden characters vanish exactly.
  A guard keeps hidden blocks that are article text (more than 60 characters of non-link
  prose, or a quarter of the page): some templates (WeChat, many CMS) hide the article until
  a script shows it.
* **junk tags** – spam mirrors scatter empty random elements (``<meter id=...>``,
  ``<dfn>``, ``<bdo>`` ...) around the copied article; empty ones are removed and counted.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_CLOSE_DOC_RE = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_OPEN_HTML_RE = re.compile(r"<\s*html\b[^>]*>", re.I)
_OPEN_BODY_RE = re.compile(r"<\s*body\b[^>]*>", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

HIDDEN_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\s*(?:;|$|!)"
    r"|(?<![-\w])width\s*:\s*0(?:px)?\s*;.*?height\s*:\s*0(?:px)?\s*;.*?overflow\s*:\s*hidden",
    re.I | re.S,
)
_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SEL_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?([.#])([-\w]+)$")

# Elements that carry no article text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed",
              "select", "option", "button", "input", "textarea", "svg", "canvas", "map")

# Elements spam mirrors scatter around copied pages (empty, with a random id).  Legitimate
# templates hardly ever use these tags, and never empty: icon <i>/<em>/<b> and ad <ins>
# elements are deliberately not in the list.
JUNK_TAGS = ("meter", "progress", "datalist", "output", "xmp", "listing", "bdo", "bdi", "dfn",
             "samp", "kbd", "var", "tt", "acronym", "abbr", "address", "big", "strike", "sub",
             "sup", "time", "nobr", "ruby", "rt", "rp", "legend", "optgroup", "menu", "dir",
             "small", "cite", "q", "strong")
_RANDOM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{3,}$")


def sanitize_markup(html: str, repairs: list | None = None) -> str:
    """Remove characters and stray document tags that break parsers."""
    rep = repairs if repairs is not None else []
    if html.startswith("\ufeff"):
        html = html[1:]
    html, n = _CTRL_RE.subn("", html)
    if n:
        rep.append(f"removed {n} control characters")
    html = _XML_DECL_RE.sub("", html)
    # Work on a copy without comments to count stray tags honestly, but keep comments
    # (conditional comments are harmless to lxml).
    closes = list(_CLOSE_DOC_RE.finditer(html))
    if closes:
        # the last </html> / </body> pair at the very end is legitimate
        tail_start = len(html)
        for m in reversed(closes):
            if html[m.end():tail_start].strip() == "" or _COMMENT_RE.sub("", html[m.end():tail_start]).strip() == "":
                tail_start = m.start()
            else:
                break
        stray = [m for m in closes if m.start() < tail_start]
        if stray:
            html = _CLOSE_DOC_RE.sub("", html)
            rep.append(f"removed {len(stray)} stray closing </html>/</body> tags")
    for rx, name in ((_OPEN_HTML_RE, "html"), (_OPEN_BODY_RE, "body")):
        ms = list(rx.finditer(html))
        if len(ms) > 1:
            first = ms[0]
            html = html[:first.end()] + rx.sub("", html[first.end():])
            rep.append(f"removed {len(ms) - 1} repeated <{name}> tags")
    return html


def parse_html(html: str, repairs: list | None = None):
    """Parse (already decoded) HTML into an lxml tree, robust to broken markup."""
    html = sanitize_markup(html, repairs)
    if not html.strip():
        html = "<html><body></body></html>"
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body>" + html + "</body></html>")
    return root


def text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content() or ""))


def visible_text_len(el) -> int:
    """Text length without script/style contents."""
    n = text_len(el)
    for s in el.iter("script", "style", "noscript", "template"):
        n -= len(re.sub(r"\s+", "", s.text or ""))
    return max(n, 0)


_PROSE_PUNCT_RE = re.compile(r"[，。；！？]")


def _is_hidden_article(el, n: int, total: int) -> bool:
    """A hidden block that is article text revealed by a script, not a jammer or a menu."""
    if n <= 60:
        return False  # jammers are a few characters
    if n > 200 and n > 0.25 * total:
        return True
    text = el.text_content() or ""
    link = sum(len(re.sub(r"\s+", "", a.text_content() or "")) for a in el.iter("a"))
    return link < 0.5 * n and len(_PROSE_PUNCT_RE.findall(text)) >= 3


def drop_nontext(root) -> None:
    """Remove scripts, styles, forms, comments: elements that never carry article text."""
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            _remove_keep_tail(el)
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            _remove_keep_tail(el)


def _remove_keep_tail(el) -> None:
    """Remove ``el`` and its children but keep the text that follows it (its tail)."""
    p = el.getparent()
    if p is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            p.text = (p.text or "") + tail
    p.remove(el)


def _css_hidden_selectors(root) -> tuple[set, set, set]:
    classes, ids, tagclasses = set(), set(), set()
    for st in root.iter("style"):
        css = _COMMENT_RE.sub("", st.text or "")
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        for sels, decl in _CSS_RULE_RE.findall(css):
            if not HIDDEN_STYLE_RE.search(decl + ";"):
                continue
            for sel in sels.split(","):
                sel = sel.strip()
                m = _SIMPLE_SEL_RE.match(sel)
                if not m:
                    continue
                tag, kind, name = m.groups()
                if kind == ".":
                    (tagclasses.add((tag.lower(), name)) if tag else classes.add(name))
                else:
                    ids.add(name)
    return classes, ids, tagclasses


def drop_invisible(root, repairs: list | None = None) -> int:
    """Remove elements that a browser would not show.  Returns the number removed."""
    rep = repairs if repairs is not None else []
    classes, ids, tagclasses = _css_hidden_selectors(root)
    # utility classes that hide by convention (their CSS is usually in an external sheet)
    classes |= {"hidden", "hide", "d-none", "display-none", "invisible", "is-hidden", "u-hidden"}
    body = root.find("body")
    total = visible_text_len(body if body is not None else root) or 1
    victims = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        hidden = False
        style = el.get("style")
        if style and HIDDEN_STYLE_RE.search(style + ";"):
            hidden = True
        elif el.get("hidden") is not None and el.tag not in ("input",):
            hidden = True
        elif classes or ids or tagclasses:
            cls = (el.get("class") or "").split()
            if any(c in classes for c in cls) or (el.get("id") in ids) or \
                    any((el.tag, c) in tagclasses for c in cls):
                hidden = True
        if hidden and el.tag not in ("html", "body", "head"):
            victims.append(el)
    removed = chars = 0
    for el in victims:
        if el.getparent() is None:
            continue
        # is it still attached to the document?
        anc = el
        while anc.getparent() is not None:
            anc = anc.getparent()
        if anc is not root:
            continue
        n = visible_text_len(el)
        # guard: never drop hidden article text (templates that reveal it by script)
        if _is_hidden_article(el, n, total):
            continue
        _remove_keep_tail(el)
        removed += 1
        chars += n
    if removed:
        rep.append(f"removed {removed} invisible elements ({chars} characters)")
    return removed


def _is_junk(el) -> bool:
    if len(el) or (el.text or "").strip():
        return False
    ident = el.get("id") or el.get("class") or ""
    return bool(ident) and bool(_RANDOM_ID_RE.match(ident))


def drop_junk_tags(root, repairs: list | None = None) -> int:
    """Remove empty spam-mirror junk elements (e.g. ``<meter id="x3f9a"></meter>``)."""
    rep = repairs if repairs is not None else []
    n = 0
    for el in list(root.iter(*JUNK_TAGS)):
        if _is_junk(el):
            _remove_keep_tail(el)
            n += 1
    if n:
        rep.append(f"removed {n} empty junk elements")
    return n


def count_junk_tags(root) -> int:
    """Empty rare elements with an id/class: the spam-mirror signature."""
    return sum(1 for el in root.iter(*JUNK_TAGS) if _is_junk(el))


# ----------------------------------------------------------------- paragraphs
INLINE_TAGS = {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em",
               "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small",
               "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
_CONTAINERS = ("body", "div", "td", "th", "section", "article", "center", "blockquote", "dd", "main",
               "form", "header", "footer", "aside", "nav")


def paragraphize(root) -> int:
    """Wrap loose runs of text and inline elements in ``<p>``, splitting at ``<br>``.

    Old CMS templates put the article straight into a ``<div>``/``<td>`` as text, ``<font>``
    and ``<span>`` soup separated by ``<br>``.  trafilatura then either drops the loose text
    (precision mode) or cuts a line at every inline tag; with explicit paragraphs it does
    neither.  Only containers with ``<br>`` children or with text mixed with block children
    are touched.  Returns the number of paragraphs made.
    """
    made = 0
    for el in list(root.iter(*_CONTAINERS)):
        kids = list(el)
        has_br = any(k.tag == "br" for k in kids if isinstance(k.tag, str))
        has_block = any(isinstance(k.tag, str) and k.tag not in INLINE_TAGS and k.tag != "br" for k in kids)
        loose = bool((el.text or "").strip()) or any(
            (isinstance(k.tag, str) and k.tag in INLINE_TAGS and (k.text_content() or "").strip())
            or (k.tail or "").strip() for k in kids)
        if not loose or not (has_br or has_block):
            continue
        items: list = []
        if el.text:
            items.append(el.text)
        for k in kids:
            tail, k.tail = k.tail, None
            items.append(k)
            if tail:
                items.append(tail)
        el.text = None
        for k in kids:
            el.remove(k)
        run: list = []

        def flush():
            nonlocal made
            if not run:
                return
            meaningful = any((isinstance(x, str) and x.strip()) or
                             (not isinstance(x, str) and isinstance(x.tag, str) and
                              ((x.text_content() or "").strip() or x.tag == "img")) for x in run)
            if meaningful:
                p = el.makeelement("p", {})
                el.append(p)
                last = None
                for x in run:
                    if isinstance(x, str):
                        if last is None:
                            p.text = (p.text or "") + x
                        else:
                            last.tail = (last.tail or "") + x
                    else:
                        p.append(x)
                        last = x
                made += 1
            run.clear()

        for x in items:
            if isinstance(x, str) or not isinstance(x.tag, str) or x.tag in INLINE_TAGS:
                run.append(x)
            elif x.tag == "br":
                flush()
            else:
                flush()
                el.append(x)
        flush()
    return made


def _own_cells(table):
    for c in table.iter("td", "th"):
        a = c.getparent()
        while a is not None and a.tag != "table":
            a = a.getparent()
        if a is table:
            yield c


def unlayout_tables(root) -> int:
    """Turn layout tables into divs; keep data tables.

    Old templates put the whole article into one cell of a page-layout table.  trafilatura
    renders every table row as one Markdown line, so an article in a cell would come out as a
    single line.  A table is *layout* when one of its own cells holds running text (more than
    150 characters, or a nested table/list/div with more than 150); data tables (short cells)
    stay tables.  Returns the number of tables converted.
    """
    n = 0
    for table in list(root.iter("table")):
        layout = False
        for c in _own_cells(table):
            tl = text_len(c)
            if tl > 150:
                layout = True
                break
        if not layout:
            continue
        for el in [table] + [e for e in table.iter("tbody", "thead", "tfoot", "tr", "td", "th", "caption")
                             if _nearest_table(e) is table]:
            el.tag = "div"
            for attr in ("colspan", "rowspan", "width", "height", "valign", "align", "bgcolor"):
                el.attrib.pop(attr, None)
        n += 1
    return n


def _nearest_table(e):
    a = e.getparent()
    while a is not None and a.tag != "table":
        a = a.getparent()
    return a


_UNLIKELY_RE = re.compile(
    r"(?:^|[\s_-])(?:footer|foot|bottom|copyright|banquan|nav|navbar|navi|menu|header|topbar|"
    r"sidebar|side|aside|share|bdshare|toolbar|qrcode|ewm|erweima|comment|pinglun|"
    r"related|xgxw|xgwz|relate|recommend|tuijian|hot|paihang|rank|friend|yqlj|links|ad|ads|advert|"
    r"guanggao|popup|modal)(?:$|[\s_-]|\d)", re.I)
_UNLIKELY_TAGS = ("footer", "nav", "aside", "header")


def drop_unlikely(root, keep=(), repairs: list | None = None) -> int:
    """Remove page furniture blocks before extraction: ``<footer>``/``<nav>``/``<aside>``/
    ``<header>`` and blocks whose class/id says footer, navigation, sidebar, share bar,
    comments, related links, ads.  Never a block that holds an element of ``keep`` (the
    headline), nor one with a large share of the page's text (30%; 60% when the headline is
    known, since the article then sits with the headline).  Returns the number removed."""
    body = root.find("body")
    if body is None:
        return 0
    total = text_len(body) or 1
    protected = set()
    for k in keep:
        a = k
        while a is not None:
            protected.add(a)
            a = a.getparent()
    n = 0
    for el in list(body.iter("div", "ul", "ol", "table", "section", "aside", "footer", "nav", "header",
                             "dl", "p", "span", "td")):
        if el.getparent() is None or el in protected:
            continue
        anc = el.getparent()
        while anc is not None and anc is not root:
            anc = anc.getparent()
        if anc is None:
            continue  # already removed with an ancestor
        ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if el.tag not in _UNLIKELY_TAGS and not (ident and _UNLIKELY_RE.search(ident)):
            continue
        if text_len(el) > (0.6 if protected else 0.3) * total:
            continue
        _remove_keep_tail(el)
        n += 1
    if n and repairs is not None:
        repairs.append(f"removed {n} navigation/footer/sidebar blocks")
    return n
