"""The URL forms an article is linked under in one crawl, so a form the portal does not answer is
not the end of the article.

A portal may hold an article under ``/en/…`` and ``/vi/…`` but answer 404 for the locale-free form
it also links, or under one page path but not another. The spider asks for one form first; when
that one is missing, it asks for the next form it has seen, and for any form it sees later.
"""

from __future__ import annotations

from collections import defaultdict


class ArticleForms:
    """Per article key: the URLs it was linked under (first seen first), which were requested,
    and whether every requested one was missing."""

    def __init__(self) -> None:
        self.linked: dict[str, list[str]] = defaultdict(list)
        self.requested: dict[str, set[str]] = defaultdict(set)
        self.missing: set[str] = set()

    def link(self, key: str, url: str) -> str | None:
        """Note that ``key`` is linked as ``url``; return ``url`` to request now when every form
        asked for so far was missing and this one was never asked for, else ``None``."""
        if url not in self.linked[key]:
            self.linked[key].append(url)
        if key in self.missing and url not in self.requested[key]:
            self.missing.discard(key)
            return self.request(key, url)
        return None

    def request(self, key: str, url: str) -> str:
        """Record that ``url`` is requested for ``key``; return it."""
        self.requested[key].add(url)
        return url

    def after_missing(self, key: str) -> str | None:
        """A form of ``key`` not yet asked for, after one answered 404 (recorded as requested);
        ``None`` when none is left, and the article waits for a form seen later."""
        for url in self.linked.get(key, ()):
            if url not in self.requested[key]:
                return self.request(key, url)
        self.missing.add(key)
        return None
