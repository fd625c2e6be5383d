"""Data shapes returned by :mod:`crawler.extract`."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Extracted:
    """One HTML page turned into a corpus document (body + metadata).

    ``text`` is the article body only: paragraphs joined by ``"\\n"``, NFC, the page's own
    characters (full-width punctuation kept).  Title, date line, breadcrumb and page
    furniture are never part of it.
    """

    url: str = ""
    title: str | None = None
    published: str | None = None          # YYYY-MM-DD
    published_time: str | None = None     # YYYY-MM-DD HH:MM[:SS] when the page gives a time
    source: str | None = None
    author: str | None = None
    breadcrumb: str | None = None
    text: str = ""
    fields: dict = field(default_factory=dict)       # 信息公开 table: label -> value
    meta: dict = field(default_factory=dict)         # government meta tags
    attachments: list = field(default_factory=list)  # [{"url": abs, "name": link text}]
    next_pages: list = field(default_factory=list)   # following pages of a multi-page article
    is_mirror: bool = False
    mirror_signals: list = field(default_factory=list)
    repairs: list = field(default_factory=list)      # what the HTML cleaner had to do
    page_count: int = 1

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AttachmentText:
    """Text of one attachment (pdf, doc, docx, xls, xlsx, wps ...)."""

    url: str = ""
    text: str = ""
    mime: str | None = None
    pages: int | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)
