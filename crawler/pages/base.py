"""The article page shared by the template families: selectors as class data, rules in one place.

A family module subclasses :class:`TemplateArticlePage` and sets its containers, title and
category selectors; the date line, credits, captions and office are found by their text.
"""

from __future__ import annotations

from datetime import datetime

from parsel import Selector

from crawler import dates, fonts, parsing
from crawler.items import Article, NotAnArticle
from crawler.pages import anchors
from crawler.pages.blocks import Text, blocks
from crawler.pages.reading import LONG_PARAGRAPH_WORDS, Reading, read_blocks
from crawler.pages.select import compiled, compiled_xpath, first, text_of, texts_of_all
from crawler.urls import absolute_url, is_document

ERROR_SELECTORS = (".portlet-msg-error", ".alert-error", ".alert-danger", ".error-page")
# A cheap first look at class attributes alone before the exact selectors: most pages have no
# error box, and a class attribute holding none of these words cannot match one. Each class of
# ERROR_SELECTORS holds one of them (two tests per attribute cost half of four).
ERROR_CLASS_WORDS = ("error", "danger")
MAYBE_ERROR_BOX = compiled_xpath("//@class[" + " or ".join(
    f"contains(., '{word}')" for word in ERROR_CLASS_WORDS) + "]")
LONG_TITLE_WORDS = 40
# A box named for the date that holds no text: the portal printed an article without its date.
EMPTY_DATE_BOX = compiled_xpath(
    ".//*[(contains(translate(@class, 'DATEPUBLISH', 'datepublish'), 'date')"
    " or contains(translate(@class, 'DATEPUBLISH', 'datepublish'), 'publish')) and not(normalize-space())]")
LOOSE_DATE_WINDOW = 4
SHORT_DATE_LINE_WORDS = 15
ERROR_PHRASES = (
    "the requested resource was not found", "không tìm thấy", "không tồn tại",
    "an unexpected system error occurred", "đã xảy ra lỗi",
)


class TemplateArticlePage:
    """An article page of a known template family; subclasses fill in the selector data.

    The body container is found by the family's selectors; the title, date line and lead are
    looked for in the whole box around it (the article's portlet), where themes put them inside
    or outside the container, above or below each other.
    """

    FAMILY = "template"
    VERSION = "2"
    CONTAINERS: tuple[str, ...] = ()
    TITLE_SELECTORS: tuple[str, ...] = ()
    CATEGORY_SELECTORS: tuple[str, ...] = ()
    # Elements that are never article text: the CMS account that posted it, share and print bars.
    EXCLUDED: tuple[str, ...] = (".view-content-author", ".taglib-social-bookmarks",
                                 ".asset-links", ".print-action", ".mailto-action")
    SCOPE_XPATH = "ancestor::section[contains(@class, 'portlet')][1]"

    def __init__(self, selector: Selector, url: str):
        self.selector = selector
        self.root = selector.root
        self.url = url

    def to_article(self, site: str, home_group_id: int | None = None,
                   fetched_at: str | None = None) -> Article:
        """Extract the article; raises :class:`NotAnArticle` with a one-line reason if it is not one.

        ``fetched_at`` (ISO 8601) resolves relative dates such as ``17 giờ trước``.
        """
        raise_if_error_page(self.root)
        container = self._container()
        scope = self._scope(container)
        parts = self._blocks(scope, container)
        legacy = repair_legacy_text(parts)
        inside = [part.inside for part in parts]
        lines = _date_lines(parts)
        title, title_index = self._title(scope, parts, inside, lines)
        date_index, date_line = _find_date(parts, lines, title_index, inside, fetched_at)
        if date_line is None:
            date_line = anchors.structured_published(self.root)
        if date_line is None:
            empty = EMPTY_DATE_BOX(scope)
            reason = "the date box is empty" if empty else "no publish date line (dd/mm/yyyy | HH:mm)"
            raise NotAnArticle("no_date", reason)
        date_line, counted = _count_beside(parts, date_index, date_line)
        content = [i for i in _content_indexes(parts, inside, date_index, title_index) if i != counted]
        reading = read_blocks(parts, date_line, content, base_url=self.url)
        if legacy.encoding:
            title = fonts.to_unicode(title, legacy.encoding) if fonts.detect(title) else title
        category = self._category(scope, container, title)
        article = build_article(self, site, home_group_id, fetched_at, reading,
                                title=title, category=category)
        article.attachments = attachments(scope if scope is not self.root else container, self.url)
        article.legacy_encoding, article.original_text = legacy.encoding, legacy.original
        return article

    def _container(self):
        """The article container (an lxml element), or NotAnArticle when the page has none."""
        for css in self.CONTAINERS:
            found = first(self.root, css)
            if found is not None:
                return found
        raise_if_error_page(self.root, check_headings=True)
        raise NotAnArticle("no_container", f"no article container ({self.CONTAINERS[0]})")

    def _blocks(self, scope, container) -> list:
        """The blocks of ``scope`` without the elements that are never article text, each
        marked with whether it lies in the body ``container``."""
        skipped = frozenset(compiled(", ".join(self.EXCLUDED))(scope))  # one pass over the scope
        return blocks(scope, skipped, container)

    def _title(self, scope, parts: list, inside: list[bool],
               lines: dict[int, dates.DateLine]) -> tuple[str, int | None]:
        """The title as printed and its block index: the line the document's own title names,
        else a title element, else the line above the date line, else ``<title>``."""
        texts = _texts_before_body(parts, inside)
        named = anchors.title_from_document(self.root, [text for _, text in texts])
        if named:
            return named, _index_of_text(parts, named)
        text = self._title_element_text(scope)
        if text:
            return text, _index_of_text(parts, text)
        above = _line_above_date(parts, lines)
        if above is not None:
            return parts[above].text, above
        page_title = parsing.strip_site_suffix(anchors.document_title(self.root))
        if page_title:
            return page_title, None
        raise NotAnArticle("no_title", "no title")

    def _title_element_text(self, scope) -> str:
        """The text of the first title element the family's selectors find (``""`` if none)."""
        for css in self.TITLE_SELECTORS:
            found = first(scope, css)
            text = text_of(found) if found is not None else ""
            if text:
                return text
        return ""

    def _category(self, scope, container, title: str) -> str | None:
        """The section the page files the article under: its breadcrumb's last item, the portlet
        title, the active menu entry or the page name in ``<title>``, printed once."""
        found = anchors.breadcrumb_category(self.root, before=container)
        if found:
            return parsing.undouble(found)
        for css in self.CATEGORY_SELECTORS:
            text = texts_of_all(scope, css)
            if text:
                return parsing.undouble(text)
        found = anchors.active_menu_item(self.root) or anchors.layout_name(self.root, title)
        return parsing.undouble(found) if found else None

    def _scope(self, container):
        """The box around the article container (the whole page if there is none)."""
        around = compiled_xpath(self.SCOPE_XPATH)(container)
        if around:
            return around[0]
        box = anchors.portlet_box(container)
        return box if box is not None else self.root


