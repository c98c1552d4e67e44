"""Liferay 7 Asset Publisher article pages: ``/<page>/-/asset_publisher/<inst>/content/id/<n>``.

Markup differs from 6.2 in class names (``asset-title component-title``); display templates leave
stray labels (``content:``, ``null``) that the reading rules drop.
"""

from __future__ import annotations

from crawler.pages.base import TemplateArticlePage


class ArticlePage(TemplateArticlePage):
    """An article view of a Liferay 7 Asset Publisher."""

    FAMILY = "liferay7"
    VERSION = "2"
    CONTAINERS = ("div.asset-full-content", "div.journal-content-article")
    TITLE_SELECTORS = (".asset-title", ".component-title", ".header-title", ".title-news")
    CATEGORY_SELECTORS = (".portlet-title-text", ".portlet-title", ".category-title")
