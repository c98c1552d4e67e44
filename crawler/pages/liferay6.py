"""Liferay 6.2 Asset Publisher article pages (friendly and query-string URLs).

Stock markup: ``div.asset-full-content > div.asset-content > div.journal-content-article``, the
title in a header taglib (``h3.header-title``) or the site's own template, the category in the
portlet title. The date line, credits and office are the sites' own template, found by text.
"""

from __future__ import annotations

from crawler.pages.base import TemplateArticlePage


class ArticlePage(TemplateArticlePage):
    """An article view of a Liferay 6 Asset Publisher."""

    FAMILY = "liferay6"
    VERSION = "2"
    CONTAINERS = ("div.asset-full-content", "div.journal-content-article")
    TITLE_SELECTORS = (
        "h3.header-title", ".asset-full-content .header-title", ".asset-title", ".title-news",
        ".news-title", ".article-title", ".title-detail",
    )
    CATEGORY_SELECTORS = (".portlet-title-text", ".portlet-title", ".category-title",
                          ".title-category")
