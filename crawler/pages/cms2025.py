"""The 2025 ward/city CMS: articles at ``/<category>/<slug>-<16 to 19 digit id>.htm``.

Dates print as ``HH:MM dd/mm/yyyy`` or, for recent articles, relative (``17 giờ trước``), which is
resolved against the fetch time and kept as printed in ``published_raw``.
"""

from __future__ import annotations

from crawler.pages.base import TemplateArticlePage


class ArticlePage(TemplateArticlePage):
    """An article of the 2025 ward/city CMS."""

    FAMILY = "cms2025"
    VERSION = "2"
    CONTAINERS = ("article.detail", "div.detail", "div.article-detail", "article")
    TITLE_SELECTORS = ("h1.detail-title", ".article-title", "h1")
    CATEGORY_SELECTORS = (".detail-cate", ".breadcrumb li:last-child", ".category")
    SCOPE_XPATH = "self::*"
