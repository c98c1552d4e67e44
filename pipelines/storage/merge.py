"""Folding a shard archive (one Scrapyd job's archive) into the main archive.

The rules are those of a single crawl: an article the archive lacks, or one the shard fetched
later than the archive did, is saved through :func:`save_articles` as the crawler's record
(versions, the quality and worse-extraction rules, people, mentions and the full-text index
apply); the shard's own history of it is then united with the archive's by time: when it was
first seen, its earlier versions, its view counts, and a gone mark newer than the archived
fetch. Captures are copied with their WARC paths rewritten (``warc_file`` gets the folder the
shard's WARC files are copied to) and their ids remapped (``refers_to``, ``capture_id``); crawl
runs are copied once each. A shard merged with the same fingerprint is skipped, and every step
skips what is already there, so merging a shard twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator

import sqlite_utils

from pipelines.storage.articles import mark_gone, save_articles
from pipelines.storage.captures import CAPTURE_FIELDS, INSERT_CAPTURE
from pipelines.storage.schema import FTS_TABLE, fetch_rows

MERGE_TABLES = {
    "merged_shards": {"columns": {"shard": str, "path": str, "fingerprint": str, "merged_at": str,
                                  "articles": int, "captures": int, "runs": str}, "pk": "shard"},
    "shard_runs": {"columns": {"shard": str, "shard_run_id": int, "run_id": int},
                   "pk": ("shard", "shard_run_id")},
}
RUN_COLUMNS = ("sites", "mode", "started_at", "finished_at", "pages_fetched", "articles_new",
               "articles_changed", "articles_unchanged", "articles_gone", "errors", "outcome", "pid",
               "files_kept", "files_bytes", "files_skipped")


class ShardError(ValueError):
    """A shard archive that cannot be read; the message is one line naming it."""


def open_shard(path) -> sqlite3.Connection:
    """A read-only connection to a shard archive; :class:`ShardError` if it is not one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        conn.execute("select count(*) from articles").fetchone()
    except sqlite3.Error as error:
        raise ShardError(f"cannot read shard {path}: {error}") from None
    if not {"articles", "captures", "crawl_runs"} <= tables:
        conn.close()
        raise ShardError(f"cannot read shard {path}: not a bantin archive")
    return conn


def shard_fingerprint(shard: sqlite3.Connection) -> str:
    """What identifies a shard's content: its runs (with their outcomes and counts), the last
    capture and the last article fetch. A run that went on since changes it."""
    queries = ("select id, finished_at, outcome, pages_fetched from crawl_runs order by id",
               "select max(id), count(*) from captures",
               "select max(fetched_at), count(*) from articles",
               "select max(fetched_at), count(*) from page_failures")
    parts = [json.dumps([list(row) for row in shard.execute(sql)]) for sql in queries]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def ensure_merge_tables(db: sqlite_utils.Database) -> None:
    """Create the tables that remember merged shards (idempotent)."""
    for name, spec in MERGE_TABLES.items():
        db.table(name).create(spec["columns"], pk=spec["pk"], if_not_exists=True)


def merged_fingerprint(db: sqlite_utils.Database, shard_name: str) -> str | None:
    """The fingerprint the shard had when last merged, or ``None``."""
    row = db.execute("select fingerprint from merged_shards where shard = ?", [shard_name]).fetchone()
    return row[0] if row else None


def record_merged(db: sqlite_utils.Database, shard_name: str, path: str, fingerprint: str,
                  merged_at: str, counts: Counter, runs: dict[int, int]) -> None:
    """Remember that ``shard_name`` was merged with ``fingerprint``."""
    db.table("merged_shards").upsert({
        "shard": shard_name, "path": path, "fingerprint": fingerprint, "merged_at": merged_at,
        "articles": counts["articles"], "captures": counts["captures"],
        "runs": json.dumps(sorted(runs.values()))}, pk="shard")


def merge_runs(db: sqlite_utils.Database, shard: sqlite3.Connection, shard_name: str) -> dict[int, int]:
    """Copy the shard's crawl runs (a run merged before is updated: it may have finished since);
    return ``{shard run id: archive run id}``."""
    mapping = {}
    for run in map(dict, shard.execute("select * from crawl_runs order by id")):
        values = {column: run[column] for column in RUN_COLUMNS if column in run}
        known = db.execute("select run_id from shard_runs where shard = ? and shard_run_id = ?",
                           [shard_name, run["id"]]).fetchone()
        if known:
            db.table("crawl_runs").update(known[0], values)
            mapping[run["id"]] = known[0]
            continue
        run_id = db.table("crawl_runs").insert(values).last_pk
        db.table("shard_runs").insert({"shard": shard_name, "shard_run_id": run["id"], "run_id": run_id})
        mapping[run["id"]] = run_id
    return mapping


