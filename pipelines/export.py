"""Articles with everything attached, for pandas and spreadsheets: CSV, JSON Lines, Parquet.

One record per article (copies of other sites' articles included, marked by ``duplicate_of``):
every ``articles`` column (``original_text`` too), then ``images`` (list of
``{src, caption, alt, capture_id}``), ``authors`` (list of ``{name, role}``), ``attachments``
(list of ``{url, label, capture_id}``) and, when asked, ``versions``: the earlier texts from
``article_versions``, oldest first.

Per format:

- JSON Lines and Parquet nest the lists; ``author_names`` is a list of strings.
- CSV holds the lists as JSON text and writes the versions, one row each keyed by ``article_id``,
  to a second file beside the first (``<name>.versions.csv``): a version's body in a cell of its
  own, where a list of every version's body would pass Excel's 32,767-character cell limit.
- Parquet types its columns (see ``pipelines.export_parquet``); CSV and JSON Lines keep times
  as the archive's ISO 8601 text.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlite_utils

FORMATS = ("csv", "jsonl", "parquet")
BATCH = 500  # articles read, with their lists, per round of queries
BOOLEAN_COLUMNS = ("has_views",)
# (table, columns kept, order within one article)
CHILDREN = {
    "images": ("images", ("src", "caption", "alt", "capture_id"), "position"),
    "authors": ("authors", ("name", "role"), "name, role"),
    "attachments": ("attachments", ("url", "label", "capture_id"), "position"),
}
VERSION_COLUMNS = ("version", "title", "lead", "body", "source", "captions", "credits", "extractor",
                   "first_seen_at", "last_seen_at", "replaced_at", "change", "capture_id")
# Leading characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """A request the archive cannot answer (an unknown site); the message is one line."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: ``fmt`` one of FORMATS; ``since`` ``YYYY-MM-DD`` (Hanoi local publication
    date, inclusive); ``sites`` site names (all when empty); ``with_versions`` adds version history."""

    fmt: str
    since: str | None = None
    sites: tuple[str, ...] = ()
    with_versions: bool = False


@dataclass
class Counts:
    """How much an export wrote: articles, and versions of them."""

    articles: int = 0
    versions: int = 0


def known_sites(db: sqlite_utils.Database) -> list[str]:
    """Names of the sites the archive knows (registered or with articles), sorted."""
    rows = db.conn.execute("select name from sites union select distinct site from articles")
    return sorted(name for (name,) in rows if name)


def check_sites(db: sqlite_utils.Database, sites: tuple[str, ...]) -> None:
    """Raise :class:`ExportError` naming the sites that exist if any of ``sites`` is unknown."""
    known = known_sites(db)
    unknown = [site for site in sites if site not in known]
    if not unknown:
        return
    near = [name for name in known if any(site.lower() in name.lower() for site in unknown)]
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    listed = ", ".join(known) if known else "none"
    raise ExportError(f"no site {', '.join(unknown)} in this archive{hint}; its sites: {listed}")


def format_for(output: str | None) -> str:
    """The format a file name asks for by its extension (``.jsonl``, ``.parquet``, ``.wacz``);
    ``csv`` for any other name, for standard output (``-``) and for none."""
    suffix = Path(output or "").suffix.lower().lstrip(".")
    return suffix if suffix in (*FORMATS, "wacz") else "csv"


def versions_path(path: Path) -> Path:
    """Where a CSV export writes the version history: ``articles.csv`` -> ``articles.versions.csv``."""
    return path.with_name(f"{path.stem}.versions{path.suffix}")


def status_line(counts: Counts, request: ExportRequest, path: Path | None) -> str:
    """The one line an export reports: what it wrote and where (``None``: standard output)."""
    where = str(path) if path else "standard output"
    if path and request.fmt == "csv" and request.with_versions:
        where += f" and {versions_path(path)}"
    versions = f" ({counts.versions} earlier versions)" if request.with_versions else ""
    line = f"export: {counts.articles} articles{versions} to {where}"
    if counts.articles:
        return line
    asked = [f"published on or after {request.since}" if request.since else "",
             f"of {', '.join(request.sites)}" if request.sites else ""]
    return f"{line}: no article {' '.join(part for part in asked if part) or 'in the archive'}"


def article_columns(db: sqlite_utils.Database) -> dict[str, str]:
    """The ``articles`` columns in table order, each with its declared SQLite type."""
    return {row[1]: (row[2] or "TEXT").upper()
            for row in db.conn.execute("pragma table_info(articles)")}


def article_batches(db: sqlite_utils.Database, request: ExportRequest) -> Iterator[list[dict]]:
    """Articles matching ``request``, oldest publication first, in lists of up to BATCH records."""
    where, params = ["1 = 1"], []
    if request.since:
        where.append("published_date >= ?")
        params.append(request.since)
    if request.sites:
        where.append(f"site in ({', '.join('?' for _ in request.sites)})")
        params += list(request.sites)
    cursor = db.conn.execute(f"select * from articles where {' and '.join(where)} "
                             "order by published_at, id", params)
    names = [column[0] for column in cursor.description]
    while rows := cursor.fetchmany(BATCH):
        articles = [_article(dict(zip(names, row, strict=True))) for row in rows]
        _attach_lists(db, articles, request.with_versions)
        yield articles


def _article(row: dict) -> dict:
    """An ``articles`` row as a record: JSON text decoded, 0/1 flags as booleans."""
    row["author_names"] = json.loads(row.get("author_names") or "[]")
    for column in BOOLEAN_COLUMNS:
        if row.get(column) is not None:
            row[column] = bool(row[column])
    return row


def _attach_lists(db: sqlite_utils.Database, articles: list[dict], with_versions: bool) -> None:
    """Give each article its images, authors, attachments (and versions): one query per list."""
    by_id = {article["id"]: article for article in articles}
    marks = ", ".join("?" for _ in by_id)
    lists = dict(CHILDREN)
    if with_versions:
        lists["versions"] = ("article_versions", VERSION_COLUMNS, "version")
    for key, (table, columns, order) in lists.items():
        for article in articles:
            article[key] = []
        cursor = db.conn.execute(f"select article_id, {', '.join(columns)} from {table} "
                                 f"where article_id in ({marks}) order by article_id, {order}",
                                 list(by_id))
        for article_id, *values in cursor:
            by_id[article_id][key].append(dict(zip(columns, values, strict=True)))
    for article in articles:
        for version in article.get("versions", []):
            version["captions"] = json.loads(version["captions"] or "[]")
            version["credits"] = [{"name": name, "role": role}
                                  for name, role in json.loads(version["credits"] or "[]")]


def export_file(db: sqlite_utils.Database, request: ExportRequest, path: Path) -> Counts:
    """Write the export to ``path`` (CSV with versions: and to ``versions_path(path)``).

    Files are written under a temporary name and renamed when complete: a failed export leaves
    nothing behind and never half of a file.
    """
    targets = [path]
    if request.fmt == "csv" and request.with_versions:
        targets.append(versions_path(path))
    parts = [target.with_name(f".{target.name}.part") for target in targets]
    try:
        with ExitStack() as stack:
            streams = [stack.enter_context(open(part, "wb")) for part in parts]
            counts = export_stream(db, request, *streams)
        for part, target in zip(parts, targets, strict=True):
            os.replace(part, target)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
    return counts


def export_stream(db: sqlite_utils.Database, request: ExportRequest, out: BinaryIO,
                  versions_out: BinaryIO | None = None) -> Counts:
    """Write the export to the binary stream ``out`` (CSV versions: to ``versions_out``)."""
    if request.fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    columns = article_columns(db)
    batches = article_batches(db, request)
    if request.fmt == "parquet":
        from pipelines.export_parquet import write_parquet

        return write_parquet(batches, columns, request.with_versions, out)
    if request.fmt == "jsonl":
        return _jsonl(batches, out)
    return _csv(batches, [*columns, *CHILDREN], out, versions_out)


def _jsonl(batches: Iterator[list[dict]], out: BinaryIO) -> Counts:
    """One JSON object per line, UTF-8; times as the archive's ISO 8601 text."""
    counts = Counts()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    for batch in batches:
        for record in batch:
            text.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts.articles += 1
            counts.versions += len(record.get("versions", []))
    text.flush()
    text.detach()
    return counts


