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


def article_captures(db: sqlite_utils.Database) -> list[dict]:
    """The newest successful capture of every URL, oldest first (the order to re-read them in)."""
    sql = """
        select * from captures c where status = 200 and id = (
          select id from captures d where d.url = c.url and d.status = 200
          order by d.fetched_at desc, d.id desc limit 1)
        order by fetched_at, id
    """
    return list(db.query(sql))


def resolve_revisits(db: sqlite_utils.Database) -> int:
    """Point each imported revisit at the capture holding its payload: the one with the same
    payload digest, of the same URL if there is one, else of any URL (URI-agnostic revisits);
    from any imported file or crawl. Returns how many revisits are still without one."""
    unresolved = db.execute("select id, url, digest from captures where record_type = 'revisit' "
                            "and refers_to is null").fetchall()
    left = 0
    with db.atomic():
        for revisit_id, url, digest in unresolved:
            original = db.execute(
                "select id from captures where digest = ? and record_type != 'revisit' "
                "order by url = ? desc, fetched_at, id limit 1", [digest, url]).fetchone() if digest else None
            if original is None:
                left += 1
                continue
            db.execute("update captures set refers_to = ? where id = ?", [original[0], revisit_id])
    return left
