"""The one path from archived bytes to a corpus document.

Both the live crawl (pipelines.extract, in a worker process) and ``govcrawl rebuild`` (from
WARC records) call :func:`build_document` with the same *captures*, so the two can never
disagree. A capture is a plain dict (picklable, JSON-friendly but for ``body``)::

    {"url": str, "status": int, "headers": {lower-case name: value}, "body": bytes
     (content-encoding already removed), "fetched_at": ISO-8601, "warc": pointer | None}

Nothing here imports Scrapy.
"""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import quote, unquote_to_bytes, urlsplit

from crawler.encoding import decode, repair
from crawler.extract import (extract_attachment, extract_html, join_pages,
                             normalize_for_search)

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.I)


def http_charset(headers: dict[str, str]) -> str | None:
    m = _CHARSET_RE.search(headers.get("content-type", "") or "")
    return m.group(1) if m else None


def decode_capture(capture: dict[str, Any]):
    return decode(capture["body"], http_charset=http_charset(capture.get("headers") or {}))


def _url_key(url: str) -> bytes:
    """Compare URLs as bytes: percent-decoded, without fragment."""
    parts = urlsplit(url)
    return unquote_to_bytes(f"{parts.netloc}{parts.path}?{parts.query}")


def _url_keys(url: str, encoding: str) -> set[bytes]:
    """The byte keys a link written in a page (text) may have been requested as: its
    non-ASCII characters percent-encoded in UTF-8 or in the page's own encoding."""
    parts = urlsplit(url)
    text = f"{parts.netloc}{parts.path}?{parts.query}"
    keys = set()
    for enc in ("utf-8", encoding or "utf-8"):
        try:
            keys.add(unquote_to_bytes(quote(text, safe="/:?=&%;,+@!$'()*~.-_", encoding=enc)))
        except (LookupError, UnicodeEncodeError):
            continue
    return keys


def _fixes(field: str, text: str | None) -> tuple[str | None, list[dict[str, Any]]]:
    if not text:
        return text, []
    result = repair(text)
    return result.text, [dict(fix, field=field) for fix in result.to_dict()["fixes"]]


def build_attachment(attachment: dict[str, Any]) -> dict[str, Any]:
    """``{"capture", "name", "url"}`` -> the attachment row: text extracted and repaired."""
    cap = attachment["capture"]
    extracted = extract_attachment(cap["body"], cap["url"],
                                   (cap.get("headers") or {}).get("content-type"))
    text, fixes = _fixes("attachment", extracted.text)
    return {
        "url": cap["url"],
        "name": attachment.get("name") or "",
        "mime": extracted.mime,
        "text": text or "",
        "error": extracted.error,
        "repairs": fixes,
        "size": len(cap["body"]),
        "status": cap["status"],
        "fetched_at": cap.get("fetched_at"),
        "warc": cap.get("warc"),
    }


def build_document(site: str, main: dict[str, Any], parts: Iterable[dict[str, Any]] = (),
                   attachments: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """Decode, extract, join pages, repair and assemble one document.

    ``main`` is the article's first page, ``parts`` its other pages in order, ``attachments``
    a list of ``{"capture", "name", "url"}``. Returns the document dict the corpus stores.
    """
    parts = list(parts)
    decoded = [decode_capture(c) for c in [main, *parts]]
    pages = [extract_html(d.text, c["url"]) for d, c in zip(decoded, [main, *parts])]
    ex = join_pages(pages) if len(pages) > 1 else pages[0]
    title, title_fixes = _fixes("title", ex.title)
    text, text_fixes = _fixes("text", ex.text)
    # The spider fetches (and so archives) every attachment a page links; the document keeps
    # those linked from its article block, named as the article names them.
    linked: dict[bytes, str] = {}
    for page, dec in zip(pages, decoded):
        for link in page.attachments or ():
            for key in _url_keys(link["url"], dec.encoding):
                linked.setdefault(key, link.get("name") or "")
    atts = []
    for a in attachments:
        key = _url_key(a["url"])
        if key in linked:
            atts.append(build_attachment({**a, "name": linked[key] or a.get("name", "")}))
    repairs = title_fixes + text_fixes + [f for a in atts for f in a["repairs"]]
    decision = decoded[0].to_dict()
    if len(decoded) > 1:
        decision["pages"] = [d.to_dict() for d in decoded[1:]]
    return {
        "url": main["url"],
        "site": site,
        "title": title,
        "published": ex.published,
        "published_time": ex.published_time,
        "source": ex.source,
        "author": ex.author,
        "breadcrumb": ex.breadcrumb,
        "text": text or "",
        "text_search": normalize_for_search(text or ""),
        "fields": dict(ex.fields or {}),
        "meta": dict(ex.meta or {}),
        "encoding": decision,
        "repairs": repairs,
        "is_mirror": bool(ex.is_mirror),
        "mirror_signals": list(ex.mirror_signals or []),
        "parts": [c["url"] for c in parts],
        "attachments": atts,
        "status": main["status"],
        "warc": main.get("warc"),
        "fetched_at": main.get("fetched_at"),
    }


def prepared_document(site: str, main: dict[str, Any], parts: Iterable[dict[str, Any]] = (),
                      attachments: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """:func:`build_document` plus the corpus's database-independent derived fields
    (hashes, script, search tokens) under ``_corpus``, so that a worker process does that
    work too. Used by the crawl and by rebuild alike."""
    from crawler.corpus import prepare

    doc = build_document(site, main, parts, attachments)
    doc["_corpus"] = prepare(doc)
    return doc


def document_from_item(item: dict[str, Any]) -> dict[str, Any]:
    """The crawl's entry point (runs in an extraction worker process)."""
    return prepared_document(item["site"], item["main"], item.get("parts") or (),
                             item.get("attachments") or ())
