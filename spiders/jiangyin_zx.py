"""江阴政协 (Jiangyin CPPCC, Wuxi), zx.jiangyin.gov.cn.

Articles ``/doc/YYYY/MM/DD/NNNNNNN.shtml`` (sites.md); static lists ``/gzdt/index.shtml``
with ``index_N.shtml`` paging, where ``index_1.shtml`` answers 404 as on the real site.
"""

from spiders.base import MunicipalSpider, Site


class JiangyinZxSpider(MunicipalSpider):
    site = Site(
        name="jiangyin_zx",
        title="江阴政协",
        kind="cppcc",
        cms="static",
        start_urls=("http://zx.jiangyin.gov.cn/",),
        allowed_domains=("zx.jiangyin.gov.cn",),
        list_patterns=(r"^/(index\.s?html?)?$", r"^/\w+/(index(_\d+)?\.shtml)?$"),
        article_patterns=(r"^/doc/\d{4}/\d{2}/\d{2}/\d+\.shtml$",),
        deny_patterns=(r"^/search/",),
        encoding_note="UTF-8",
    )
