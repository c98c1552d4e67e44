"""Each export format read as an analyst reads it, with pandas, and checked against the archive
itself (read with sqlite3): column types, values, the lists and the version history."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from helpers import SEED_ID, invoke, rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula

EARLIER = {"article_id": SEED_ID, "version": 1, "title": "Tiêu đề trước khi sửa", "lead": "Sa pô cũ",
           "body": "Nội dung cũ.", "source": "Ban Tuyên giáo Quận ủy", "captions": '["Ảnh cũ"]',
           "credits": '[["Kiều Trang", "photo"]]', "extractor": "liferay6/2",
           "first_seen_at": "2024-01-02T03:04:05+00:00", "last_seen_at": "2024-02-03T04:05:06+00:00",
           "replaced_at": "2024-03-04T05:06:07+00:00", "change": "edited", "capture_id": 1}
NULLABLE = {"views": "Int64", "published_year": "Int64", "group_id": "Int64", "capture_id": "Int64",
            "has_views": "boolean"}


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory):
    """The crawled archive with one earlier version of the seed article, exported in every format
    with --with-versions."""
    folder = tmp_path_factory.mktemp("pandas")
    db = folder / "archive.db"
    with sqlite3.connect(crawled["db"]) as origin, sqlite3.connect(db) as conn:
        origin.backup(conn)
        conn.execute(f"insert into article_versions ({', '.join(EARLIER)}) values "
                     f"({', '.join('?' for _ in EARLIER)})", list(EARLIER.values()))
    origin.close()
    conn.close()
    for fmt in ("csv", "jsonl", "parquet"):
        result = invoke("export", "--with-versions", "--db", str(db), "-o", str(folder / f"articles.{fmt}"))
        assert 0 == result.exit_code, result.stderr
    return {"db": db, "folder": folder}


def plain(value):
    """A value pandas handed back, as plain Python: arrays as lists, missing values as None."""
    if isinstance(value, np.ndarray | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if not isinstance(value, str) and pd.isna(value):
        return None
    return value


def listed(db, sql: str) -> dict[str, list[dict]]:
    """Rows of a child table grouped by ``article_id`` (the column left out of each row)."""
    grouped = {}
    for row in rows(db, sql):
        grouped.setdefault(row.pop("article_id"), []).append(row)
    return grouped


def archive_records(db) -> dict[str, dict]:
    """What the archive holds for each article, by id, in the terms every export shares."""
    images = listed(db, "select article_id, src, caption, alt, capture_id from images "
                        "order by article_id, position")
    authors = listed(db, "select article_id, name, role from authors order by article_id, name, role")
    attachments = listed(db, "select article_id, url, label, capture_id from attachments "
                             "order by article_id, position")
    return {article["id"]: {**article, "images": images.get(article["id"], []),
                            "authors": authors.get(article["id"], []),
                            "attachments": attachments.get(article["id"], [])}
            for article in rows(db, "select * from articles")}


def text(value):
    """An archive text as a table holds it: empty text is missing."""
    return value if value not in ("", None) else None


def compare(frame, db, cells) -> None:
    """Every article of the archive, and no other, is a row of ``frame`` (indexed by id) whose
    cells, made plain, equal ``cells(archive record)``."""
    expected = archive_records(db)
    assert sorted(expected) == sorted(frame.index)
    got = {article_id: {column: plain(frame.at[article_id, column]) for column in wanted}
           for article_id, wanted in ((i, cells(record)) for i, record in expected.items())}
    assert {article_id: cells(record) for article_id, record in expected.items()} == got


def typed_cells(record: dict) -> dict:
    """The cells whose type matters, as typed values (times aware, dates as dates)."""
    return {"published_at": pd.Timestamp(record["published_at"]),
            "fetched_at": pd.Timestamp(record["fetched_at"]),
            "views": record["views"], "published_year": record["published_year"],
            "has_views": bool(record["has_views"]), "title": record["title"],
            "original_text": text(record["original_text"]),
            "legacy_encoding": text(record["legacy_encoding"])}


def test_parquet_has_real_types(exported):
    frame = pd.read_parquet(exported["folder"] / "articles.parquet").set_index("id")
    assert NULLABLE == {column: str(frame[column].dtype) for column in NULLABLE}
    assert timedelta(hours=7) == frame["published_at"].dt.tz.utcoffset(None)
    assert timedelta(0) == frame["fetched_at"].dt.tz.utcoffset(None)
    columns = [row["name"] for row in rows(exported["db"], "select name from pragma_table_info('articles')")]
    assert [*columns, "images", "authors", "attachments", "versions"] == ["id", *frame.columns]

    def cells(record):
        return {**typed_cells(record), "published_date": date.fromisoformat(record["published_date"]),
                "images": record["images"], "authors": record["authors"],
                "attachments": record["attachments"]}

    compare(frame, exported["db"], cells)
    assert any(frame["original_text"].notna()) and any(frame["attachments"].map(len))


def test_parquet_keeps_the_version_history(exported):
    frame = pd.read_parquet(exported["folder"] / "articles.parquet").set_index("id")
    versions = plain(frame.at[SEED_ID, "versions"])
    times = {name: pd.Timestamp(EARLIER[name]) for name in ("first_seen_at", "last_seen_at", "replaced_at")}
    assert [{**EARLIER, **times, "captions": ["Ảnh cũ"],
             "credits": [{"name": "Kiều Trang", "role": "photo"}]}] == \
        [{"article_id": SEED_ID, **version} for version in versions]
    assert 1 == sum(frame["versions"].map(len))


def test_json_lines_read_with_nullable_types(exported):
    frame = pd.read_json(exported["folder"] / "articles.jsonl", lines=True,
                         dtype_backend="numpy_nullable").set_index("id")
    assert NULLABLE == {column: str(frame[column].dtype) for column in NULLABLE}
    assert timedelta(hours=7) == frame["published_at"].dt.tz.utcoffset(None)

    def cells(record):
        return {**typed_cells(record), "published_date": record["published_date"],
                "author_names": json.loads(record["author_names"] or "[]"),
                "images": record["images"], "authors": record["authors"],
                "attachments": record["attachments"]}

    compare(frame, exported["db"], cells)
    versions = plain(frame.at[SEED_ID, "versions"])
    assert [EARLIER["body"]] == [version["body"] for version in versions]
    assert [["Ảnh cũ"]] == [version["captions"] for version in versions]


def spreadsheet_text(value):
    """An archive text as the CSV export holds it: a leading formula character behind a quote."""
    value = text(value)
    return "'" + value if value and value.startswith(FORMULA_STARTS) else value


def test_csv_reads_with_nullable_types_and_json_lists(exported):
    frame = pd.read_csv(exported["folder"] / "articles.csv", dtype_backend="numpy_nullable",
                        parse_dates=["published_at", "fetched_at"]).set_index("id")
    assert NULLABLE == {column: str(frame[column].dtype) for column in NULLABLE}
    for column in ("images", "authors", "attachments", "author_names"):
        frame[column] = frame[column].map(json.loads)

    def cells(record):
        return {**typed_cells(record), "title": spreadsheet_text(record["title"]),
                "lead": spreadsheet_text(record["lead"]), "body": spreadsheet_text(record["body"]),
                "original_text": spreadsheet_text(record["original_text"]),
                "author_names": json.loads(record["author_names"] or "[]"),
                "images": record["images"], "authors": record["authors"],
                "attachments": record["attachments"]}

    compare(frame, exported["db"], cells)


def test_csv_writes_the_versions_to_a_file_of_their_own(exported):
    frame = pd.read_csv(exported["folder"] / "articles.versions.csv", dtype_backend="numpy_nullable")
    integers = ("version", "capture_id")
    assert {"version": "Int64", "capture_id": "Int64"} == {c: str(frame[c].dtype) for c in integers}
    archived = rows(exported["db"], "select * from article_versions order by article_id, version")
    got = [{key: plain(value) for key, value in row.items()} for row in frame.to_dict("records")]
    for row in got:
        row["captions"] = json.loads(row["captions"])
        row["credits"] = [[credit["name"], credit["role"]] for credit in json.loads(row["credits"])]
    assert [{**row, "captions": json.loads(row["captions"]), "credits": json.loads(row["credits"])}
            for row in archived] == got