def _index_of_text(parts: list, text: str) -> int | None:
    """Index of the first text block reading ``text`` (case-insensitive), or ``None``."""
    folded = text.casefold()
    return next((i for i, part in enumerate(parts)
                 if isinstance(part, Text) and part.text.casefold() == folded), None)


def _texts_before_body(parts: list, inside: list[bool]) -> list[tuple[int, str]]:
    """Short text blocks before the body's first long paragraph (title candidates)."""
    found = []
    for index, part in enumerate(parts):
        if not isinstance(part, Text):
            continue
        if inside[index] and len(part.text.split()) > LONG_TITLE_WORDS:
            break
        found.append((index, part.text))
    return found


def _date_lines(parts: list) -> dict[int, dates.DateLine]:
    """The blocks that read as date lines: block index -> DateLine, in page order."""
    return {index: line for index, part in enumerate(parts)
            if isinstance(part, Text) and (line := dates.parse_date_line(part.text))}


def _line_above_date(parts: list, lines: dict[int, dates.DateLine]) -> int | None:
    """Index of the text block right above the first date line, or ``None``."""
    if not lines:
        return None
    first_line = next(iter(lines))
    return next((i for i in range(first_line - 1, -1, -1) if isinstance(parts[i], Text)), None)


def _find_date(parts: list, lines: dict[int, dates.DateLine], title_index: int | None,
               inside: list[bool], fetched_at: str | None) -> tuple[int | None, dates.DateLine | None]:
    """The publish date line and its block index: the first date line after the title (else a
    short line just under the title that holds a date among other words, else the nearest date
    line before the title); failing those, a short line near the title that dateparser reads.
    A date inside other words counts only with its time of day: ``Kế hoạch 174/KH-UBND ngày
    27/07/2021`` names a document, not the publish time.
    ``(None, None)`` when the page prints no date."""
    start = title_index if title_index is not None else -1
    after = [i for i in lines if i > start]
    if after and _before_body_end(after[0], inside):
        return after[0], lines[after[0]]
    window = [(i, parts[i]) for i in range(start + 1, min(len(parts), start + 1 + LOOSE_DATE_WINDOW))
              if isinstance(parts[i], Text)]
    for index, part in window:
        found = dates.find_date(part.text) if len(part.text.split()) <= SHORT_DATE_LINE_WORDS else None
        if found and dates.has_clock(found):  # a bare date in a short line may name a document
            return index, dates.DateLine(found, dates.find_views(part.text))
    before = [i for i in lines if i < start]
    if before or after:
        index = before[-1] if before else after[0]
        return index, lines[index]
    now = datetime.fromisoformat(fetched_at) if fetched_at else None
    for index, part in window:
        if dates.loose_date(part.text, now):
            return index, dates.DateLine(parsing.clean_text(part.text), None)
    return None, None


