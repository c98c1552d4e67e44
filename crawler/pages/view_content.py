"""Vendor "view_content" article pages (Liferay underneath): ``/<page>/-/view_content/<id>-<slug>.html``.

The vendor template prints ``Ngày đăng dd/mm/yyyy | HH:mm | View count: N`` (an English label on
Vietnamese pages), repeats the sapo as the first paragraph and often the title as the first body
line, and ends with a bare or UPPERCASE office line.
"""

from __future__ import annotations

from crawler.pages.base import TemplateArticlePage


class ArticlePage(TemplateArticlePage):
    """An article of the view_content vendor template."""

    FAMILY = "view_content"
    VERSION = "2"
    CONTAINERS = ("div.news-detail", "div.chi-tiet-tin", "div.journal-content-article",
                  "div.asset-full-content")
    TITLE_SELECTORS = (".news-detail-title", "h1.title", ".title-detail", ".tieu-de", "h1")
    CATEGORY_SELECTORS = (".portlet-title-text", ".category-name", ".breadcrumb .active",
                          ".portlet-title")
