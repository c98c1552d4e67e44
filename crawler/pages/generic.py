"""Fallback for pages of an unknown template: title, publish time, body and images by text patterns.

The main text block is the element whose own paragraphs hold the most text; the title is the
heading nearest before it; the date is the first short line after the title that reads as a date.
Records say ``extractor = "generic/1"``, so a template change degrades the archive instead of
emptying it, and the rows can be found and re-extracted later.
"""

from __future__ import annotations

from collections import Counter

from parsel import Selector

from crawler import dates, parsing
from crawler.items import Article, NotAnArticle
from crawler.pages.base import (
    attachments,
    build_article,
    page_title_text,
    raise_if_error_page,
    repair_legacy_text,
)
from crawler.pages.blocks import Text, blocks
from crawler.pages.reading import read_content

MIN_PARAGRAPH_CHARS = 40
# A listing, category or home page: its main text block is one of repeated items that each hold
# a title link (or a run of them).
TITLE_LINK_WORDS = 4
LISTING_MIN_ITEMS = 4
TITLE_WORDS = (3, 40)
DATE_LINE_MAX_WORDS = 15
SKIPPED_HEADING_CLASSES = ("site-title", "logo", "portlet-title")


FAMILY = "generic"
MARKERS: tuple[str, ...] = ()


def read_url(path: str, query: str) -> None:
    """No URL form is the generic family's own: its articles are keyed by their URL."""
    return None


def identity(site: str, ref, home_group_id: int | None = None) -> str:
    """Never called: a generic article's key is ``site:<url>``."""
    raise ValueError("generic articles have no URL identity")


class ArticlePage:
    """An article page whose template no family module knows."""

    FAMILY = FAMILY
    VERSION = "2"

    def __init__(self, selector: Selector, url: str):
        self.selector = selector
        self.url = url

    def to_article(self, site: str, home_group_id: int | None = None,
                   fetched_at: str | None = None) -> Article:
        """Extract what can be read; NotAnArticle when no text block, title or date is found."""
        raise_if_error_page(self.selector.root)
        root = self.selector.root
        container = _main_text_block(root)
        if container is None:
            raise_if_error_page(self.selector.root, check_headings=True)
            raise NotAnArticle("no_container", "no main text block")
        reason = listing_reason(container)
        if reason:
            raise NotAnArticle("listing", reason)
        heading, title = self._title(root, container)
        parts = blocks(container)
        legacy = repair_legacy_text(parts)
        date_line = _date_after(_region(heading, container), title)
        printed = (title, date_line.published_raw)
        content = [p for p in parts if not (isinstance(p, Text) and p.text in printed)]
        reading = read_content(content, date_line, self.url)
        article = build_article(self, site, home_group_id, fetched_at, reading,
                                title=title, category=None)
        article.attachments = attachments(container, self.url)
        article.legacy_encoding, article.original_text = legacy.encoding, legacy.original
        return article

    def _title(self, root, container) -> tuple[object, str]:
        """The heading nearest before the text block (element, text), else ``<title>``."""
        best = None
        for heading in root.iter("h1", "h2", "h3"):
            if _is_after(heading, container) and best is not None:
                break
            words = len(parsing.clean_text(heading.text_content()).split())
            skipped = any(name in (heading.get("class") or "") for name in SKIPPED_HEADING_CLASSES)
            if TITLE_WORDS[0] <= words <= TITLE_WORDS[1] and not skipped:
                best = heading
        if best is not None:
            return best, parsing.clean_text(best.text_content())
        page_title = parsing.strip_site_suffix(page_title_text(self.selector.root))
        if not page_title:
            raise NotAnArticle("no_title", "no title")
        return None, page_title


def listing_reason(container) -> str | None:
    """Why the page around ``container`` (its main text block) is a listing and not an article,
    or ``None``: the block or its parent is a run of items most of which hold a title link."""
    for box in (container, container.getparent()):
        if box is None:
            continue
        children = [child for child in box if isinstance(child.tag, str)]
        items = sum(1 for child in children if _holds_title_link(child))
        if items >= LISTING_MIN_ITEMS and items * 2 >= len(children):
            return f"a listing page: {items} items with title links"
    return None


def _holds_title_link(element) -> bool:
    """True when ``element`` is or holds a link whose text reads like a title (4+ words)."""
    links = [element] if element.tag == "a" else element.iter("a")
    return any(len(parsing.clean_text(link.text_content()).split()) >= TITLE_LINK_WORDS for link in links)


def _main_text_block(root):
    """The element whose direct paragraphs hold the most text, or ``None``."""
    scores: Counter = Counter()
    for paragraph in root.iter("p"):
        length = len(parsing.clean_text(paragraph.text_content()))
        if length >= MIN_PARAGRAPH_CHARS and paragraph.getparent() is not None:
            scores[paragraph.getparent()] += length
    return scores.most_common(1)[0][0] if scores else None


def _is_after(element, container) -> bool:
    """True when ``element`` starts after ``container`` starts, in document order."""
    return element.sourceline is not None and container.sourceline is not None and \
        element.sourceline > container.sourceline and container not in element.iterancestors()


def _region(heading, container):
    """The lowest element holding both the title heading and the text block."""
    if heading is None:
        return container
    ancestors = {id(a) for a in container.iterancestors()} | {id(container)}
    for candidate in (heading, *heading.iterancestors()):
        if id(candidate) in ancestors:
            return candidate
    return container


def _date_after(region, title: str) -> dates.DateLine:
    """The first short line after the title inside ``region`` that holds a date."""
    texts = [part.text for part in blocks(region) if isinstance(part, Text)]
    start = next((i + 1 for i, text in enumerate(texts) if text == title), 0)
    for text in texts[start:]:
        line = dates.parse_date_line(text)
        if line:
            return line
        if len(text.split()) <= DATE_LINE_MAX_WORDS:
            found = dates.find_date(text)
            if found:
                return dates.DateLine(found, None)
    raise NotAnArticle("no_date", "no publish date near the title")
