"""Politeness over real HTTP: robots.txt Crawl-delay, retries with backoff, a page cap; and the
incremental fetch plan's decisions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from crawler.spiders.plan import FetchPlan
from helpers import FAST, run_bantin
from sampleportal.server import SamplePortal
from sampleportal.timeline import Timeline

NOW = datetime(2026, 1, 10, tzinfo=UTC)


def ago(**delta) -> str:
    return (NOW - timedelta(**delta)).isoformat()


@pytest.mark.parametrize(("mode", "state", "url", "wanted"), [
    ("incremental", {}, None, True),
    ("incremental", {"a": {"published_at": ago(days=300), "fetched_at": ago(days=2)}}, None, False),
    ("incremental", {"a": {"published_at": ago(days=2), "fetched_at": ago(days=1)}}, None, True),
    ("incremental", {"a": {"published_at": ago(days=2), "fetched_at": ago(hours=1)}}, None, False),
    ("incremental", {}, "http://x/failed", False),
    ("full", {"a": {"published_at": ago(days=300), "fetched_at": ago(hours=1)}}, None, True),
    ("full", {}, "http://x/failed", True),
])
def test_fetch_plan_wants(mode, state, url, wanted):
    plan = FetchPlan(mode=mode, state=state, failed_urls={"http://x/failed"}, now=NOW)
    assert wanted == plan.wanted("a", url)


def test_fetch_plan_stops_paging_only_on_completely_crawled_sites():
    plan = FetchPlan(stop_after_known=3, complete_sites={"hk"}, now=NOW)
    assert plan.keep_paging("hk", 2) and not plan.keep_paging("hk", 3)
    assert plan.keep_paging("lb", 30)
    assert FetchPlan(mode="full", complete_sites={"hk"}).keep_paging("hk", 30)


def test_fetch_plan_stops_paging_at_a_listing_page_unchanged_since_the_last_run():
    plan = FetchPlan(stop_after_known=10, complete_sites={"hk"}, now=NOW)
    assert not plan.keep_paging("hk", 5, unchanged=True) and plan.keep_paging("hk", 5)
    assert plan.keep_paging("lb", 5, unchanged=True)
    assert FetchPlan(mode="full", complete_sites={"hk"}).keep_paging("hk", 5, unchanged=True)


def test_fetch_plan_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be one of"):
        FetchPlan(mode="sometimes")


def test_robots_crawl_delay_spaces_the_requests(tmp_path):
    with SamplePortal(crawl_delays={"badinh": 0.4}) as portal:
        start = portal.url("badinh") + "/tin-tuc-su-kien"
        result = run_bantin("crawl", "--start-url", start, "--db", str(tmp_path / "a.db"), *FAST,
                            "-s", "CLOSESPIDER_PAGECOUNT=6")
        assert 0 == result.returncode, result.stderr[-2000:]
        times = [hit.at for hit in portal.hits if hit.site == "badinh"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times[1:])]
    assert len(gaps) >= 3
    assert min(gaps) >= 0.35


def test_server_errors_are_retried_with_backoff(tmp_path):
    with SamplePortal() as portal:
        portal.fail("caugiay", "/xay-dung-dang", times=2)
        start = portal.url("caugiay") + "/xay-dung-dang"
        result = run_bantin("crawl", "--start-url", start, "--db", str(tmp_path / "a.db"), *FAST,
                            "-s", "BANTIN_RETRY_BACKOFF_BASE=0.3", "-s", "CLOSESPIDER_PAGECOUNT=4")
        assert 0 == result.returncode, result.stderr[-2000:]
        tries = [hit for hit in portal.hits if hit.target == "/xay-dung-dang"]
    assert [503, 503, 200] == [hit.status for hit in tries]
    first_wait, second_wait = tries[1].at - tries[0].at, tries[2].at - tries[1].at
    assert first_wait >= 0.3 and second_wait >= 0.6


def test_retry_after_is_honoured(tmp_path):
    with SamplePortal() as portal:
        portal.fail("caugiay", "/xay-dung-dang", times=1, retry_after=1)
        start = portal.url("caugiay") + "/xay-dung-dang"
        result = run_bantin("crawl", "--start-url", start, "--db", str(tmp_path / "a.db"), *FAST,
                            "-s", "BANTIN_RETRY_BACKOFF_BASE=0.1", "-s", "CLOSESPIDER_PAGECOUNT=3")
        assert 0 == result.returncode, result.stderr[-2000:]
        tries = [hit for hit in portal.hits if hit.target == "/xay-dung-dang"]
    assert [503, 200] == [hit.status for hit in tries]
    assert tries[1].at - tries[0].at >= 1.0


def test_pages_per_run_are_capped(tmp_path):
    import sqlite3

    db = tmp_path / "a.db"
    with SamplePortal(timeline=Timeline(copies=5)) as portal:  # 67 pages from this start page
        start = portal.url("hoankiem") + "/thong-tin-hoat-dong-dang"
        result = run_bantin("crawl", "--start-url", start, "--db", str(db), *FAST,
                            "-s", "CLOSESPIDER_PAGECOUNT=5")
        assert 0 == result.returncode, result.stderr[-2000:]
        fetched = [hit for hit in portal.hits if hit.site == "hoankiem"]
    # the cap, plus robots.txt and the requests already handed to the downloader when the cap is
    # reached, which Scrapy still fetches (at most CONCURRENT_REQUESTS, 16)
    assert len(fetched) <= 5 + 1 + 16
    outcome = sqlite3.connect(db).execute("select outcome from crawl_runs").fetchone()[0]
    assert "closespider_pagecount" == outcome


def test_a_crawl_opens_no_listening_port(tmp_path):
    state = tmp_path / "state"  # where Scrapy's remote control would leave its job file
    with SamplePortal() as portal:
        start = portal.url("badinh") + "/tin-tuc-su-kien"
        result = run_bantin("crawl", "--start-url", start, "--db", str(tmp_path / "a.db"), *FAST,
                            "-s", "LOG_LEVEL=INFO", "-s", "CLOSESPIDER_PAGECOUNT=2",
                            env={"XDG_STATE_HOME": str(state)})
    assert 0 == result.returncode, result.stderr[-2000:]
    assert "Spider opened" in result.stderr
    assert "listening" not in result.stderr.lower()
    assert not state.exists()


def test_a_refusal_is_not_retried_only_where_it_says_the_host_is_gone():
    from scrapy import Request
    from scrapy.exceptions import DownloadConnectionRefusedError, DownloadTimeoutError

    from crawler.politeness import host_is_gone

    dead: set[str] = set()
    refused = DownloadConnectionRefusedError("Connection was refused by other side")
    article = Request("http://phuong.example.vn/tin-tuc/-/asset_publisher/a/content/b")
    assert not host_is_gone(article, refused, dead)  # a live portal restarting: retried
    start = Request("http://phuong.example.vn/", meta={"start": True})
    assert host_is_gone(start, refused, dead)
    assert host_is_gone(article, refused, dead)  # its host did not answer its start page
    assert not host_is_gone(article, DownloadTimeoutError("took too long"), dead)
    assert host_is_gone(Request("http://xa.example.vn/robots.txt"), refused, dead)
    assert {"phuong.example.vn", "xa.example.vn"} == dead
