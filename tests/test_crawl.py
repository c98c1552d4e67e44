"""End to end: the real spider over real HTTP against the sample portal, into a real archive."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from crawler.pages.registry import article_id, parse_article_ref
from crawler.urls import normalize_url
from helpers import FAST, PROJECT_ROOT, SAMPLE_SITES, free_port, rows, run_bantin
from sampleportal.content import SITE_KEYS, archive_key, expected_record, load_site
from sampleportal.site import BROKEN_ENTRIES, FOREIGN_ENTRY, is_trap


def expected_ids() -> set[str]:
    """Every article the sample portal publishes, plus the foreign-group copy longbien shows."""
    ids = {f"sample-{key}:{archive_key(load_site(key), a)}"
           for key in SITE_KEYS for a in load_site(key).articles}
    owner = load_site(FOREIGN_ENTRY[2])
    foreign = next(a for a in owner.articles if a["key"] == FOREIGN_ENTRY[3])
    ids.add(f"sample-{FOREIGN_ENTRY[0]}:{foreign['url_title']}:{owner.group_id}")
    return ids




def test_archives_exactly_the_portals_articles(crawled):
    archived = {row["id"] for row in rows(crawled["db"], "select id from articles")}
    assert expected_ids() == archived


def test_every_field_matches_the_portals_content(crawled, portal):
    archived = {row["id"]: row for row in rows(crawled["db"], "select * from articles")}
    for key in SITE_KEYS:
        site = load_site(key)
        for article in site.articles:
            row = archived[f"sample-{key}:{archive_key(site, article)}"]
            expected = expected_record(site, article, portal.url(key))
            scalars = {k: v for k, v in expected.items() if not isinstance(v, list)}
            assert scalars == {k: row[k] for k in scalars}
            assert f"{site.family}/2" == row["extractor"]


def test_relative_dates_resolve_against_the_fetch_time(crawled):
    site = load_site("duongnoi")
    relative = [a for a in site.articles if a["published_relative_hours"] is not None]
    archived = {row["id"]: row for row in rows(crawled["db"], "select * from articles")}
    assert len(relative) == 2
    for article in relative:
        row = archived[f"sample-duongnoi:{archive_key(site, article)}"]
        fetched = datetime.fromisoformat(row["fetched_at"])
        published = datetime.fromisoformat(row["published_at"])
        assert timedelta(hours=article["published_relative_hours"]) == fetched - published
        assert f"{article['published_relative_hours']} giờ trước" == row["published_raw"]


def test_copies_are_linked_to_their_originals_not_counted_twice(crawled):
    linked = {row["id"]: row["duplicate_of"] for row in rows(
        crawled["db"], "select id, duplicate_of from articles where duplicate_of is not null")}
    expected = {}
    for article in load_site("hanoi").articles:
        if article["republishes"]:
            original_site = load_site(article["republishes"]["site"])
            original = next(a for a in original_site.articles if a["key"] == article["republishes"]["key"])
            expected[f"sample-hanoi:{archive_key(load_site('hanoi'), article)}"] = \
                f"sample-{original_site.key}:{archive_key(original_site, original)}"
    seed = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
    expected[f"sample-longbien:{seed['url_title']}:20182"] = f"sample-hoankiem:{seed['url_title']}"
    assert expected == linked
    assert "sample-hanoi: 1 articles (+3 copies of other sites' articles)" in crawled["result"].stdout


def test_sister_host_links_fold_into_the_same_articles(crawled):
    hosts = {hit.host.split(":")[0] for hit in crawled["hits"] if hit.site == "longbien"}
    assert {"127.0.0.1", "localhost"} == hosts
    sql = "select id from articles where site = 'sample-longbien'"
    longbien = [row["id"] for row in rows(crawled["db"], sql)]
    assert len(longbien) == len(set(longbien)) == len(load_site("longbien").articles) + 1


def test_home_page_menus_discover_the_category_pages(crawled):
    tayho = [hit.target for hit in crawled["hits"] if hit.site == "tayho"]
    assert {"/robots.txt", "/"} <= set(tayho)
    assert {f"/{c.key}" for c in load_site("tayho").categories} <= set(tayho)


def test_images_and_authors_are_stored_with_their_article(crawled, portal):
    site = load_site("hoankiem")
    seed = next(a for a in site.articles if a["key"] == "hk-seed")
    article_id = f"sample-hoankiem:{seed['url_title']}"
    images = rows(crawled["db"], "select src, caption, alt from images where article_id = ? "
                  "order by position", article_id)
    authors = rows(crawled["db"], "select name, role from authors where article_id = ? "
                   "order by role", article_id)
    assert expected_record(site, seed, portal.url("hoankiem"))["images"] == images
    assert [{"name": "Kiều Trang", "role": "photo"}, {"name": "Kiều Trang", "role": "text"}] == authors


def test_each_article_is_fetched_once_whatever_its_url_forms(crawled):
    fetched = Counter()
    for hit in crawled["hits"]:
        ref = parse_article_ref("http://x" + hit.target)
        if ref is not None:
            fetched[article_id(hit.site, ref, load_site(hit.site).group_id or None)] += 1
    assert fetched and max(fetched.values()) == 1


def test_never_requests_trap_links(crawled):
    assert [] == [hit.target for hit in crawled["hits"] if is_trap(hit.target)]


def test_follows_pagination_of_every_category(crawled):
    listing_pages = {normalize_url("http://x" + hit.target) for hit in crawled["hits"]
                     if "_cur=" in hit.target}
    assert any(url.endswith("_cur=2") for url in listing_pages)


def test_failed_pages_are_recorded_with_reasons(crawled):
    failures = rows(crawled["db"], "select url, kind, reason from page_failures order by kind")
    kinds = Counter(row["kind"] for row in failures)
    assert {"disallowed": 1, "error_page": 1, "http_404": 1, "no_date": 1} == dict(kinds)
    assert {urlsplit(r["url"]).path.rsplit("/", 1)[1] for r in failures if r["kind"] != "disallowed"} \
        == {entry[2] for entry in BROKEN_ENTRIES}
    assert all(row["reason"] and "\n" not in row["reason"] for row in failures)


def test_closing_summary_counts_articles_and_failures(crawled):
    out = crawled["result"].stdout
    assert f"articles: new {len(expected_ids())}" in out
    assert "failed pages 4 (disallowed 1, error_page 1, http_404 1, no_date 1)" in out


def test_polite_user_agent_and_robots_first(crawled):
    agents = {hit.user_agent for hit in crawled["hits"]}
    assert len(agents) == 1
    assert agents.pop().startswith("bantin/0.1 (+")
    first_per_site = {}
    for hit in crawled["hits"]:
        first_per_site.setdefault(hit.site, hit.target)
    assert {"/robots.txt"} == set(first_per_site.values())


def test_recrawl_adds_no_duplicates(crawled):
    count_sql = ("select (select count(*) from articles) articles, (select count(*) from images) images,"
                 " (select count(*) from authors) authors, (select count(*) from attachments) attachments")
    before = rows(crawled["db"], "select id, url, first_seen_at from articles order by id")
    counts_before = rows(crawled["db"], count_sql)
    result = run_bantin("crawl", *SAMPLE_SITES, "--full", "--sites", str(crawled["sites"]),
                        "--db", str(crawled["db"]), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert before == rows(crawled["db"], "select id, url, first_seen_at from articles order by id")
    assert counts_before == rows(crawled["db"], count_sql)
    assert f"articles: unchanged {len(before)}" in result.stdout


def test_adhoc_start_url_names_the_site_after_its_host(portal, tmp_path):
    start = portal.url("hoankiem") + "/cai-cach-hanh-chinh"
    db = tmp_path / "adhoc.db"
    result = run_bantin("crawl", "--start-url", start, "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    host = urlsplit(start).netloc
    category = [a["url_title"] for a in load_site("hoankiem").articles_in("cai-cach-hanh-chinh")]
    archived = {row["id"] for row in rows(db, "select id from articles")}
    assert {f"{host}:{t}" for t in category} <= archived


def test_scrapy_crawl_command_runs_the_same_spider(crawled, tmp_path):
    scrapy = Path(sys.executable).with_name("scrapy")
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [str(scrapy), "crawl", "portal", "-a", "site=sample-longbien",
         "-a", f"sites_file={crawled['sites']}", "-s", f"BANTIN_DB={db}", *FAST],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    longbien = {i for i in expected_ids() if i.startswith("sample-longbien:")}
    assert longbien == {row["id"] for row in rows(db, "select id from articles")}


def test_asset_entry_id_is_kept_when_a_link_shows_it(crawled):
    longbien = rows(crawled["db"], "select url_title, asset_entry_id from articles "
                    "where site = 'sample-longbien' and group_id is null")
    expected = {a["url_title"]: a["asset_entry_id"] for a in load_site("longbien").articles}
    assert expected == {row["url_title"]: row["asset_entry_id"] for row in longbien}


def test_crawl_that_reaches_nothing_fails_with_one_line(tmp_path):
    closed_port = free_port()
    result = run_bantin("crawl", "--start-url", f"http://127.0.0.1:{closed_port}/tin-tuc",
                        "--db", str(tmp_path / "a.db"), *FAST, "-s", "RETRY_TIMES=0")
    assert 1 == result.returncode
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no page could be fetched")
