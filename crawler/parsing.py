"""Pure field parsers: text normalisation, view counts, credits and office lines (dates: dates.py).

Every parser takes a string and returns a value or ``None``; none of them invents a value for
text it cannot read. Patterns and word lists are data at the top of the module.
"""

from __future__ import annotations

import re

from vntext import clean_text

VIEWS_NUMBER = re.compile(r"(\d[\d.,]*)\s*$")

# Credit lines: (pattern, roles of the first name group, roles of the second name group).
CREDIT_PATTERNS = (
    (re.compile(r"^(?:tin|bài)\s*:\s*(?P<a>.+?)\s*[-–—;]\s*ảnh\s*:\s*(?P<b>.+)$", re.I),
     ("text",), ("photo",)),
    (re.compile(r"^(?:tin|bài|bài viết)\s*(?:,|và|\+)\s*ảnh\s*:\s*(?P<a>.+)$", re.I),
     ("text", "photo"), ()),
    (re.compile(r"^(?:tin|bài|bài viết|tác giả|pv|phóng viên)\s*:\s*(?P<a>.+)$", re.I),
     ("text",), ()),
    (re.compile(r"^ảnh\s*:\s*(?P<a>.+)$", re.I), ("photo",), ()),
    (re.compile(r"^(?P<a>nhóm (?:pv|phóng viên)(?:\s.*)?)$", re.I), ("text",), ()),
)
# A bare byline: one to three names of two to five capitalised words ("Thanh Bình", "Phạm Linh -
# Minh Hiếu"), as sites set it flush right at the end of an article.
NAME_WORD = r"[A-ZÀ-ỸĐ][a-zà-ỹđ]*"
NAME = rf"{NAME_WORD}(?: {NAME_WORD}){{1,4}}"
BYLINE = re.compile(rf"^{NAME}(?:\s*[-–,&]\s*{NAME}){{0,2}}$")
BYLINE_SEPARATORS = re.compile(r"\s*[-–,&]\s*")
# Photo credit at the end of a caption: "… (ảnh: Minh Hiếu)", "… (Ảnh HNP)", "… . Ảnh: Phạm Tuấn".
INLINE_PHOTO_CREDIT = re.compile(
    r"(?:\((?:ảnh|photo)\s*:?\s*(?P<names>[^()]{2,60})\)|[.!)]\s*(?:ảnh|photo)\s*:\s*(?P<tail>[^():]{2,60}))"
    r"\s*\.?$", re.I)
NOT_A_NAME = ("minh họa", "minh hoạ", "tư liệu", "nguồn")
SOURCE_LINE = re.compile(r"^\(?\s*nguồn\s*:\s*(?P<source>.+?)\s*\)?\.?$", re.I)
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\bvà\b)\s*")
CREDIT_MAX_WORDS = 14

# First words of an issuing office printed bare at the end of an article.
OFFICE_WORDS = (
    "ban", "văn phòng", "ủy ban", "uỷ ban", "ubnd", "quận ủy", "quận uỷ", "huyện ủy", "thành ủy",
    "đảng ủy", "phòng", "trung tâm", "hội", "đoàn", "quận đoàn", "huyện đoàn", "mặt trận",
    "mttq", "công an", "sở", "cổng", "báo", "hđnd", "liên đoàn", "đài", "viện", "bộ",
    "đảng bộ", "chi bộ", "ủy ban mttq", "ubmttq", "công đoàn", "cục", "tổng cục", "chi cục",
    "thanh tra", "trường", "bệnh viện", "hội đồng", "tòa án", "viện kiểm sát",
)
OFFICE_MAX_WORDS = 12

SITE_SUFFIX_WORDS = ("cổng", "portal", "trang thông tin")


def undouble(text: str) -> str:
    """Return ``text`` once when it is printed twice in a row ("X X" → "X"), else unchanged."""
    text = clean_text(text)
    half, rest = divmod(len(text), 2)
    if rest == 1 and text[half] == " " and text[:half] == text[half + 1 :]:
        return text[:half]
    return text


def parse_views(raw: str | None) -> int | None:
    """Read a view count such as ``Lượt xem: 13.733`` or ``View count: 5`` as an int."""
    if not raw:
        return None
    match = VIEWS_NUMBER.search(clean_text(raw))
    if not match:
        return None
    digits = re.sub(r"[.,]", "", match.group(1))
    return int(digits) if digits.isdigit() else None


