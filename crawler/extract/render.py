"""Render an lxml element to text lines (block elements break lines, cells are tab-separated)."""
from __future__ import annotations

import re

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "br", "title",
    "caption",
}
CELL_TAGS = {"td", "th"}
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")


def norm_ws(s: str) -> str:
    """Collapse runs of (including full-width / non-breaking) spaces to one ASCII space."""
    return _WS_RE.sub(" ", s or "").strip()


def element_lines(el) -> list[str]:
    """Text of ``el`` as a list of non-empty lines."""
    parts: list[str] = []

    def walk(e):
        tag = e.tag if isinstance(e.tag, str) else ""
        if tag in ("script", "style", "noscript", "template"):
            if e.tail:
                parts.append(e.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        elif tag in CELL_TAGS:
            parts.append("\t")
        if isinstance(e.tag, str) and e.text:
            parts.append(e.text)
        for c in e:
            walk(c)
        if block:
            parts.append("\n")
        elif tag in CELL_TAGS:
            parts.append("\t")
        if e.tail:
            parts.append(e.tail)

    walk(el)
    text = "".join(parts)
    out = []
    for line in text.split("\n"):
        cells = [norm_ws(c) for c in line.split("\t")]
        line = "\t".join(c for c in cells if c)
        if line:
            out.append(line)
    return out


def element_text(el) -> str:
    return norm_ws(" ".join(element_lines(el)).replace("\t", " "))
