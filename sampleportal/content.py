"""The sample portal's content: two Liferay 6 district sites, as written in ``content/*.json``.

Each JSON file holds one site: its categories and its articles with every printed variant spelled
out (date label, view label, sapo style, caption style, credit and office forms, NFD text). The
same data gives the ground truth an extractor must recover (:func:`expected_record`).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content"
SITE_KEYS = ("hoankiem", "longbien")


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

    def category(self, key: str) -> Category:
        """The category with path key ``key``."""
        return next(c for c in self.categories if c.key == key)

    def articles_in(self, key: str) -> list[dict]:
        """Articles listed in category ``key``, newest first (as an Asset Publisher orders them)."""
        listed = [a for a in self.articles if key in a["categories"]]
        return sorted(listed, key=lambda a: a["published"], reverse=True)

    def article(self, url_title: str) -> dict | None:
        """The article whose urlTitle is ``url_title``, or ``None``."""
        return next((a for a in self.articles if a["url_title"] == url_title), None)


@cache
def load_site(key: str) -> Site:
    """Load ``content/<key>.json`` into a :class:`Site`."""
    data = json.loads((CONTENT_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return Site(
        key=data["site"],
        display_name=data["display_name"],
        group_id=data["group_id"],
        categories=[Category(**c) for c in data["categories"]],
        articles=data["articles"],
    )


def printed_views(article: dict) -> str | None:
    """The view-count text as the page prints it (thousands with a dot), or ``None``."""
    if article["views"] is None:
        return None
    return f"{article['views_label']}: {article['views']:,}".replace(",", ".")


def printed_date(article: dict) -> str:
    """The publish date as printed: ``dd/mm/yyyy | HH:mm``."""
    day, time = article["published"].split(" ")
    year, month, date = day.split("-")
    return f"{date}/{month}/{year} | {time}"


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
        "published_raw": printed_date(article),
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
    }
    return _nfc(record)


def image_path(site: Site, article: dict, number: int) -> str:
    """Path of an article's image, in Liferay's ``/documents/<groupId>/…`` shape."""
    name = f"{article['key']}-anh-{number + 1}.jpg"
    return f"/documents/{site.group_id}/0/{name}/{article['asset_entry_id']}{number}"


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
