"""Pure field parsers: text normalisation, dates, view counts, credits and office lines.

Every parser takes a string and returns a value or ``None``; none of them invents a value for
text it cannot read. Patterns and word lists are data at the top of the module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

HANOI = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

# Date lines, matched against a whole text block: `[Ngày đăng ]dd/mm/yyyy | HH:mm[ | Lượt xem: N]`
# (with the English labels of locale copies), `(HH:MM dd/mm/yyyy)`, and `17 giờ trước`.
VIEWS_PART = r"(?:\s*\|\s*(?P<views>(?:lượt xem|view count|lượt đọc)\s*:?\s*[\d.,]+))?"
DATE_LINES = (
    re.compile(
        r"^\s*(?:(?:ngày đăng|ngày|publish date|published|cập nhật)\s*:?\s*)?"
        r"(?P<date>\d{1,2}/\d{1,2}/\d{4}(?:\s*[|\-,]?\s*\d{1,2}:\d{2})?)" + VIEWS_PART + r"\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*\(?(?P<date>\d{1,2}:\d{2}\s*[-,]?\s*\d{1,2}/\d{1,2}/\d{4})\)?" + VIEWS_PART + r"\s*$",
               re.IGNORECASE),
    re.compile(r"^\s*(?P<date>\d{1,3}\s*(?:giây|phút|giờ|ngày|tuần|tháng)\s*trước)" + VIEWS_PART + r"\s*$",
               re.IGNORECASE),
)
DATE_FORMATS = ("%d/%m/%Y | %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%H:%M %d/%m/%Y")
# Relative times in fixed units, read without dateparser (months, of varying length, go to it).
TIME_AGO = re.compile(r"^(?P<count>\d{1,3})\s*(?P<unit>giây|phút|giờ|ngày|tuần)\s*trước$", re.IGNORECASE)
UNIT_SECONDS = {"giây": 1, "phút": 60, "giờ": 3600, "ngày": 86400, "tuần": 7 * 86400}
DATE_ANYWHERE = re.compile(
    r"(?P<date>\d{1,2}:\d{2}\s*[-,]?\s*\d{1,2}/\d{1,2}/\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{4}(?:\s*[|\-,]?\s*\d{1,2}:\d{2})?"
    r"|\d{1,3}\s*(?:phút|giờ|ngày)\s*trước)",
    re.IGNORECASE,
)
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
SOURCE_LINE = re.compile(r"^nguồn\s*:\s*(?P<source>.+?)\.?$", re.I)
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\bvà\b)\s*")
CREDIT_MAX_WORDS = 14

# First words of an issuing office printed bare at the end of an article.
OFFICE_WORDS = (
    "ban", "văn phòng", "ủy ban", "uỷ ban", "ubnd", "quận ủy", "quận uỷ", "huyện ủy", "thành ủy",
    "đảng ủy", "phòng", "trung tâm", "hội", "đoàn", "quận đoàn", "huyện đoàn", "mặt trận",
    "mttq", "công an", "sở", "cổng", "báo", "hđnd", "liên đoàn", "đài", "viện", "bộ",
)
OFFICE_MAX_WORDS = 12

SITE_SUFFIX_WORDS = ("cổng", "portal", "trang thông tin")


def clean_text(text: str | None) -> str:
    """Return ``text`` in NFC with runs of whitespace (NBSP included) folded to one space, stripped."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fold_table() -> dict[int, str | None]:
    """Translation table: every Latin letter with marks to its base letter, combining marks away."""
    table: dict[int, str | None] = {code: None for code in range(0x0300, 0x0370)}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code):
            table[code] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


FOLD_TABLE = _fold_table()


def fold_diacritics(text: str) -> str:
    """Lower-case ASCII-ish search key of Vietnamese ``text``: tones and marks removed, đ → d."""
    return clean_text(text).lower().translate(FOLD_TABLE)


def undouble(text: str) -> str:
    """Return ``text`` once when it is printed twice in a row ("X X" → "X"), else unchanged."""
    text = clean_text(text)
    half, rest = divmod(len(text), 2)
    if rest == 1 and text[half] == " " and text[:half] == text[half + 1 :]:
        return text[:half]
    return text


@dataclass(frozen=True)
class DateLine:
    """The parts of an article's date line as printed: the date text and the view-count text."""

    published_raw: str
    views_raw: str | None


