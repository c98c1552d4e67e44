"""The item pipeline: batches records into storage and keeps the run's own record.

Settings: ``ARCHIVE_DB`` (path of the SQLite archive) and ``ARCHIVE_BATCH_SIZE`` (records per
transaction). Outcomes are counted in the crawl stats under ``bantin/articles_<outcome>``,
``bantin/articles_gone`` and ``bantin/failed/<kind>``; each run writes one ``crawl_runs`` row.
The archive's state (which articles are archived, when fetched; which pages failed) is offered to
the spider as ``crawler.archive_state``, ``crawler.failed_urls`` and ``crawler.complete_sites``
(sites a finished run crawled) so incremental crawls can skip what is already known.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from dataclasses import asdict
from datetime import UTC, datetime

from scrapy import signals

from crawler.items import Article, PageFailure, SiteCheck
from pipelines import storage

GONE_KINDS = ("http_404", "http_410", "redirected_away")
RUN_COUNTS = ("new", "changed", "unchanged", "gone")


class ArchivePipeline:
    """Write crawled records to SQLite in batched transactions."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("ARCHIVE_BATCH_SIZE", 25)
        self.db = storage.open_archive(crawler.settings.get("ARCHIVE_DB", "archive.db"))
        crawler.archive_state = storage.archive_state(self.db)
        crawler.failed_urls = storage.failed_urls(self.db)
        crawler.complete_sites = storage.complete_sites(self.db)
        self.articles: list[dict] = []
        self.failures: list[PageFailure] = []
        self.run_id = None

    @classmethod
    def from_crawler(cls, crawler):
        """Build the pipeline from a crawler (Scrapy's entry point)."""
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Record the run as started."""
        spider = self.crawler.spider
        sites = [site.name for site in getattr(spider, "sites", [])]
        storage.save_sites(self.db, [asdict(site) for site in getattr(spider, "sites", [])])
        self.run_id = storage.start_run(self.db, sites, getattr(spider, "mode", "incremental"),
                                        _now(), os.getpid())
        self.crawler.bantin_run_id = self.run_id

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
        try:
            self.crawler.stats.set_value("bantin/copies_linked", storage.link_copies(self.db))
        except (sqlite3.OperationalError, OSError) as error:
            if not is_disk_full(error):
                raise

    def spider_closed(self, reason: str) -> None:
        """Write how the run ended (if the disk still takes it), then close the archive."""
        try:
            self._finish_run(reason)
        except (sqlite3.OperationalError, OSError) as error:
            if not is_disk_full(error):
                raise
        self.db.close()

    def _finish_run(self, reason: str) -> None:
        """The run's crawl_runs row: counts, errors by kind, outcome."""
        stats = self.crawler.stats.get_stats()
        counts = {f"articles_{name}": stats.get(f"bantin/articles_{name}", 0) for name in RUN_COUNTS}
        counts["pages_fetched"] = stats.get("response_received_count", 0)
        errors = {k.removeprefix("bantin/failed/"): v for k, v in stats.items()
                  if k.startswith("bantin/failed/")}
        outcome = reason if counts["pages_fetched"] else "failed"
        storage.finish_run(self.db, self.run_id, _now(), outcome, counts, errors)

    def flush(self) -> None:
        """Write queued records; on a full disk, stop the crawl with a clear reason."""
        self._written(self._write_queued)

    def _written(self, write) -> None:
        """Call ``write``; on a full disk, drop what is queued and stop the crawl with one line."""
        try:
            write()
        except (sqlite3.OperationalError, OSError) as error:
            if not is_disk_full(error):
                raise
            stop_for_full_disk(self.crawler, error)
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


def is_disk_full(error: Exception) -> bool:
    """True for the errors of a full disk (or a file-size limit) from SQLite or the OS."""
    text = str(error).lower()
    return getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or \
        "disk is full" in text or "disk i/o error" in text or "file too large" in text


def stop_for_full_disk(crawler, error: Exception) -> None:
    """Log one clear line and close the crawl with reason ``disk_full``."""
    if crawler.stats.get_value("bantin/disk_full"):
        return
    crawler.stats.set_value("bantin/disk_full", str(error)[:200])
    logging.getLogger("bantin").error("disk full, crawl stopped: %s", error)
    _schedule(crawler.engine.close_spider_async(reason="disk_full"))


_PENDING: set = set()


def _schedule(coroutine) -> None:
    """Run a coroutine on the crawl's event loop without waiting for it (kept referenced)."""
    import asyncio

    task = asyncio.ensure_future(coroutine)
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


def _now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
