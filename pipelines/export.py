"""Articles with their images and authors, for pandas and spreadsheets: CSV, JSON Lines, Parquet.

One record per article (copies of other sites' articles included, marked by ``duplicate_of``):
every ``articles`` column, plus ``images`` (list of ``{src, caption, alt}``) and ``authors``
(list of ``{name, role}``). CSV holds those two lists as JSON text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

FORMATS = ("csv", "jsonl", "parquet")
SKIPPED_COLUMNS = ("original_text",)


def article_records(db: sqlite_utils.Database, since: str | None = None,
                    sites: tuple[str, ...] = ()) -> Iterator[dict]:
    """Articles published on or after ``since`` (``YYYY-MM-DD``, Hanoi local) on ``sites``."""
    where, params = ["1 = 1"], []
    if since:
        where.append("published_date >= ?")
        params.append(since)
    if sites:
        where.append(f"site in ({', '.join('?' for _ in sites)})")
        params += list(sites)
    sql = f"select * from articles where {' and '.join(where)} order by published_at, id"
    for row in db.query(sql, params):
        for column in SKIPPED_COLUMNS:
            row.pop(column, None)
        row["author_names"] = json.loads(row["author_names"] or "[]")
        row["images"] = list(db.query("select src, caption, alt from images where article_id = ? "
                                      "order by position", [row["id"]]))
        row["authors"] = list(db.query("select name, role from authors where article_id = ? "
                                       "order by name, role", [row["id"]]))
        yield row


def write(records: Iterator[dict], fmt: str, path: Path) -> int:
    """Write records to ``path`` in ``fmt``; return how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    rows = list(records)
    {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet}[fmt](rows, path)
    return len(rows)


def _csv(rows: list[dict], path: Path) -> None:
    """CSV, UTF-8 with a byte-order mark (Excel reads Vietnamese; pandas skips the mark)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})


def _jsonl(rows: list[dict], path: Path) -> None:
    """One JSON object per line, UTF-8."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _parquet(rows: list[dict], path: Path) -> None:
    """Parquet with nested lists (images and authors as lists of structs)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows, schema=_schema(rows)), path)


def _schema(rows: list[dict]):
    """An Arrow schema that keeps types steady when a column is empty in every row."""
    import pyarrow as pa

    image = pa.struct([("src", pa.string()), ("caption", pa.string()), ("alt", pa.string())])
    author = pa.struct([("name", pa.string()), ("role", pa.string())])
    integers = ("views", "group_id", "asset_entry_id", "capture_id", "published_year", "has_views")
    fields = []
    for column in (rows[0] if rows else {"id": None}):
        if column == "images":
            fields.append((column, pa.list_(image)))
        elif column == "authors":
            fields.append((column, pa.list_(author)))
        elif column == "author_names":
            fields.append((column, pa.list_(pa.string())))
        elif column in integers:
            fields.append((column, pa.int64()))
        else:
            fields.append((column, pa.string()))
    return pa.schema(fields)
