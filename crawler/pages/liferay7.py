"""Liferay 7 Asset Publisher article pages: ``/<page>/-/asset_publisher/<inst>/content/id/<n>``.

Markup differs from 6.2 in class names (``asset-title component-title``); display templates leave
stray labels (``content:``, ``null``) that the reading rules drop. Identity is the assetEntryId.
"""

from __future__ import annotations

import re

from crawler.pages.base import TemplateArticlePage
from crawler.urls import STATE_SUFFIX, ArticleRef

FAMILY = "liferay7"
ARTICLE_URL = re.compile(r"/-/asset_publisher/(?P<instance>[^/]+)/content/id/(?P<asset_entry_id>\d+)"
                         + STATE_SUFFIX)
MARKERS = ("div.asset-full-content .component-title",)


def read_url(path: str, query: str) -> ArticleRef | None:
    """The article's identifiers from a URL path (locale prefix removed), or ``None``."""
    match = ARTICLE_URL.search(path)
    if not match:
        return None
    return ArticleRef(asset_entry_id=int(match.group("asset_entry_id")), instance=match.group("instance"),
                      family=FAMILY)


def identity(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key: ``site:asset:<assetEntryId>``."""
    return f"{site}:asset:{ref.asset_entry_id}"


class ArticlePage(TemplateArticlePage):
    """An article view of a Liferay 7 Asset Publisher."""

    FAMILY = FAMILY
    VERSION = "2"
    CONTAINERS = ("div.asset-full-content", "div.journal-content-article")
    TITLE_SELECTORS = (".asset-title", ".component-title", ".header-title")
    CATEGORY_SELECTORS = (".portlet-title-text", ".portlet-title")
