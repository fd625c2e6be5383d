"""WARC archiving for govcrawl (see docs/warc.md).

* ``archive.warc.WarcWriter`` — rotating, crash-safe WARC/1.1 writer (usable without Scrapy)
* ``archive.middleware.WarcCaptureMiddleware`` — Scrapy downloader middleware (priority 950)
* ``archive.handler.RecordingHTTP11DownloadHandler`` — keeps status line / raw headers / request head
* ``archive.digests.DigestIndex`` — persistent payload-digest index behind revisits
* ``archive.reader`` — ``resolve``, ``iter_records``, ``iter_captures``, ``iter_metadata``
* ``archive.cli`` — ``govcrawl index | wacz | replay``; ``archive.replay.PywbServer``
"""
