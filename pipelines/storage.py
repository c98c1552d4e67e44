"""The one module that talks to SQLite: schema as data, idempotent set-up, upserts, search index.

Articles are keyed by ``id`` (``site:urlTitle[:groupId]``); images, authors and attachments hang off
them by foreign key and are replaced together with their article in one transaction. A re-crawl
never adds a duplicate, and a worse extraction never overwrites a better archived one.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from crawler.parsing import fold_diacritics, is_relative_date

ARTICLE_COLUMNS = {
    "id": str, "site": str, "published_at": str, "published_date": str, "title": str,
    "category": str, "views": int, "source": str, "url": str, "lead": str, "body": str,
    "published_raw": str, "views_raw": str, "url_title": str, "group_id": int,
    "asset_entry_id": int, "duplicate_of": str, "legacy_encoding": str, "original_text": str,
    "extractor": str, "fetched_at": str, "first_seen_at": str,
}
TABLES = {
    "articles": {"columns": ARTICLE_COLUMNS, "pk": "id", "not_null": ["site", "url", "title"]},
    "images": {
        "columns": {"article_id": str, "position": int, "src": str, "caption": str, "alt": str},
        "pk": ("article_id", "position"),
        "foreign_keys": [("article_id", "articles", "id")],
    },
    "authors": {
        "columns": {"article_id": str, "name": str, "role": str},
        "pk": ("article_id", "name", "role"),
        "foreign_keys": [("article_id", "articles", "id")],
    },
    "attachments": {
        "columns": {"article_id": str, "position": int, "url": str, "label": str},
        "pk": ("article_id", "position"),
        "foreign_keys": [("article_id", "articles", "id")],
    },
    "page_failures": {
        "columns": {"url": str, "site": str, "kind": str, "reason": str, "status": int,
                    "fetched_at": str},
        "pk": "url",
    },
}
INDEXES = {
    "articles": [["site"], ["published_date"], ["category"], ["source"], ["title"],
                 ["duplicate_of"]],
    "authors": [["name"]],
}
CHILD_TABLES = ("images", "authors", "attachments")
FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "lead", "body", "captions", "authors", "source", "folded")
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
# Fields that say how complete an extraction is; a new one with fewer of them is not stored.
QUALITY_FIELDS = ("title", "published_at", "category", "lead", "body", "source", "views")
COMPARED_FIELDS = tuple(c for c in ARTICLE_COLUMNS if c not in ("fetched_at", "first_seen_at", "url"))


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path`` in WAL mode with the schema in place."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, indexes and the full-text index; safe to run on every open."""
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
    columns = ", ".join(FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({columns}, "
        f"tokenize = '{FTS_TOKENIZER}')"
    )


def save_articles(db: sqlite_utils.Database, records: list[dict]) -> Counter:
    """Store article records (``Article.to_dict()`` shape) in one transaction.

    Returns counts of outcomes: ``new``, ``updated``, ``unchanged`` and ``kept`` (an archived
    version with more fields was kept instead of a worse extraction).
    """
    outcomes: Counter = Counter()
    with db.atomic():
        for record in records:
            outcomes[_save_article(db, record)] += 1
    return outcomes


def _save_article(db: sqlite_utils.Database, record: dict) -> str:
    """Upsert one article with its children and search row; return the outcome name."""
    existing = _existing(db, record["id"])
    row = {column: record.get(column) for column in ARTICLE_COLUMNS}
    if existing is not None:
        if quality(record) < quality(existing):
            return "kept"
        _keep_archived_facts(existing, row)
    else:
        row["first_seen_at"] = record.get("fetched_at") or _now()
    children = _child_rows(record)
    outcome = _outcome(db, existing, row, children)
    db.table("articles").upsert(row, pk="id")
    for table, rows in children.items():
        db.table(table).delete_where("article_id = ?", [record["id"]])
        db.table(table).insert_all(rows, pk=TABLES[table]["pk"])
    _index_for_search(db, record)
    return outcome


def _keep_archived_facts(existing: dict, row: dict) -> None:
    """Carry over what the archive knows better than a new fetch of the same article.

    The first archived URL and time stay; a copy link found earlier stays; and a publish time
    resolved from a relative date (``17 giờ trước``) is not moved by a later fetch that still
    prints a relative date, since each fetch resolves it against its own clock.
    """
    row["url"] = existing["url"]
    row["first_seen_at"] = existing["first_seen_at"]
    row["duplicate_of"] = row.get("duplicate_of") or existing.get("duplicate_of")
    if is_relative_date(row.get("published_raw")) and existing.get("published_at"):
        row["published_at"] = existing["published_at"]
        row["published_date"] = existing["published_date"]
        row["published_raw"] = existing["published_raw"]


def _existing(db: sqlite_utils.Database, article_id: str) -> dict | None:
    """The archived row for ``article_id`` or ``None``."""
    rows = list(db.query("select * from articles where id = ?", [article_id]))
    return rows[0] if rows else None


def quality(record: dict) -> int:
    """How many of the core fields (and images/authors) an article record has filled."""
    filled = sum(1 for name in QUALITY_FIELDS if record.get(name) not in (None, ""))
    return filled + (1 if record.get("images") else 0) + (1 if record.get("authors") else 0)


def _child_rows(record: dict) -> dict[str, list[dict]]:
    """Rows of the child tables for one article record."""
    article_id = record["id"]
    authors = {(a["name"], role) for a in record.get("authors", []) for role in a["roles"]}
    return {
        "images": [{"article_id": article_id, "position": n, **image}
                   for n, image in enumerate(record.get("images", []))],
        "authors": [{"article_id": article_id, "name": name, "role": role}
                    for name, role in sorted(authors)],
        "attachments": [{"article_id": article_id, "position": n, **attachment}
                        for n, attachment in enumerate(record.get("attachments", []))],
    }


def _outcome(db, existing: dict | None, row: dict, children: dict) -> str:
    """``new``, ``updated`` or ``unchanged`` for a row about to be written."""
    if existing is None:
        return "new"
    if any(existing.get(field) != row.get(field) for field in COMPARED_FIELDS):
        return "updated"
    for table, rows in children.items():
        archived = list(db.query(f"select * from {table} where article_id = ?", [row["id"]]))
        if _canonical(archived) != _canonical(rows):
            return "updated"
    return "unchanged"


def _canonical(rows: list[dict]) -> list[str]:
    """Order-free comparable form of child rows."""
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows)


