"""Fallback for pages of an unknown template: title, publish time, body and images by text patterns.

The main text block is the element whose own paragraphs hold the most text; the title is the line
the document's own title names, else the heading nearest before the block; the date is the first
date line after the title. A block that is one of a run of items with title links is a listing,
never an article. Records say ``extractor = "generic/2"``, so a template change degrades the
archive instead of emptying it, and the rows can be found and re-extracted later.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice

from crawler import parsing
from crawler.items import NotAnArticle
from crawler.pages.base import TemplateArticlePage, raise_if_error_page

MIN_PARAGRAPH_CHARS = 40
# A listing, category or home page: its main text block is one of repeated items that each hold
# a title link (or a run of them).
TITLE_LINK_WORDS = 4
LISTING_MIN_ITEMS = 4
LISTING_LEVELS = 3
TITLE_WORDS = (3, 40)
SKIPPED_HEADING_CLASSES = ("site-title", "logo", "portlet-title")


FAMILY = "generic"
MARKERS: tuple[str, ...] = ()


def read_url(path: str, query: str) -> None:
    """No URL form is the generic family's own: its articles are keyed by their URL."""
    return None


def identity(site: str, ref, home_group_id: int | None = None) -> str:
    """Never called: a generic article's key is ``site:<url>``."""
    raise ValueError("generic articles have no URL identity")


class ArticlePage(TemplateArticlePage):
    """An article page whose template no family module knows: the body is the main text block,
    the rest is read as the template families read it, by the text's own grammar."""

    FAMILY = FAMILY
    VERSION = "2"
    SCOPE_XPATH = "self::*[false()]"

    def _container(self):
        """The main text block; NotAnArticle when there is none, or when it is a listing's."""
        container = _main_text_block(self.root)
        if container is None:
            raise_if_error_page(self.root, check_headings=True)
            raise NotAnArticle("no_container", "no main text block")
        reason = listing_reason(container)
        if reason:
            raise NotAnArticle("listing", reason)
        self._body = container
        return container

    def _title_element_text(self, scope) -> str:
        """The heading nearest before the main text block (``""`` when there is none)."""
        best = None
        for heading in self.root.iter("h1", "h2", "h3"):
            if _is_after(heading, self._body) and best is not None:
                break
            words = len(parsing.clean_text(heading.text_content()).split())
            skipped = any(name in (heading.get("class") or "") for name in SKIPPED_HEADING_CLASSES)
            if TITLE_WORDS[0] <= words <= TITLE_WORDS[1] and not skipped:
                best = heading
        return parsing.clean_text(best.text_content()) if best is not None else ""


def listing_reason(container) -> str | None:
    """Why the page around ``container`` (its main text block) is a listing and not an article,
    or ``None``: the block or one of its three nearest ancestors is a run of items most of which
    hold a title link."""
    for box in (container, *islice(container.iterancestors(), LISTING_LEVELS)):
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


