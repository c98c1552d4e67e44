"""People named in articles: one person per exact name, tones kept, found by the folded name too.

A person's ``id`` is the name case-folded in NFC with its words joined by ``-``
(``Đinh Hồng Phong`` → ``đinh-hồng-phong``), so Hùng and Hưng, Hà and Hạ, Đức and Dục are
different people. ``folded`` holds the name without tones (``dinh hong phong``), only to find a
name typed without them. The full-text table ``people_names`` holds each name as printed and
folded, tokenised case-insensitively but keeping tones, so a query can match what was typed:
with tones, the exact name; without, every name that folds the same.

Archives made when the id was the folded name are re-keyed on open from the names as printed in
the articles (:func:`ensure_people`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import cache

import sqlite_utils

from pipelines.storage.facets import case_key
from vntext import clean_text, fold, fold_aligned, normalise_name

NAMES_TABLE = "people_names"
NAMES_SQL = (f"create virtual table if not exists {NAMES_TABLE} using fts5(name, folded, "
             "tokenize = 'unicode61 remove_diacritics 0')")
ADD_PERSON = ("insert into people (id, name, folded) values (?, ?, ?) "
              "on conflict(id) do nothing returning rowid")
# Characters looked at either side of a printed name for the position it was named with.
POSITION_SLACK = 16
PROGRESS_EVERY = 100_000  # mentions re-keyed between two progress lines


def person_id(name: str) -> str:
    """The id of the person printed as ``name``: NFC, case-folded, words joined by ``-``
    (``ĐINH HỒNG PHONG`` and ``Đinh Hồng Phong`` → ``đinh-hồng-phong``)."""
    return "-".join((case_key(name) or "").split())


def person_row(name: str) -> dict[str, str]:
    """A ``people`` row for ``name``: ``{"id", "name" (as given, cleaned), "folded"}``."""
    return {"id": person_id(name), "name": clean_text(name), "folded": fold(name)}


def add_people(db: sqlite_utils.Database, names: list[str]) -> int:
    """Add the people not yet archived among ``names`` (the first printing of a name is kept),
    with their ``people_names`` row; return how many were new."""
    added = 0
    for name in dict.fromkeys(names):
        row = person_row(name)
        inserted = db.conn.execute(ADD_PERSON, [row["id"], row["name"], row["folded"]]).fetchall()
        if inserted:
            db.conn.execute(f"insert into {NAMES_TABLE} (rowid, name, folded) values (?, ?, ?)",
                            [inserted[0][0], row["name"], row["folded"]])
            added += 1
    return added


def _say(line: str) -> None:
    """Progress of a re-keying, one line on stderr (the command's output stays clean)."""
    print(line, file=sys.stderr, flush=True)


def ensure_people(db: sqlite_utils.Database, progress: Callable[[str], None] = _say) -> int:
    """Put ``people_names`` in place and re-key people keyed by the folded name (an archive made
    by an earlier version: their ``folded`` is empty), in one transaction; return how many
    mentions were re-keyed. Idempotent, and one indexed look-up once done. ``progress`` gets a
    line when re-keying starts, every ``PROGRESS_EVERY`` mentions, and at the end."""
    new_index = not db[NAMES_TABLE].exists()
    old = db.execute("select 1 from people where folded is null limit 1").fetchone()
    if not new_index and not old:
        return 0
    with db.atomic():
        db.execute(NAMES_SQL)
        rekeyed = _rekey(db, progress) if old else 0
        db.execute(f"delete from {NAMES_TABLE}")
        db.execute(f"insert into {NAMES_TABLE} (rowid, name, folded) "
                   "select rowid, name, folded from people")
    return rekeyed


def _rekey(db: sqlite_utils.Database, progress: Callable[[str], None]) -> int:
    """Replace the folded-keyed people and their mentions by people keyed by the name each
    mention printed; return how many mentions were re-keyed."""
    first_names = dict(db.execute("select id, name from people where folded is null").fetchall())
    mentions = db.execute(
        "select article_id, person_id, position, found_in, published_date from mentions "
        "where person_id in (select id from people where folded is null) order by article_id").fetchall()
    progress(f"Telling apart people whose names differ only in tones: {len(mentions):,} mentions "
             "(once per archive; safe to interrupt)")
    rekeyed, texts = [], _ArticleTexts(db)
    for article_id, folded_id, position, found_in, published_date in mentions:
        if rekeyed and not len(rekeyed) % PROGRESS_EVERY:
            progress(f"  people: {len(rekeyed):,} of {len(mentions):,} mentions")
        printed = printed_name(*texts.get(article_id, found_in), folded_id, position)
        name = normalise_name(printed) if printed else first_names[folded_id]
        rekeyed.append((name, (article_id, person_id(name), position, found_in, published_date)))
    unmentioned = set(first_names) - {folded_id for _, folded_id, *_ in mentions}
    db.execute("delete from mentions where person_id in (select id from people where folded is null)")
    db.execute("delete from people where folded is null")
    add_people(db, [name for name, _ in rekeyed] + [first_names[i] for i in sorted(unmentioned)])
    db.conn.executemany("insert or ignore into mentions (article_id, person_id, position, found_in, "
                        "published_date) values (?, ?, ?, ?, ?)", [row for _, row in rekeyed])
    progress(f"People re-keyed: {len(first_names):,} folded names are now "
             f"{db.execute('select count(*) from people').fetchone()[0]:,} people")
    return len(rekeyed)


class _ArticleTexts:
    """The texts mentions were found in, one article at a time: ``body``, or the ``caption``s
    joined by newlines, each with its :func:`vntext.fold_aligned` form."""

    def __init__(self, db: sqlite_utils.Database):
        self._db, self._article_id, self._texts = db, None, {}

    def get(self, article_id: str, found_in: str) -> tuple[str, str]:
        """The text of ``article_id`` where a mention was ``found_in`` (``body`` or ``caption``),
        and that text folded character by character."""
        if article_id != self._article_id:
            body = self._db.execute("select body from articles where id = ?", [article_id]).fetchone()
            captions = self._db.execute("select caption from images where article_id = ? "
                                        "and caption is not null order by position", [article_id])
            self._article_id = article_id
            texts = {"body": (body[0] if body else None) or "",
                     "caption": "\n".join(row[0] for row in captions)}
            self._texts = {where: (text, fold_aligned(text)) for where, text in texts.items()}
        return self._texts.get(found_in, ("", ""))


def printed_name(text: str, folded_text: str, folded_name: str, position: str) -> str | None:
    """The name as printed in ``text`` (``folded_text``: its :func:`vntext.fold_aligned` form)
    whose folded form is ``folded_name``: where it is printed more than once with different
    tones, the printing next to ``position`` (``<position> <name>`` or ``<name> - <position>``),
    else the first; ``None`` when ``text`` does not print it."""
    if not folded_name.split():
        return None
    spans = [match.span() for match in _name_pattern(folded_name).finditer(folded_text)]
    if not spans:
        return None
    start, end = next((span for span in spans if _next_to(text, *span, position)), spans[0])
    return text[start:end]


@cache
def _name_pattern(folded_name: str) -> re.Pattern:
    """A folded name as whole words, any run of spaces between them."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, folded_name.split())) + r"(?!\w)")


def _next_to(text: str, start: int, end: int, position: str) -> bool:
    """True when ``position`` is printed just before ``text[start:end]`` or just after it
    following a dash."""
    before = clean_text(text[max(0, start - len(position) - POSITION_SLACK):start])
    after = clean_text(text[end:end + len(position) + POSITION_SLACK]).lstrip("-–— ")
    return before.endswith(position) or after.startswith(position)
