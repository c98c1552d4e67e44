"""Downloader middleware that hands every response the crawler receives to the archive session,
which keeps it as WARC records (see ``pipelines.session``).

It sits above RedirectMiddleware, so redirects and error pages are kept as received; a fetch that
got no response is kept as an error capture. Off when ``BANTIN_CAPTURES`` is false or the crawl
writes no archive.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.config import archive_session, read_settings


class CaptureMiddleware:
    """Pass each response (and each fetch error) to the archive session, unchanged."""

    def __init__(self, session):
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        """Build the middleware (Scrapy's entry point)."""
        session = archive_session(crawler)
        if session is None or not read_settings(crawler.settings).captures:
            raise NotConfigured("captures disabled")
        return cls(session)

    def process_response(self, request, response):
        """Capture ``response`` and pass it on unchanged."""
        self.session.capture(request, response)
        return response

    def process_exception(self, request, exception):
        """Record a fetch that failed without a response; let other middlewares handle it."""
        if not isinstance(exception, IgnoreRequest):
            self.session.capture_error(request, exception)