def _count_beside(parts: list, date_index: int | None,
                  date_line: dates.DateLine) -> tuple[dates.DateLine, int | None]:
    """The date line with the view count printed in a block of its own right after it (a table
    cell, a span set apart), and that block's index; unchanged when there is none."""
    following = date_index + 1 if date_index is not None else None
    if date_line.views_raw or following is None or following >= len(parts):
        return date_line, None
    part = parts[following]
    count = dates.parse_views_line(part.text) if isinstance(part, Text) else None
    if count is None:
        return date_line, None
    return dates.DateLine(date_line.published_raw, count), following


def _before_body_end(index: int, inside: list[bool]) -> bool:
    """True when block ``index`` comes no later than the body container's last block."""
    last_inside = max((i for i, flag in enumerate(inside) if flag), default=len(inside))
    return index <= last_inside


def _content_indexes(parts: list, inside: list[bool], date_index: int | None,
                     title_index: int | None) -> list[int]:
    """Indexes of the blocks that hold the article's text: the container's, and what lies
    between the date line (or title) and the container (a lead set apart), in order."""
    start = max(-1 if date_index is None else date_index, -1 if title_index is None else title_index)
    first_inside = next((i for i, flag in enumerate(inside) if flag), len(parts))
    between = range(start + 1, first_inside) if start < first_inside else range(0)
    chosen = set(between) | {i for i, flag in enumerate(inside) if flag}
    chosen.discard(date_index)
    if title_index is not None:
        chosen.discard(title_index)
    return sorted(i for i in chosen if i > start or _long(parts[i]))


def _long(part) -> bool:
    """True for a long paragraph (kept even when printed above the date line)."""
    return isinstance(part, Text) and len(part.text.split()) > LONG_PARAGRAPH_WORDS


def raise_if_error_page(root, *, check_headings: bool = False) -> None:
    """Raise NotAnArticle for a portal error page served with status 200.

    ``root`` is the page's lxml root element. Error boxes are always checked; headings (``The
    requested resource was not found``) only with ``check_headings``, for pages that have no
    article container, since a real title may say "không tồn tại".
    """
    if MAYBE_ERROR_BOX(root):
        for css in ERROR_SELECTORS:
            message = texts_of_all(root, css)
            if message:
                raise NotAnArticle("error_page", f"error page: {message[:120]}")
    if not check_headings:
        return
    for heading in compiled("h1, h2")(root):
        text = text_of(heading)
        if any(phrase in text.lower() for phrase in ERROR_PHRASES):
            raise NotAnArticle("error_page", f"error page: {text[:120]}")


class LegacyText:
    """What :func:`repair_legacy_text` found: the encoding and the original text it replaced."""

    def __init__(self, encoding: str | None = None, original: str | None = None):
        self.encoding = encoding
        self.original = original


def repair_legacy_text(parts: list) -> LegacyText:
    """Convert text blocks typed in TCVN3 or VNI to Unicode in place; report what was converted."""
    suspects = [part for part in parts
                if isinstance(part, Text) and not fonts.VIETNAMESE_LETTERS.search(part.text)]
    encoding = fonts.detect("\n".join(part.text for part in suspects))
    if encoding is None:
        return LegacyText()
    originals = []
    for part in suspects:
        if fonts.evidence(part.text, encoding):
            originals.append(part.text)
            part.text = fonts.to_unicode(part.text, encoding)
    return LegacyText(encoding, "\n\n".join(originals) or None)


def build_article(page, site: str, home_group_id: int | None, fetched_at: str | None,
                  reading: Reading, *, title: str, category: str | None) -> Article:
    """Assemble the Article record from what a page object read."""
    now = datetime.fromisoformat(fetched_at) if fetched_at else None
    published_at = dates.parse_published(reading.date_line.published_raw, now=now)
    if published_at is None:
        raise NotAnArticle("no_date", f"unreadable publish date {reading.date_line.published_raw!r}")
    paragraphs = reading.paragraphs_without(title, category)
    return Article(
        id=f"{site}:{page.url}",  # the registry gives it the identity of its URL's family
        site=site,
        url=page.url,
        title=title,
        category=category,
        published_at=published_at,
        published_date=dates.local_date(published_at),
        published_raw=reading.date_line.published_raw,
        published_precision=dates.published_precision(reading.date_line.published_raw),
        views=parsing.parse_views(reading.date_line.views_raw),
        views_raw=reading.date_line.views_raw,
        lead=paragraphs[0] if paragraphs else None,
        body="\n\n".join(paragraphs) or None,
        source=reading.source,
        images=reading.images,
        authors=reading.authors,
        fetched_at=fetched_at,
        extractor=f"{page.FAMILY}/{page.VERSION}",
    )


def attachments(container, base_url: str) -> list[dict]:
    """Links to attached documents under an lxml element: ``[{"url": absolute, "label": text}]``."""
    found: dict[str, dict] = {}
    for link in container.iter("a"):
        href = link.get("href")
        if href is None:
            continue
        url = absolute_url(base_url, href.strip())
        if is_document(url) and url not in found:
            label = text_of(link)
            found[url] = {"url": url, "label": label or None}
    return list(found.values())
