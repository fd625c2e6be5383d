"""香港特別行政區政府新聞公報 (HKSAR press releases), www.info.gov.hk/gia.

Traditional Chinese in Big5-HKSCS bytes labelled ``big5``: decoded as big5hkscs so HKSCS
characters (喺 嘅 …) survive. The Chinese edition: ``todayc.htm``, day indexes
``/gia/general/YYYYMM/DDc.htm`` (``today.htm``/``DD.htm`` are the English pages), releases
``/gia/general/YYYYMM/DD/PYYYYMMDDNNNNN.htm``.
"""

from spiders.base import MunicipalSpider, Site


class HkGiaSpider(MunicipalSpider):
    site = Site(
        name="hk_gia",
        title="香港特別行政區政府新聞公報",
        kind="government",
        cms="static",
        start_urls=("https://www.info.gov.hk/gia/general/todayc.htm",),
        allowed_domains=("www.info.gov.hk",),
        list_patterns=(r"^/gia/general/(todayc|\d{6}/\d{2}c)\.htm$",),
        article_patterns=(r"^/gia/general/\d{6}/\d{2}/P\d+\.htm$",),
        deny_patterns=(r"^/search/",),
        encoding_note="Big5-HKSCS bytes, big5 label",
    )
