"""A Scrapy extension for the crawl-overhead benchmark: the crawl process's CPU time.

Enabled with ``-s 'EXTENSIONS={"bench.cpu.CrawlCpuTime": 0}'``; it puts the user and system CPU
seconds the process spent between spider open and close into the stats as ``cpu_seconds``.
"""

from __future__ import annotations

import time

from scrapy import signals


class CrawlCpuTime:
    """Process CPU seconds (user + system) from ``spider_opened`` to ``spider_closed``."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.started = 0.0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        """Build the extension (Scrapy's entry point)."""
        return cls(crawler)

    def spider_opened(self) -> None:
        """Start counting."""
        self.started = time.process_time()

    def spider_closed(self) -> None:
        """Record ``cpu_seconds`` (float seconds)."""
        self.stats.set_value("cpu_seconds", round(time.process_time() - self.started, 3))
