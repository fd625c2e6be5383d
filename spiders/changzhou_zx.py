"""常州市政协 (Changzhou CPPCC), zx.changzhou.gov.cn, 风讯 (Foosun) CMS.

GBK bytes labelled ``gb2312`` (header and meta): decoded as gb18030, so 镕/喆/堃 survive.
Article paths ``/html/czzx/YYYY/XXXXXXXX_MMDD/NNNNN.html`` (sites.md); column lists
``/html/czzx/<COLUMN>/index.html`` with ``index_N.html`` paging (modelled, not confirmed).
"""

from spiders.base import MunicipalSpider, Site


class ChangzhouZxSpider(MunicipalSpider):
    site = Site(
        name="changzhou_zx",
        title="常州市政协",
        kind="cppcc",
        cms="foosun",
        start_urls=("http://zx.changzhou.gov.cn/",),
        allowed_domains=("zx.changzhou.gov.cn",),
        list_patterns=(r"^/(index\.html?)?$", r"^/html/czzx/(index\.html)?$",
                       r"^/html/czzx/[A-Z]{8}/(index(_\d+)?\.html)?$"),
        article_patterns=(r"^/html/czzx/\d{4}/[A-Z]{8}_\d{4}/\d+\.html$",),
        deny_patterns=(r"^/search/",),
        encoding_note="GBK bytes, gb2312 label",
    )
