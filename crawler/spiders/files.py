"""Which images and attached documents of an archived article to fetch, and whether what came
back is the file it should be.

Each file is fetched once: not again in the same crawl (the same picture in an article's /vi/ and
/en/ copies), and not in a later crawl once the archive holds it (``kept``: files keep their URL
for life on Liferay, whose document URLs carry the file's version). Only files the site itself
serves are fetched; the size cap and politeness are the crawl's (see settings.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from media import HTML_TYPES, is_image, media_type


@dataclass(frozen=True)
class WantedFile:
    """A file to fetch: its absolute URL and ``kind`` (``image`` or ``document``)."""

    url: str
    kind: str


@dataclass
class FileFetches:
    """The files of one crawl: those kept by earlier crawls and those requested in this one."""

    kept: set[str] = field(default_factory=set)
    requested: set[str] = field(default_factory=set)

    def wanted(self, images: list[dict], attachments: list[dict],
               owns: Callable[[str], bool]) -> tuple[list[WantedFile], Counter]:
        """The files of an article to fetch now, and how many were passed over, by reason
        (``offsite``, ``kept_before``). ``images`` and ``attachments`` are the article's lists
        (``src``/``url`` absolute or ``None``); ``owns`` tells whether the site serves a URL."""
        wanted, passed = [], Counter()
        for url, kind in _file_urls(images, attachments):
            if url in self.requested:
                continue
            self.requested.add(url)
            if not owns(url):
                passed["offsite"] += 1
            elif url in self.kept:
                passed["kept_before"] += 1
            else:
                wanted.append(WantedFile(url, kind))
        return wanted, passed


def _file_urls(images: list[dict], attachments: list[dict]) -> Iterator[tuple[str, str]]:
    """``(url, kind)`` of every web image and attachment, in page order."""
    for image in images:
        if _is_web_url(image.get("src")):
            yield image["src"], "image"
    for attachment in attachments:
        if _is_web_url(attachment.get("url")):
            yield attachment["url"], "document"


def _is_web_url(url: str | None) -> bool:
    """True for an http(s) URL (not ``data:``, ``javascript:`` or a missing source)."""
    return bool(url) and urlsplit(url).scheme in ("http", "https")


def unusable(kind: str, status: int, content_type: str | None, body: bytes) -> str | None:
    """Why a fetched file cannot be kept as the ``kind`` it was linked as, in a short label
    (``http_404``, ``not_an_image``, ``web_page``), or ``None`` when it is the file."""
    if status != 200:
        return f"http_{status}"
    if kind == "image":
        return None if is_image(content_type, body) else "not_an_image"
    start = body[:512].lstrip().lower()
    if media_type(content_type) in HTML_TYPES or \
            start.startswith((b"<!doctype html", b"<html")):
        return "web_page"  # a login or error page in place of the document
    return None
