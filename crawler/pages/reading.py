"""Read the blocks of an article container: body paragraphs, image captions, credits, office.

Works on the flat block list of :mod:`crawler.pages.blocks`, so any page family whose article
body is a run of paragraphs and images can reuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler import dates, parsing
from crawler.pages.blocks import Image, Text
from crawler.urls import absolute_url

STOP_HEADINGS = frozenset((
    "tin khác", "các tin khác", "tin liên quan", "các tin liên quan", "tin cùng chuyên mục",
    "bình chọn", "bình chọn bình chọn", "xem thêm", "tin đã đưa", "các tin đã đưa",
))
BOILERPLATE_PREFIXES = (
    "truy cập nội dung luôn", "thống kê truy cập", "đang online", "lượt truy cập",
    "tổng số truy cập", "album ảnh", "các chuyên mục", "content:", "in bài viết", "gửi email",
    "chia sẻ", "quay lại", "trở về", "bản in", "print", "share",
)
BOILERPLATE_EXACT = frozenset(("null", "content:", "in", "email", "top"))
SKIPPED_IMAGE_MARKERS = ("/html/themes/", "/image/company_logo", "spacer", "/icons/", "data:")
CAPTION_MAX_WORDS = 60
PLAIN_CAPTION_MAX_WORDS = 35
LONG_PARAGRAPH_WORDS = 30
SENTENCE_END = re.compile(r"[.!?…:;]\"?$")


@dataclass
class Reading:
    """What the blocks say: the date line, the line above it, paragraphs, images, credits."""

    date_line: dates.DateLine
    above_date: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    source: str | None = None

    def paragraphs_without(self, *headers: str | None) -> list[str]:
        """Body paragraphs minus lines that repeat the title or category header."""
        drop = {parsing.clean_text(h).casefold() for h in headers if h}
        drop |= {f"{h} {h}" for h in drop}
        kept = [p for p in self.paragraphs if p.casefold() not in drop]
        return [p for i, p in enumerate(kept) if i == 0 or p != kept[i - 1]]


def read_blocks(parts: list, date_index: int, base_url: str) -> Reading:
    """Read ``parts`` (blocks of an article container) around the date line at ``date_index``."""
    date_line = dates.parse_date_line(parts[date_index].text)
    before = parts[:date_index]
    above = next((p.text for p in reversed(before) if isinstance(p, Text)), None)
    content = [p for p in before if isinstance(p, Text) and _words(p) > LONG_PARAGRAPH_WORDS]
    return read_content(content + parts[date_index + 1 :], date_line, base_url, above_date=above)


def read_content(content: list, date_line: dates.DateLine, base_url: str,
                 above_date: str | None = None) -> Reading:
    """Read article blocks (no title or date line among them) into paragraphs, images, credits."""
    reading = Reading(date_line=date_line, above_date=above_date)
    content = _until_stop(content)
    lines = _take_images(content, reading, base_url, _tail_start(content))
    reading.paragraphs = _take_credits(lines, reading)
    return reading


def _until_stop(parts: list) -> list:
    """Blocks up to the first related-news or poll heading, without boilerplate lines."""
    kept = []
    for part in parts:
        if isinstance(part, Text):
            lowered = part.text.casefold().rstrip(":")
            if lowered in STOP_HEADINGS:
                break
            if lowered in BOILERPLATE_EXACT or lowered.startswith(BOILERPLATE_PREFIXES):
                continue
        kept.append(part)
    return kept


def _tail_start(content: list) -> int:
    """Index where the closing credit, source and office lines begin (``len`` if there are none)."""
    start = len(content)
    while start > 0 and isinstance(content[start - 1], Text) and _is_tail_line(content[start - 1].text):
        start -= 1
    return start


def _is_tail_line(text: str) -> bool:
    """True for a line that can close an article: credit, ``Nguồn:`` or office."""
    return (parsing.parse_credit(text) is not None or parsing.parse_source_line(text) is not None
            or parsing.parse_office(text) is not None)


def _take_images(content: list, reading: Reading, base_url: str, tail_start: int) -> list[Text]:
    """Move images and their captions into ``reading.images``; return the remaining lines.

    Lines from ``tail_start`` on (credits and office) are never taken as captions.
    """
    lines: list[Text] = []
    index = 0
    while index < len(content):
        part = content[index]
        index += 1
        if isinstance(part, Text):
            lines.append(part)
            continue
        caption, index = _caption_after(part, content[:tail_start], index)
        if not any(marker in part.src for marker in SKIPPED_IMAGE_MARKERS) and part.src:
            reading.images.append({
                "src": absolute_url(base_url, part.src.strip()),
                "caption": caption,
                "alt": part.alt or None,
            })
    return lines


def _caption_after(image: Image, content: list, index: int) -> tuple[str | None, int]:
    """The caption printed after ``image`` starting at ``content[index]``, and the next index."""
    first = content[index] if index < len(content) else None
    if not isinstance(first, Text) or _is_credit_or_office(first.text):
        return None, index
    if image.table is not None and first.table is image.table:
        return first.text, index + 1
    if first.tag == "li" or _styled_caption(first):
        return _wrapped_caption(content, index)
    if _words(first) <= PLAIN_CAPTION_MAX_WORDS and not first.bold:
        return first.text, index + 1
    return None, index


def _wrapped_caption(content: list, index: int) -> tuple[str, int]:
    """A styled caption that may continue on the next line while its sentence is unfinished."""
    pieces = [content[index].text]
    index += 1
    while (
        index < len(content)
        and not SENTENCE_END.search(pieces[-1])
        and isinstance(content[index], Text)
        and _styled_caption(content[index])
        and not _is_credit_or_office(content[index].text)
    ):
        pieces.append(content[index].text)
        index += 1
    return " ".join(pieces), index


def _styled_caption(part: Text) -> bool:
    """True for a short line set as a caption: italic, centred or with a caption class."""
    return (part.italic or part.centred or part.caption_class) and _words(part) <= CAPTION_MAX_WORDS


def _take_credits(lines: list[Text], reading: Reading) -> list[str]:
    """Read credit, source and office lines off the end; return the body paragraphs."""
    texts = [line.text for line in lines]
    while texts and _read_tail_line(texts[-1], reading):
        texts.pop()
    return texts


def _read_tail_line(text: str, reading: Reading) -> bool:
    """Record ``text`` as a credit, source or office line if it is one; report whether it was."""
    authors = parsing.parse_credit(text)
    if authors is not None:
        reading.authors = authors + [a for a in reading.authors if a not in authors]
        return True
    named_source = parsing.parse_source_line(text)
    if named_source is not None:
        reading.source = reading.source or named_source
        return True
    office = parsing.parse_office(text)
    if office is not None and reading.source is None:
        reading.source = office
        return True
    return False


def _is_credit_or_office(text: str) -> bool:
    """True for a credit, ``Nguồn:`` or office line (never a caption)."""
    return (parsing.parse_credit(text) is not None or parsing.parse_source_line(text) is not None
            or (text.startswith("(") and parsing.parse_office(text) is not None))


def _words(part: Text) -> int:
    """Number of words in a text block."""
    return len(part.text.split())
