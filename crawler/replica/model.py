"""Data shapes of the replica: what it knows about itself (truth) and what it serves."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class TruthAttachment:
    url: str
    name: str
    mime: str
    text: str


@dataclass(frozen=True)
class TruthArticle:
    site: str
    url: str
    path: str
    title: str
    published: str
    source: Optional[str]
    body: str
    pages: list
    attachments: list
    encoding: str
    declared: Optional[str]
    story_id: str
    kind: str
    fields: dict
    reprint_of: Optional[str] = None


@dataclass
class Attachment:
    path: str
    name: str          # link text name, e.g. 名称.pdf
    mime: str
    text: str          # text the file carries
    kind: str          # pdf | docx | xlsx
    rows: list = field(default_factory=list)   # xlsx rows
    paragraphs: list = field(default_factory=list)


@dataclass
class Article:
    """One article as the replica knows it (internal, mutable while building)."""

    site: str
    path: str
    title: str
    date: str               # YYYY-MM-DD
    time: str = "09:30"
    source: Optional[str] = None
    paragraphs: list = field(default_factory=list)
    page_paths: list = field(default_factory=list)     # multi-page: all page paths (first = path)
    page_paras: list = field(default_factory=list)     # multi-page: paragraphs per page
    attachments: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    story_id: str = ""
    kind: str = "official"
    reprint_of: Optional[str] = None
    column: str = ""
    encoding: str = "utf-8"
    declared: Optional[str] = "utf-8"
    extra: dict = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def truth(self, base_url: str) -> TruthArticle:
        pages = [base_url + p for p in (self.page_paths or [self.path])]
        return TruthArticle(
            site=self.site, url=base_url + self.path, path=self.path, title=self.title,
            published=self.date, source=self.source or None, body=self.body, pages=pages,
            attachments=[TruthAttachment(base_url + a.path, a.name, a.mime, a.text) for a in self.attachments],
            encoding=self.encoding, declared=self.declared, story_id=self.story_id, kind=self.kind,
            fields=dict(self.fields), reprint_of=self.reprint_of,
        )


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    ctype: str = "text/html"
    headers: list = field(default_factory=list)   # extra (name, value)
    chunked: bool = False
    last_modified: Optional[str] = None  # YYYY-MM-DD HH:MM (Beijing/HK time)
    compressible: bool = True


class RequestLog(list):
    """Thread-safe list of (site, method, path, status) tuples served."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def add(self, entry: tuple) -> None:
        with self._lock:
            self.append(entry)

    def snapshot(self) -> list:
        with self._lock:
            return list(self)

    def count(self, site: Optional[str] = None, path: Optional[str] = None, status: Optional[int] = None) -> int:  # type: ignore[override]
        return sum(1 for s, m, p, st in self.snapshot()
                   if (site is None or s == site) and (path is None or p == path) and (status is None or st == status))

    def paths(self, site: Optional[str] = None) -> list:
        return [p for s, m, p, st in self.snapshot() if site is None or s == site]

    def clear(self) -> None:  # type: ignore[override]
        with self._lock:
            super().clear()


Renderer = Callable[[], Resp]
