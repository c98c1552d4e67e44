"""The page families, collected: which family an URL or a page belongs to, and article identity.

Each family module in this package declares its ``FAMILY`` name, its article URL form
(``read_url``), the markup that tells it when the URL does not (``MARKERS``), its identity rule
(``identity``) and its page object (``ArticlePage``). This registry asks them in order.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from parsel import Selector

from crawler.pages import cms2025, generic, liferay6, liferay7, view_content
from crawler.pages.select import compiled
from crawler.urls import PATH_PREFIXES, URL_CACHE_SIZE, ArticleRef

# URL forms are asked in this order (the first that reads a URL names its family); markers too.
FAMILY_MODULES = (view_content, cms2025, liferay7, liferay6, generic)
BY_NAME = {module.FAMILY: module for module in FAMILY_MODULES}
FAMILIES = tuple(BY_NAME)


@lru_cache(maxsize=URL_CACHE_SIZE)
def parse_article_ref(url: str) -> ArticleRef | None:
    """Read the article identifiers and page family from an article URL of any family (any
    page path, locale prefix or ``/web/guest``); ``None`` when the URL is not an article's."""
    parts = urlsplit(url)
    path = PATH_PREFIXES.sub("", parts.path)
    for module in FAMILY_MODULES:
        ref = module.read_url(path, parts.query)
        if ref is not None:
            return ref
    return None


def article_id(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key of an article of ``site``, by the identity rule of the ref's family."""
    return BY_NAME[ref.family].identity(site, ref, home_group_id)


def original_of(article, group_owners: dict[int, str]) -> str | None:
    """Id of the original when ``article`` (an Article) shows another known site's Liferay group
    (``group_owners``: groupId -> site name): a ward site showing its district's article."""
    owner = group_owners.get(article.group_id) if article.group_id else None
    if owner is None or owner == article.site:
        return None
    return article_id(owner, ArticleRef(url_title=article.url_title))


def detect_family(url: str, selector: Selector) -> str:
    """The page family of an article page: from its URL form, else its markup, else generic."""
    ref = parse_article_ref(url)
    if ref is not None:
        return ref.family
    for module in FAMILY_MODULES:
        if any(compiled(css)(selector.root) for css in module.MARKERS):
            return module.FAMILY
    return generic.FAMILY


def page_class(family: str):
    """The page object class of a family (``generic`` for a name no family has)."""
    return BY_NAME.get(family, generic).ArticlePage
