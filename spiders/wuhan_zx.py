"""武汉政协 (Wuhan CPPCC), www.whzx.gov.cn, TRS.

Column lists ``/<col>/index.shtml`` page through ``index_N.shtml`` links that only a
``createPageHTML(count, current, "index", "shtml")`` call produces; articles
``/<col>/YYYYMM/tYYYYMMDD_N.shtml`` (and the older ``tNNNNNNN.htm``), multi-page articles
``…_1.shtml``. The server's ``charset=utf-8`` header is wrong on some old GBK articles.
"""

from spiders.base import MunicipalSpider, Site


class WuhanZxSpider(MunicipalSpider):
    site = Site(
        name="wuhan_zx",
        title="武汉政协",
        kind="cppcc",
        cms="trs",
        start_urls=("http://www.whzx.gov.cn/",),
        allowed_domains=("www.whzx.gov.cn", "whzx.gov.cn"),
        list_patterns=(r"^/(index\.s?html?)?$", r"^/[\w/]+/(index(_\d+)?\.s?html?)?$"),
        article_patterns=(r"^/[\w/]+/\d{6}/t\d{8}_\d+\.shtml$", r"^/[\w/]+/\d{6}/t\d+\.htm$"),
        deny_patterns=(r"^/search/",),
        encoding_note="UTF-8; some GBK pages under a utf-8 header",
    )
