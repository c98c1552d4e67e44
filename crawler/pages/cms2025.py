"""The 2025 ward/city CMS: articles at ``/<category>/<slug>-<16 to 19 digit id>.htm``.

Dates print as ``HH:MM dd/mm/yyyy`` or, for recent articles, relative (``17 giờ trước``), which is
resolved against the fetch time and kept as printed in ``published_raw``. Identity is the long id.
"""

from __future__ import annotations

import re

from crawler.pages.base import TemplateArticlePage
from crawler.urls import ArticleRef

FAMILY = "cms2025"
ARTICLE_URL = re.compile(r"^/(?P<category>[^/]+)/(?P<slug>[^/]+?)-(?P<number>\d{16,19})\.htm$")
MARKERS = ("article.detail",)


def read_url(path: str, query: str) -> ArticleRef | None:
    """The article's identifiers from a URL path (locale prefix removed), or ``None``."""
    match = ARTICLE_URL.search(path)
    if not match:
        return None
    return ArticleRef(url_title=match.group("slug"), family=FAMILY, number=match.group("number"))


def identity(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key: ``site:cms:<long id>``."""
    return f"{site}:cms:{ref.number}"


class ArticlePage(TemplateArticlePage):
    """An article of the 2025 ward/city CMS."""

    FAMILY = FAMILY
    VERSION = "2"
    CONTAINERS = ("article.detail", "div.detail", "div.article-detail", "article")
    TITLE_SELECTORS = ("h1.detail-title", ".article-title", "h1")
    CATEGORY_SELECTORS = (".detail-cate", ".breadcrumb li:last-child", ".category")
    SCOPE_XPATH = "self::*"
