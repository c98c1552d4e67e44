"""Decoding and parsing a page whose declared charset may be wrong.

Old servers label windows-1258 pages as UTF-8 and the reverse. UTF-8 is self-checking: bytes
beyond ASCII that decode as UTF-8 are almost surely UTF-8, and bytes that do not cannot be.
"""

from __future__ import annotations

import codecs
import re

from parsel import Selector

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
VIETNAMESE_FALLBACK = "cp1258"


def better_encoding(body: bytes, declared: str | None) -> str | None:
    """The encoding to decode ``body`` with when ``declared`` is wrong, else ``None``.

    Declared UTF-8 but not valid UTF-8: the page's ``<meta>`` charset, else windows-1258.
    Declared single-byte but valid UTF-8 with non-ASCII bytes: UTF-8.
    """
    declared = _canonical(declared)
    if declared == "utf-8":
        if _valid_utf8(body):
            return None
        meta = META_CHARSET.search(body[:4096])
        named = _canonical(meta.group(1).decode("ascii", "ignore")) if meta else None
        return named if named and named != "utf-8" else VIETNAMESE_FALLBACK
    if declared and body.isascii() is False and _valid_utf8(body):
        return "utf-8"
    return None


def decoded(response):
    """``response`` re-decoded when its declared charset is wrong (a Scrapy TextResponse)."""
    encoding = better_encoding(response.body, getattr(response, "encoding", None))
    return response.replace(encoding=encoding) if encoding else response


def page_selector(response) -> Selector:
    """The parsed page of a Scrapy text response, its charset corrected as :func:`decoded` does.

    A UTF-8 page (nearly all) is parsed from its bytes as they are, without the decoded text and
    UTF-8 copy of it that ``response.selector`` makes: the same tree, about 0.1 ms sooner on a
    10 KB page. A page in any other charset is parsed as ``response.selector`` parses it.
    """
    response = decoded(response)
    body = response.body.strip()
    # Scrapy strips the decoded text of a BOM and of every Unicode space, bytes.strip() only of
    # ASCII spaces: a page starting or ending otherwise goes the way Scrapy parses it.
    if response.encoding != "utf-8" or not (body.startswith(b"<") and body.endswith(b">")):
        return response.selector
    return Selector(body=body, encoding="utf-8", type="html")


def _valid_utf8(body: bytes) -> bool:
    """True when ``body`` decodes as UTF-8."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _canonical(name: str | None) -> str | None:
    """Python's canonical name of an encoding label, or ``None`` when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name.replace("_", "-")
    except LookupError:
        return None
