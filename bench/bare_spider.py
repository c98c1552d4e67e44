"""The reference for the crawl-overhead benchmark: fetch the given URLs and do nothing with them.

    scrapy runspider bench/bare_spider.py -a urls_file=urls.txt
"""

from __future__ import annotations

from typing import ClassVar

import scrapy


class BareSpider(scrapy.Spider):
    """Requests every URL of ``urls_file`` (one per line) and discards the responses."""

    name = "bare"
    custom_settings: ClassVar[dict] = {"ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False}

    def __init__(self, urls_file: str, **kwargs):
        super().__init__(**kwargs)
        with open(urls_file, encoding="utf-8") as handle:
            self.urls = [line.strip() for line in handle if line.strip()]

    async def start(self):
        """One request per URL, no duplicate filtering (each URL is listed once)."""
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        """Nothing: the reference cost is fetching alone."""
        return None
