"""CSS selectors compiled once into lxml XPath and run on lxml elements.

Page objects keep their selectors as CSS strings (data). Each string is translated with parsel's
CSS translator (so ``::text`` works as in parsel) and compiled into an ``lxml.etree.XPath`` the
first time it is used; later pages reuse the compiled expression and get plain lxml elements and
strings back, without a wrapper object per match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from vntext import clean_text

_TRANSLATOR = HTMLTranslator()
# A selector of tag, class and id steps alone (``.pager a``, ``ul.nav a``), whose class names
# each have to appear on some element for it to match anything.
PLAIN_SELECTOR = re.compile(r"[\w\s.#-]+")
CLASS_NAME = re.compile(r"\.([\w-]+)")


@lru_cache(maxsize=1024)
def compiled(css: str) -> etree.XPath:
    """The compiled XPath of a CSS selector (matches at or under the element it is run on)."""
    return etree.XPath(_TRANSLATOR.css_to_xpath(css), smart_strings=False)


@lru_cache(maxsize=64)
def compiled_xpath(expression: str) -> etree.XPath:
    """An XPath expression (relative to the element it is run on) compiled once."""
    return etree.XPath(expression, smart_strings=False)


def select(element, css: str) -> list:
    """Every element (or string, for ``::text``/``::attr``) that ``css`` matches under ``element``."""
    return compiled(css)(element)


def first(element, css: str):
    """The first element ``css`` matches under ``element`` in document order, or ``None``."""
    found = compiled(css)(element)
    return found[0] if found else None


def text_of(element) -> str:
    """All text under ``element`` (scripts included, as parsel's ``::text``), cleaned to one line."""
    return clean_text(" ".join(element.itertext()))


def texts_of_all(element, css: str) -> str:
    """The text of every element ``css`` matches under ``element``, joined and cleaned to one line."""
    return clean_text(" ".join(compiled(f"{css} ::text")(element)))


def class_names(root) -> frozenset[str]:
    """Every class name used anywhere in the document of ``root`` (one pass over ``@class``)."""
    return frozenset(name for value in compiled_xpath("//@class")(root) for name in value.split())


@lru_cache(maxsize=256)
def required_classes(css: str) -> frozenset[str] | None:
    """The class names a plain selector (tags, classes, ids, descendant steps) needs present
    in the page to match; ``None`` for any other selector (attributes, pseudo-classes, lists)."""
    if not PLAIN_SELECTOR.fullmatch(css):
        return None
    return frozenset(CLASS_NAME.findall(css))


def may_match(css: str, classes: frozenset[str]) -> bool:
    """False only when ``css`` certainly matches nothing in a page using the class names
    ``classes`` (see :func:`class_names`); True when it may match."""
    needed = required_classes(css)
    return needed is None or needed <= classes
