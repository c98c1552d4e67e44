"""The article page shared by the template families: selectors as class data, rules in one place.

A family module subclasses :class:`TemplateArticlePage` and sets its containers, title and
category selectors; the date line, credits, captions and office are found by their text.
"""

from __future__ import annotations

from datetime import datetime

from parsel import Selector

from crawler import dates, fonts, parsing
from crawler.items import Article, NotAnArticle
from crawler.pages.blocks import Text, blocks
from crawler.pages.reading import Reading, read_blocks
from crawler.pages.select import compiled, compiled_xpath, first, text_of, texts_of_all
from crawler.urls import absolute_url, article_id, is_document, parse_article_ref

ERROR_SELECTORS = (".portlet-msg-error", ".alert-error", ".alert-danger", ".error-page")
# A cheap first look at class attributes alone before the exact selectors: most pages have no
# error box, and a class attribute holding none of these words cannot match one. Each class of
# ERROR_SELECTORS holds one of them (two tests per attribute cost half of four).
ERROR_CLASS_WORDS = ("error", "danger")
MAYBE_ERROR_BOX = compiled_xpath("//@class[" + " or ".join(
    f"contains(., '{word}')" for word in ERROR_CLASS_WORDS) + "]")
ERROR_PHRASES = (
    "the requested resource was not found", "không tìm thấy", "không tồn tại",
    "an unexpected system error occurred", "đã xảy ra lỗi",
)


class TemplateArticlePage:
    """An article page of a known template family; subclasses fill in the selector data."""

    FAMILY = "template"
    VERSION = "1"
    CONTAINERS: tuple[str, ...] = ()
    TITLE_SELECTORS: tuple[str, ...] = ()
    CATEGORY_SELECTORS: tuple[str, ...] = ()
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
        parts = blocks(container)
        legacy = repair_legacy_text(parts)
        reading = read_blocks(parts, self._date_line_index(parts), base_url=self.url)
        title = self._title(container, reading)
        if legacy.encoding:
            title = fonts.to_unicode(title, legacy.encoding) if fonts.detect(title) else title
        category = self._category(container)
        article = build_article(self, site, home_group_id, fetched_at, reading,
                                title=title, category=category)
        article.attachments = attachments(container, self.url)
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

    def _date_line_index(self, parts: list) -> int:
        """Position of the date line among the blocks; NotAnArticle when there is none."""
        for index, part in enumerate(parts):
            if isinstance(part, Text) and dates.parse_date_line(part.text):
                return index
        raise NotAnArticle("no_date", "no publish date line (dd/mm/yyyy | HH:mm)")

    def _title(self, container, reading: Reading) -> str:
        """The title as printed: a title element, else the line above the date, else ``<title>``."""
        for scope in (container, self._scope(container)):
            for css in self.TITLE_SELECTORS:
                found = first(scope, css)
                text = text_of(found) if found is not None else ""
                if text:
                    return text
        if reading.above_date:
            return reading.above_date
        page_title = parsing.strip_site_suffix(page_title_text(self.root))
        if page_title:
            return page_title
        raise NotAnArticle("no_title", "no title")

    def _category(self, container) -> str | None:
        """The category header around the article, printed once."""
        scope = self._scope(container)
        for css in self.CATEGORY_SELECTORS:
            text = texts_of_all(scope, css)
            if text:
                return parsing.undouble(text)
        return None

    def _scope(self, container):
        """The box around the article container (the whole page if there is none)."""
        around = compiled_xpath(self.SCOPE_XPATH)(container)
        return around[0] if around else self.root


PAGE_TITLE = compiled_xpath("descendant-or-self::title/text()")


def page_title_text(root) -> str:
    """The first text of the page's ``<title>`` as written (``""`` when it has none)."""
    found = PAGE_TITLE(root)
    return found[0] if found else ""


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
    ref = parse_article_ref(page.url)
    now = datetime.fromisoformat(fetched_at) if fetched_at else None
    published_at = dates.parse_published(reading.date_line.published_raw, now=now)
    if published_at is None:
        raise NotAnArticle("no_date", f"unreadable publish date {reading.date_line.published_raw!r}")
    paragraphs = reading.paragraphs_without(title, category)
    return Article(
        id=article_id(site, ref, home_group_id) if ref else f"{site}:{page.url}",
        site=site,
        url=page.url,
        title=title,
        category=category,
        published_at=published_at,
        published_date=dates.local_date(published_at),
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
