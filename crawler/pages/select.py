"""CSS selectors compiled once into lxml XPath and run on lxml elements.

Page objects keep their selectors as CSS strings (data). Each string is translated with parsel's
CSS translator (so ``::text`` works as in parsel) and compiled into an ``lxml.etree.XPath`` the
first time it is used; later pages reuse the compiled expression and get plain lxml elements and
strings back, without a wrapper object per match.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from crawler.parsing import clean_text

_TRANSLATOR = HTMLTranslator()


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
