"""The date grammar of the portals: one pattern for every printed publish date, and its parsers.

A date line is a whole text block holding a publish date and, optionally, a view count:

- ``[label] [weekday,] dd/mm/yyyy [sep] [time] [| count]``: ``Ngày đăng 09/09/2022 | 17:14 |
  Lượt xem: 5``, ``17/01/2013 | 12:00 AM``, ``Thứ Ba, 14/03/2023 15:20``, ``Cập nhật: 05/02/2023
  - 08:15``;
- time first: ``15:55 | 10/07/2022``, ``(17:14 09/09/2022)``;
- relative to the fetch: ``17 giờ trước``.

Labels are Vietnamese or English (``Publish date``), the date's day comes first, a time may be
24-hour or 12-hour (``9:09 AM``; ``12:00 AM`` is how Liferay themes print a date-only entry),
written ``15:20`` or ``15h20``. Anything else that reads as a date goes to dateparser (Vietnamese,
day first) as the last resort. All times are Hanoi time (UTC+7, no DST).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from vntext import RELATIVE_UNITS, clean_text

HANOI = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

WEEKDAY = (r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn"
           r"|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?")
LABEL = (r"(?:ngày\s*đăng|ngày\s*cập\s*nhật|ngày\s*xuất\s*bản|ngày\s*ban\s*hành|cập\s*nhật(?:\s*lúc)?"
         r"|đăng\s*(?:lúc|ngày)?|xuất\s*bản|thời\s*gian(?:\s*đăng)?|ngày|publish(?:ed)?(?:\s*date|\s*on)?"
         r"|posted(?:\s*on)?|updated(?:\s*on)?|date)")
DAY = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
CLOCK = r"\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?m\.?|sa|ch)\b)?"
SEPARATOR = r"\s*(?:[|,–-]|lúc|at)?\s*"
VIEW_LABEL = r"(?:lượt\s*xem|lượt\s*đọc|lượt\s*truy\s*cập|view\s*count|views?)"
VIEWS = (rf"(?:\s*[|,–·•-]?\s*(?P<views>{VIEW_LABEL}"
         r"\s*:?\s*[\d.,]+|[\d.,]+\s*lượt\s*(?:xem|đọc)))?")
OPENING = rf"^\s*\(?\s*(?:{LABEL}\s*:?\s*)?(?:{WEEKDAY}\s*[,-]?\s*)?(?:{LABEL}\s*:?\s*)?"
DATE_LINES = (
    re.compile(OPENING + rf"(?P<date>(?:{WEEKDAY}\s*[,-]?\s*)?{DAY}(?:{SEPARATOR}{CLOCK})?)\s*\)?"
               + VIEWS + r"\s*$", re.IGNORECASE),
    re.compile(OPENING + rf"(?P<date>{CLOCK}{SEPARATOR}(?:{WEEKDAY}\s*[,-]?\s*)?{DAY})\s*\)?"
               + VIEWS + r"\s*$", re.IGNORECASE),
    re.compile(rf"^\s*(?P<date>\d{{1,3}}\s*{RELATIVE_UNITS}\s*trước)" + VIEWS + r"\s*$", re.IGNORECASE),
)
# Every date line holds a date, a clock or a relative time, and is short.
DATE_HINT = re.compile(r"\d[/.:h-]\d|trước", re.IGNORECASE)
DATE_LINE_MAX_CHARS = 200
VIEWS_LINE = re.compile(r"^\s*" + VIEWS + r"\s*$", re.IGNORECASE)
DAY_PARTS = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})")
CLOCK_PARTS = re.compile(r"(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
                         r"(?:\s*(?P<half>[ap])\.?m\.?\b|\s*(?P<viet>sa|ch)\b)?", re.IGNORECASE)
# Relative times in fixed units, read without dateparser (months, of varying length, go to it).
TIME_AGO = re.compile(r"^(?P<count>\d{1,3})\s*(?P<unit>giây|phút|giờ|ngày|tuần)\s*trước$", re.IGNORECASE)
UNIT_SECONDS = {"giây": 1, "phút": 60, "giờ": 3600, "ngày": 86400, "tuần": 7 * 86400}
UNIT_PRECISION = {"giây": "minute", "phút": "minute", "giờ": "hour"}
DATE_ANYWHERE = re.compile(
    rf"(?P<date>{CLOCK}\s*[-,|]?\s*{DAY}|{DAY}(?:\s*[|,–-]?\s*{CLOCK})?|\d{{1,3}}\s*(?:phút|giờ|ngày)\s*trước)",
    re.IGNORECASE,
)
VIEWS_ANYWHERE = re.compile(VIEW_LABEL + r"\s*:?\s*\d[\d.,]*", re.IGNORECASE)
# A machine-readable date from a page's metadata (JSON-LD, ``article:published_time``, ``<time>``).
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Free text that may be a date for dateparser: a four-digit year of the portals' era.
YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")
LOOSE_DATE_MAX_WORDS = 12


@dataclass(frozen=True)
class DateLine:
    """The parts of an article's date line as printed: the date text and the view-count text."""

    published_raw: str
    views_raw: str | None


def parse_date_line(text: str) -> DateLine | None:
    """Read a whole block such as ``Ngày đăng 09/09/2022 | 9:09 AM | View count: 5``; ``None``
    if the block is anything else (running text that merely holds a date is not a date line)."""
    if not text or len(text) > DATE_LINE_MAX_CHARS or not DATE_HINT.search(text):
        return None  # most blocks: body text, menus, names
    match = _date_line_match(clean_text(text))
    if not match:
        return None
    views = match.group("views")
    return DateLine(clean_text(match.group("date")), clean_text(views) if views else None)


