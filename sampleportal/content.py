"""The sample portal's content: one site per platform family, as written in ``content/*.json``.

Each JSON file holds one site: its family, categories and articles with every printed variant
spelled out (date label, view label, sapo style, caption style, credit and office forms, NFD text,
legacy font, relative date, republished copy). The same data gives the ground truth an extractor
must recover (:func:`expected_record`).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from sampleportal.legacyfonts import to_legacy

CONTENT_DIR = Path(__file__).parent / "content"
SITE_KEYS = ("hoankiem", "longbien", "caugiay", "tayho", "badinh", "duongnoi", "hanoi")


@dataclass(frozen=True)
class Category:
    """A category page: its path key, printed name and Asset Publisher instance id."""

    key: str
    name: str
    instance: str


@dataclass
class Site:
    """One sample site with its categories and articles (articles are plain dicts from JSON)."""

    key: str
    display_name: str
    group_id: int
    categories: list[Category]
    articles: list[dict]
    family: str = "liferay6"

    def category(self, key: str) -> Category:
        """The category with path key ``key``."""
        return next(c for c in self.categories if c.key == key)

    def articles_in(self, key: str) -> list[dict]:
        """Articles listed in category ``key``, newest first (as an Asset Publisher orders them)."""
        return self._listings.get(key, [])

    def article(self, url_title: str) -> dict | None:
        """The article whose urlTitle is ``url_title``, or ``None``."""
        return self._by_url_title.get(url_title)

    @cached_property
    def _listings(self) -> dict[str, list[dict]]:
        """Category key → its articles, newest first."""
        listed: dict[str, list[dict]] = {}
        for article in self.articles:
            for key in article["categories"]:
                listed.setdefault(key, []).append(article)
        return {k: sorted(v, key=lambda a: a["published"], reverse=True) for k, v in listed.items()}

    @cached_property
    def _by_url_title(self) -> dict[str, dict]:
        """urlTitle → article (the first one wins)."""
        found: dict[str, dict] = {}
        for article in self.articles:
            found.setdefault(article["url_title"], article)
        return found


@cache
def load_site(key: str) -> Site:
    """Load ``content/<key>.json`` into a :class:`Site`."""
    data = json.loads((CONTENT_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return Site(
        key=data["site"],
        display_name=data["display_name"],
        group_id=data["group_id"],
        categories=[Category(**c) for c in data["categories"]],
        articles=[{**ARTICLE_DEFAULTS, **article} for article in data["articles"]],
        family=data.get("family", "liferay6"),
    )


# Keys the later families added; articles of the first two sites do without them.
ARTICLE_DEFAULTS = {"numeric_id": None, "cms_id": None, "published_relative_hours": None,
                    "legacy_font": None, "republishes": None}


def printed_views(article: dict) -> str | None:
    """The view-count text as the page prints it (thousands with a dot), or ``None``."""
    if article["views"] is None:
        return None
    return f"{article['views_label']}: {article['views']:,}".replace(",", ".")


def printed_date(article: dict, family: str = "liferay6") -> str:
    """The publish date as printed: ``dd/mm/yyyy | HH:mm``; ``HH:MM dd/mm/yyyy`` or relative
    (``17 giờ trước``) on the 2025 CMS."""
    if article["published_relative_hours"] is not None:
        return f"{article['published_relative_hours']} giờ trước"
    day, time = article["published"].split(" ")
    year, month, date = day.split("-")
    if family == "cms2025":
        return f"{time} {date}/{month}/{year}"
    return f"{date}/{month}/{year} | {time}"


def legacy_original(article: dict) -> str | None:
    """The legacy-font text blocks as printed (a repeated sapo twice), or ``None``."""
    if not article["legacy_font"]:
        return None
    lead, *paragraphs = legacy_paragraphs(article)
    printed = [lead, lead] if article["lead_style"] == "repeated" else [lead]
    return "\n\n".join(printed + paragraphs)


def legacy_paragraphs(article: dict) -> list[str]:
    """Lead and paragraphs as the page prints them: in the article's legacy font, if it has one."""
    texts = [article["lead"], *article["paragraphs"]]
    if article["legacy_font"]:
        return [to_legacy(text, article["legacy_font"]) for text in texts]
    return texts


def printed_office(article: dict) -> str | None:
    """The office line's text as printed, without parentheses (capitals for ``upper``)."""
    if not article["office"]:
        return None
    return article["office"].upper() if article["office_style"] == "upper" else article["office"]


def expected_source(article: dict) -> str | None:
    """The ``source`` an extractor must read: the office line, else a ``Nguồn:`` credit."""
    office = printed_office(article)
    if office:
        return office
    credit = article["credit"] or ""
    if credit.lower().startswith("nguồn:"):
        return credit.split(":", 1)[1].strip().rstrip(".")
    return None


def attachment_paragraph(attachment: dict) -> str:
    """The body paragraph that carries an attachment link, as plain text."""
    return " ".join((attachment["text"] + attachment["label"]).split())


def expected_record(site: Site, article: dict, base_url: str) -> dict:
    """Ground truth for one article page: the fields ``bantin extract`` must print.

    ``base_url`` is the site's origin (``http://127.0.0.1:PORT``), which absolute links start with.
    """
    paragraphs = [article["lead"], *article["paragraphs"]]
    paragraphs += [attachment_paragraph(a) for a in article["attachments"]]
    category = site.category(article["categories"][0])
    record = {
        "category": category.name,
        "title": article["title"],
        "published_at": article["published"].replace(" ", "T") + ":00+07:00",
        "published_raw": printed_date(article, site.family),
        "views": article["views"],
        "views_raw": printed_views(article),
        "lead": article["lead"],
        "body": "\n\n".join(paragraphs),
        "source": expected_source(article),
        "images": [
            {"src": base_url + image_path(site, article, n), "caption": image["caption"],
             "alt": image["alt"] or None}
            for n, image in enumerate(article["images"])
        ],
        "authors": article["authors"],
        "attachments": [
            {"url": base_url + document_path(site, a), "label": a["label"]}
            for a in article["attachments"]
        ],
        "legacy_encoding": article["legacy_font"],
        "original_text": legacy_original(article),
    }
    if article["published_relative_hours"] is not None:
        del record["published_at"]  # depends on the fetch time: tests check it against that
    return _nfc(record)


def archive_key(site: Site, article: dict) -> str:
    """The article's identity within its site, as the archive's ``id`` spells it after ``site:``."""
    if site.family == "view_content":
        return f"view_content:{article['numeric_id']}"
    if site.family == "liferay7":
        return f"asset:{article['asset_entry_id']}"
    if site.family == "cms2025":
        return f"cms:{article['cms_id']}"
    return article["url_title"]


def image_path(site: Site, article: dict, number: int) -> str:
    """Path of an article's image, in Liferay's ``/documents/<groupId>/…`` shape."""
    name = f"{article['key']}-anh-{number + 1}.jpg"
    version = article["asset_entry_id"] or article["numeric_id"] or article["cms_id"]
    return f"/documents/{site.group_id}/0/{name}/{version}{number}"


def document_path(site: Site, attachment: dict) -> str:
    """Path of an attached document, in Liferay's ``/documents/<groupId>/<folder>/<file>`` shape."""
    return f"/documents/{site.group_id}/0/{attachment['file']}"


def _nfc(value):
    """``value`` with every string in NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value
