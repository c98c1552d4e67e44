"""The item pipeline: batches records into the archive session's storage.

Records per transaction: ``BANTIN_BATCH_SIZE``. Outcomes are counted in the crawl stats under
``bantin/articles_<outcome>``, ``bantin/articles_gone`` and ``bantin/failed/<kind>``. The archive
itself (its connection, the run, the disk-full stop) is the session's (``pipelines.session``).
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.config import archive_session
from crawler.items import Article, PageFailure, SiteCheck
from pipelines import storage

GONE_KINDS = ("http_404", "http_410", "redirected_away")


class ArchivePipeline:
    """Write crawled records to SQLite in batched transactions."""

    def __init__(self, crawler, session):
        self.crawler = crawler
        self.session = session
        self.db = session.db
        self.batch_size = session.config.batch_size
        self.articles: list[dict] = []
        self.failures: list[PageFailure] = []

    @classmethod
    def from_crawler(cls, crawler):
        """Build the pipeline from a crawler (Scrapy's entry point); none without an archive."""
        session = archive_session(crawler)
        if session is None:
            raise NotConfigured("no archive")
        return cls(crawler, session)

    def process_item(self, item):
        """Queue a record (site checks are written at once); flush a full batch."""
        if isinstance(item, Article):
            self.articles.append(item.to_dict())
        elif isinstance(item, PageFailure):
            self.failures.append(item)
        elif isinstance(item, SiteCheck):
            self._written(lambda: storage.record_site_state(
                self.db, item.site, item.host, item.state, item.detail, item.checked_at))
        if len(self.articles) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        """Flush what is queued and link republished copies to their originals."""
        self.flush()
        self._written(lambda: self.crawler.stats.set_value("bantin/copies_linked",
                                                           storage.link_copies(self.db)))

    def flush(self) -> None:
        """Write queued records; on a full disk the session stops the crawl."""
        self._written(self._write_queued)

    def _written(self, write) -> None:
        """Call ``write`` through the session; on a full disk, drop what is queued."""
        if not self.session.written(write):
            self.articles, self.failures = [], []

    def _write_queued(self) -> None:
        """Write queued articles and failures, one transaction each, and count the outcomes."""
        stats = self.crawler.stats
        if self.articles:
            for outcome, count in storage.save_articles(self.db, self.articles).items():
                stats.inc_value(f"bantin/articles_{outcome}", count)
            self.articles = []
        if self.failures:
            storage.save_failures(self.db, [failure.to_dict() for failure in self.failures])
            for failure in self.failures:
                if failure.article_id and failure.kind in GONE_KINDS and storage.mark_gone(
                        self.db, failure.article_id, failure.reason, failure.fetched_at):
                    stats.inc_value("bantin/articles_gone")
            self.failures = []
