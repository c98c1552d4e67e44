"""The Datasette plugin and metadata on the crawled archive: facets, tables and their
descriptions, canned queries, CSV downloads, article pages and raw captures."""

from __future__ import annotations

import csv
import io
import sqlite3
from urllib.parse import quote

import lxml.html
from datasette.app import Datasette

from datasette_bantin.metadata import datasette_metadata
from helpers import SEED, SEED_ID, SEED_TITLE, get, json_rows
from pipelines import storage
from sampleportal.content import SITE_KEYS, load_site


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


def test_every_article_about_a_person_and_positions_over_time(datasette):
    about = json_rows(datasette, f"/archive/articles_mentioning.json?person={quote('dinh hong phong')}")
    assert SEED["title"] in {row["title"] for row in about}
    positions = json_rows(datasette, f"/archive/positions_of.json?person={quote('Đinh Hồng Phong')}")
    assert "Phó Bí thư Thường trực Quận ủy Hoàn Kiếm" in {row["position"] for row in positions}
    people = json_rows(datasette, "/archive/people_mentioned.json")
    assert any(person["name"] == "Đinh Hồng Phong" for person in people)


def test_offices_and_authors_are_tables_with_counts(datasette, crawled):
    offices = {row["office"]: row["articles"] for row in json_rows(datasette, "/archive/offices.json")}
    db = sqlite3.connect(crawled["db"])
    expected = db.execute("select count(*) from articles where source = 'Ban Tuyên giáo Quận ủy' "
                          "and duplicate_of is null").fetchone()[0]
    assert expected == offices["Ban Tuyên giáo Quận ủy"]
    authors = {row["name"]: row for row in json_rows(datasette, "/archive/author_credits.json")}
    assert {"photo", "text"} == set(authors["Kiều Trang"]["roles"].split(","))


def test_facets_that_make_sense(datasette):
    data = get(datasette, "/archive/articles.json?_extra=facet_results&id=" + quote(SEED_ID)).json()
    facets = data["facet_results"].get("results", data["facet_results"])
    values = {name: {str(v["value"]) for v in facet["results"]} for name, facet in facets.items()}
    assert {"2022"} == values["published_year"]
    assert {"2022-09"} == values["published_month"]
    assert "Kiều Trang" in values["author_names"]
    assert {"1"} == values["has_views"]
    assert {"current"} == values["state"]


def test_key_questions_download_in_full_as_csv(datasette, crawled):
    db = sqlite3.connect(crawled["db"])
    for view in ("offices", "author_credits", "articles_per_site_month", "people_mentioned",
                 "person_positions", "mention_articles", "edited_and_removed", "articles_without_body"):
        response = get(datasette, f"/archive/{view}.csv?_stream=on")
        assert 200 == response.status_code, view
        count = db.execute(f"select count(*) from {view}").fetchone()[0]
        assert count == len(list(csv.DictReader(io.StringIO(response.text)))), view
    per_month = db.execute("select sum(articles) from articles_per_site_month").fetchone()[0]
    assert per_month == db.execute("select count(*) from articles where duplicate_of is null").fetchone()[0]


def test_excel_csv_has_a_byte_order_mark_and_is_one_click_away(datasette):
    response = get(datasette, "/archive/articles.csv?_stream=on&_bom=1")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows_ = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert SEED["title"] in {row["title"] for row in rows_}
    page = get(datasette, "/archive/articles").text
    assert "_bom=1" in page and "CSV for Excel" in page


def test_article_page_reads_like_the_article(datasette):
    page = get(datasette, "/archive/articles/" + quote(SEED_ID.replace(":", ":"), safe=":")).text
    article = page.split('<article class="bantin-article">', 1)[1].split("</article>", 1)[0]
    assert SEED["title"] in article and "09/09/2022 | 17:14" in article
    assert 3 == article.count("<figcaption>")
    assert "Kiều Trang" in article and "(Ban Tuyên giáo Quận ủy)" in article
    assert 'href="/-/capture/' in article


def test_raw_capture_is_served_as_plain_text(datasette, crawled):
    capture_id = sqlite3.connect(crawled["db"]).execute(
        "select capture_id from articles where id = ?", [SEED_ID]).fetchone()[0]
    response = get(datasette, f"/-/capture/{capture_id}")
    assert 200 == response.status_code
    assert response.headers["content-type"].startswith("text/plain")
    assert SEED["title"] in response.text


def test_article_html_is_sanitised(tmp_path):
    db_path = tmp_path / "archive.db"
    db = storage.open_archive(db_path)
    storage.save_articles(db, [{
        "id": "evil:x", "site": "evil", "url": "javascript:alert(1)", "title": "<script>alert(1)</script>",
        "published_at": "2024-01-01T00:00:00+07:00", "published_date": "2024-01-01",
        "published_raw": "01/01/2024", "body": 'Đoạn một <img src=x onerror="alert(2)">',
        "images": [{"src": "javascript:alert(3)", "caption": "<b onmouseover=alert(4)>x</b>", "alt": None}],
        "authors": [], "attachments": [{"url": "javascript:alert(5)", "label": "tại đây"}],
    }])
    db.close()
    datasette = Datasette([str(db_path)], metadata=datasette_metadata(db_path))
    page = get(datasette, "/archive/articles/evil:x").text
    fragment = page.split('<article class="bantin-article">', 1)[1].split("</article>", 1)[0]
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    assert [] == tree.xpath("//script | //style | //iframe")
    assert [] == [name for element in tree.iter() for name in element.attrib if name.startswith("on")]
    links = [v for element in tree.iter() for k, v in element.attrib.items() if k in ("href", "src")]
    assert not any(link.strip().lower().startswith("javascript:") for link in links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment  # shown as text, not run


def test_robots_are_kept_off(datasette):
    assert "Disallow: /" in get(datasette, "/robots.txt").text