def spreadsheet_safe(value):
    """A CSV cell value: lists as JSON text, booleans as ``true``/``false``, and text that a
    spreadsheet would run as a formula (starting with = + - @, tab or CR) prefixed with ``'``.
    Numbers are left as numbers, negative ones included."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(batches: Iterator[list[dict]], columns: list[str], out: BinaryIO,
         versions_out: BinaryIO | None) -> Counts:
    """CSV, UTF-8 with a byte-order mark (Excel reads Vietnamese; pandas skips the mark); the
    header is written even when no article matches."""
    counts = Counts()
    with ExitStack() as texts:
        articles = _csv_writer(texts, out, columns)
        versions = _csv_writer(texts, versions_out, ["article_id", *VERSION_COLUMNS]) \
            if versions_out else None
        for batch in batches:
            for record in batch:
                articles.writerow([spreadsheet_safe(record.get(column)) for column in columns])
                counts.articles += 1
                for version in record.get("versions", []):
                    versions.writerow([spreadsheet_safe(record["id"]),
                                       *(spreadsheet_safe(version[c]) for c in VERSION_COLUMNS)])
                    counts.versions += 1
    return counts


def _csv_writer(texts: ExitStack, out: BinaryIO, columns: list[str]):
    """A csv writer over ``out`` (UTF-8 with BOM) with its header written; the text layer is
    flushed and detached, not closed, when ``texts`` ends."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    texts.callback(text.detach)
    texts.callback(text.flush)
    writer = csv.writer(text)
    writer.writerow(columns)
    return writer