def merge_captures(db: sqlite_utils.Database, shard: sqlite3.Connection, runs: dict[int, int],
                   location: Callable[[str], str]) -> tuple[dict[int, int], int]:
    """Copy the shard's captures the archive lacks, ``warc_file`` rewritten by ``location`` and
    ``refers_to``/``run_id`` remapped; return ``({shard capture id: archive id}, copied)``."""
    mapping: dict[int, int] = {}
    copied = 0
    for capture in shard.execute("select * from captures order by id"):
        row = {field: capture[field] for field in CAPTURE_FIELDS}
        row["warc_file"] = location(row["warc_file"]) if row["warc_file"] else None
        row["run_id"] = runs.get(row["run_id"])
        row["refers_to"] = mapping.get(row["refers_to"]) if row["refers_to"] else None
        existing = _same_capture(db, row)
        if existing is None:
            existing = db.execute(INSERT_CAPTURE, [row[k] for k in CAPTURE_FIELDS]).lastrowid
            copied += 1
        mapping[capture["id"]] = existing
    return mapping, copied


def _same_capture(db: sqlite_utils.Database, row: dict) -> int | None:
    """The archive's id of this capture (same WARC record, or the same failed fetch)."""
    if row["warc_file"]:
        found = db.execute("select id from captures where warc_file = ? and offset = ?",
                           [row["warc_file"], row["offset"]]).fetchone()
    else:
        found = db.execute("select id from captures where url = ? and fetched_at = ? and "
                           "warc_file is null and coalesce(error, '') = coalesce(?, '')",
                           [row["url"], row["fetched_at"], row["error"]]).fetchone()
    return found[0] if found else None


def merge_articles(db: sqlite_utils.Database, shard: sqlite3.Connection, captures: dict[int, int],
                   batch: int = 500) -> Iterator[str]:
    """Fold the shard's articles in (see the module docstring); yield each one's outcome
    (``new``, ``updated``, ``older``, ``same``) as it is done, for progress. New and later
    fetches go through :func:`save_articles` in batches, so people, mentions and the full-text
    index are kept as a crawl keeps them."""
    queued: list[tuple[dict, bool]] = []
    for article in shard.execute("select * from articles order by fetched_at, id"):
        row = dict(article)
        if row.get("capture_id") is not None:
            row["capture_id"] = captures.get(row["capture_id"])
        existing = fetch_rows(db, "select fetched_at from articles where id = ?", [row["id"]])
        if not existing or (row["fetched_at"] or "") > (existing[0]["fetched_at"] or ""):
            queued.append((row, not existing))
            if len(queued) >= batch:
                yield from _save_queued(db, shard, queued, captures)
                queued = []
            continue
        _unite_history(db, shard, row, captures)
        yield "same" if row["fetched_at"] == existing[0]["fetched_at"] else "older"
    yield from _save_queued(db, shard, queued, captures)


def _save_queued(db, shard, queued: list[tuple[dict, bool]], captures: dict[int, int]) -> Iterator[str]:
    """Save queued articles as a crawl would, then keep what the shard knew before the archive
    did: when each was first seen, its earlier versions, view counts and gone mark."""
    if not queued:
        return
    save_articles(db, [_record(shard, row) for row, _ in queued])
    for row, new in queued:
        if new:
            db.execute("update articles set first_seen_at = ? where id = ?",
                       [row["first_seen_at"], row["id"]])
        _unite_history(db, shard, row, captures)
        yield "new" if new else "updated"