def parse_date_line(text: str) -> DateLine | None:
    """Read a line like ``Ngày đăng 09/09/2022 | 17:14 | Lượt xem: 5``; ``None`` if it is not one."""
    match = _date_line_match(clean_text(text))
    if not match:
        return None
    return DateLine(clean_text(match.group("date")), match.group("views"))


def _date_line_match(text: str) -> re.Match | None:
    """The first of the date-line patterns that matches all of ``text``."""
    for pattern in DATE_LINES:
        match = pattern.match(text)
        if match:
            return match
    return None


def find_date(text: str) -> str | None:
    """The first date-like phrase inside running text (``… 05/09/2022 - 10:30 …``), or ``None``."""
    match = DATE_ANYWHERE.search(clean_text(text))
    return match.group("date") if match else None


def parse_published(raw: str | None, now: datetime | None = None) -> str | None:
    """Parse a printed publish time into ISO 8601 with the Hanoi offset (``…T17:14:00+07:00``).

    Known day-first formats are tried with ``strptime``; anything else (relative times such as
    ``17 giờ trước``) goes to dateparser with Vietnamese settings, resolved against ``now``.
    """
    text = _date_part(raw)
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=HANOI).isoformat()
        except ValueError:
            continue
    return _time_ago(text, now) or _dateparser_fallback(text, now)


def _time_ago(text: str, now: datetime | None) -> str | None:
    """``17 giờ trước`` (seconds to weeks) as ISO 8601 in Hanoi time, counted back from ``now``."""
    match = TIME_AGO.match(text)
    if not match:
        return None
    seconds = int(match.group("count")) * UNIT_SECONDS[match.group("unit").lower()]
    moment = (now or datetime.now(HANOI)).astimezone(HANOI) - timedelta(seconds=seconds)
    return moment.replace(microsecond=0).isoformat()


def _date_part(raw: str | None) -> str:
    """Strip labels, brackets and the view count from a printed date, normalising `|` spacing."""
    text = clean_text(raw).strip("()")
    match = _date_line_match(text)
    if match:
        text = match.group("date")
    text = re.sub(r"\s*\|\s*", " | ", text)
    text = re.sub(r"^(\d{1,2}/\d{1,2}/\d{4})\s*[-,]\s*(?=\d)", r"\1 ", text)
    return re.sub(r"^(\d{1,2}:\d{2})\s*[-,]?\s*", r"\1 ", text)


def _dateparser_fallback(text: str, now: datetime | None) -> str | None:
    """Parse free-form Vietnamese date text with dateparser; ``None`` when it cannot."""
    import dateparser  # imported lazily: it costs ~0.3 s to load and is rarely needed

    settings = {
        "DATE_ORDER": "DMY",
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "TO_TIMEZONE": "Asia/Ho_Chi_Minh",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    if now is not None:
        settings["RELATIVE_BASE"] = now.astimezone(HANOI).replace(tzinfo=None)
    parsed = dateparser.parse(text, languages=["vi", "en"], settings=settings)
    if parsed is None:
        return None
    return parsed.astimezone(HANOI).replace(microsecond=0).isoformat()


def is_relative_date(raw: str | None) -> bool:
    """True for a printed date relative to the time of reading (``17 giờ trước``)."""
    return bool(raw) and bool(DATE_LINES[2].match(clean_text(raw)))


def local_date(published_at: str | None) -> str | None:
    """Hanoi-local calendar date ``YYYY-MM-DD`` of an ISO 8601 timestamp, or ``None``."""
    if not published_at:
        return None
    return datetime.fromisoformat(published_at).astimezone(HANOI).date().isoformat()


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
            return _merge_roles(authors)
    return None


def _named(names: str, roles: tuple[str, ...]) -> list[dict]:
    """Split a list of names joined by commas or "và" into author records with ``roles``."""
    if names.lower().startswith("nhóm"):
        return [{"name": clean_text(names), "roles": list(roles)}]
    parts = (clean_text(part) for part in NAME_SEPARATORS.split(names))
    return [{"name": part, "roles": list(roles)} for part in parts if part]


def _merge_roles(authors: list[dict]) -> list[dict]:
    """Fold repeated names into one record whose roles keep first-seen order."""
    merged: dict[str, dict] = {}
    for author in authors:
        entry = merged.setdefault(author["name"], {"name": author["name"], "roles": []})
        entry["roles"] += [role for role in author["roles"] if role not in entry["roles"]]
    return list(merged.values())


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
    if bracketed or _is_upper(text) or _starts_with_office_word(text):
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
