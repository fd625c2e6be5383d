"""常熟市人民政府 (Changshu), www.changshu.gov.cn, Hanweb (大汉) platform.

The URL shapes are modelled on the Hanweb platform common to Suzhou-area county sites
(``/art/YYYY/M/D/art_COL_ID.html``, ``/col/colN/index.html``, paging through
``/module/web/jpage/dataproxy.jsp``); no public copy of the real site confirms them.
UTF-8 bytes under a wrong ``gb2312`` meta label.
"""

from spiders.base import MunicipalSpider, Site


class ChangshuSpider(MunicipalSpider):
    site = Site(
        name="changshu",
        title="常熟市人民政府",
        kind="government",
        cms="hanweb",
        start_urls=("http://www.changshu.gov.cn/",),
        allowed_domains=("www.changshu.gov.cn", "changshu.gov.cn"),
        list_patterns=(r"^/(index\.html?)?$", r"^/col/col\d+/(index\.html)?(\?.*)?$",
                       r"^/module/web/jpage/dataproxy\.jsp\?"),
        article_patterns=(r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",),
        deny_patterns=(r"^/search/",),
        encoding_note="UTF-8 bytes with a wrong gb2312 meta label",
    )
