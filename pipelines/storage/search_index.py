"""The full-text index: one column of folded text per article, and the move to it.

Every search is matched against text folded the way a query is (tones removed, đ → d, lower
case), so that is all the index holds: one copy of each word. Snippets and highlighting read the
original text from the articles and images tables.

Archives made before held the display columns too (title, lead, body, captions, authors,
source) beside the folded copy. Opening one rebuilds the index from the folded copy it already
holds, in one transaction: an interrupted move leaves the old index as it was, and a finished one
is not repeated.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import sqlite_utils

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("folded",)
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
MOVE_BATCH = 50_000  # articles copied between two progress lines
NEW_TABLE = f"{FTS_TABLE}_new"


def create_sql(name: str = FTS_TABLE) -> str:
    """The ``create virtual table`` statement of the index (named ``name``)."""
    return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({', '.join(FTS_COLUMNS)}, "
            f"tokenize = '{FTS_TOKENIZER}')")


def index_columns(db: sqlite_utils.Database) -> tuple[str, ...]:
    """The columns of the archive's full-text index, in order; empty when there is none."""
    if not db.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone():
        return ()
    return tuple(row[1] for row in db.execute(f"pragma table_info({FTS_TABLE})"))


def _say(line: str) -> None:
    """Progress of a move, one line on stderr (the command's output stays clean)."""
    print(line, file=sys.stderr, flush=True)


def ensure_search_index(db: sqlite_utils.Database, progress: Callable[[str], None] = _say) -> None:
    """Create the index, or move an older archive's index to the folded column alone; safe on
    every open. ``progress`` gets one line per ``MOVE_BATCH`` articles while moving."""
    columns = index_columns(db)
    if not columns:
        db.execute(create_sql())
    elif columns != FTS_COLUMNS:
        move_to_folded_index(db, progress)


def move_to_folded_index(db: sqlite_utils.Database, progress: Callable[[str], None] = _say) -> int:
    """Rebuild the index from the folded copy an older index holds, all in one transaction;
    return the number of articles indexed."""
    total = db.execute(f"select count(*) from {FTS_TABLE}").fetchone()[0]
    progress(f"Updating the search index of {total:,} articles to one folded copy of each word "
             "(once per archive; safe to interrupt)")
    with db.atomic():  # one transaction: committed whole, or rolled back whole
        db.execute(f"drop table if exists {NEW_TABLE}")
        db.execute(create_sql(NEW_TABLE))
        last, done = -1, 0
        while True:
            copied = db.execute(
                f"insert into {NEW_TABLE} (rowid, folded) select rowid, folded from {FTS_TABLE} "
                f"where rowid > ? order by rowid limit {MOVE_BATCH}", [last]).rowcount
            if copied <= 0:
                break
            done += copied
            last = db.execute(f"select max(rowid) from {NEW_TABLE}").fetchone()[0]
            progress(f"  search index: {done:,} of {total:,} articles")
        db.execute(f"insert into {NEW_TABLE} ({NEW_TABLE}) values ('optimize')")
        db.execute(f"drop table {FTS_TABLE}")
        db.execute(f"alter table {NEW_TABLE} rename to {FTS_TABLE}")
    progress("Search index updated; `sqlite3 <archive> vacuum` gives the freed space back to the disk")
    return done
