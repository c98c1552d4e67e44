"""Vendor "view_content" article pages (Liferay underneath): ``/<page>/-/view_content/<id>-<slug>.html``.

The numeric id is the article's assetEntryId, the same under every page path and locale prefix,
so it is the article's identity. Real portals of this family (sotttt.hanoi.gov.vn) print the
title and the date box outside the asset container, the lead in its own wrapper, ``View count``
in English on Vietnamese pages, and the CMS account that posted the article after the body.
"""

from __future__ import annotations

import re

from crawler.pages.base import TemplateArticlePage
from crawler.urls import ArticleRef

FAMILY = "view_content"
ARTICLE_URL = re.compile(r"/-/view_content/(?P<number>\d+)-(?P<slug>[^/?#]*?)\.html?$")
MARKERS = ("div.news-detail",)


def read_url(path: str, query: str) -> ArticleRef | None:
    """The article's identifiers from a URL path (locale prefix removed), or ``None``."""
    match = ARTICLE_URL.search(path)
    if not match:
        return None
    return ArticleRef(url_title=match.group("slug") or None, family=FAMILY, number=match.group("number"))


def identity(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key: ``site:view_content:<numericId>``."""
    return f"{site}:view_content:{ref.number}"


class ArticlePage(TemplateArticlePage):
    """An article of the view_content vendor template."""

    FAMILY = FAMILY
    VERSION = "2"
    CONTAINERS = ("div.news-detail", "div.chi-tiet-tin", "div.asset-full-content",
                  "div.journal-content-article")
    TITLE_SELECTORS = (".news-detail-title", ".title-detail", "h3.header-title")
    CATEGORY_SELECTORS = (".portlet-title-text", ".category-name", ".breadcrumb .active",
                          ".portlet-title")
