"""The ``captures`` table: one row per fetch, pointing into the WARC files that hold it."""

from __future__ import annotations

import sqlite_utils

from pipelines.storage.schema import fetch_rows

CAPTURE_FIELDS = ("url", "site", "status", "fetched_at", "record_type", "digest", "content_digest",
                  "warc_file", "offset", "length", "refers_to", "origin", "run_id", "error")


INSERT_CAPTURE = (f"insert into captures ({', '.join(CAPTURE_FIELDS)}) "
                  f"values ({', '.join('?' for _ in CAPTURE_FIELDS)})")


def add_capture(db: sqlite_utils.Database, capture: dict) -> int:
    """Index one WARC record (a dict with :data:`CAPTURE_FIELDS`) and commit; return its id."""
    with db.atomic():
        cursor = db.execute(INSERT_CAPTURE, [capture.get(k) for k in CAPTURE_FIELDS])
    return cursor.lastrowid


def capture_with_content(db: sqlite_utils.Database, content_digest: str, status: int) -> dict | None:
    """The newest full capture, of any URL, whose content digest and status match."""
    rows = fetch_rows(db,
        "select * from captures where content_digest = ? and status = ? and record_type = 'response' "
        "order by fetched_at desc, id desc limit 1", [content_digest, status])
    return rows[0] if rows else None


def payload_capture(db: sqlite_utils.Database, capture: dict) -> dict:
    """The capture holding the payload: ``capture`` itself, or the one a revisit refers to."""
    while capture["record_type"] == "revisit" and capture["refers_to"]:
        capture = fetch_rows(db, "select * from captures where id = ?", [capture["refers_to"]])[0]
    return capture


# The rows that name a file by URL, and the column holding it.
FILE_ROWS = (("images", "src"), ("attachments", "url"))


def holds_capture(db: sqlite_utils.Database, url: str, origin: str, fetched_at: str,
                  digest: str | None) -> bool:
    """Whether the archive holds a capture of ``url`` from ``origin`` at ``fetched_at`` (ISO 8601),
    or any capture of ``url`` with the payload ``digest``."""
    return db.execute("select 1 from captures where url = ? and ((origin = ? and fetched_at = ?) "
                      "or digest = ?) limit 1", [url, origin, fetched_at, digest]).fetchone() is not None


def link_files(db: sqlite_utils.Database, article_id: str) -> None:
    """Point an article's images and attachments at the newest capture of their URL that
    answered 200 (crawled, imported or recovered), if the archive holds one."""
    for table, column in FILE_ROWS:
        db.execute(f"""update {table} set capture_id = (
                         select c.id from captures c where c.url = {table}.{column} and c.status = 200
                         order by c.fetched_at desc, c.id desc limit 1)
                       where article_id = ?""", [article_id])


def link_file(db: sqlite_utils.Database, url: str, capture_id: int) -> int:
    """Point every image and attachment row naming ``url`` at ``capture_id`` (a capture of that
    file just kept) and commit; returns how many rows now point at it."""
    linked = 0
    with db.atomic():
        for table, column in FILE_ROWS:
            linked += db.execute(f"update {table} set capture_id = ? where {column} = ?",
                                 [capture_id, url]).rowcount
    return linked


def kept_file_urls(db: sqlite_utils.Database) -> set[str]:
    """URLs of the images and attachments whose file the archive holds (rows with a capture)."""
    return {row[0] for table, column in FILE_ROWS for row in db.execute(
        f"select distinct {column} from {table} where capture_id is not null")}


def article_captures(db: sqlite_utils.Database) -> list[dict]:
    """The newest successful capture of every URL, oldest first (the order to re-read them in)."""
    sql = """
        select * from captures c where status = 200 and id = (
          select id from captures d where d.url = c.url and d.status = 200
          order by d.fetched_at desc, d.id desc limit 1)
        order by fetched_at, id
    """
    return list(db.query(sql))


# The capture holding a revisit's payload (same payload digest), for ``resolve_revisits``.
ORIGINAL = ("select original.id from captures original where original.digest = captures.digest "
            "and original.record_type != 'revisit'")
EARLIEST = "order by original.fetched_at, original.id limit 1"


def resolve_revisits(db: sqlite_utils.Database) -> int:
    """Point each imported revisit at the capture holding its payload: the one with the same
    payload digest, of the same URL if there is one, else of any URL (URI-agnostic revisits);
    from any imported file or crawl. Returns how many revisits are still without one."""
    with db.atomic():
        db.execute(f"""update captures set refers_to = coalesce(
                         ({ORIGINAL} and original.url = captures.url {EARLIEST}), ({ORIGINAL} {EARLIEST}))
                       where record_type = 'revisit' and refers_to is null and digest is not null""")
    return db.execute("select count(*) from captures where record_type = 'revisit' "
                      "and refers_to is null").fetchone()[0]