def parse_credit(line: str) -> list[dict] | None:
    """Parse a credit line into ``[{"name", "roles"}]``; ``None`` if ``line`` is not a credit.

    ``Tin, ảnh: Kiều Trang`` → Kiều Trang with roles ``["text", "photo"]``;
    ``Tin: A - Ảnh: B`` → A ``["text"]``, B ``["photo"]``. A ``Nguồn: …`` line is a source, not
    a credit: use :func:`parse_source_line`.
    """
    text = clean_text(line).rstrip(".")
    if not text or len(text.split()) > CREDIT_MAX_WORDS:
        return None
    for pattern, roles_a, roles_b in CREDIT_PATTERNS:
        match = pattern.match(text)
        if match:
            authors = _named(match.group("a"), roles_a)
            if roles_b:
                authors += _named(match.group("b"), roles_b)
            return merge_roles(authors)
    return None


def _named(names: str, roles: tuple[str, ...]) -> list[dict]:
    """Split a list of names joined by commas or "và" into author records with ``roles``."""
    if names.lower().startswith("nhóm"):
        return [{"name": clean_text(names), "roles": list(roles)}]
    parts = (clean_text(part) for part in NAME_SEPARATORS.split(names))
    return [{"name": part, "roles": list(roles)} for part in parts if part]


def merge_roles(authors: list[dict]) -> list[dict]:
    """Fold repeated names of ``[{"name", "roles"}]`` into one record each, names and roles in
    first-seen order (new dicts: the records given are not changed)."""
    merged: dict[str, dict] = {}
    for author in authors:
        entry = merged.setdefault(author["name"], {"name": author["name"], "roles": []})
        entry["roles"] += [role for role in author["roles"] if role not in entry["roles"]]
    return list(merged.values())


def parse_byline(line: str) -> list[dict] | None:
    """Read a bare byline of capitalised names (``Thanh Bình``, ``Phạm Linh - Minh Hiếu``) as
    text credits ``[{"name", "roles": ["text"]}]``; ``None`` for anything else.

    Only a line the page sets apart as a byline (flush right at the end) should be asked.
    """
    text = clean_text(line).rstrip(".")
    if not BYLINE.match(text) or _is_upper(text) or _starts_with_office_word(text):
        return None
    return [{"name": name, "roles": ["text"]} for name in BYLINE_SEPARATORS.split(text) if name]


def parse_inline_photo_credit(caption: str) -> list[dict] | None:
    """The photographers named at the end of a caption (``… (ảnh: Minh Hiếu)``) as photo credits,
    or ``None``."""
    match = INLINE_PHOTO_CREDIT.search(clean_text(caption))
    if not match:
        return None
    names = [clean_text(n) for n in NAME_SEPARATORS.split(match.group("names") or match.group("tail"))]
    found = [{"name": n, "roles": ["photo"]} for n in names if n and n.casefold() not in NOT_A_NAME]
    return found or None


def parse_source_line(line: str) -> str | None:
    """Return the source named by a ``Nguồn: …`` line, or ``None``."""
    match = SOURCE_LINE.match(clean_text(line))
    return clean_text(match.group("source")) if match else None


def parse_office(line: str) -> str | None:
    """Return the issuing office printed as ``(Office)``, bare or in capitals; else ``None``.

    The office is returned as printed, without the parentheses.
    """
    text = clean_text(line)
    bracketed = text.startswith("(") and text.endswith(")")
    if bracketed:
        text = clean_text(text[1:-1])
    words = text.split()
    if not words or len(words) > OFFICE_MAX_WORDS or text.endswith((".", ":", "?", "!")):
        return None
    if _is_upper(text) or _starts_with_office_word(text):
        return text
    return None


def _is_upper(text: str) -> bool:
    """True when every cased letter of ``text`` is upper case and there are at least four."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters if ch.lower() != ch.upper())


def _starts_with_office_word(text: str) -> bool:
    """True when ``text`` opens with a word that names an office (``Ban``, ``Văn phòng``, …)."""
    lowered = text.lower()
    return any(lowered == word or lowered.startswith(word + " ") for word in OFFICE_WORDS)


def strip_site_suffix(page_title: str) -> str:
    """Drop a portal name appended to a ``<title>`` (``Title - Cổng thông tin …``)."""
    text = clean_text(page_title)
    head, separator, tail = text.rpartition(" - ")
    if separator and any(word in tail.lower() for word in SITE_SUFFIX_WORDS):
        return head
    return text
