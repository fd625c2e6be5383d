"""Body, metadata and attachment text extraction for Chinese government pages.

Pure functions over decoded HTML / raw bytes + URL; no Scrapy import.  Used identically by
the live crawl and by the rebuild-from-WARC path.
"""
from .attachments import extract_attachment, find_attachments
from .core import extract_html
from .model import AttachmentText, Extracted
from .pages import find_article_pages, join_pages
from .textnorm import normalize_for_search

__all__ = ["extract_html", "extract_attachment", "find_attachments", "find_article_pages",
           "join_pages", "normalize_for_search", "Extracted", "AttachmentText"]
