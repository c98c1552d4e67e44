"""One archive session per crawl: the Scrapy extension that owns the archive while a crawl runs.

It opens the archive's one connection, loads what the fetch plan needs (which articles are
archived and when, which pages failed, which sites a finished run crawled), holds the run's
``crawl_runs`` row, keeps every response as WARC records indexed in ``captures``, and stops the
crawl with one clear line when the disk is full. The spider, the item pipeline and the capture
middleware reach it through ``crawler.config.archive_session``.

Captures: articles, listings, robots.txt, redirects and error pages alike are written with their
request, headers, fetch time and payload digest into rotating gzip WARC files (``captures/``
beside the archive, or ``BANTIN_CAPTURES_DIR``). A page whose content digest (counters masked)
equals an earlier capture is written as a ``revisit`` record referring to it.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse

from crawler.config import BantinSettings, read_settings
from crawler.dates import utc_now
from pipelines import storage, warc

MAX_DECODED = 8 * 1024 * 1024  # bytes of a compressed body decoded for its content digest
RUN_COUNTS = ("new", "changed", "unchanged", "gone")
log = logging.getLogger("bantin")


@dataclass(frozen=True)
class Captured:
    """A response kept in this run: its capture id, and whether the page is as an earlier run
    saw it (counters aside), which lets the fetch plan stop paging."""

    capture_id: int
    unchanged: bool
    revisit: bool = False  # written as a revisit: the same payload was kept before


class ArchiveSession:
    """The archive of one crawl (see the module docstring)."""

    def __init__(self, crawler, config: BantinSettings):
        self.crawler = crawler
        self.config = config
        self.db = storage.open_archive(config.db)
        self.plan_state = {"state": storage.archive_state(self.db),
                           "failed_urls": storage.failed_urls(self.db),
                           "complete_sites": storage.complete_sites(self.db),
                           "kept_files": storage.kept_file_urls(self.db)}
        self.run_id: int | None = None
        self.writer: warc.RotatingWarcWriter | None = None
        self.captured: dict[str, Captured] = {}
        self._pending: set = set()

    @classmethod
    def from_crawler(cls, crawler):
        """Open the archive named by ``BANTIN_DB`` (Scrapy's entry point); none without one."""
        config = read_settings(crawler.settings)
        if not config.db:
            raise NotConfigured("no archive")
        session = cls(crawler, config)
        crawler.signals.connect(session.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(session.spider_closed, signal=signals.spider_closed)
        return session

    @property
    def captures_folder(self) -> Path:
        """Where this crawl's WARC files go."""
        folder = self.config.captures_dir
        return Path(folder) if folder else warc.captures_folder(self.config.db)

    def spider_opened(self, spider) -> None:
        """Record the run as started and open a new WARC file series for it."""
        sites = getattr(spider, "sites", [])
        self.written(lambda: storage.save_sites(self.db, [asdict(site) for site in sites]))
        self.run_id = storage.start_run(self.db, [site.name for site in sites],
                                        getattr(spider, "mode", "incremental"), utc_now(), os.getpid())
        if self.config.captures:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            self.writer = warc.RotatingWarcWriter(self.captures_folder, f"bantin-{stamp}-{os.getpid()}",
                                                  self.config.warc_max_bytes, f"bantin/{self.config.version}")

    def spider_closed(self, reason: str) -> None:
        """Write how the run ended (if the disk still takes it); close the WARC file and archive."""
        self.written(lambda: self._finish_run(reason))
        if self.writer:
            self.writer.close()
        self.db.close()

    def _finish_run(self, reason: str) -> None:
        """The run's crawl_runs row: counts, errors by kind, outcome."""
        stats = self.crawler.stats.get_stats()
        counts = {f"articles_{name}": stats.get(f"bantin/articles_{name}", 0) for name in RUN_COUNTS}
        counts["pages_fetched"] = stats.get("response_received_count", 0)
        counts.update({f"files_{name}": stats.get(f"bantin/files_{name}", 0)
                       for name in ("kept", "bytes")})
        counts["files_skipped"] = sum(v for k, v in stats.items() if k.startswith("bantin/files_skipped/"))
        errors = {k.removeprefix("bantin/failed/"): v for k, v in stats.items()
                  if k.startswith("bantin/failed/")}
        outcome = reason if counts["pages_fetched"] else "failed"
        storage.finish_run(self.db, self.run_id, utc_now(), outcome, counts, errors)

    def written(self, write) -> bool:
        """Run one archive write; on a full disk, stop the crawl with one line and report False."""
        try:
            write()
            return True
        except (OSError, sqlite3.Error) as error:
            if not is_disk_full(error):
                raise
        self.stop_for_full_disk()
        return False

    def stop_for_full_disk(self) -> None:
        """Log one clear line and close the crawl with reason ``disk_full`` (once)."""
        self.writer = None
        stats = self.crawler.stats
        if stats.get_value("bantin/disk_full"):
            return
        stats.set_value("bantin/disk_full", "the disk is full")
        log.error("disk full, crawl stopped: no space left for the archive")
        task = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="disk_full"))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def capture(self, request, response) -> None:
        """Keep ``response`` as WARC records and index it (nothing when captures are off)."""
        if self.writer is not None:
            self.written(lambda: self._capture(request, response))

    def capture_error(self, request, exception) -> None:
        """Index a fetch that got no response (reset, timeout, refused) with its error."""
        if self.writer is not None:
            self.written(lambda: storage.add_capture(self.db, {
                "url": request.url, "site": getattr(request.cb_kwargs.get("site"), "name", None),
                "fetched_at": utc_now(), "record_type": "error",
                "error": f"{type(exception).__name__}: {exception}"[:300], "origin": "crawl",
                "run_id": self.run_id,
            }))

    def keep_file(self, url: str) -> None:
        """Point the images and attachments naming ``url`` at its capture in this run (a file
        fetched for an archived article and found to be the file it should be)."""
        captured = self.captured.get(url)
        if captured is not None:
            self.written(lambda: storage.link_file(self.db, url, captured.capture_id))

    def captured_for(self, url: str) -> Captured | None:
        """What this run kept of the response of ``url``, or ``None``."""
        return self.captured.get(url)

    def _capture(self, request, response) -> None:
        """Write the WARC records of ``response`` and index them."""
        fetched_at = datetime.now(UTC).replace(microsecond=0)
        digest = _content_digest(response)
        previous = storage.capture_with_content(self.db, digest, response.status) if digest else None
        unchanged = previous is not None
        revisit_of = {"digest": previous["digest"], "uri": previous["url"],
                      "warc_date": warc.warc_date(previous["fetched_at"])} if unchanged else None
        written = self.writer.write_fetch(_fetch(request, response, fetched_at), revisit_of)
        capture_id = storage.add_capture(self.db, {
            "url": response.url, "site": getattr(request.cb_kwargs.get("site"), "name", None),
            "status": response.status, "fetched_at": fetched_at.isoformat(),
            "record_type": "revisit" if unchanged else "response",
            "digest": previous["digest"] if unchanged else written.payload_digest,
            "content_digest": digest, "warc_file": written.warc_file, "offset": written.offset,
            "length": written.length, "refers_to": previous["id"] if unchanged else None,
            "origin": "crawl", "run_id": self.run_id,
        })
        same_page_before = unchanged and previous["url"] == response.url and previous["run_id"] != self.run_id
        self.captured[response.url] = Captured(capture_id, same_page_before, unchanged)


