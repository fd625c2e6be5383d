"""``scrapy crawl`` with an honest exit status.

Scrapy's own command exits 0 even when every request failed; this one judges the crawl by
its stats (crawler.report.exit_status) and exits non-zero when it failed.
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler import report


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        start = len(report.FINISHED)   # Scrapy forgets finished crawlers; the report keeps them
        super().run(args, opts)
        if self.exitcode:
            return
        results = report.FINISHED[start:]
        self.exitcode = max((r.exit_status for r in results), default=report.FAILED)
