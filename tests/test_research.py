"""The archive as a research instrument, through Datasette's own client: Vietnamese search,
people and positions, facets, views, canned queries, article pages, exports and snapshots."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import unicodedata
from urllib.parse import quote

import lxml.html
import pytest
from datasette.app import Datasette

from conftest import run_bantin
from crawler.people import find_mentions, normalise_name
from datasette_bantin.metadata import datasette_metadata
from pipelines import storage
from sampleportal.content import load_site

SEED = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
SEED_ID = f"sample-hoankiem:{SEED['url_title']}"


@pytest.fixture(scope="module")
def ds(crawled):
    return Datasette([str(crawled["db"])], metadata=datasette_metadata(crawled["db"]))


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def rows(ds, path):
    response = get(ds, path + ("&" if "?" in path else "?") + "_shape=objects&_size=max")
    assert 200 == response.status_code, response.text[:500]
    return response.json()["rows"]


def search_ids(ds, query):
    return [row["id"] for row in rows(ds, f"/archive/search.json?q={quote(query)}")]


@pytest.mark.parametrize("query", ["dinh hong phong", "Đinh Hồng Phong", "đinh hồng phong",
                                   unicodedata.normalize("NFD", "Đinh Hồng Phong"), "DINH HONG PHONG"])
def test_search_finds_the_same_with_or_without_diacritics(ds, query):
    assert search_ids(ds, "dinh hong phong") == search_ids(ds, query)
    assert SEED_ID in search_ids(ds, query)


def test_search_snippets_highlight_the_words_in_the_original_text(ds):
    found = {row["id"]: row for row in rows(ds, f"/archive/search.json?q={quote('dinh hong phong')}")}
    assert "<mark>Đinh Hồng Phong</mark>" in found[SEED_ID]["snippet"]


def test_phrases_and_prefixes(ds):
    phrase = rows(ds, f"/archive/search.json?q={quote(chr(34) + 'hội nghị' + chr(34))}")
    assert phrase and all("<mark>" in row["snippet"] or "hội nghị" in row["title"].lower() for row in phrase)
    assert SEED_ID in search_ids(ds, "tuyen*")
    assert set(search_ids(ds, "tuyen giao")) <= set(search_ids(ds, "tuyen*"))
    assert [] == search_ids(ds, "")


def test_table_search_takes_decomposed_queries(ds):
    nfc = rows(ds, f"/archive/articles.json?_search={quote('Đinh Hồng Phong')}")
    nfd = rows(ds, f"/archive/articles.json?_search={quote(unicodedata.normalize('NFD', 'Đinh Hồng Phong'))}")
    assert [r["id"] for r in nfc] == [r["id"] for r in nfd] != []


def test_one_page_searches_articles_people_and_offices(ds):
    page = get(ds, f"/-/search?q={quote('dinh hong phong')}").text
    assert SEED["title"] in page and "Đinh Hồng Phong" in page
    page = get(ds, f"/-/search?q={quote('ban tuyen giao')}").text
    assert "Ban Tuyên giáo Quận ủy" in page


@pytest.mark.parametrize("labels", ["labelled.json", "heldout.json"])
def test_mention_extraction_precision_and_recall(labels):
    from conftest import FIXTURES

    data = json.loads((FIXTURES.parent / "mentions" / labels).read_text(encoding="utf-8"))
    found = gold = hits = 0
    for item in data["articles"]:
        article = next(a for a in load_site(item["site"]).articles if a["key"] == item["key"])
        texts = [("body", "\n\n".join([article["lead"], *article["paragraphs"]]))]
        texts += [("caption", i["caption"]) for i in article["images"] if i["caption"]]
        predicted = {(m.name, m.position, where) for where, text in texts
                     for m in find_mentions(unicodedata.normalize("NFC", text))}
        expected = {(normalise_name(m["name"]), m["position"], m["where"]) for m in item["mentions"]}
        found, gold, hits = found + len(predicted), gold + len(expected), hits + len(predicted & expected)
    assert gold >= 30
    assert hits / found >= 0.9, f"precision {hits / found:.3f}"
    assert hits / gold >= 0.9, f"recall {hits / gold:.3f}"


def test_every_article_about_a_person_and_positions_over_time(ds):
    about = rows(ds, f"/archive/articles_mentioning.json?person={quote('dinh hong phong')}")
    assert SEED["title"] in {row["title"] for row in about}
    positions = rows(ds, f"/archive/positions_of.json?person={quote('Đinh Hồng Phong')}")
    assert "Phó Bí thư Thường trực Quận ủy Hoàn Kiếm" in {row["position"] for row in positions}
    people = rows(ds, "/archive/people_mentioned.json")
    assert any(person["name"] == "Đinh Hồng Phong" for person in people)


def test_offices_and_authors_are_tables_with_counts(ds, crawled):
    offices = {row["office"]: row["articles"] for row in rows(ds, "/archive/offices.json")}
    db = sqlite3.connect(crawled["db"])
    expected = db.execute("select count(*) from articles where source = 'Ban Tuyên giáo Quận ủy' "
                          "and duplicate_of is null").fetchone()[0]
    assert expected == offices["Ban Tuyên giáo Quận ủy"]
    authors = {row["name"]: row for row in rows(ds, "/archive/author_credits.json")}
    assert {"photo", "text"} == set(authors["Kiều Trang"]["roles"].split(","))


def test_facets_that_make_sense(ds):
    data = get(ds, "/archive/articles.json?_extra=facet_results&id=" + quote(SEED_ID)).json()
    facets = data["facet_results"].get("results", data["facet_results"])
    values = {name: {str(v["value"]) for v in facet["results"]} for name, facet in facets.items()}
    assert {"2022"} == values["published_year"]
    assert {"2022-09"} == values["published_month"]
    assert "Kiều Trang" in values["author_names"]
    assert {"1"} == values["has_views"]
    assert {"current"} == values["state"]


def test_key_questions_download_in_full_as_csv(ds, crawled):
    db = sqlite3.connect(crawled["db"])
    for view in ("offices", "author_credits", "articles_per_site_month", "people_mentioned",
                 "person_positions", "mention_articles", "edited_and_removed", "articles_without_body"):
        response = get(ds, f"/archive/{view}.csv?_stream=on")
        assert 200 == response.status_code, view
        count = db.execute(f"select count(*) from {view}").fetchone()[0]
        assert count == len(list(csv.DictReader(io.StringIO(response.text)))), view
    per_month = db.execute("select sum(articles) from articles_per_site_month").fetchone()[0]
    assert per_month == db.execute("select count(*) from articles where duplicate_of is null").fetchone()[0]


def test_excel_csv_has_a_byte_order_mark_and_is_one_click_away(ds):
    response = get(ds, "/archive/articles.csv?_stream=on&_bom=1")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows_ = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert SEED["title"] in {row["title"] for row in rows_}
    page = get(ds, "/archive/articles").text
    assert "_bom=1" in page and "CSV for Excel" in page


def test_article_page_reads_like_the_article(ds):
    page = get(ds, "/archive/articles/" + quote(SEED_ID.replace(":", ":"), safe=":")).text
    article = page.split('<article class="bantin-article">', 1)[1].split("</article>", 1)[0]
    assert SEED["title"] in article and "09/09/2022 | 17:14" in article
    assert 3 == article.count("<figcaption>")
    assert "Kiều Trang" in article and "(Ban Tuyên giáo Quận ủy)" in article
    assert 'href="/-/capture/' in article


def test_raw_capture_is_served_as_plain_text(ds, crawled):
    capture_id = sqlite3.connect(crawled["db"]).execute(
        "select capture_id from articles where id = ?", [SEED_ID]).fetchone()[0]
    response = get(ds, f"/-/capture/{capture_id}")
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
    ds = Datasette([str(db_path)], metadata=datasette_metadata(db_path))
    page = get(ds, "/archive/articles/evil:x").text
    fragment = page.split('<article class="bantin-article">', 1)[1].split("</article>", 1)[0]
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    assert [] == tree.xpath("//script | //style | //iframe")
    assert [] == [name for element in tree.iter() for name in element.attrib if name.startswith("on")]
    links = [v for element in tree.iter() for k, v in element.attrib.items() if k in ("href", "src")]
    assert not any(link.strip().lower().startswith("javascript:") for link in links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment  # shown as text, not run


def test_robots_are_kept_off(ds):
    assert "Disallow: /" in get(ds, "/robots.txt").text


def test_export_for_pandas_users(crawled, tmp_path):
    import pyarrow.parquet as pq

    db = sqlite3.connect(crawled["db"])
    expected = db.execute("select count(*) from articles where site = 'sample-hoankiem' "
                          "and published_date >= '2022-01-01'").fetchone()[0]
    common = ["--db", str(crawled["db"]), "--since", "2022-01-01", "--site", "sample-hoankiem"]
    for fmt in ("csv", "jsonl", "parquet"):
        result = run_bantin("export", "--format", fmt, "-o", str(tmp_path / f"a.{fmt}"), *common)
        assert f"export: {expected} articles" in result.stdout, result.stderr
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    seed = next(line for line in lines if line["id"] == SEED_ID)
    assert 3 == len(seed["images"]) and {"name": "Kiều Trang", "role": "photo"} in seed["authors"]
    table = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert {row["id"] for row in table} == {line["id"] for line in lines}
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as handle:
        assert expected == len(list(csv.DictReader(handle)))
    bad = run_bantin("export", "--since", "hôm qua", "--db", str(crawled["db"]))
    assert 2 == bad.returncode and "YYYY-MM-DD" in bad.stderr


def test_publish_makes_a_snapshot_datasette_serves_as_is(crawled, tmp_path):
    folder = tmp_path / "site"
    result = run_bantin("publish", str(folder), "--db", str(crawled["db"]))
    assert 0 == result.returncode, result.stderr[-2000:]
    names = {p.name for p in folder.iterdir()}
    assert {"archive.db", "metadata.json", "inspect-data.json", "plugins.json", "requirements.txt"} <= names
    assert any(p["name"] == "bantin" for p in json.loads((folder / "plugins.json").read_text()))
    inspect = json.loads((folder / "inspect-data.json").read_text())
    snapshot = Datasette(immutables=[str(folder / "archive.db")], inspect_data=inspect,
                         metadata=json.loads((folder / "metadata.json").read_text()))
    assert SEED_ID in search_ids(snapshot, "dinh hong phong")
    assert not snapshot.databases["archive"].is_mutable
    write = get(snapshot, "/archive.json?sql=" + quote("delete from articles"))
    assert write.status_code == 400 and "SELECT" in write.text
    metadata = json.loads((folder / "metadata.json").read_text())
    queries = metadata["databases"]["archive"]["queries"].values()
    assert not any(query.get("write") for query in queries)
    again = run_bantin("publish", str(folder), "--db", str(crawled["db"]))
    assert 1 == again.returncode and "publish into an empty folder" in again.stderr


@pytest.mark.parametrize("text", ["Xin cảm ơn đồng chí", "đồng chí", "Bí thư", "đồng chí Nguyễn Văn Hùng -"])
def test_a_text_ending_inside_a_mention_has_none(text):
    assert find_mentions(text) == []