def _index_for_search(db: sqlite_utils.Database, record: dict) -> None:
    """Replace the article's row in the full-text index (rowid = the article's rowid).

    The ``folded`` column holds everything again without tones and with đ → d, so a query typed
    without diacritics ("dinh hong phong") finds "Đinh Hồng Phong".
    """
    rowid = db.execute("select rowid from articles where id = ?", [record["id"]]).fetchone()[0]
    values = {
        "title": record.get("title") or "",
        "lead": record.get("lead") or "",
        "body": record.get("body") or "",
        "captions": "\n".join(i["caption"] for i in record.get("images", []) if i.get("caption")),
        "authors": ", ".join(a["name"] for a in record.get("authors", [])),
        "source": record.get("source") or "",
    }
    values["folded"] = fold_diacritics(" \n".join(values.values()))
    db.execute(f"delete from {FTS_TABLE} where rowid = ?", [rowid])
    db.execute(
        f"insert into {FTS_TABLE} (rowid, {', '.join(values)}) values (?{', ?' * len(values)})",
        [rowid, *values.values()],
    )


def link_copies(db: sqlite_utils.Database) -> int:
    """Mark republished copies: an article with the same title as an earlier article of another
    site gets ``duplicate_of`` = that original's id. Returns how many rows were linked.

    Copies linked by Liferay group (a ward site showing a district's article) arrive already
    marked by the crawler; this catches a city portal republishing a district story.
    """
    sql = """
        update articles set duplicate_of = (
          select original.id from articles original
          where original.title = articles.title and original.site != articles.site
            and original.published_at < articles.published_at and original.duplicate_of is null
          order by original.published_at limit 1)
        where duplicate_of is null and exists (
          select 1 from articles original
          where original.title = articles.title and original.site != articles.site
            and original.published_at < articles.published_at and original.duplicate_of is null)
    """
    with db.atomic():
        return db.execute(sql).rowcount


def save_failures(db: sqlite_utils.Database, failures: list[dict]) -> None:
    """Record pages that yielded no article (latest failure per URL), in one transaction."""
    if not failures:
        return
    with db.atomic():
        db.table("page_failures").upsert_all(failures, pk="url")


def search(db: sqlite_utils.Database, query: str, limit: int = 20) -> list[dict]:
    """Articles matching ``query`` (words ANDed, with or without diacritics), best first."""
    terms = " ".join(f'"{term}"' for term in query.replace('"', " ").split())
    if not terms:
        return []
    sql = (
        f"select articles.* from {FTS_TABLE} join articles on articles.rowid = {FTS_TABLE}.rowid "
        f"where {FTS_TABLE} match ? order by rank limit ?"
    )
    return list(db.query(sql, [terms, limit]))


def summary(db: sqlite_utils.Database) -> list[dict]:
    """Per-site counts ``[{"site", "articles", "copies", "images", "authors"}]`` sorted by site.

    ``articles`` leaves out copies of other sites' articles, counted apart in ``copies``.
    """
    sql = """
        select a.site, count(distinct a.id) filter (where a.duplicate_of is null) as articles,
          count(distinct a.id) filter (where a.duplicate_of is not null) as copies,
          (select count(*) from images i join articles x on x.id = i.article_id
             where x.site = a.site) as images,
          (select count(distinct au.name) from authors au join articles y on y.id = au.article_id
             where y.site = a.site) as authors
        from articles a group by a.site order by a.site
    """
    return list(db.query(sql))


def _now() -> str:
    """Current UTC time, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
