"""The item pipeline: batches Article and PageFailure records into the archive.

Settings: ``ARCHIVE_DB`` (path of the SQLite archive) and ``ARCHIVE_BATCH_SIZE`` (records per
transaction). Outcomes are counted in the crawl stats under ``bantin/articles_<outcome>`` and
``bantin/failed/<kind>``.
"""

from __future__ import annotations

from crawler.items import Article, PageFailure
from pipelines import storage


class ArchivePipeline:
    """Write crawled records to SQLite in batched transactions."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("ARCHIVE_DB", "archive.db")
        self.batch_size = crawler.settings.getint("ARCHIVE_BATCH_SIZE", 25)
        self.articles: list[dict] = []
        self.failures: list[dict] = []
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        """Build the pipeline from a crawler (Scrapy's entry point)."""
        return cls(crawler)

    def open_spider(self) -> None:
        """Open the archive, creating its schema if needed."""
        self.db = storage.open_archive(self.db_path)

    def process_item(self, item):
        """Queue a record; flush a batch once it is full. Returns the item unchanged."""
        if isinstance(item, Article):
            self.articles.append(item.to_dict())
        elif isinstance(item, PageFailure):
            self.failures.append(item.to_dict())
        if len(self.articles) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        """Flush what is queued, link republished copies to their originals, close the archive."""
        self.flush()
        self.crawler.stats.set_value("bantin/copies_linked", storage.link_copies(self.db))
        self.db.close()

    def flush(self) -> None:
        """Write queued articles and failures, one transaction each, and count the outcomes."""
        stats = self.crawler.stats
        if self.articles:
            for outcome, count in storage.save_articles(self.db, self.articles).items():
                stats.inc_value(f"bantin/articles_{outcome}", count)
            self.articles = []
        if self.failures:
            storage.save_failures(self.db, self.failures)
            self.failures = []
