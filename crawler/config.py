"""bantin's own settings, read once per crawl into one record; their defaults live in settings.py.

Every ``BANTIN_`` setting is read here and nowhere else. Names of earlier versions
(``ARCHIVE_DB``, ``ARCHIVE_BATCH_SIZE``, ``RETRY_BACKOFF_BASE``, ``RETRY_BACKOFF_MAX``) are still
accepted, with one deprecation line each.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from scrapy.utils.misc import load_object

log = logging.getLogger("bantin")
_WARNED: set[str] = set()  # old names already warned about in this process

RENAMED = {"ARCHIVE_DB": "BANTIN_DB", "ARCHIVE_BATCH_SIZE": "BANTIN_BATCH_SIZE",
           "RETRY_BACKOFF_BASE": "BANTIN_RETRY_BACKOFF_BASE", "RETRY_BACKOFF_MAX": "BANTIN_RETRY_BACKOFF_MAX"}


@dataclass(frozen=True)
class BantinSettings:
    """The crawl's own settings (seconds, bytes and counts as named)."""

    db: str
    batch_size: int
    captures: bool
    captures_dir: str | None
    warc_max_bytes: int
    version: str
    contact: str
    stop_after_known: int
    refresh_days: float
    refresh_min_hours: float
    max_listing_pages: int
    retry_backoff_base: float
    retry_backoff_max: float
    session: str
    files: bool
    file_max_bytes: int


def read_settings(settings) -> BantinSettings:
    """``BantinSettings`` from Scrapy ``settings``; a name not set there takes settings.py's value."""
    defaults = importlib.import_module("settings")

    def value(name: str, kind=str):
        for old, new in RENAMED.items():
            if new == name and settings.get(old) is not None and old not in vars(defaults):
                if old not in _WARNED:
                    _WARNED.add(old)
                    log.warning("setting %s is deprecated: use %s", old, new)
                return _as(kind, settings.get(old))
        found = settings.get(name)
        return _as(kind, found if found is not None else getattr(defaults, name))

    return BantinSettings(
        db=value("BANTIN_DB"), batch_size=value("BANTIN_BATCH_SIZE", int),
        captures=value("BANTIN_CAPTURES", bool), captures_dir=settings.get("BANTIN_CAPTURES_DIR"),
        warc_max_bytes=value("BANTIN_WARC_MAX_BYTES", int), version=value("BANTIN_VERSION"),
        contact=value("BANTIN_CONTACT"), stop_after_known=value("BANTIN_STOP_AFTER_KNOWN", int),
        refresh_days=value("BANTIN_REFRESH_DAYS", float),
        refresh_min_hours=value("BANTIN_REFRESH_MIN_HOURS", float),
        max_listing_pages=value("BANTIN_MAX_LISTING_PAGES", int),
        retry_backoff_base=value("BANTIN_RETRY_BACKOFF_BASE", float),
        retry_backoff_max=value("BANTIN_RETRY_BACKOFF_MAX", float),
        session=value("BANTIN_SESSION"),
        files=value("BANTIN_FILES", bool), file_max_bytes=value("BANTIN_FILE_MAX_BYTES", int),
    )


@dataclass(frozen=True)
class WaybackSettings:
    """What ``bantin import-wayback`` reads: the CDX API and replay base URLs, the User-Agent, and
    its pacing (``delay`` between requests, ``timeout`` per request, ``backoff_base`` and
    ``backoff_max`` in seconds; ``retries`` after the first try)."""

    cdx: str
    replay: str
    user_agent: str
    delay: float
    timeout: float
    retries: int
    backoff_base: float
    backoff_max: float


def read_wayback_settings(settings) -> WaybackSettings:
    """``WaybackSettings`` from ``settings`` (Scrapy settings or a plain dict of ``-s`` values); a
    name not set there takes settings.py's value."""
    defaults = importlib.import_module("settings")

    def value(name: str, kind=str):
        found = settings.get(name)
        return _as(kind, found if found is not None else getattr(defaults, name))

    return WaybackSettings(
        cdx=value("BANTIN_WAYBACK_CDX"), replay=value("BANTIN_WAYBACK_REPLAY").rstrip("/"),
        user_agent=f"bantin/{value('BANTIN_VERSION')} (+{value('BANTIN_CONTACT')})",
        delay=value("BANTIN_WAYBACK_DELAY", float), timeout=value("BANTIN_WAYBACK_TIMEOUT", float),
        retries=value("BANTIN_WAYBACK_RETRIES", int),
        backoff_base=value("BANTIN_WAYBACK_BACKOFF_BASE", float),
        backoff_max=value("BANTIN_WAYBACK_BACKOFF_MAX", float),
    )


def _as(kind, raw):
    """A setting's value as ``kind`` (strings from ``-s NAME=VALUE`` included)."""
    if kind is bool and isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def archive_session(crawler):
    """The crawl's archive session (the extension named by ``BANTIN_SESSION``), or ``None`` when
    the crawl writes no archive; the crawler's rooms reach the archive only through it."""
    return crawler.get_extension(load_object(read_settings(crawler.settings).session))
