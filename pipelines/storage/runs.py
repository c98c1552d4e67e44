"""Crawl runs and the state of each site's hosts, as the archivist sees them."""

from __future__ import annotations

import json

import sqlite_utils

RUNNING = "running"


def start_run(db: sqlite_utils.Database, sites: list[str], mode: str, started_at: str,
              pid: int | None = None) -> int:
    """Record a run as started (outcome ``running``); earlier runs left running are marked killed.

    Returns the run id.
    """
    with db.atomic():
        db.execute("update crawl_runs set outcome = 'killed' where outcome = ?", [RUNNING])
        table = db.table("crawl_runs").insert({
            "sites": json.dumps(sites), "mode": mode, "started_at": started_at,
            "outcome": RUNNING, "pid": pid,
        })
    return table.last_pk


def complete_sites(db: sqlite_utils.Database) -> set[str]:
    """Sites that a run which finished (not killed, capped or failed) has crawled."""
    return {site for row in db.query("select sites from crawl_runs where outcome = 'finished'")
            for site in json.loads(row["sites"])}


def finish_run(db: sqlite_utils.Database, run_id: int, finished_at: str, outcome: str,
               counts: dict[str, int], errors: dict[str, int]) -> None:
    """Record how a run ended: outcome, pages fetched, article counts, files kept (and their
    bytes) and skipped, errors by kind."""
    with db.atomic():
        db.table("crawl_runs").update(run_id, {
            "finished_at": finished_at, "outcome": outcome, "errors": json.dumps(errors),
            **{key: counts.get(key, 0) for key in (
                "pages_fetched", "articles_new", "articles_changed", "articles_unchanged",
                "articles_gone", "files_kept", "files_bytes", "files_skipped")},
        })


def record_site_state(db: sqlite_utils.Database, site: str, host: str, state: str, detail: str,
                      checked_at: str) -> None:
    """Record whether a site's host answered (``alive``), went away (``dead``) or ``redirected``.

    ``state_since`` keeps the time the state was first seen, so the archivist sees when a portal
    went away.
    """
    with db.atomic():
        rows = list(db.query("select state, state_since from site_status where site = ?", [site]))
        since = rows[0]["state_since"] if rows and rows[0]["state"] == state else checked_at
        db.table("site_status").upsert({
            "site": site, "host": host, "state": state, "detail": detail,
            "checked_at": checked_at, "state_since": since,
        }, pk="site")


def save_sites(db: sqlite_utils.Database, sites: list[dict]) -> None:
    """Keep the configuration of crawled sites (``SiteConfig`` fields), for re-extraction."""
    rows = [{**site, "hosts": json.dumps(list(site["hosts"])),
             "start_urls": json.dumps(list(site["start_urls"]))} for site in sites]
    with db.atomic():
        db.table("sites").upsert_all(rows, pk="name")


def load_sites(db: sqlite_utils.Database) -> list[dict]:
    """The site configurations kept by :func:`save_sites`, hosts and start URLs as lists."""
    return [{**row, "hosts": json.loads(row["hosts"]), "start_urls": json.loads(row["start_urls"])}
            for row in db.query("select * from sites")]