def _unite_history(db, shard, row: dict, captures: dict[int, int]) -> None:
    """Add the shard's view counts and versions of an article that the archive lacks (a version
    is the same when its ``replaced_at`` is; it is numbered after the archive's), and its gone
    mark when it is newer than the archive's fetch."""
    article_id = row["id"]
    db.conn.executemany(
        "insert or ignore into view_counts (article_id, observed_at, views, url) values (?, ?, ?, ?)",
        [tuple(r) for r in shard.execute("select article_id, observed_at, views, url from view_counts "
                                         "where article_id = ?", [article_id])])
    seen = {r[0] for r in db.execute("select replaced_at from article_versions where article_id = ?",
                                     [article_id])}
    number = db.execute("select coalesce(max(version), 0) from article_versions where article_id = ?",
                        [article_id]).fetchone()[0]
    for version in shard.execute("select * from article_versions where article_id = ? order by version",
                                 [article_id]):
        if version["replaced_at"] in seen:
            continue
        number += 1
        values = {**dict(version), "version": number}
        values["capture_id"] = captures.get(values["capture_id"]) if values.get("capture_id") else None
        _insert_known_columns(db, "article_versions", [values])
        db.execute("update articles set state = 'edited' where id = ? and state = 'current'", [article_id])
    fetched_at = db.execute("select fetched_at from articles where id = ?", [article_id]).fetchone()[0]
    if row.get("gone_at") and row["gone_at"] > (fetched_at or ""):
        mark_gone(db, article_id, row["gone_reason"], row["gone_at"])


def _insert_known_columns(db, table: str, rows: list[dict], ignore: bool = False) -> None:
    """Insert rows, keeping the columns the archive's table has."""
    if not rows:
        return
    known = set(db.table(table).columns_dict)
    columns = [c for c in rows[0] if c in known]
    verb = "insert or ignore" if ignore else "insert"
    marks = ", ".join("?" * len(columns))
    db.conn.executemany(f"{verb} into {table} ({', '.join(columns)}) values ({marks})",
                        [[row[c] for c in columns] for row in rows])


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() \
        is not None


def _record(shard: sqlite3.Connection, row: dict) -> dict:
    """The article as the crawler's record (``Article.to_dict()`` shape), from the shard's rows."""
    article_id = row["id"]
    images = [{"src": r["src"], "caption": r["caption"], "alt": r["alt"]} for r in shard.execute(
        "select src, caption, alt from images where article_id = ? order by position", [article_id])]
    roles: dict[str, list[str]] = {}
    for r in shard.execute("select name, role from authors where article_id = ?", [article_id]):
        roles.setdefault(r["name"], []).append(r["role"])
    attachments = [{"url": r["url"], "label": r["label"]} for r in shard.execute(
        "select url, label from attachments where article_id = ? order by position", [article_id])]
    mentions = []
    if _has_table(shard, "mentions"):
        mentions = [{"person_id": r["person_id"], "name": r["name"], "position": r["position"],
                     "found_in": r["found_in"]} for r in shard.execute(
            "select mentions.*, people.name from mentions join people on people.id = mentions.person_id "
            "where article_id = ?", [article_id])]
    return {**row, "images": images, "authors": [{"name": n, "roles": r} for n, r in roles.items()],
            "attachments": attachments, "mentions": mentions}


def merge_failures(db: sqlite_utils.Database, shard: sqlite3.Connection) -> int:
    """Copy the shard's page failures that are newer than the archive's for the same URL."""
    rows = [dict(r) for r in shard.execute("select * from page_failures")]
    newer = [r for r in rows if (r["fetched_at"] or "") > (_failure_time(db, r["url"]) or "")]
    if newer:
        db.table("page_failures").upsert_all(newer, pk="url")
    return len(newer)


def _failure_time(db, url: str) -> str | None:
    row = db.execute("select fetched_at from page_failures where url = ?", [url]).fetchone()
    return row[0] if row else ""


def merge_sites(db: sqlite_utils.Database, shard: sqlite3.Connection) -> None:
    """Copy the shard's site configurations and each site's newest status (``state_since`` the
    earliest time the state was seen, as one crawl after another would have kept it)."""
    sites = [dict(r) for r in shard.execute("select * from sites")]
    if sites:
        db.table("sites").upsert_all(sites, pk="name")
    for status in shard.execute("select * from site_status"):
        status = dict(status)
        archived = fetch_rows(db, "select * from site_status where site = ?", [status["site"]])
        if archived and archived[0]["checked_at"] >= status["checked_at"]:
            continue
        if archived and archived[0]["state"] == status["state"]:
            status["state_since"] = min(archived[0]["state_since"], status["state_since"])
        db.table("site_status").upsert(status, pk="site")


def optimize_search(db: sqlite_utils.Database) -> None:
    """Merge the full-text index's segments into one, once, after a merge."""
    if db.execute("select 1 from sqlite_master where name = ?", [FTS_TABLE]).fetchone():
        db.execute(f"insert into {FTS_TABLE} ({FTS_TABLE}) values ('optimize')")
