"""Records the crawler produces: an archived Article, and a PageFailure for a page that is not one.

Both hold JSON-native values only (lists of flat dicts at most), so they serialise as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """One bulletin as extracted from one page.

    - ``id``: archive identity, ``site:urlTitle`` (``:groupId`` appended for a foreign group).
    - ``site``: registry name of the portal (or host for an ad-hoc crawl).
    - ``url``: absolute URL the page was fetched from.
    - ``url_title``, ``asset_entry_id``: Liferay identifiers read from the URL; ``group_id``:
      the groupId a URL names when it is not the site's own.
    - ``category``: the category header printed on the page, once, as printed.
    - ``title``: as printed (UPPERCASE kept).
    - ``published_at``: ISO 8601 with ``+07:00``; ``published_date``: Hanoi-local ``YYYY-MM-DD``;
      ``published_raw``: the date text as printed; ``published_precision``: ``minute`` when a
      time of day is printed, ``hour`` for ``N giờ trước``, ``day`` for a date alone (stored at
      local midnight; Liferay themes print such a date as ``12:00 AM``).
    - ``views``: int or ``None`` when no count is printed; ``views_raw``: as printed.
    - ``lead``: first article paragraph; ``body``: every paragraph, blank-line separated.
    - ``source``: the issuing office as printed without parentheses, or ``None``.
    - ``images``: ``[{"src": absolute URL (``None`` for an image printed without a source, kept
      for its caption), "caption": str | None, "alt": str | None}]``.
    - ``authors``: ``[{"name": str, "roles": ["text" | "photo", …]}]``.
    - ``attachments``: ``[{"url": absolute URL, "label": str}]``.
    - ``mentions``: officials named with a position, found at extraction: ``[{"name": normalised,
      tones kept, "position": as printed, "found_in": "body" | "caption"}]`` (the archive keys the
      person by the exact name, ``storage.person_id``).
    - ``fetched_at``: ISO 8601 UTC time of the fetch; ``extractor``: ``family/version``;
      ``capture_id``: the capture (WARC record) the article was read from.
    - ``duplicate_of``: id of the original when this is another site's copy of an article.
    - ``legacy_encoding``: ``"tcvn3"`` or ``"vni"`` when text was typed in a legacy font and
      converted; ``original_text``: the converted blocks as they were printed.
    All text is NFC.
    """

    id: str
    site: str
    url: str
    title: str
    published_at: str
    published_raw: str
    category: str | None = None
    published_date: str | None = None
    published_precision: str | None = None
    views: int | None = None
    views_raw: str | None = None
    lead: str | None = None
    body: str | None = None
    source: str | None = None
    url_title: str | None = None
    group_id: int | None = None
    asset_entry_id: int | None = None
    images: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    fetched_at: str | None = None
    extractor: str | None = None
    duplicate_of: str | None = None
    capture_id: int | None = None
    legacy_encoding: str | None = None
    original_text: str | None = None

    def to_dict(self) -> dict:
        """The record as a plain JSON-ready dict, field names as in the archive; its lists and
        dicts are copies, so changing the record does not change the article."""
        record = dict(vars(self))
        for name in ("images", "authors", "attachments", "mentions"):
            record[name] = [_copied(entry) for entry in record[name]]
        return record


@dataclass
class PageFailure:
    """A fetched page that yielded no article: ``reason`` is one line, ``kind`` a short label."""

    site: str
    url: str
    kind: str
    reason: str
    status: int | None = None
    fetched_at: str | None = None
    article_id: str | None = None

    def to_dict(self) -> dict:
        """The failure as a plain JSON-ready dict (without the article id, kept for gone marks)."""
        record = asdict(self)
        del record["article_id"]
        return record


@dataclass
class SiteCheck:
    """How a site's start page answered: ``state`` is alive, dead or redirected."""

    site: str
    host: str
    state: str
    detail: str
    checked_at: str


def _copied(entry: dict) -> dict:
    """A copy of a flat dict whose values may be lists (an author's roles)."""
    return {key: list(value) if isinstance(value, list) else value for key, value in entry.items()}


class NotAnArticle(ValueError):
    """Raised by a page object when a page is not an article; ``kind`` labels the reason."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
