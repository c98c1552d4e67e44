"""The archive's schema as data, and the idempotent step that puts it in place.

Opening an archive made by an earlier version adds the tables and columns it lacks; nothing is
ever dropped.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import DescIndex

from pipelines.storage.facets import fill_facet_keys
from pipelines.storage.people import ensure_people
from pipelines.storage.search_index import FTS_COLUMNS as FTS_COLUMNS  # re-exported
from pipelines.storage.search_index import FTS_TABLE as FTS_TABLE  # re-exported
from pipelines.storage.search_index import FTS_TOKENIZER as FTS_TOKENIZER  # re-exported
from pipelines.storage.search_index import ensure_search_index

ARTICLE_COLUMNS = {
    "id": str, "site": str, "published_at": str, "published_date": str, "title": str,
    "category": str, "views": int, "source": str, "url": str, "lead": str, "body": str,
    "published_raw": str, "published_precision": str, "views_raw": str, "url_title": str, "group_id": int,
    "asset_entry_id": int, "duplicate_of": str, "legacy_encoding": str, "original_text": str,
    "gone_at": str, "gone_reason": str, "capture_id": int,
    "extractor": str, "fetched_at": str, "first_seen_at": str,
    "recovered_from": str,  # "wayback": first archived from a web archive's copy, not the portal
    # derived, for facets: Hanoi-local year and month, whether a count is printed, history state,
    # and the credited names as a JSON array
    "published_year": int, "published_month": str, "has_views": int, "state": str,
    "author_names": str,
    # the office (source) and category case-folded, one facet value however they were printed
    "office_key": str, "category_key": str,
}
ARCHIVE_MARK = "articles"  # the table every bantin archive has
ARTICLE_FK = [("article_id", "articles", "id")]
TABLES = {
    "articles": {"columns": ARTICLE_COLUMNS, "pk": "id", "not_null": ["site", "url", "title"]},
    "images": {
        "columns": {"article_id": str, "position": int, "src": str, "caption": str, "alt": str,
                    "capture_id": int},
        "pk": ("article_id", "position"), "foreign_keys": ARTICLE_FK,
    },
    "authors": {
        "columns": {"article_id": str, "name": str, "role": str},
        "pk": ("article_id", "name", "role"), "foreign_keys": ARTICLE_FK,
    },
    "attachments": {
        "columns": {"article_id": str, "position": int, "url": str, "label": str, "capture_id": int},
        "pk": ("article_id", "position"), "foreign_keys": ARTICLE_FK,
    },
    "view_counts": {
        "columns": {"article_id": str, "observed_at": str, "views": int, "url": str},
        "pk": ("article_id", "observed_at"), "foreign_keys": ARTICLE_FK,
    },
    "article_versions": {
        "columns": {"article_id": str, "version": int, "title": str, "lead": str, "body": str,
                    "source": str, "captions": str, "credits": str, "extractor": str,
                    "first_seen_at": str, "last_seen_at": str, "replaced_at": str, "change": str,
                    "capture_id": int},
        "pk": ("article_id", "version"), "foreign_keys": ARTICLE_FK,
    },
    # one person per exact name: id keeps the tones (pipelines.storage.people.person_id)
    "people": {"columns": {"id": str, "name": str, "folded": str}, "pk": "id"},
    "mentions": {
        "columns": {"article_id": str, "person_id": str, "position": str, "found_in": str,
                    "published_date": str},
        "pk": ("article_id", "person_id", "position", "found_in"),
        "foreign_keys": [*ARTICLE_FK, ("person_id", "people", "id")],
    },
    "page_failures": {
        "columns": {"url": str, "site": str, "kind": str, "reason": str, "status": int,
                    "fetched_at": str},
        "pk": "url",
    },
    "captures": {
        "columns": {"id": int, "url": str, "site": str, "status": int, "fetched_at": str,
                    "record_type": str, "digest": str, "content_digest": str, "warc_file": str,
                    "offset": int, "length": int, "refers_to": int, "origin": str, "run_id": int,
                    "error": str},
        "pk": "id",
    },
    "crawl_runs": {
        "columns": {"id": int, "sites": str, "mode": str, "started_at": str, "finished_at": str,
                    "pages_fetched": int, "articles_new": int, "articles_changed": int,
                    "articles_unchanged": int, "articles_gone": int, "errors": str,
                    "outcome": str, "pid": int, "files_kept": int, "files_bytes": int,
                    "files_skipped": int},
        "pk": "id",
    },
    "sites": {
        "columns": {"name": str, "display_name": str, "family": str, "status": str, "level": str,
                    "hosts": str, "start_urls": str, "group_id": int, "note": str},
        "pk": "name",
    },
    "site_status": {
        "columns": {"site": str, "host": str, "state": str, "detail": str, "checked_at": str,
                    "state_since": str},
        "pk": "site",
    },
}
# The articles table is browsed newest first: Datasette orders by ``published_at desc, id`` and
# pages on those two. Each facet column is indexed with that order after it, so every page of one
# site, category or month is read off an index instead of sorting all its articles.
NEWEST_FIRST = [DescIndex("published_at"), "id"]
BROWSED_BY_DATE = ("site", "category", "source", "published_year", "published_month", "has_views",
                   "state", "office_key", "category_key")
INDEXES = {
    "articles": [*([column, *NEWEST_FIRST] for column in BROWSED_BY_DATE), NEWEST_FIRST,
                 ["published_date"], ["duplicate_of"], ["gone_at"],
                 # republished copies are found by title, oldest first (``link_copies``); a
                 # recurring title (a weekly schedule) is shared by hundreds of articles
                 ["title", "published_at"]],
    "authors": [["name"]],
    "images": [["src"]],
    "attachments": [["url"]],
    "people": [["folded"]],
    "mentions": [["person_id"], ["published_date"]],
    "captures": [["url", "fetched_at"], ["content_digest"], ["digest"], ["warc_file", "offset"]],
}


# The key questions as views, so each downloads in full as CSV (``_stream=on``).
VIEWS = {
    "offices": """
        select source as office, count(*) as articles, min(published_date) as first_article,
          max(published_date) as last_article
        from articles where source is not null and duplicate_of is null
        group by source order by articles desc""",
    "author_credits": """
        select authors.name, group_concat(distinct authors.role) as roles,
          count(distinct authors.article_id) as articles
        from authors group by authors.name order by articles desc""",
    "articles_per_site_month": """
        select site, published_month as month, count(*) as articles
        from articles where duplicate_of is null and published_month is not null
        group by site, published_month order by published_month, site""",
    # an article and its copies on other sites (duplicate_of) count as one article
    "people_mentioned": """
        select people.id, people.name, people.folded,
          count(distinct coalesce(articles.duplicate_of, articles.id)) as articles,
          min(mentions.published_date) as first_mentioned, max(mentions.published_date) as last_mentioned
        from people join mentions on mentions.person_id = people.id
          join articles on articles.id = mentions.article_id
        group by people.id order by articles desc""",
    "person_positions": """
        select people.name as person, mentions.position,
          count(distinct coalesce(articles.duplicate_of, articles.id)) as articles,
          min(mentions.published_date) as first_seen, max(mentions.published_date) as last_seen
        from mentions join people on people.id = mentions.person_id
          join articles on articles.id = mentions.article_id
        group by people.id, mentions.position order by people.name, first_seen""",
    "mention_articles": """
        select people.name as person, mentions.position, mentions.found_in,
          articles.published_date, articles.site, articles.title, articles.id as article_id, articles.url
        from mentions join people on people.id = mentions.person_id
          join articles on articles.id = mentions.article_id
        order by people.name, articles.published_date""",
    "edited_and_removed": """
        select articles.id, articles.site, articles.title, articles.state, articles.gone_at,
          articles.gone_reason, count(article_versions.version) as versions,
          max(article_versions.replaced_at) as last_edit_seen, articles.url
        from articles left join article_versions on article_versions.article_id = articles.id
        where articles.state in ('edited', 'gone')
        group by articles.id order by coalesce(articles.gone_at, last_edit_seen) desc""",
    "articles_without_body": """
        select id, site, url, title, extractor, fetched_at,
          case when body is null or body = '' then 'no body' else 'generic extractor' end as problem
        from articles where body is null or body = '' or extractor like 'generic/%'
        order by fetched_at desc""",
}


def fetch_rows(db: sqlite_utils.Database, sql: str, params: list | tuple = ()) -> list[dict]:
    """Rows of a read-only ``select`` as dicts keyed by column name, straight from the connection.

    For the per-page lookups: ``Database.query`` wraps each statement in a savepoint, which
    costs more than the indexed lookup itself.
    """
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


class ArchiveError(ValueError):
    """A file that is not a bantin archive (corrupt, or another program's database); one line."""


def check_archive(path: str | Path) -> None:
    """Raise :class:`ArchiveError` unless ``path`` is absent (in a folder that exists), empty, or
    a bantin archive.

    Read-only: a corrupt file or another program's SQLite database is left as it was found.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ArchiveError(f"cannot make an archive at {path}: the folder {path.parent} does not exist")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error as error:
        raise ArchiveError(f"{path} is not a bantin archive: {error}") from None
    if tables and ARCHIVE_MARK not in tables:
        listed = ", ".join(sorted(tables)[:5])
        raise ArchiveError(f"{path} is another program's database (tables: {listed}), not a bantin "
                           "archive: give a new file name or an archive bantin made")


def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the archive at ``path`` in WAL mode with the schema in place;
    :class:`ArchiveError` for a corrupt file or another program's database."""
    check_archive(path)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    # WAL with synchronous=NORMAL: a crash of the process (even SIGKILL) loses nothing committed;
    # only a power loss may drop the last transactions, never corrupt the file.
    db.execute("PRAGMA synchronous = NORMAL")
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
    ensure_search_index(db)
    fill_facet_keys(db)
    ensure_people(db)
    for name, sql in VIEWS.items():
        wanted = f"CREATE VIEW {name} AS {' '.join(sql.split())}"
        if _view_sql(db, name) != wanted:
            with db.atomic():
                db.execute(f"drop view if exists {name}")
                db.execute(wanted)


def _view_sql(db: sqlite_utils.Database, name: str) -> str | None:
    """The ``create view`` statement of a view, or ``None`` when there is none."""
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
    return row[0] if row else None
