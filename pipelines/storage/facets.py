"""Facet keys: one value per office and per category, however the page capitalised it.

Portals print one office as "Ban Tuyên giáo Quận ủy" on one page and "BAN TUYÊN GIÁO QUẬN ỦY"
on another. ``office_key`` and ``category_key`` hold the text case-folded (NFC, spaces
collapsed), so a facet counts them as one; ``source`` and ``category`` keep the text as printed.
"""

from __future__ import annotations

import unicodedata

import sqlite_utils

# Columns derived for facets: key column → the as-printed column it is read from.
KEYED_COLUMNS = {"office_key": "source", "category_key": "category"}
UNFILLED = " or ".join(f"({key} is null and {printed} is not null)"
                       for key, printed in KEYED_COLUMNS.items())
UNFILLED_INDEX = "idx_articles_facet_keys_unfilled"


def case_key(text: str | None) -> str | None:
    """The facet key of a printed text: NFC, runs of spaces made one, case-folded (Vietnamese
    letters keep their tones); ``None`` for no text or only spaces."""
    if text is None or not text.strip():
        return None
    collapsed = " ".join(unicodedata.normalize("NFC", text).split())
    return unicodedata.normalize("NFC", collapsed.casefold())


def facet_keys(row: dict) -> dict[str, str | None]:
    """The key columns of an article row: ``{"office_key": …, "category_key": …}``."""
    return {key: case_key(row.get(printed)) for key, printed in KEYED_COLUMNS.items()}


def fill_facet_keys(db: sqlite_utils.Database) -> int:
    """Fill the key columns of articles archived before they existed; return how many rows were
    filled. Idempotent and cheap once done: the rows still to fill are read off a partial index
    that is empty after the first run."""
    db.execute(f"create index if not exists {UNFILLED_INDEX} on articles (id) where {UNFILLED}")
    todo = f"select 1 from articles indexed by {UNFILLED_INDEX} where {UNFILLED} limit 1"
    if db.execute(todo).fetchone() is None:
        return 0  # nothing to fill: no write transaction on an archive a crawl may be writing
    db.conn.create_function("bantin_case_key", 1, case_key, deterministic=True)
    assignments = ", ".join(f"{key} = bantin_case_key({printed})"
                            for key, printed in KEYED_COLUMNS.items())
    with db.atomic():
        return db.execute(f"update articles indexed by {UNFILLED_INDEX} set {assignments} "
                          f"where {UNFILLED}").rowcount