def _date_line_match(text: str) -> re.Match | None:
    """The first of the date-line patterns that matches all of ``text``."""
    if not text or len(text) > 160:
        return None
    for pattern in DATE_LINES:
        match = pattern.match(text)
        if match:
            return match
    return None


def find_date(text: str) -> str | None:
    """The first date-like phrase inside running text (``… 05/09/2022 - 10:30 …``), or ``None``."""
    match = DATE_ANYWHERE.search(clean_text(text))
    return match.group("date") if match else None


def has_clock(text: str) -> bool:
    """True when a printed date carries a time of day (``16/05/2024 - 14:30``)."""
    return CLOCK_PARTS.search(text) is not None


def parse_views_line(text: str) -> str | None:
    """A block that is a view count and nothing else (``View count: 56``, ``1.234 lượt xem``),
    as printed; ``None`` otherwise."""
    match = VIEWS_LINE.match(clean_text(text))
    return clean_text(match.group("views")) if match and match.group("views") else None


def find_views(text: str) -> str | None:
    """The view-count phrase inside a short line (``… Lượt xem: 87``), or ``None``."""
    match = VIEWS_ANYWHERE.search(clean_text(text))
    return clean_text(match.group(0)) if match else None


def loose_date(text: str, now: datetime | None = None) -> str | None:
    """A short block that no pattern reads but dateparser does (``14 tháng 3 năm 2023``), as the
    printed text; ``None`` for long text or text without a year."""
    text = clean_text(text)
    if not text or len(text.split()) > LOOSE_DATE_MAX_WORDS or not YEAR.search(text):
        return None
    return text if _dateparser(text, now) else None


def parse_published(raw: str | None, now: datetime | None = None) -> str | None:
    """Parse a printed publish time into ISO 8601 with the Hanoi offset (``…T17:14:00+07:00``).

    Dates without a time of day, and ``12:00 AM``, give local midnight (see
    :func:`published_precision`). Relative times (``17 giờ trước``) resolve against ``now``;
    anything the grammar cannot read goes to dateparser with Vietnamese, day-first settings.
    """
    text = _date_part(raw)
    if not text:
        return None
    if ISO_DATE.match(text):
        return _from_iso(text)
    day = DAY_PARTS.search(text)
    if day:
        moment = _moment(day, CLOCK_PARTS.search(text[: day.start()] + " " + text[day.end():]))
        if moment is not None:
            return moment.isoformat()
    return _time_ago(text, now) or _dateparser(text, now)


def published_precision(raw: str | None) -> str | None:
    """How precise a printed publish time is: ``minute`` when a time of day is printed, ``hour``
    for ``N giờ trước``, ``day`` for a date alone or the date-only mark ``12:00 AM``."""
    text = _date_part(raw)
    if not text:
        return None
    if ISO_DATE.match(text):
        return "minute" if "T" in text else "day"
    relative = TIME_AGO.match(text)
    if relative:
        return UNIT_PRECISION.get(relative.group("unit").lower(), "day")
    day = DAY_PARTS.search(text)
    clock = CLOCK_PARTS.search(text[: day.start()] + " " + text[day.end():]) if day else None
    if clock is None or _is_date_only_mark(clock):
        return "day"
    return "minute"


def _date_part(raw: str | None) -> str:
    """The date and time of a printed date line, without labels, brackets or the view count."""
    text = clean_text(raw)
    match = _date_line_match(text)
    return clean_text(match.group("date")) if match else text.strip("()")


def _from_iso(text: str) -> str | None:
    """An ISO 8601 date or time from a page's metadata (``2025-10-03T08:20:00Z``) in Hanoi time;
    a time without an offset is Hanoi's own."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=HANOI)
    return moment.astimezone(HANOI).replace(microsecond=0).isoformat()


def _moment(day: re.Match, clock: re.Match | None) -> datetime | None:
    """The Hanoi datetime of a day match and an optional clock match; ``None`` if impossible."""
    hour = minute = second = 0
    if clock is not None and not _is_date_only_mark(clock):
        hour, minute = int(clock.group("hour")), int(clock.group("minute"))
        second = int(clock.group("second") or 0)
        half = (clock.group("half") or "").lower() or {"sa": "a", "ch": "p"}.get(
            (clock.group("viet") or "").lower(), "")
        if half and not 1 <= hour <= 12:
            return None
        if half:
            hour = hour % 12 + (12 if half == "p" else 0)
    try:
        return datetime(int(day.group("year")), int(day.group("month")), int(day.group("day")),
                        hour, minute, second, tzinfo=HANOI)
    except ValueError:
        return None


def _is_date_only_mark(clock: re.Match) -> bool:
    """True for ``12:00 AM``: a 12-hour clock at midnight, the themes' mark of a date alone."""
    return (clock.group("half") or "").lower() == "a" and clock.group("hour") == "12" \
        and clock.group("minute") == "00"


def _time_ago(text: str, now: datetime | None) -> str | None:
    """``17 giờ trước`` (seconds to weeks) as ISO 8601 in Hanoi time, counted back from ``now``."""
    match = TIME_AGO.match(text)
    if not match:
        return None
    seconds = int(match.group("count")) * UNIT_SECONDS[match.group("unit").lower()]
    moment = (now or datetime.now(HANOI)).astimezone(HANOI) - timedelta(seconds=seconds)
    return moment.replace(microsecond=0).isoformat()


def _dateparser(text: str, now: datetime | None) -> str | None:
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


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-12-07T11:45:00+00:00``): the
    archive's fetch and run times."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def local_date(published_at: str | None) -> str | None:
    """Hanoi-local calendar date ``YYYY-MM-DD`` of an ISO 8601 timestamp, or ``None``."""
    if not published_at:
        return None
    return datetime.fromisoformat(published_at).astimezone(HANOI).date().isoformat()
