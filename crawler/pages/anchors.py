"""What any page says about itself, whatever its theme: document title, breadcrumb, portlet box.

These are the facts a platform guarantees (Liferay writes ``<title>`` as ``Article - Page -
Site`` and wraps every portlet in a boundary box) or that the page's text itself shows (a trail
starting at ``Trang chủ``), so a page object can lean on them in markup it has never seen.
"""

from __future__ import annotations

import json
from itertools import islice

from crawler import dates, parsing
from crawler.pages.select import compiled_xpath, text_of

DOCUMENT_TITLE = compiled_xpath("/html/head/title/text()")
OG_TITLE = compiled_xpath("/html/head/meta[@property='og:title']/@content")
# Links that may read "Trang chủ" or "Home" (a cheap test in lxml; the exact one in Python).
MAYBE_HOME_LINKS = compiled_xpath(
    "//a[contains(., 'rang ch') or contains(., 'RANG CH') or contains(., 'ome') or contains(., 'OME')]")
HOME_TEXTS = frozenset(("trang chủ", "home"))
ACTIVE_MENU = compiled_xpath(
    "//*[self::li or self::td or self::div or self::span]"
    "[contains(concat(' ', normalize-space(@class), ' '), ' selected ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' active ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' current ')]/a"
    " | //a[contains(concat(' ', normalize-space(@class), ' '), ' active ')]")
CATEGORY_LINK = compiled_xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
PORTLET_BOX = compiled_xpath(
    "ancestor::*[self::section[contains(concat(' ', normalize-space(@class), ' '), ' portlet ')]"
    " or contains(concat(' ', normalize-space(@class), ' '), ' portlet-boundary ')][1]")
JSON_LD = compiled_xpath("//script[@type='application/ld+json']/text()")
META_PUBLISHED = compiled_xpath(
    "//meta[@property='article:published_time' or @itemprop='datePublished' or @name='pubdate']/@content")
TIME_PUBLISHED = compiled_xpath(
    "//time[@datetime][@itemprop='datePublished' or contains(@class, 'publish')]/@datetime")
TRAIL_SEPARATORS = "›>»/|→·-–:"
TRAIL_MAX_ITEMS = 4  # with the home link: a box of more links is a menu, not a trail
MENU_WORDS = ("menu", "nav")
TRAIL_MAX_WORDS = 24
TRAIL_LEVELS = 3
MENU_ITEM_MAX_WORDS = 8


def document_title(root) -> str:
    """The page's ``<title>`` text, cleaned to one line (``""`` when it has none)."""
    found = DOCUMENT_TITLE(root)
    return parsing.clean_text(found[0]) if found else ""


def og_title(root) -> str:
    """The ``og:title`` meta content, cleaned (``""`` when absent)."""
    found = OG_TITLE(root)
    return parsing.clean_text(found[0]) if found else ""


def title_from_document(root, candidates: list[str]) -> str | None:
    """The longest of ``candidates`` (texts printed on the page) that the document's own title
    names: ``og:title`` itself, or the head of ``<title>`` before `` - Page - Site``."""
    names = [name.casefold() for name in (og_title(root), document_title(root)) if name]
    best = None
    for text in candidates:
        folded = text.casefold()
        if len(text.split()) < 2 or (best and len(text) <= len(best)):
            continue
        if any(name == folded or name.startswith(folded + " - ") or name.startswith(folded + " | ")
               for name in names):
            best = text
    return best


def layout_name(root, title: str) -> str | None:
    """The page (layout) name in a Liferay ``<title>`` of the form ``Title - Page - Site``."""
    text = document_title(root)
    if not title or not text.casefold().startswith(title.casefold() + " - "):
        return None
    page, separator, _site = text[len(title) + 3 :].rpartition(" - ")
    return parsing.clean_text(page) if separator and page else None


def breadcrumb_category(root, before=None) -> str | None:
    """The last item of a breadcrumb trail (``Trang chủ › … › Category``), read by its text.

    The trail is the nearest short box around a ``Trang chủ``/``Home`` link that holds two to
    four items; of several, the last one before ``before`` (an element) in document order wins.
    """
    limit = before.sourceline if before is not None and before.sourceline else None
    found = None
    for link in MAYBE_HOME_LINKS(root):
        if text_of(link).casefold() not in HOME_TEXTS:
            continue
        if limit is not None and link.sourceline and link.sourceline > limit:
            break
        items = _trail_items(link)
        if items:
            found = items[-1]
    return found


def _trail_items(home_link) -> list[str] | None:
    """The items after ``Trang chủ`` in the trail around ``home_link``, or ``None``."""
    box = home_link
    for _ in range(TRAIL_LEVELS):
        box = box.getparent()
        if box is None:
            return None
        items = _items_in(box)
        if items is None:
            return None
        if len(items) >= 2:
            return items[1:]
    return None


def _items_in(box) -> list[str] | None:
    """The text items of a candidate trail box in order; ``None`` when it is too big to be one."""
    text = text_of(box)
    if len(text.split()) > TRAIL_MAX_WORDS or _is_menu(box):
        return None
    items = []
    for element in box.iter():
        for piece in (element.text, element.tail if element is not box else None):
            cleaned = parsing.clean_text(piece).strip(TRAIL_SEPARATORS + " ")
            if cleaned:
                items.append(cleaned)
    return items if len(items) <= TRAIL_MAX_ITEMS else None


def _is_menu(box) -> bool:
    """True for a box of a navigation menu: not named a breadcrumb, and itself or inside an
    element named a menu or nav (``<nav>``, ``role=navigation``, ``#navigation``, ``.menu``)."""
    if "crumb" in _names(box):
        return False
    nearby = (box, *islice(box.iterancestors(), 3))
    return any(word in _names(node) for node in nearby for word in MENU_WORDS)


def _names(element) -> str:
    """Tag, class, id and role of an element, lower-cased, for a look at what it is called."""
    return (f"{element.tag} {element.get('class') or ''} {element.get('id') or ''} "
            f"{element.get('role') or ''} {element.get('aria-label') or ''}").lower()


def structured_published(root) -> dates.DateLine | None:
    """The publish time a page states for machines: JSON-LD ``datePublished``, the
    ``article:published_time`` meta or a ``<time datetime>`` marked as the publish time; the
    value as written becomes ``published_raw``. ``None`` when the page states none."""
    for value in (*_json_ld_dates(root), *META_PUBLISHED(root), *TIME_PUBLISHED(root)):
        value = parsing.clean_text(value)
        if dates.ISO_DATE.match(value) and dates.parse_published(value):
            return dates.DateLine(value, None)
    return None


def _json_ld_dates(root) -> list[str]:
    """``datePublished`` values of the page's JSON-LD objects (unreadable JSON is skipped)."""
    found = []
    for text in JSON_LD(root):
        try:
            data = json.loads(text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                stack.extend(value for value in item.values() if isinstance(value, (list, dict)))
    return found


def active_menu_item(root) -> str | None:
    """The category a page links with ``rel="category"``, else the text of the selected entry
    of its menus (``active``, ``selected``, ``current``), other than the home page or a number."""
    for link in (*CATEGORY_LINK(root), *ACTIVE_MENU(root)):
        text = text_of(link)
        if text and text.casefold() not in HOME_TEXTS and not text.isdigit() \
                and len(text.split()) <= MENU_ITEM_MAX_WORDS:
            return text
    return None


def portlet_box(element):
    """The portlet box (Liferay ``section.portlet`` or ``div.portlet-boundary``) around
    ``element``, or ``None``."""
    found = PORTLET_BOX(element)
    return found[0] if found else None
