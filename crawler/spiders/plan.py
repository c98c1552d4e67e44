"""What an incremental crawl fetches: new articles, recent ones again, and nothing else.

A plain class over the archive's state (``{id: {"published_at", "fetched_at"}}``, ISO 8601
strings) so the decisions can be tested without a crawler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

MODES = ("incremental", "full")


@dataclass
class FetchPlan:
    """Decides which articles to fetch and when a category's paging can stop.

    - ``full`` mode fetches every article;
    - ``incremental`` mode fetches articles not archived, and archived ones published in the last
      ``refresh_days`` days unless fetched in the last ``refresh_min_hours`` hours; pages that
      failed before (``failed_urls``) wait for a full run; paging stops after
      ``stop_after_known`` consecutive archived (or failed) articles, or at a listing page that
      is as a previous run saw it with every article on it known (listings put the newest first,
      so nothing new lies further on), but only on sites that a finished run crawled before
      (``complete_sites``): after a crawl that was killed, older pages may still hold articles
      never seen.
    """

    mode: str = "incremental"
    state: dict[str, dict] = field(default_factory=dict)
    failed_urls: set[str] = field(default_factory=set)
    complete_sites: set[str] = field(default_factory=set)
    stop_after_known: int = 10
    refresh_days: float = 7
    refresh_min_hours: float = 12
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")

    def known(self, article_id: str, url: str | None = None) -> bool:
        """True when the article is already archived, or its page failed before."""
        return article_id in self.state or url in self.failed_urls

    def wanted(self, article_id: str, url: str | None = None) -> bool:
        """True when the article should be fetched in this run."""
        if self.mode == "full":
            return True
        if article_id not in self.state:
            return url not in self.failed_urls
        archived = self.state[article_id]
        recent = _age(archived.get("published_at"), self.now) < timedelta(days=self.refresh_days)
        stale = _age(archived.get("fetched_at"), self.now) >= timedelta(hours=self.refresh_min_hours)
        return recent and stale

    def keep_paging(self, site: str, known_in_a_row: int, unchanged: bool = False) -> bool:
        """False once ``stop_after_known`` archived articles came in a row, or at a listing page
        ``unchanged`` since a previous run whose articles are all known, on a completely crawled
        site (incremental mode only)."""
        if self.mode == "full" or site not in self.complete_sites:
            return True
        return not unchanged and known_in_a_row < self.stop_after_known


def _age(iso: str | None, now: datetime) -> timedelta:
    """How long ago an ISO 8601 time was (very long ago when unknown)."""
    if not iso:
        return timedelta.max
    return now - datetime.fromisoformat(iso)
