"""A spam mirror of the Changzhou sites (not official).

Crawled so that the corpus can recognise copies of official articles and keep the official
original as canonical. Mirrors reuse the official paths under their own host (sites.md);
the host is a placeholder: point it at a real mirror with ``-a base_url=``.
"""

from spiders.base import MunicipalSpider, Site


class MirrorSpider(MunicipalSpider):
    site = Site(
        name="mirror",
        title="常州厂房网 (spam mirror)",
        kind="mirror",
        official=False,
        in_all=False,
        cms="mirror",
        start_urls=("http://www.czfc-mirror.example/",),
        allowed_domains=("www.czfc-mirror.example",),
        list_patterns=(r"^/(index\.html)?$", r"^/list_\d+\.html$"),
        article_patterns=(r"^/zx/html/czzx/\d{4}/[A-Z]{8}_\d{4}/\d+\.html$", r"^/ns_news/\d{15}$"),
        deny_patterns=(r"^/search/",),
        encoding_note="UTF-8",
    )
