"""Politeness and bounds for weeks of unattended runs: site bounds, robots.txt ``Crawl-delay`` and
retries with backoff.

:class:`SiteBoundsMiddleware` drops any request for a host outside its site, redirects included,
so no page and no redirect can steer the crawler off the registry.

Scrapy obeys robots.txt rules but ignores ``Crawl-delay``; :class:`CrawlDelayMiddleware` reads it
from each host's robots.txt and holds that host's download slot to it (AutoThrottle may slow the
slot further, never speed it up). :class:`BackoffRetryMiddleware` retries 5xx answers and timeouts
like Scrapy's RetryMiddleware, waiting ``BANTIN_RETRY_BACKOFF_BASE * 2**(n-1)`` seconds, or the
server's ``Retry-After`` if longer (at most ``BANTIN_RETRY_BACKOFF_MAX``), before the n-th retry.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest

from crawler.config import read_settings


class SiteBoundsMiddleware:
    """Refuse requests (new or redirected) for hosts that are not the request's own site."""

    def process_request(self, request):
        """IgnoreRequest for a URL its site does not own (robots.txt requests carry no site)."""
        site = request.cb_kwargs.get("site")
        if site is not None and not site.owns(request.url):
            raise IgnoreRequest(f"off-site: {urlsplit(request.url).netloc} is not a host of {site.name}")


class CrawlDelayMiddleware:
    """Honour ``Crawl-delay`` from robots.txt for the bantin User-Agent, per host."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        """Build the middleware (Scrapy's entry point)."""
        return cls(crawler)

    def process_request(self, request):
        """Keep the host's slot at least as slow as its Crawl-delay."""
        delay = self.delays.get(urlsplit(request.url).hostname or "")
        if delay:
            request.meta["autothrottle_dont_adjust_delay"] = True
            self._hold_slot(request, delay)

    def process_response(self, request, response):
        """Read ``Crawl-delay`` from a robots.txt answer."""
        if urlsplit(response.url).path == "/robots.txt" and response.status == 200:
            agent = self.crawler.settings.get("USER_AGENT") or "bantin"
            text = response.text if hasattr(response, "text") else ""
            delay = Protego.parse(text).crawl_delay(agent)
            if delay:
                host = urlsplit(response.url).hostname or ""
                self.delays[host] = float(delay)
                self._hold_slot(request, float(delay))
        return response

    def _hold_slot(self, request, delay: float) -> None:
        """Raise the delay of the request's download slot (now and for a re-created slot), and
        stop its random jitter, which would otherwise shorten some waits below the Crawl-delay."""
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with an exponentially growing wait before each retry; no retry for a host
    that is not there (see :func:`host_is_gone`)."""

    async def process_response(self, request, response):
        """Retry a retryable status after the backoff wait (or the server's ``Retry-After``)."""
        result = super().process_response(request, response)
        await self._wait(result, _retry_after(response))
        return result

    async def process_exception(self, request, exception):
        """Retry a timeout or connection failure after the backoff wait; not a refusal or an
        unknown host name that says the host is gone."""
        if host_is_gone(request, exception, self._dead_hosts):
            return None
        result = super().process_exception(request, exception)
        await self._wait(result)
        return result

    @cached_property
    def _dead_hosts(self) -> set[str]:
        """Hosts whose start page or robots.txt was refused, or whose name has no address."""
        return set()

    async def _wait(self, result, asked: float = 0.0) -> None:
        """Sleep before a retry request is handed back (no wait for anything else): the backoff,
        or longer if the server asked, never past ``BANTIN_RETRY_BACKOFF_MAX``."""
        if not isinstance(result, Request):
            return
        retry_times = result.meta.get("retry_times", 1)
        config = self.config
        backoff = config.retry_backoff_base * 2 ** (retry_times - 1)
        await asyncio.sleep(min(max(backoff, asked), config.retry_backoff_max))

    @cached_property
    def config(self):
        """bantin's settings, read once."""
        return read_settings(self.crawler.settings)


NO_HOST = (CannotResolveHostError, DownloadConnectionRefusedError)


def host_is_gone(request, exception: Exception, dead_hosts: set[str]) -> bool:
    """Whether a failed request says its host is not there, so retrying is pointless: a refused
    connection or an unknown host name on a start page or robots.txt (the host joins
    ``dead_hosts``), or on any page of a host already in ``dead_hosts``."""
    if not isinstance(exception, NO_HOST):
        return False
    host = urlsplit(request.url).netloc
    if request.meta.get("start") or urlsplit(request.url).path == "/robots.txt":
        dead_hosts.add(host)
    return host in dead_hosts


def _retry_after(response) -> float:
    """Seconds a ``Retry-After`` header asks for (0 when absent or given as a date)."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    return float(value) if value.isdigit() else 0.0
