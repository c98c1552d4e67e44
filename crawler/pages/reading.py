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
# Labels that open a line of page furniture, however long the line (a tag list, a counter box).
BOILERPLATE_PREFIXES = (
    "truy cập nội dung luôn", "thống kê truy cập", "đang online", "lượt truy cập",
    "tổng số truy cập", "album ảnh", "các chuyên mục", "content:", "từ khóa:", "từ khoá:", "tags:",
    "tag:", "đánh giá bài viết", "ý kiến bạn đọc", "gửi ý kiến", "bình luận (",
)
# Buttons that open a short line of page furniture ("Quay lại trang trước", "Chia sẻ bài viết
# này"); a sentence of the article may start with the same words ("Chia sẻ kinh nghiệm …").
BUTTON_PREFIXES = ("in bài viết", "gửi email", "chia sẻ", "quay lại", "trở về", "bản in", "print",
                   "share")
BUTTON_LINE_MAX_WORDS = 6
BOILERPLATE_EXACT = frozenset(("null", "content:", "in", "email", "top"))
# Share, print and social bars: a short line made only of these words is page chrome.
CHROME_WORDS = re.compile(
    r"chia sẻ|facebook|zalo|twitter|tweet|linkedin|google\+?|in bài viết|in bài|bản in|in trang|"
    r"gửi e-?mail|gửi mail|gửi bài|e-?mail|quay lại|trở về|về đầu trang|lên đầu trang|đầu trang|print|"
    r"share|like|thích|lưu bài|lưu|cỡ chữ|phông chữ|sao chép liên kết|copy link|bình luận|gửi|in|top|"
    r"a\+|a-|[|•·/:,()\d\s-]", re.IGNORECASE)
CHROME_MAX_WORDS = 12
SKIPPED_IMAGE_MARKERS = ("/html/themes/", "/image/company_logo", "spacer", "/icons/", "data:",
                         "resource://", "chrome://", "chrome-extension://", "moz-extension://")
CAPTION_MAX_WORDS = 60
PLAIN_CAPTION_MAX_WORDS = 35
LONG_PARAGRAPH_WORDS = 30
SENTENCE_END = re.compile(r"[.!?…:;]\"?$")


@dataclass
class Reading:
    """What the blocks say: the date line, paragraphs, images, credits and the source."""

    date_line: dates.DateLine
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    source: str | None = None

    def paragraphs_without(self, *headers: str | None) -> list[str]:
        """Body paragraphs minus lines that repeat the title or category header."""
        drop = {_bare(h) for h in headers if h}
        drop |= {f"{h} {h}" for h in drop}
        kept = [p for p in self.paragraphs if _bare(p) not in drop]
        return [p for i, p in enumerate(kept) if i == 0 or p != kept[i - 1]]

    def add_authors(self, authors: list[dict]) -> None:
        """Credit ``authors`` (``[{"name", "roles"}]``), merging the roles of a name seen before."""
        self.authors = parsing.merge_roles(self.authors + authors)


def _bare(text: str) -> str:
    """``text`` cleaned, case-folded and without closing punctuation, to spot a repeated header."""
    return parsing.clean_text(text).casefold().rstrip(" .:;!")


def read_blocks(parts: list, date_line: dates.DateLine, content_indexes: list[int], base_url: str) -> Reading:
    """Read the article: its date line, and the text and images of ``parts`` at
    ``content_indexes`` (in order)."""
    return read_content([parts[i] for i in content_indexes], date_line, base_url)


def read_content(content: list, date_line: dates.DateLine, base_url: str) -> Reading:
    """Read article blocks (no title or date line among them) into paragraphs, images, credits."""
    reading = Reading(date_line=date_line)
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
            if lowered.startswith(BUTTON_PREFIXES) and _is_button_line(lowered):
                continue
            if _is_chrome(lowered):
                continue
        kept.append(part)
    return kept


def _is_button_line(lowered: str) -> bool:
    """True for a line opening with a button word that is page furniture: short, or made only of
    button words however many (``Chia sẻ: Facebook | Zalo | Gửi email | In bài | Quay lại``)."""
    return len(lowered.split()) <= BUTTON_LINE_MAX_WORDS or not CHROME_WORDS.sub("", lowered)


def _is_chrome(lowered: str) -> bool:
    """True for a short line of share, print and social buttons (``Chia sẻ Facebook Zalo In bài``)."""
    return len(lowered.split()) <= CHROME_MAX_WORDS and not CHROME_WORDS.sub("", lowered)


def _tail_start(content: list) -> int:
    """Index where the closing credit, source and office lines begin (``len`` if there are none)."""
    start = len(content)
    while start > 0 and isinstance(content[start - 1], Text) and _tail_reading(content[start - 1]):
        start -= 1
    return start


