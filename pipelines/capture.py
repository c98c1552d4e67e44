"""Downloader middleware that keeps every response the crawler receives as WARC records.

Articles, listings, robots.txt, redirects and error pages alike are written, with their request,
headers, fetch time and payload digest, into rotating gzip WARC files in a ``captures`` folder
beside the archive, and indexed in the ``captures`` table. A page whose content digest (counters
masked) equals an earlier capture (of this URL or, for the same article under another page path,
of another) is written as a ``revisit`` record referring to it instead of a second copy.

Settings: ``BANTIN_CAPTURES`` (on by default), ``BANTIN_CAPTURES_DIR`` (default: ``captures``
beside ``ARCHIVE_DB``), ``BANTIN_WARC_MAX_BYTES`` (rotation size).
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import TextResponse

from pipelines import storage, warc
from pipelines.archive import is_disk_full, stop_for_full_disk

MAX_DECODED = 8 * 1024 * 1024  # bytes of a compressed body decoded for its content digest


def captures_folder(settings) -> Path:
    """Where the WARC files of a crawl go: ``BANTIN_CAPTURES_DIR``, else beside the archive."""
    folder = settings.get("BANTIN_CAPTURES_DIR")
    return Path(folder) if folder else warc.captures_folder(settings.get("ARCHIVE_DB", "archive.db"))


class CaptureMiddleware:
    """Write each response to WARC and index it; tag the request with its capture id."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("ARCHIVE_DB", "archive.db")
        self.folder = captures_folder(settings)
        self.max_bytes = settings.getint("BANTIN_WARC_MAX_BYTES", warc.DEFAULT_MAX_BYTES)
        self.software = f"bantin/{settings.get('BANTIN_VERSION', '0')}"
        self.db = None
        self.writer = None

    @classmethod
    def from_crawler(cls, crawler):
        """Build the middleware (Scrapy's entry point); off when ``BANTIN_CAPTURES`` is false."""
        if not crawler.settings.getbool("BANTIN_CAPTURES", True):
            raise NotConfigured("captures disabled")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        """Open the archive and a new WARC file series for this run."""
        self.db = storage.open_archive(self.db_path)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.writer = warc.RotatingWarcWriter(self.folder, f"bantin-{stamp}-{os.getpid()}",
                                              self.max_bytes, self.software)

    def spider_closed(self) -> None:
        """Close the WARC file and the archive."""
        if self.writer:
            self.writer.close()
        if self.db:
            self.db.close()

    def process_exception(self, request, exception):
        """Record a fetch that failed without a response; let other middlewares handle it."""
        if self.writer is not None and not isinstance(exception, IgnoreRequest):
            try:
                _error_capture(self, request, exception)
            except (OSError, sqlite3.Error) as error:
                if not is_disk_full(error):
                    raise
                stop_for_full_disk(self.crawler, error)
                self.writer = None

    def process_response(self, request, response):
        """Capture ``response`` and pass it on unchanged (a full disk stops the crawl)."""
        if self.writer is None:
            return response
        try:
            self._capture(request, response)
        except (OSError, sqlite3.Error) as error:
            if not is_disk_full(error):
                raise
            stop_for_full_disk(self.crawler, error)
            self.writer = None
        return response

    def _capture(self, request, response) -> None:
        """Write the WARC records of ``response`` and index them."""
        fetched_at = datetime.now(UTC).replace(microsecond=0)
        digest = _content_digest(response)
        previous = storage.capture_with_content(self.db, digest, response.status) if digest else None
        unchanged = previous is not None
        revisit_of = {"digest": previous["digest"], "uri": previous["url"],
                      "warc_date": _warc_date(previous["fetched_at"])} if unchanged else None
        written = self.writer.write_fetch(_fetch(request, response, fetched_at), revisit_of)
        run_id = getattr(self.crawler, "bantin_run_id", None)
        # The spider's hint that this page is as an earlier run saw it (counters aside).
        request.meta["bantin_unchanged"] = unchanged and previous["url"] == response.url \
            and previous["run_id"] != run_id
        request.meta["bantin_capture_id"] = storage.add_capture(self.db, {
            "url": response.url, "site": getattr(request.cb_kwargs.get("site"), "name", None),
            "status": response.status, "fetched_at": fetched_at.isoformat(),
            "record_type": "revisit" if unchanged else "response",
            "digest": previous["digest"] if unchanged else written.payload_digest,
            "content_digest": digest, "warc_file": written.warc_file, "offset": written.offset,
            "length": written.length, "refers_to": previous["id"] if unchanged else None,
            "origin": "crawl", "run_id": run_id,
        })


def _error_capture(middleware, request, exception) -> None:
    """Index a fetch that got no response (reset, timeout, refused) with its error."""
    storage.add_capture(middleware.db, {
        "url": request.url, "site": getattr(request.cb_kwargs.get("site"), "name", None),
        "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "record_type": "error",
        "error": f"{type(exception).__name__}: {exception}"[:300], "origin": "crawl",
        "run_id": getattr(middleware.crawler, "bantin_run_id", None),
    })


def _content_digest(response) -> str | None:
    """Content digest of a text response, decompressing a ``Content-Encoding`` body first."""
    if not isinstance(response, TextResponse):
        return None
    if not response.headers.get("Content-Encoding"):
        return warc.content_digest(response.text)
    try:  # gzip or zlib wrapper, detected; never more than the download size limit
        body = zlib.decompressobj(47).decompress(response.body, MAX_DECODED)
    except zlib.error:
        body = response.body
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


def _warc_date(iso: str) -> str:
    """An ISO 8601 time as a WARC-Date (``YYYY-MM-DDThh:mm:ssZ``)."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
