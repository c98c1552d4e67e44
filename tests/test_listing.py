"""Listing pages: pager and menu selectors skipped only when the page cannot match them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.listing import MENU_LINKS, PAGER_LINKS, ListingPage
from crawler.pages.select import class_names, may_match, required_classes, select
from sampleportal.content import SITE_KEYS
from sampleportal.site import respond

ORIGIN = "http://127.0.0.1:8000"


def sample_pages() -> list[tuple[str, HtmlResponse]]:
    """Each sample site's home page and the listing pages its home page links to."""
    pages = []
    for key in SITE_KEYS:
        home = _response(key, "/", "")
        pages.append((f"{key}:/", home))
        listing = ListingPage(home.selector, home.url)
        for url in listing.page_links() + listing.menu_links():
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
                continue
            path, query = parts.path or "/", parts.query
            reply = _response(key, path, query)
            if reply is not None:
                pages.append((f"{key}:{path}?{query}", reply))
    return pages


def _response(key: str, path: str, query: str) -> HtmlResponse | None:
    """The sample site's answer to a GET, as Scrapy would hand it over (HTML only)."""
    reply = respond(key, path, query)
    if reply.status != 200 or "html" not in reply.content_type:
        return None
    url = ORIGIN + path + (f"?{query}" if query else "")
    return HtmlResponse(url, body=reply.body, headers={"Content-Type": reply.content_type})


PAGES = sample_pages()


@pytest.mark.parametrize(("name", "response"), PAGES, ids=[name for name, _ in PAGES])
def test_a_skipped_selector_matches_nothing(name, response):
    classes = class_names(response.selector.root)
    for css in PAGER_LINKS + MENU_LINKS:
        if not may_match(css, classes):
            assert select(response.selector.root, f"{css}::attr(href)") == [], css


def test_sample_pages_skip_some_selectors_and_keep_their_links():
    skipped = found = 0
    for _, response in PAGES:
        classes = class_names(response.selector.root)
        skipped += sum(not may_match(css, classes) for css in PAGER_LINKS + MENU_LINKS)
        found += len(ListingPage(response.selector, response.url).page_links())
    assert skipped > len(PAGES)
    assert found > 0


def test_a_pager_is_found_only_where_its_class_is_used():
    markup = '<div class="x  taglib-page-iterator\tother"><a href="/tin?_cur=2">2</a></div>'
    with_pager = HtmlResponse(ORIGIN + "/tin", body=markup.encode())
    renamed = HtmlResponse(ORIGIN + "/tin", body=markup.replace("taglib-page", "page").encode())
    assert ListingPage(with_pager.selector, with_pager.url).page_links() == [ORIGIN + "/tin?_cur=2"]
    assert not may_match(".taglib-page-iterator a", class_names(renamed.selector.root))


@pytest.mark.parametrize(("css", "needed"), [
    (".pager a", {"pager"}), ("ul.nav a", {"nav"}), ("nav a", set()), ("#navigation a", set()),
    ("a[rel=next]", None), ("a.x:not(.y)", None), (".a a, .b a", None),
])
def test_required_classes_of_a_selector(css, needed):
    assert required_classes(css) == (None if needed is None else frozenset(needed))
