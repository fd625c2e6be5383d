"""常州市人民政府 (Changzhou municipal government), www.changzhou.gov.cn, TRS-style.

UTF-8. Column pages are filled by JavaScript from a JSON list endpoint, which the generic
spider reads (string values that match the patterns). Short article pages whose real text
is in ``P0…`` attachments (.pdf/.docx/.xlsx). Also the real ``/ns_news/NNN…`` news and
``/downxxgk.php?fid=`` disclosure shapes from sites.md.
"""

from spiders.base import MunicipalSpider, Site


class ChangzhouGovSpider(MunicipalSpider):
    site = Site(
        name="changzhou_gov",
        title="常州市人民政府",
        kind="government",
        cms="trs",
        start_urls=("https://www.changzhou.gov.cn/",),
        allowed_domains=("www.changzhou.gov.cn", "changzhou.gov.cn"),
        list_patterns=(r"^/(index\.s?html?)?$", r"^/gk/\w+/(index(_\d+)?\.shtml)?$",
                       r"^/gk/\w+/list\.json(\?page=\d+)?$"),
        article_patterns=(r"^/gk/\w+/\d{6}/t\d{8}_\d+\.shtml$", r"^/ns_news/\d{15}$",
                          r"^/downxxgk\.php\?fid=\d+$"),
        deny_patterns=(r"^/search/",),
        encoding_note="UTF-8",
    )
