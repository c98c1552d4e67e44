"""The Parquet form of an article export: typed columns, nested lists, written batch by batch.

Column types:

- ``published_at``: timestamp (microseconds) in the archive's ``+07:00`` (Hanoi local time);
  ``fetched_at``, ``first_seen_at``, ``gone_at`` and the versions' ``first_seen_at``,
  ``last_seen_at``, ``replaced_at``: timestamp in UTC.
- ``published_date``: date.
- integer columns (``views``, ``published_year``, ids): int64, read by pandas as nullable ``Int64``
  (the file carries pandas metadata saying so); ``has_views``: boolean (pandas ``boolean``).
- ``author_names``: list of strings; ``images``, ``authors``, ``attachments``, ``versions``:
  lists of structs.
- everything else: string.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.export import BOOLEAN_COLUMNS, CHILDREN, VERSION_COLUMNS, Counts

HANOI = timezone(timedelta(hours=7))
LOCAL_TIMES = ("published_at",)
UTC_TIMES = ("fetched_at", "first_seen_at", "gone_at", "last_seen_at", "replaced_at")
DATES = ("published_date",)
LOCAL_TIME = pa.timestamp("us", tz="+07:00")
UTC_TIME = pa.timestamp("us", tz="UTC")
ROW_GROUP_ROWS = 10_000  # articles a row group holds: a few tens of MB of text


def _timestamp(zone: timezone) -> Callable[[str | None], datetime | None]:
    """A parser of ISO 8601 text into an aware datetime (text without an offset is read in
    ``zone``); ``None`` for empty or unreadable text."""
    def parse(text: str | None) -> datetime | None:
        try:
            moment = datetime.fromisoformat(text)
        except (TypeError, ValueError):
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return parse


def _date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` text as a date; ``None`` for empty or unreadable text."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _scalar_type(name: str, declared: str) -> pa.DataType:
    """The Arrow type of a plain column from its name and declared SQLite type."""
    if name in LOCAL_TIMES:
        return LOCAL_TIME
    if name in UTC_TIMES:
        return UTC_TIME
    if name in DATES:
        return pa.date32()
    if name in BOOLEAN_COLUMNS:
        return pa.bool_()
    if declared.startswith("INT"):
        return pa.int64()
    if declared in ("FLOAT", "REAL", "DOUBLE"):
        return pa.float64()
    return pa.string()


CREDITS = pa.list_(pa.struct([("name", pa.string()), ("role", pa.string())]))
# Types of the fields inside the list columns; the others are strings.
LIST_FIELD_TYPES = {"capture_id": pa.int64(), "version": pa.int64(), "captions": pa.list_(pa.string()),
                    "credits": CREDITS, "first_seen_at": UTC_TIME, "last_seen_at": UTC_TIME,
                    "replaced_at": UTC_TIME}


def _list_types(with_versions: bool) -> dict[str, pa.DataType]:
    """The Arrow types of the list columns: each a list of structs."""
    lists = {key: columns for key, (_, columns, _) in CHILDREN.items()}
    if with_versions:
        lists["versions"] = VERSION_COLUMNS
    return {key: pa.list_(pa.struct([(c, LIST_FIELD_TYPES.get(c, pa.string())) for c in columns]))
            for key, columns in lists.items()}


def parquet_schema(columns: dict[str, str], with_versions: bool) -> pa.Schema:
    """The export's Arrow schema from the ``articles`` columns (name: declared SQLite type), with
    pandas metadata so that ``pandas.read_parquet`` reads integers as ``Int64`` and booleans as
    ``boolean``."""
    fields = [(name, pa.list_(pa.string()) if name == "author_names" else _scalar_type(name, kind))
              for name, kind in columns.items()]
    fields += list(_list_types(with_versions).items())
    nullable = [{"name": name, "field_name": name, "pandas_type": pandas_type, "numpy_type": dtype,
                 "metadata": None}
                for name, kind in fields
                for pandas_type, dtype in [_pandas_dtype(kind)] if dtype]
    metadata = {"index_columns": [], "column_indexes": [], "columns": nullable}
    return pa.schema(fields).with_metadata({b"pandas": json.dumps(metadata).encode()})


def _pandas_dtype(kind: pa.DataType) -> tuple[str, str | None]:
    """The pandas nullable dtype an Arrow type is read as, or ``None`` to leave it to pandas."""
    if pa.types.is_integer(kind):
        return "int64", "Int64"
    if pa.types.is_boolean(kind):
        return "bool", "boolean"
    return "", None


def _converters(schema: pa.Schema) -> dict[str, Callable]:
    """Per column, the conversion of a record's value to its Arrow type (text to times, dates)."""
    converters = {}
    for field in schema:
        if field.type == LOCAL_TIME:
            converters[field.name] = _timestamp(HANOI)
        elif field.type == UTC_TIME:
            converters[field.name] = _timestamp(UTC)
        elif field.type == pa.date32():
            converters[field.name] = _date
    return converters


def _typed(records: list[dict], schema: pa.Schema, converters: dict[str, Callable]) -> pa.Table:
    """A batch of records as an Arrow table of ``schema`` (versions' times converted too)."""
    version_times = [name for name in VERSION_COLUMNS if name in UTC_TIMES]
    utc = _timestamp(UTC)
    for record in records:
        for name, convert in converters.items():
            record[name] = convert(record.get(name))
        for version in record.get("versions", []):
            for name in version_times:
                version[name] = utc(version[name])
    return pa.Table.from_pylist(records, schema=schema)


def write_parquet(batches: Iterator[list[dict]], columns: dict[str, str], with_versions: bool,
                  out: BinaryIO) -> Counts:
    """Write the records to ``out`` as one Parquet file, in row groups of about ROW_GROUP_ROWS
    articles; the schema is written even when no article matches."""
    schema = parquet_schema(columns, with_versions)
    converters = _converters(schema)
    counts = Counts()
    pending: list[pa.Table] = []
    with pq.ParquetWriter(out, schema) as writer:
        for batch in batches:
            counts.articles += len(batch)
            counts.versions += sum(len(record.get("versions", [])) for record in batch)
            pending.append(_typed(batch, schema, converters))
            if sum(table.num_rows for table in pending) >= ROW_GROUP_ROWS:
                writer.write_table(pa.concat_tables(pending))
                pending = []
        if pending:
            writer.write_table(pa.concat_tables(pending))
    return counts
