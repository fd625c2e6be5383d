"""Custom Scrapy signals of govcrawl.

``page_metadata`` is sent by the spider for every archived page it understood; the WARC
writer turns it into a ``metadata`` record (``application/warc-fields``) that refers to the
page's response record, as Heritrix does for outlinks. The fields also carry how pages group
into documents (``govcrawl-role``, ``govcrawl-document``), which is what lets
``govcrawl rebuild`` regroup multi-page articles and attachments from the WARC files alone.

Arguments: ``url`` (str), ``record_id`` (the response/revisit record's WARC-Record-ID or
None), ``fields`` (list of ``(name, value)`` pairs).
"""

page_metadata = object()
