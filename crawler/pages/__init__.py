"""Page objects, one module per platform family, and the extraction entry point.

``extract_article`` picks the family from the URL (or the registry's fixed family), falls back to
the page's markup, and to the generic extractor when a family's template is not found; the
article's identity comes from its URL, by the rule of the URL's family.
"""

from __future__ import annotations

from parsel import Selector

from crawler.items import Article, NotAnArticle
from crawler.pages.registry import FAMILIES, article_id, detect_family, page_class, parse_article_ref
from crawler.people import mentions_of
from crawler.urls import is_listing_url

__all__ = ["FAMILIES", "detect_family", "extract_article"]
# Reasons a family extractor gives up on a page whose template changed: the generic one retries.
FALLBACK_KINDS = frozenset(("no_container", "no_title", "no_date"))


def extract_article(selector: Selector, url: str, site: str, *, home_group_id: int | None = None,
                    fetched_at: str | None = None, family: str | None = None) -> Article:
    """Extract an article with the family's page object (``family`` forces one; ``auto`` detects).

    Raises NotAnArticle (kind and one-line reason) when neither the family nor the generic
    extractor finds an article.
    """
    if parse_article_ref(url) is None and is_listing_url(url):
        raise NotAnArticle("listing", "a listing page: its URL names a home or listing page")
    chosen = family if family in FAMILIES else detect_family(url, selector)
    try:
        article = page_class(chosen)(selector, url).to_article(site, home_group_id, fetched_at)
    except NotAnArticle as error:
        if chosen == "generic" or error.kind not in FALLBACK_KINDS:
            raise
        try:
            article = page_class("generic")(selector, url).to_article(site, home_group_id, fetched_at)
        except NotAnArticle:
            raise error from None
    article = identified(article, home_group_id)
    article.mentions = mentions_of(article.body, [image["caption"] for image in article.images])
    return article


def identified(article: Article, home_group_id: int | None) -> Article:
    """Give ``article`` its archive identity from its URL: ``id``, ``url_title``, ``group_id``
    (only another group's) and ``asset_entry_id``; a URL of no family keeps ``site:<url>``."""
    ref = parse_article_ref(article.url)
    if ref is None:
        article.id = f"{article.site}:{article.url}"
        return article
    article.id = article_id(article.site, ref, home_group_id)
    article.url_title = ref.url_title
    article.group_id = ref.group_id if ref.group_id != home_group_id else None
    article.asset_entry_id = ref.asset_entry_id
    return article
