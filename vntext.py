"""Vietnamese text at the bottom of the house: cleaning and diacritic folding, used by every room.

Pure functions over strings, importing nothing of the project (the crawler, the archive and the
Datasette plugin all read text the same way through them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# A time printed relative to the reader's moment: "17 giờ trước" (17 hours ago).
RELATIVE_UNITS = r"(?:giây|phút|giờ|ngày|tuần|tháng)"
RELATIVE_TIME = re.compile(rf"^\d{{1,3}}\s*{RELATIVE_UNITS}\s*trước", re.IGNORECASE)


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


def fold(text: str) -> str:
    """The search key of Vietnamese ``text``: cleaned, lower-cased, tones and marks removed, đ → d
    (``Đinh Hồng Phong`` → ``dinh hong phong``); also a person's identity across spellings."""
    return clean_text(text).lower().translate(FOLD_TABLE)


def is_relative_time(text: str | None) -> bool:
    """True for a printed time relative to the moment it was read (``17 giờ trước``)."""
    return bool(text) and bool(RELATIVE_TIME.match(clean_text(text)))


@cache
def _fold_char(char: str) -> str:
    """One character folded as :func:`fold` folds it, keeping length: ``Ệ`` → ``e``, ``Đ`` → ``d``."""
    base = unicodedata.normalize("NFD", char)[0].lower()
    return "d" if base == "đ" else base


def fold_aligned(text: str) -> str:
    """``text`` (NFC) folded character by character, so positions in the result are positions in
    ``text`` (for highlighting a match found in the folded form)."""
    return text.translate({ord(char): _fold_char(char) for char in set(text)})


def normalise_name(name: str) -> str:
    """A name cleaned (NFC, one space) with each word capitalised (``ĐINH HỒNG PHONG`` →
    ``Đinh Hồng Phong``)."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in clean_text(name).split())
