"""Scheduled crawls over a portal that changes: incremental fetches, versions, gone marks,
view-count series, revisit records, crawl runs and site status."""

from __future__ import annotations

import json

import pytest

from helpers import FAST, free_port, registry_file, rows, run_bantin
from sampleportal.content import load_site
from sampleportal.server import SamplePortal
from sampleportal.timeline import DELETED, EDITED, REDIRECTED, VIEWS_PER_EPOCH, Timeline, future_keys

SITES = ["sample-hoankiem", "sample-longbien"]
STOP_AFTER = ["-s", "BANTIN_STOP_AFTER_KNOWN=3"]




def article(key: str) -> dict:
    return next(a for a in load_site("hoankiem").articles if a["key"] == key)


def article_hits(hits, site="hoankiem") -> list[str]:
    return [h.target for h in hits if h.site == site and "/content/" in h.target]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three crawls: a first one (epoch 0), an incremental one and a full one (epoch 1)."""
    folder = tmp_path_factory.mktemp("history")
    timeline = Timeline(epoch=0)
    with SamplePortal(timeline=timeline) as portal:
        sites = registry_file(portal, folder / "sites.toml")
        db = folder / "archive.db"
        runs = {}

        def crawl(name, *extra):
            start = len(portal.hits)
            result = run_bantin("crawl", *SITES, "--sites", str(sites), "--db", str(db),
                                *FAST, *STOP_AFTER, *extra)
            assert result.returncode == 0, result.stderr[-2000:]
            runs[name] = {"result": result, "hits": portal.hits[start:]}

        crawl("first")
        timeline.epoch = 1
        crawl("incremental")
        crawl("full", "--full")
        crawl("unchanged", "-s", "BANTIN_STOP_AFTER_KNOWN=1000")
        yield {"db": db, "runs": runs, "portal": portal}


def test_incremental_run_fetches_only_the_new_articles(history):
    new = {article(key)["url_title"] for key in future_keys()}
    fetched = {target.rsplit("/", 1)[-1] for target in article_hits(history["runs"]["incremental"]["hits"])}
    assert new == fetched
    assert [] == article_hits(history["runs"]["incremental"]["hits"], "longbien")


def test_incremental_run_stops_paging_after_known_articles(history):
    first = [h.target for h in history["runs"]["first"]["hits"] if "_cur=2" in h.target]
    again = [h.target for h in history["runs"]["incremental"]["hits"] if "_cur=2" in h.target]
    assert first and not again


def test_paging_stops_at_a_listing_page_unchanged_since_the_last_run(history):
    # The known-in-a-row rule cannot stop this run (1,000 in a row); unchanged first pages do.
    full = [h.target for h in history["runs"]["full"]["hits"] if "_cur=" in h.target]
    unchanged = [h.target for h in history["runs"]["unchanged"]["hits"] if "_cur=" in h.target]
    assert full and not unchanged
    assert [] == article_hits(history["runs"]["unchanged"]["hits"])


def test_full_run_visits_every_article(history):
    fetched = article_hits(history["runs"]["full"]["hits"])
    assert len(fetched) >= len(load_site("hoankiem").articles) - 1


def test_an_edit_keeps_the_previous_version(history):
    edited_id = f"sample-hoankiem:{article(EDITED)['url_title']}"
    versions = rows(history["db"], "select * from article_versions where article_id = ?", edited_id)
    assert 1 == len(versions)
    assert "edited" == versions[0]["change"]
    current = rows(history["db"], "select body from articles where id = ?", edited_id)[0]["body"]
    assert versions[0]["body"] in current.replace(" Nội dung bài viết đã được cơ quan soạn thảo"
                                                  " cập nhật, bổ sung số liệu mới nhất.", "")
    assert current != versions[0]["body"]


def test_view_counts_never_make_a_version(history):
    changed = rows(history["db"], "select distinct article_id from article_versions")
    assert [f"sample-hoankiem:{article(EDITED)['url_title']}"] == [r["article_id"] for r in changed]


def test_view_counts_are_a_series(history):
    seed_id = f"sample-hoankiem:{article('hk-seed')['url_title']}"
    series = rows(history["db"], "select views from view_counts where article_id = ? "
                  "order by observed_at", seed_id)
    assert [5, 5 + VIEWS_PER_EPOCH] == [r["views"] for r in series]


def test_deleted_and_redirected_articles_are_marked_gone_not_deleted(history):
    gone = {r["id"]: r["gone_reason"] for r in rows(
        history["db"], "select id, gone_reason from articles where gone_at is not null")}
    deleted = f"sample-hoankiem:{article(DELETED)['url_title']}"
    redirected = f"sample-hoankiem:{article(REDIRECTED)['url_title']}"
    assert {deleted, redirected} == set(gone)
    assert "404" in gone[deleted]
    assert "redirected to" in gone[redirected]


def test_unchanged_pages_are_revisits_despite_rising_view_counts(history):
    longbien = next(a for a in load_site("longbien").articles if a["views"] is not None)
    records = rows(history["db"], "select record_type, refers_to, url from captures "
                   "where url like ? order by id", f"%_101_urlTitle={longbien['url_title']}%")
    assert ["response", "revisit"] == [r["record_type"] for r in records]
    original = rows(history["db"], "select url from captures where id = ?", records[1]["refers_to"])
    assert records[0]["url"] == original[0]["url"]
    series = rows(history["db"], "select views from view_counts where article_id like ? "
                  "order by observed_at", f"sample-longbien:{longbien['url_title']}")
    assert [longbien["views"], longbien["views"] + VIEWS_PER_EPOCH] == [r["views"] for r in series]


def test_every_run_is_recorded(history):
    runs = rows(history["db"], "select * from crawl_runs order by id")
    assert ["incremental", "incremental", "full", "incremental"] == [r["mode"] for r in runs]
    assert {"finished"} == {r["outcome"] for r in runs}
    assert 2 == runs[1]["articles_new"]
    assert (1, 2) == (runs[2]["articles_changed"], runs[2]["articles_gone"])
    assert "http_404" in json.loads(runs[2]["errors"])


def test_a_dead_host_is_recorded_per_site(tmp_path):
    port = free_port()
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[gone-portal]\nhosts = ["127.0.0.1:{port}"]\n'
                     f'start_urls = ["http://127.0.0.1:{port}/tin-tuc"]\n', encoding="utf-8")
    db = tmp_path / "archive.db"
    result = run_bantin("crawl", "gone-portal", "--sites", str(sites), "--db", str(db), *FAST,
                        "-s", "RETRY_TIMES=0")
    assert 1 == result.returncode
    status = rows(db, "select site, state from site_status")
    assert [{"site": "gone-portal", "state": "dead"}] == status
    assert ["failed"] == [r["outcome"] for r in rows(db, "select outcome from crawl_runs")]
