"""Page objects, one module per platform family, and the choice of family for a page.

``extract_article`` picks the family from the URL (or the registry's fixed family), falls back to
the page's markup, and to the generic extractor when a family's template is not found.
"""

from __future__ import annotations

from parsel import Selector

from crawler.items import Article, NotAnArticle
from crawler.pages import cms2025, generic, liferay6, liferay7, view_content
from crawler.pages.select import compiled
from crawler.urls import parse_article_ref

FAMILIES = {
    "liferay6": liferay6.ArticlePage,
    "view_content": view_content.ArticlePage,
    "liferay7": liferay7.ArticlePage,
    "cms2025": cms2025.ArticlePage,
    "generic": generic.ArticlePage,
}
# Markup that tells a family when the URL does not (checked in order).
PAGE_MARKERS = (
    ("view_content", "div.news-detail"),
    ("cms2025", "article.detail"),
    ("liferay7", "div.asset-full-content .component-title"),
    ("liferay6", "div.asset-full-content"),
)
# Reasons a family extractor gives up on a page whose template changed: the generic one retries.
FALLBACK_KINDS = frozenset(("no_container", "no_title", "no_date"))


def detect_family(url: str, selector: Selector) -> str:
    """The page family of an article page: from its URL form, else its markup, else generic."""
    ref = parse_article_ref(url)
    if ref is not None:
        return ref.family
    for family, css in PAGE_MARKERS:
        if compiled(css)(selector.root):
            return family
    return "generic"


def extract_article(selector: Selector, url: str, site: str, *, home_group_id: int | None = None,
                    fetched_at: str | None = None, family: str | None = None) -> Article:
    """Extract an article with the family's page object (``family`` forces one; ``auto`` detects).

    Raises NotAnArticle (kind and one-line reason) when neither the family nor the generic
    extractor finds an article.
    """
    chosen = family if family in FAMILIES else detect_family(url, selector)
    try:
        return FAMILIES[chosen](selector, url).to_article(site, home_group_id, fetched_at)
    except NotAnArticle as error:
        if chosen == "generic" or error.kind not in FALLBACK_KINDS:
            raise
        try:
            return FAMILIES["generic"](selector, url).to_article(site, home_group_id, fetched_at)
        except NotAnArticle:
            raise error from None
