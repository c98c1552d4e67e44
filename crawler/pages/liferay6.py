"""Page objects for Liferay 6.2 Asset Publisher portals: listing pages and article pages.

Structure (containers, titles, category headers) is found by selectors kept as data below; the
fields a site's own template prints (the date line, credits, the office) are found by their text.
"""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector

from crawler import parsing
from crawler.items import Article, NotAnArticle
from crawler.pages.blocks import Image, Text, blocks
from crawler.pages.reading import Reading, read_blocks
from crawler.urls import article_id, is_document, never_follow, parse_article_ref

FAMILY = "liferay6"
VERSION = "1"

CONTAINERS = ("div.asset-full-content", "div.journal-content-article")
TITLE_SELECTORS = (
    "h3.header-title", ".asset-full-content .header-title", ".asset-title", ".title-news",
    ".news-title", ".article-title", ".title-detail",
)
CATEGORY_SELECTORS = (".portlet-title-text", ".portlet-title", ".category-title", ".title-category")
ERROR_SELECTORS = (".portlet-msg-error", ".alert-error", ".alert-danger", ".error-page")
ERROR_PHRASES = (
    "the requested resource was not found", "không tìm thấy", "không tồn tại",
    "an unexpected system error occurred", "đã xảy ra lỗi",
)
LISTING_LINKS = (
    ".asset-abstract .asset-title a", "ul.title-list li a", ".asset-publisher a",
    ".portlet-asset-publisher a", "a",
)
PAGER_LINKS = (".taglib-page-iterator a", ".lfr-pagination-buttons a", ".pagination a")


class ListingPage:
    """A category page of an Asset Publisher: article links and further listing pages."""

    def __init__(self, selector: Selector, url: str):
        self.selector = selector
        self.url = url

    def article_links(self) -> list[str]:
        """Absolute URLs of article links on the page, in page order, without repeats."""
        links = (urljoin(self.url, href) for href in self.selector.css("a::attr(href)").getall())
        return _unique(link for link in links
                       if not never_follow(link) and parse_article_ref(link) is not None)

    def page_links(self) -> list[str]:
        """Absolute URLs of other listing pages (page iterator buttons and ``_cur=N`` links)."""
        hrefs = [href for css in PAGER_LINKS for href in self.selector.css(f"{css}::attr(href)").getall()]
        hrefs += [href for href in self.selector.css("a::attr(href)").getall() if "_cur=" in href]
        links = (urljoin(self.url, href.strip()) for href in hrefs)
        return _unique(link for link in links if not never_follow(link)
                       and parse_article_ref(link) is None)


class ArticlePage:
    """An article view of an Asset Publisher (friendly or query-string URL)."""

    def __init__(self, selector: Selector, url: str):
        self.selector = selector
        self.url = url

    def to_article(self, site: str, home_group_id: int | None = None,
                   fetched_at: str | None = None) -> Article:
        """Extract the article; raises :class:`NotAnArticle` with a one-line reason if it is not one."""
        self._raise_if_error_page()
        container = self._container()
        parts = blocks(container.root)
        reading = read_blocks(parts, self._date_line_index(parts), base_url=self.url)
        title = self._title(container, parts, reading)
        return self._article(site, home_group_id, fetched_at, container, title, reading)

    def _article(self, site, home_group_id, fetched_at, container, title, reading: Reading):
        """Assemble the Article record from the pieces read off the page."""
        ref = parse_article_ref(self.url)
        published_at = parsing.parse_published(reading.date_line.published_raw)
        if published_at is None:
            raise NotAnArticle("no_date", f"unreadable publish date {reading.date_line.published_raw!r}")
        paragraphs = reading.paragraphs_without(title, self._category(container))
        return Article(
            id=article_id(site, ref, home_group_id) if ref else f"{site}:{self.url}",
            site=site,
            url=self.url,
            title=title,
            category=self._category(container),
            published_at=published_at,
            published_date=parsing.local_date(published_at),
            published_raw=reading.date_line.published_raw,
            views=parsing.parse_views(reading.date_line.views_raw),
            views_raw=reading.date_line.views_raw,
            lead=paragraphs[0] if paragraphs else None,
            body="\n\n".join(paragraphs) or None,
            source=reading.source,
            url_title=ref.url_title if ref else None,
            group_id=ref.group_id if ref and ref.group_id != home_group_id else None,
            asset_entry_id=ref.asset_entry_id if ref else None,
            images=reading.images,
            authors=reading.authors,
            attachments=self._attachments(container),
            fetched_at=fetched_at,
            extractor=f"{FAMILY}/{VERSION}",
        )

    def _raise_if_error_page(self) -> None:
        """Raise NotAnArticle for a portal error page served with status 200."""
        for css in ERROR_SELECTORS:
            message = parsing.clean_text(" ".join(self.selector.css(f"{css} ::text").getall()))
            if message:
                raise NotAnArticle("error_page", f"error page: {message[:120]}")

    def _container(self) -> Selector:
        """The article container, or NotAnArticle when the page has none."""
        for css in CONTAINERS:
            found = self.selector.css(css)
            if found:
                return found[0]
        heading = parsing.clean_text(" ".join(self.selector.css("h1 ::text, h2 ::text").getall()))
        if any(phrase in heading.lower() for phrase in ERROR_PHRASES):
            raise NotAnArticle("error_page", f"error page: {heading[:120]}")
        raise NotAnArticle("no_container", "no article container (asset-full-content)")

    def _date_line_index(self, parts: list) -> int:
        """Position of the date line among the blocks; NotAnArticle when there is none."""
        for index, part in enumerate(parts):
            if isinstance(part, Text) and parsing.parse_date_line(part.text):
                return index
        raise NotAnArticle("no_date", "no publish date line (dd/mm/yyyy | HH:mm)")

    def _title(self, container: Selector, parts: list, reading: Reading) -> str:
        """The title as printed: a title element, else the line above the date, else ``<title>``."""
        for scope in (container, self._portlet(container)):
            for css in TITLE_SELECTORS:
                found = scope.css(css)
                text = parsing.clean_text(" ".join(found[0].css("::text").getall())) if found else ""
                if text:
                    return text
        if reading.above_date:
            return reading.above_date
        page_title = parsing.strip_site_suffix(self.selector.css("title::text").get(""))
        if page_title:
            return page_title
        raise NotAnArticle("no_title", "no title")

    def _category(self, container: Selector) -> str | None:
        """The category header of the portlet that shows the article, printed once."""
        scope = self._portlet(container)
        for css in CATEGORY_SELECTORS:
            text = parsing.clean_text(" ".join(scope.css(f"{css} ::text").getall()))
            if text:
                return parsing.undouble(text)
        return None

    def _portlet(self, container: Selector) -> Selector:
        """The portlet box around the article container (the whole page if there is none)."""
        portlet = container.xpath("ancestor::section[contains(@class, 'portlet')][1]")
        return portlet[0] if portlet else self.selector

    def _attachments(self, container: Selector) -> list[dict]:
        """Links to attached documents: ``[{"url": absolute, "label": link text}]``."""
        found: dict[str, dict] = {}
        for link in container.css("a[href]"):
            url = urljoin(self.url, link.attrib["href"].strip())
            if is_document(url) and url not in found:
                label = parsing.clean_text(" ".join(link.css("::text").getall()))
                found[url] = {"url": url, "label": label or None}
        return list(found.values())


def _unique(items) -> list:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


__all__ = ["ArticlePage", "Image", "ListingPage"]
