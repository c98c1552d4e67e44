"""A bad day: a portal that fails in every way; the crawl finishes within its budget, records each
fault with its reason, invents nothing and loses nothing."""

from __future__ import annotations

import json
import time

import pytest

from helpers import rows, run_bantin
from hostile import ARTICLE, TITLES, HostilePortal

# The timeout leaves a loaded machine time to receive the large pages; only the hanging page meets it.
LIMITS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=5",
          "-s", "RETRY_TIMES=1", "-s", "BANTIN_RETRY_BACKOFF_BASE=0.1", "-s", "BANTIN_RETRY_BACKOFF_MAX=2",
          "-s", "DOWNLOAD_MAXSIZE=2000000",
          "-s", "DOWNLOAD_WARNSIZE=1000000", "-s", "CLOSESPIDER_PAGECOUNT=300",
          "-s", "BANTIN_MAX_LISTING_PAGES=50", "-s", "LOG_LEVEL=WARNING"]
# fault -> the failure kind it must leave in page_failures
EXPECTED_KINDS = {
    "loi-500": "http_500", "loi-503": "http_503", "ket-noi-dat": "connection", "treo": "timeout",
    "cat-cut": "truncated", "nhi-phan": "binary", "trang-lon": "too_large", "bom-gzip": "too_large",
    "vong-lap": "redirect_loop", "sang-host-khac": "offsite", "khong-tieu-de": "no_title",
    "khong-ngay": "no_date", "ngay-hong": "no_date",
}


@pytest.fixture(scope="module")
def bad_day(tmp_path_factory):
    """Two crawls of the hostile portal; between them an archived article turns into an error page."""
    folder = tmp_path_factory.mktemp("faults")
    db = folder / "archive.db"
    with HostilePortal() as portal:
        runs = []
        for flip in (False, True):
            if flip:
                portal.flip()
            started = time.monotonic()
            result = run_bantin("crawl", "--start-url", portal.url + "/tin-tuc", "--db", str(db),
                                "--full", *LIMITS)
            runs.append({"result": result, "seconds": time.monotonic() - started})
        yield {"db": db, "runs": runs, "portal": portal}


def fault_of(url: str) -> str:
    return url.split(ARTICLE, 1)[-1].split("?")[0]


def test_every_crawl_finishes_within_its_budget(bad_day):
    for run in bad_day["runs"]:
        assert 0 == run["result"].returncode, run["result"].stderr[-2000:]
        assert run["seconds"] < 90
    hostile_hits = [path for name, path in bad_day["portal"].hits if name == "hostile"]
    assert len(hostile_hits) < 2 * 300


def test_each_fault_is_recorded_with_its_reason(bad_day):
    failures = {fault_of(r["url"]): r for r in rows(bad_day["db"], "select * from page_failures")}
    assert EXPECTED_KINDS == {fault: failures[fault]["kind"] for fault in EXPECTED_KINDS}
    reasons = [failures[fault]["reason"] for fault in EXPECTED_KINDS]
    assert all(reason and "\n" not in reason for reason in reasons)
    errors = set()
    for run in rows(bad_day["db"], "select errors from crawl_runs order by id"):
        errors |= set(json.loads(run["errors"]))
    assert set(EXPECTED_KINDS.values()) <= errors


def test_failed_fetches_are_in_the_captures_index(bad_day):
    sql = "select url from captures where record_type = 'error'"
    errors = {fault_of(r["url"]) for r in rows(bad_day["db"], sql)}
    assert {"ket-noi-dat", "treo", "cat-cut"} <= errors
    captures = rows(bad_day["db"], "select url, status from captures")
    statuses = {fault_of(r["url"]): r["status"] for r in captures}
    assert statuses["loi-503"] == 503 and statuses["loi-500"] == 500


def test_good_pages_are_archived_whatever_their_charset_label_or_markup(bad_day):
    archived = rows(bad_day["db"], "select url_title, title from articles")
    titles = {r["url_title"]: r["title"] for r in archived}
    assert TITLES == titles
    bodies = [r["body"] for r in rows(bad_day["db"], "select body from articles")]
    assert all("\ufffd" not in body and "Nguyễn Văn Bình" in body for body in bodies)


def test_nothing_is_invented_for_broken_pages(bad_day):
    archived = {r["url_title"] for r in rows(bad_day["db"], "select url_title from articles")}
    assert archived.isdisjoint(EXPECTED_KINDS)
    assert [] == rows(bad_day["db"], "select id from articles where published_at is null or title is null")


def test_an_article_turned_error_page_keeps_its_archived_version(bad_day):
    row = rows(bad_day["db"], "select * from articles where url_title = 'doi-thanh-loi'")[0]
    assert TITLES["doi-thanh-loi"] == row["title"] and row["gone_at"] is None
    failure = rows(bad_day["db"], "select kind from page_failures where url like '%doi-thanh-loi'")
    assert [{"kind": "error_page"}] == failure


def test_redirects_never_lead_to_another_host(bad_day):
    assert [] == [path for name, path in bad_day["portal"].hits if name == "bystander"]


def test_paging_loops_and_calendar_traps_end(bad_day):
    hits = [path for name, path in bad_day["portal"].hits if name == "hostile"]
    listing = [path for path in hits if "_cur=" in path]
    calendar = [path for path in hits if path.startswith("/lich")]
    assert len(listing) <= 2 * 2  # page 2 (a repeat of page 1) is read once per run, then paging stops
    assert calendar == []  # not a listing of this site: never followed