def is_disk_full(error: Exception) -> bool:
    """True for the errors of a full disk (or a file-size limit) from SQLite or the OS."""
    text = str(error).lower()
    return getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or \
        "disk is full" in text or "disk i/o error" in text or "file too large" in text


def _content_digest(response) -> str | None:
    """Content digest of a response: of its text with counters masked for a text response
    (decompressing a ``Content-Encoding`` body first), of its bytes for a file (an image, a PDF),
    so the same file under another URL is kept once."""
    if not isinstance(response, TextResponse):
        return warc.payload_digest(response.body) if response.body else None
    encoding = response.headers.get("Content-Encoding")
    if not encoding:
        return warc.content_digest(response.text)
    body = warc.decoded(response.body, encoding.decode("latin-1"), MAX_DECODED)
    return warc.content_digest(body.decode(response.encoding, errors="replace"))


def _fetch(request, response, fetched_at: datetime) -> warc.Fetch:
    """The exchange as warc.Fetch: headers decoded from Scrapy's bytes."""
    return warc.Fetch(
        url=response.url, status=response.status, reason=_reason(response.status),
        headers=_pairs(response.headers), body=response.body,
        request_headers=_pairs(request.headers), fetched_at=fetched_at,
    )


def _pairs(headers) -> list[tuple[str, str]]:
    """Scrapy headers as ``(name, value)`` text pairs, one per value."""
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def _reason(status: int) -> str:
    """The standard reason phrase of an HTTP status."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