def _tail_reading(line: Text) -> tuple[str, object] | None:
    """What a line that can close an article says: ``("authors", [...])``, ``("source", name)``
    or ``("office", name)``; ``None`` for body text. A bare name counts as a byline only when set
    flush right."""
    text = line.text
    authors = parsing.parse_credit(text)
    if authors is not None:
        return "authors", authors
    source = parsing.parse_source_line(text)
    if source is not None:
        return "source", source
    office = parsing.parse_office(text)
    if office is not None:
        return "office", office
    byline = parsing.parse_byline(text) if line.right_aligned else None
    return ("authors", byline) if byline else None


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
        index = _photo_credits_after(content[:tail_start], index, caption, reading)
        if part.src and any(marker in part.src for marker in SKIPPED_IMAGE_MARKERS):
            continue
        if part.src.strip() or caption:  # an image without a source keeps its caption
            reading.images.append({
                "src": absolute_url(base_url, part.src.strip()) if part.src.strip() else None,
                "caption": caption,
                "alt": part.alt or None,
            })
    return lines


def _photo_credits_after(content: list, index: int, caption: str | None, reading: Reading) -> int:
    """Credit the photographers of an image: named at the end of its caption (``(ảnh: X)``) or on
    the ``Ảnh: X`` line right under it (taken out of the body); return the next index."""
    reading.add_authors(parsing.parse_inline_photo_credit(caption or "") or [])
    line = content[index] if index < len(content) else None
    credited = parsing.parse_credit(line.text) if isinstance(line, Text) else None
    if credited and all(author["roles"] == ["photo"] for author in credited):
        reading.add_authors(credited)
        return index + 1
    return index


def _caption_after(image: Image, content: list, index: int) -> tuple[str | None, int]:
    """The caption printed after ``image`` starting at ``content[index]``, and the next index."""
    first = content[index] if index < len(content) else None
    if not isinstance(first, Text) or _is_credit_or_office(first.text):
        return None, index
    if image.floated and not first.caption_class:
        return None, index
    if image.table is not None and first.table is image.table:
        return _wrapped_caption(content, index)
    if first.tag == "li" or _styled_caption(first):
        return _wrapped_caption(content, index)
    plain = _words(first) <= PLAIN_CAPTION_MAX_WORDS or (
        _words(first) <= CAPTION_MAX_WORDS and not SENTENCE_END.search(first.text))
    if plain and not first.bold:
        return first.text, index + 1
    return None, index


def _wrapped_caption(content: list, index: int) -> tuple[str, int]:
    """A styled caption that may continue on the next line (a styled line, or the same block
    after a line break) while its sentence is unfinished."""
    pieces = [content[index].text]
    block = content[index].element
    start = index
    index += 1
    while (
        index < len(content)
        and not SENTENCE_END.search(pieces[-1])
        and isinstance(content[index], Text)
        and (content[index].element is block
             or (_styled_caption(content[index]) and _same_style(content[index], content[start])))
        and not _is_credit_or_office(content[index].text)
    ):
        pieces.append(content[index].text)
        index += 1
    return " ".join(pieces), index


def _same_style(line: Text, first: Text) -> bool:
    """True when ``line`` is set as ``first`` is (centred, italic and bold alike): a caption's
    next line, not a sub-heading in another style."""
    return (line.centred, line.italic, line.bold) == (first.centred, first.italic, first.bold)


def _styled_caption(part: Text) -> bool:
    """True for a short line set as a caption: italic, centred or with a caption class."""
    return (part.italic or part.centred or part.caption_class) and _words(part) <= CAPTION_MAX_WORDS


def _take_credits(lines: list[Text], reading: Reading) -> list[str]:
    """Read credit, source and office lines off the end; return the body paragraphs."""
    lines = list(lines)
    tail_authors: list[dict] = []
    while lines and _read_tail_line(lines[-1], reading, tail_authors):
        lines.pop()
    reading.add_authors(tail_authors)  # after the photo credits read under the images: page order
    return [line.text for line in lines]


def _read_tail_line(line: Text, reading: Reading, tail_authors: list[dict]) -> bool:
    """Record a closing credit, source or office line (read from the end up, so credits are
    put first); report whether ``line`` was one. Of several source and office lines the last
    printed is the source."""
    found = _tail_reading(line)
    if found is None:
        return False
    kind, value = found
    if kind == "authors":
        tail_authors[:0] = value
    elif kind == "source":
        reading.source = reading.source or value  # read from the end up: the last printed wins
    elif reading.source is None:
        reading.source = value
    else:
        return False
    return True


def _is_credit_or_office(text: str) -> bool:
    """True for a credit, ``Nguồn:`` or office line (never a caption)."""
    return (parsing.parse_credit(text) is not None or parsing.parse_source_line(text) is not None
            or (text.startswith("(") and parsing.parse_office(text) is not None))


def _words(part: Text) -> int:
    """Number of words in a text block."""
    return len(part.text.split())
