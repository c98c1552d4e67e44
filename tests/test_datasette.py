"""The archive published with Datasette itself: search, facets, order, CSV export, metadata."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from datasette.app import Datasette

from datasette_bantin.metadata import datasette_metadata
from sampleportal.content import SITE_KEYS, load_site

SEED_TITLE = next(a["title"] for a in load_site("hoankiem").articles if a["key"] == "hk-seed")


@pytest.fixture(scope="module")
def datasette(crawled):
    return Datasette([str(crawled["db"])], metadata=datasette_metadata(crawled["db"]))


def get(datasette, path: str):
    """GET a path through Datasette's own client (the full ASGI app, no network)."""
    return asyncio.run(datasette.client.get(path))


def titles(datasette, query: str) -> list[str]:
    response = get(datasette, f"/archive/articles.json?_search={query}&_shape=objects&_size=max")
    assert 200 == response.status_code
    return [row["title"] for row in response.json()["rows"]]


@pytest.mark.parametrize("query", ["dinh+hong+phong", "%C4%90inh+H%E1%BB%93ng+Phong", "tuyen+giao"])
def test_search_finds_the_seed_with_or_without_diacritics(datasette, query):
    assert SEED_TITLE in titles(datasette, query)


def test_search_is_not_a_match_everything(datasette):
    found = titles(datasette, "dinh+hong+phong")
    assert 0 < len(found) < 10
    assert [] == titles(datasette, "xyzzyqua")


def test_default_facets_and_newest_first(datasette):
    data = get(datasette, "/archive/articles.json?_shape=objects&_size=100&_extra=facet_results").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    expected_facets = {"site", "category", "published_year", "published_month", "source", "has_views",
                       "state"}
    assert expected_facets <= set(facets)
    sites = {item["value"]: item["count"] for item in facets["site"]["results"]}
    expected = {f"sample-{key}": len(load_site(key).articles) for key in SITE_KEYS}
    expected["sample-longbien"] += 1  # the district article it shows from another group
    assert expected == sites
    published = [row["published_at"] for row in data["rows"]]
    assert published == sorted(published, reverse=True)


def test_author_facet_is_default_only_while_the_archive_is_small(crawled):
    small = datasette_metadata(crawled["db"])["databases"]["archive"]["tables"]["articles"]["facets"]
    large = datasette_metadata(crawled["db"], array_facet_max_rows=10)
    assert {"array": "author_names"} in small
    assert [f for f in small if f != {"array": "author_names"}] == \
        large["databases"]["archive"]["tables"]["articles"]["facets"]


def test_whole_articles_table_downloads_as_csv(datasette, crawled):
    import sqlite3

    response = get(datasette, "/archive/articles.csv?_stream=on")
    assert 200 == response.status_code
    rows = list(csv.DictReader(io.StringIO(response.text)))
    total = sqlite3.connect(crawled["db"]).execute("select count(*) from articles").fetchone()[0]
    assert total == len(rows)
    assert SEED_TITLE in {row["title"] for row in rows}


def test_tables_and_columns_are_described(datasette):
    data = get(datasette, "/-/metadata.json").json()
    tables = data["databases"]["archive"]["tables"]
    described = ("articles", "images", "authors", "attachments", "page_failures", "view_counts",
                 "article_versions", "captures", "crawl_runs", "site_status")
    for table in described:
        assert tables[table]["description"]
        assert tables[table]["columns"]
    for table in described:
        columns = get(datasette, f"/archive/{table}.json?_size=0").json()["columns"]
        assert set(columns) - {"id", "rowid"} <= set(tables[table]["columns"]), table
    assert data["license"] and data["source"]


def test_search_table_is_hidden_from_the_index(datasette):
    data = get(datasette, "/archive.json").json()
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert "articles_fts" not in visible
    assert {"articles", "images", "authors", "attachments", "page_failures"} <= visible
