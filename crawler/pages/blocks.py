"""Flatten an article container into reading-order blocks: paragraphs of text and images.

A portal template nests paragraphs, tables, lists and bare text in any mix; extraction rules are
simpler over a flat sequence. Each text block keeps the facts the rules need (bold, italic,
centred, list item, table cell) so the page objects never walk the tree themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from crawler.parsing import clean_text

BLOCK_TAGS = frozenset((
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "table", "tbody",
    "thead", "ul", "ol", "dl", "dd", "dt", "blockquote", "figure", "figcaption", "section",
    "article", "header", "footer", "center", "pre", "aside", "main",
))
SKIP_TAGS = frozenset((
    "script", "style", "noscript", "form", "button", "select", "textarea", "iframe", "nav", "input",
    "head", "title",
))
FLOAT_CLASSES = ("pull-left", "pull-right", "float-left", "float-right", "alignleft", "alignright")
BOLD_TAGS = frozenset(("strong", "b"))
ITALIC_TAGS = frozenset(("em", "i"))
CAPTION_CLASSES = ("caption", "chuthich", "chu-thich", "image-desc", "img-desc")
CAPTION_CLASS = re.compile("|".join(map(re.escape, CAPTION_CLASSES)), re.IGNORECASE)
VISIBLE_TEXT = etree.XPath("descendant-or-self::text()[not(ancestor::script) and not(ancestor::style)]",
                           smart_strings=False)


@dataclass(slots=True)
class Image:
    """An ``<img>`` in the article: ``src`` and ``alt`` as written in the page."""

    src: str
    alt: str
    table: object = None
    element: object = None
    inside: bool = False

    @property
    def floated(self) -> bool:
        """The image floats beside text (``float``, ``align=left|right``, ``pull-left``…): a
        thumbnail beside a lead, never an image with a caption under it."""
        if self.element is None:
            return False
        style = (self.element.get("style") or "").replace(" ", "").lower()
        names = (self.element.get("class") or "").lower()
        return ("float:left" in style or "float:right" in style
                or (self.element.get("align") or "").lower() in ("left", "right")
                or any(word in names for word in FLOAT_CLASSES))


class Text:
    """A paragraph of text with the layout facts that tell a caption or sapo from body text.

    ``text`` and ``tag`` (the block element's tag) are read at once; the layout facts (``bold``,
    ``italic``, ``centred``, ``caption_class``, ``table``) only when a rule asks, since only the
    lines next to an image are ever asked.
    """

    __slots__ = ("_length", "_parent", "_styled", "inside", "tag", "text")

    def __init__(self, text: str, tag: str, parent, styled: list, inside: bool = False):
        self.text = text
        self.tag = tag
        self.inside = inside  # within the element a walk marks (see ``blocks``)
        self._parent = parent
        self._styled = styled
        self._length = len(text)  # as read: a legacy-font repair may change ``text`` later

    def __repr__(self) -> str:
        return f"Text({self.text!r}, {self.tag!r})"

    @property
    def bold(self) -> bool:
        """All (or all but one character) of the text is bold, or the block itself is."""
        return _covered_by(self._styled, self._length, BOLD_TAGS) or _styled_as(self._parent, BOLD_TAGS)

    @property
    def italic(self) -> bool:
        """All (or all but one character) of the text is italic, or the block itself is."""
        return _covered_by(self._styled, self._length, ITALIC_TAGS) or _styled_as(self._parent, ITALIC_TAGS)

    @property
    def centred(self) -> bool:
        """The block is centred by ``style``, ``align`` or a class name."""
        return _is_centred(self._parent)

    @property
    def right_aligned(self) -> bool:
        """The block is set flush right by ``style`` or ``align`` (how credits are often set)."""
        return _is_right_aligned(self._parent)

    @property
    def element(self):
        """The block element the text sits in."""
        return self._parent

    @property
    def caption_class(self) -> bool:
        """The block or its parent has a caption-like class name (or is a ``figcaption``)."""
        return _has_caption_class(self._parent)

    @property
    def table(self):
        """The nearest enclosing ``<table>`` element, or ``None``."""
        return _table(self._parent)


def blocks(container, skip: frozenset = frozenset(), mark=None) -> list[Image | Text]:
    """Reading-order list of :class:`Text` and :class:`Image` blocks under an lxml element.

    Elements in ``skip`` are left out (their tails kept); each block's ``inside`` says whether it
    lies within the element ``mark`` (an article's body container, say).
    """
    out: list[Image | Text] = []
    _walk(container, out, _Walk(skip, mark), container is mark)
    return out


class _Walk:
    """What a walk leaves out and what it marks."""

    __slots__ = ("mark", "skip")

    def __init__(self, skip: frozenset, mark):
        self.skip = skip
        self.mark = mark


def _walk(element, out: list, walk: _Walk, inside: bool) -> None:
    """Append the blocks of ``element``'s children, grouping inline runs into one Text each.

    Whitespace that would open a run is not kept: the run's text is stripped anyway.
    """
    run: list = [element.text] if element.text and not element.text.isspace() else []
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and (_hidden(child) or (walk.skip and child in walk.skip)):
            tag = "script"  # never shown, or never article text: left out, its tail kept
        if tag == "img":
            _flush(element, run, out, inside)
            alt = clean_text(child.get("alt"))
            out.append(Image(child.get("src", ""), alt, _table(child), child, inside))
        elif tag in BLOCK_TAGS or (tag and _has_block_or_image(child)):
            _flush(element, run, out, inside)
            if tag not in SKIP_TAGS:
                _walk(child, out, walk, inside or child is walk.mark)
        elif tag == "br":
            _flush(element, run, out, inside)  # a line break ends a line: each printed line is a block
        elif tag and tag not in SKIP_TAGS:
            run.append(child)
        if child.tail and (run or not child.tail.isspace()):
            run.append(child.tail)
    _flush(element, run, out, inside)


def _hidden(element) -> bool:
    """True for an element the page never shows (``display:none``, ``hidden``)."""
    style = element.get("style")
    return (style is not None and "display:none" in style.replace(" ", "").lower()) \
        or element.get("hidden") is not None


def _has_block_or_image(element) -> bool:
    """True when an inline element wraps an image, a block or a line break (``<a><img></a>``,
    ``<span><p>``, ``<span>line<br>line</span>``)."""
    return len(element) > 0 and any(
        isinstance(node.tag, str) and (node.tag in ("img", "br") or node.tag in BLOCK_TAGS)
        for node in element.iterdescendants()
    )


def _flush(parent, run: list, out: list, inside: bool = False) -> None:
    """Turn the pending inline ``run`` of ``parent`` into one Text block (if it has text)."""
    if not run:
        return
    text = clean_text("".join([_inline_text(item) for item in run]))
    if text:
        elements = [item for item in run if not isinstance(item, str)]
        tag = parent.tag.lower() if isinstance(parent.tag, str) else ""
        out.append(Text(text, tag, parent, elements, inside))
    run.clear()


def _inline_text(item) -> str:
    """Text of a run item: a string, or an inline element's text without scripts."""
    if isinstance(item, str):
        return item
    if not len(item):  # no children: its own text is all of it
        return item.text or ""
    return "".join(VISIBLE_TEXT(item))


def _covered_by(elements: list, length: int, tags: frozenset) -> bool:
    """True when the text inside ``tags`` elements makes up (nearly) all of a block's text of
    ``length`` characters."""
    if not elements:
        return False
    styled = "".join(_styled_text(element, tags) for element in elements)
    return len(clean_text(styled)) >= length - 1 > 0


def _styled_text(element, tags: frozenset) -> str:
    """Text of ``element`` that sits inside one of ``tags`` (the element itself included)."""
    if element.tag in tags:
        return _inline_text(element)
    return "".join(_inline_text(inner) for inner in element.iter(*tags) if inner is not element)


def _styled_as(parent, tags: frozenset) -> bool:
    """True when the block element itself is bold/italic by tag (``<strong>`` as a block)."""
    return isinstance(parent.tag, str) and parent.tag.lower() in tags


def _is_centred(element) -> bool:
    """True when the block is centred by ``style``, ``align`` or a class name."""
    style = (element.get("style") or "").replace(" ", "").lower()
    return (
        "text-align:center" in style
        or (element.get("align") or "").lower() == "center"
        or "center" in (element.get("class") or "").lower()
    )


def _is_right_aligned(element) -> bool:
    """True when the block (or the inline box that holds it) is right-aligned by style or align."""
    style = (element.get("style") or "").replace(" ", "").lower()
    return "text-align:right" in style or (element.get("align") or "").lower() == "right"


def _has_caption_class(element) -> bool:
    """True when the block or its parent carries a caption-like class name."""
    for node in (element, element.getparent()):
        if node is not None and CAPTION_CLASS.search(node.get("class") or ""):
            return True
    return (element.tag if isinstance(element.tag, str) else "") == "figcaption"


def _table(element):
    """The nearest enclosing ``<table>`` element, or ``None``."""
    return next(element.iterancestors("table"), None)
