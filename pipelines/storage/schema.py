"""The archive's schema as data, and the idempotent step that puts it in place.

Opening an archive made by an earlier version adds the tables and columns it lacks; nothing is
ever dropped.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

ARTICLE_COLUMNS = {
    "id": str, "site": str, "published_at": str, "published_date": str, "title": str,
    "category": str, "views": int, "source": str, "url": str, "lead": str, "body": str,
    "published_raw": str, "views_raw": str, "url_title": str, "group_id": int,
    "asset_entry_id": int, "duplicate_of": str, "legacy_encoding": str, "original_text": str,
    "gone_at": str, "gone_reason": str, "capture_id": int,
    "extractor": str, "fetched_at": str, "first_seen_at": str,
}
ARTICLE_FK = [("article_id", "articles", "id")]
TABLES = {
    "articles": {"columns": ARTICLE_COLUMNS, "pk": "id", "not_null": ["site", "url", "title"]},
    "images": {
        "columns": {"article_id": str, "position": int, "src": str, "caption": str, "alt": str},
        "pk": ("article_id", "position"), "foreign_keys": ARTICLE_FK,
    },
    "authors": {
        "columns": {"article_id": str, "name": str, "role": str},
        "pk": ("article_id", "name", "role"), "foreign_keys": ARTICLE_FK,
    },
    "attachments": {
        "columns": {"article_id": str, "position": int, "url": str, "label": str},
        "pk": ("article_id", "position"), "foreign_keys": ARTICLE_FK,
    },
    "view_counts": {
        "columns": {"article_id": str, "observed_at": str, "views": int},
        "pk": ("article_id", "observed_at"), "foreign_keys": ARTICLE_FK,
    },
    "article_versions": {
        "columns": {"article_id": str, "version": int, "title": str, "lead": str, "body": str,
                    "source": str, "captions": str, "credits": str, "extractor": str,
                    "first_seen_at": str, "last_seen_at": str, "replaced_at": str, "change": str,
                    "capture_id": int},
        "pk": ("article_id", "version"), "foreign_keys": ARTICLE_FK,
    },
    "page_failures": {
        "columns": {"url": str, "site": str, "kind": str, "reason": str, "status": int,
                    "fetched_at": str},
        "pk": "url",
    },
    "captures": {
        "columns": {"id": int, "url": str, "site": str, "status": int, "fetched_at": str,
                    "record_type": str, "digest": str, "content_digest": str, "warc_file": str,
                    "offset": int, "length": int, "refers_to": int, "origin": str, "run_id": int},
        "pk": "id",
    },
    "crawl_runs": {
        "columns": {"id": int, "sites": str, "mode": str, "started_at": str, "finished_at": str,
                    "pages_fetched": int, "articles_new": int, "articles_changed": int,
                    "articles_unchanged": int, "articles_gone": int, "errors": str,
                    "outcome": str, "pid": int},
        "pk": "id",
    },
    "sites": {
        "columns": {"name": str, "display_name": str, "family": str, "status": str, "kind": str,
                    "hosts": str, "start_urls": str, "group_id": int, "note": str},
        "pk": "name",
    },
    "site_status": {
        "columns": {"site": str, "host": str, "state": str, "detail": str, "checked_at": str,
                    "state_since": str},
        "pk": "site",
    },
}
INDEXES = {
    "articles": [["site"], ["published_date"], ["category"], ["source"], ["title"],
                 ["duplicate_of"], ["gone_at"]],
    "authors": [["name"]],
    "captures": [["url", "fetched_at"], ["content_digest"], ["warc_file", "offset"]],
}
FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "lead", "body", "captions", "authors", "source", "folded")
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path`` in WAL mode with the schema in place."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 10000")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and the full-text index; safe on every open."""
    for name, spec in TABLES.items():
        table = db.table(name)
        table.create(
            spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"),
            not_null=spec.get("not_null"), if_not_exists=True,
        )
        for column, kind in spec["columns"].items():
            if column not in table.columns_dict:  # an archive made by an earlier version
                table.add_column(column, kind)
    for name, indexes in INDEXES.items():
        for columns in indexes:
            db.table(name).create_index(columns, if_not_exists=True)
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(FTS_COLUMNS)}, "
        f"tokenize = '{FTS_TOKENIZER}')"
    )
