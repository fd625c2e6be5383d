"""``scrapy crawl`` with an honest exit status.

Scrapy's own command exits 0 even when every request failed; this one judges the crawl by
its stats (crawler.report.exit_status) and exits non-zero when it failed.
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.report import exit_status


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        super().run(args, opts)
        if self.exitcode:
            return
        assert self.crawler_process is not None
        codes = [exit_status(c.stats.get_stats(), c.settings) for c in self.crawler_process.crawlers]
        self.exitcode = max(codes, default=1)
