"""Listing pages of every family: links to articles, to further listing pages, and menus."""

from __future__ import annotations

from functools import cached_property

from parsel import Selector

from crawler.pages.registry import parse_article_ref
from crawler.pages.select import class_names, may_match, required_classes, select
from crawler.urls import absolute_url, is_listing_page, never_follow

PAGER_LINKS = (".taglib-page-iterator a", ".lfr-pagination-buttons a", ".pagination a",
               ".pager a", ".paging a", ".phan-trang a", "a[rel=next]")
MENU_LINKS = ("nav a", "#navigation a", ".menu a", ".navbar a", "ul.nav a", ".main-menu a")


class ListingPage:
    """A category or home page: article links, further listing pages and menu entries."""

    def __init__(self, selector: Selector, url: str):
        self.selector = selector
        self.url = url

    def article_links(self) -> list[str]:
        """Absolute URLs of article links (any family's URL form), in page order, no repeats."""
        return _unique(link for link in self._all_links if parse_article_ref(link) is not None)

    def page_links(self) -> list[str]:
        """Absolute URLs of further listing pages (page iterator buttons, ``_cur=N``, ``page=N``)."""
        links = [link for css in PAGER_LINKS for link in self._links(css)]
        links += [link for link in self._all_links if is_listing_page(link)]
        return _unique(link for link in links if parse_article_ref(link) is None)

    def menu_links(self) -> list[str]:
        """Absolute URLs of menu entries that are neither articles nor never-follow links."""
        links = (link for css in MENU_LINKS for link in self._links(css))
        return _unique(link for link in links if parse_article_ref(link) is None)

    @cached_property
    def _all_links(self) -> list[str]:
        """Absolute hrefs of every anchor of the page, without never-follow links."""
        return self._links("a")

    @cached_property
    def _classes(self) -> frozenset[str]:
        """The class names the page uses: a pager or menu selector naming another matches nothing."""
        return class_names(self.selector.root)

    def _links(self, css: str) -> list[str]:
        """Absolute hrefs of the anchors matched by ``css``, without never-follow links."""
        if required_classes(css) and not may_match(css, self._classes):  # classes read only then
            return []
        hrefs = select(self.selector.root, f"{css}::attr(href)")
        links = (absolute_url(self.url, href.strip()) for href in hrefs if href.strip())
        return [link for link in links if not never_follow(link)]


def _unique(items) -> list:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
