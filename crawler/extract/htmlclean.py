"""Robust parsing of real-world Chinese government HTML.

Mechanisms (all general, none keyed to a site):

* **stray document-closing tags** – CMS templates often ``include`` a header or footer that
  is itself a complete document, so ``</body></html>`` (and a second ``<html>``/``<body>``)
  turn up in the middle of the page.  Some parsers (and trafilatura's own loader) then drop
  everything after them.  We delete every ``</body>``/``</html>``/``</head>``-after-body
  and every repeated ``<html>``/``<body>`` opening tag before parsing.
* **invisible elements** – anti-copy "jammer" characters are hidden with inline
  ``display:none``/``visibility:hidden``/``font-size:0`` or with a class/id rule in a
  ``<style>`` block.  Those elements are removed before extraction, so the hidden
  characters vanish exactly.  A guard keeps any hidden element that holds a large share of
  the page's text (some templates hide the article until a script shows it).
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
    body = root.find("body")
    total = text_len(body if body is not None else root) or 1
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
        n = text_len(el)
        # guard: never drop a hidden block carrying a large part of the page's text
        if n > 200 and n > 0.25 * total:
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
