"""Scrapy's cookie middleware, without the network.

Scrapy's ``CookiesMiddleware`` asks tldextract whether a cookie's domain is a public suffix,
and tldextract's default downloads the Public Suffix List on first use. A crawler of
government sites runs on machines with restricted outbound access (and this project's tests
run with none): there the download fails, logs a traceback and falls back anyway. This
middleware uses tldextract's bundled snapshot of the list from the start: no network, the same
answer on every machine, updated with tldextract itself.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares import cookies as _scrapy_cookies
from tldextract import TLDExtract

_scrapy_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


class CookiesMiddleware(_scrapy_cookies.CookiesMiddleware):
    """``scrapy.downloadermiddlewares.cookies.CookiesMiddleware`` with the bundled PSL."""
