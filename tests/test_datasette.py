"""The Datasette plugin and metadata on the crawled archive: facets, tables and their
descriptions, canned queries, CSV downloads, article pages and raw captures."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from urllib.parse import parse_qsl, quote

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
    expected_facets = {"site", "category_key", "published_year", "published_month", "office_key",
                       "has_views", "state"}
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
    page = get(datasette, "/archive/articles?_cols=all").text
    assert "_bom=1" in page and "cho Excel" in page


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


DEFAULT_COLUMNS = ["title", "published_date", "site", "category", "views", "source"]


def _actions_excel_href(page_html: str) -> str:
    """The href of the Excel download in a table page's actions menu."""
    tree = lxml.html.fromstring(page_html)
    (href,) = tree.xpath("//details[contains(@class, 'actions-menu-links')]"
                         "//a[contains(@href, '_bom=1')]/@href")
    return href


def _header(page_html: str) -> list[str]:
    """The columns a table page shows, in order."""
    return lxml.html.fromstring(page_html).xpath("//table[@class='rows-and-columns']/thead//th/@data-column")


def _cells(page_html: str, column: str) -> list[str]:
    """The text of a table page's cells of one column."""
    tree = lxml.html.fromstring(page_html)
    return [td.text_content().strip() for td in tree.xpath(f"//td[contains(@class, 'col-{column} ')]")]


def test_the_articles_table_opens_on_its_default_columns_with_every_column_a_click_away(datasette):
    bare = get(datasette, "/archive/articles?site=sample-tayho")
    assert 302 == bare.status_code
    location = bare.headers["location"]
    assert location.startswith("/archive/articles?")
    expected = [("site", "sample-tayho"), *(("_col", column) for column in DEFAULT_COLUMNS)]
    assert expected == parse_qsl(location.split("?", 1)[1])
    page = get(datasette, location)
    assert 200 == page.status_code
    tree = lxml.html.fromstring(page.text)
    assert ["id", *DEFAULT_COLUMNS] == _header(page.text)
    more = tree.xpath("//p[@class='bantin-more-columns']/a")
    assert {"body", "author_names", "office_key", "url"} <= {a.text_content() for a in more}
    body_link = next(a.get("href") for a in more if a.text_content() == "body")
    assert ("_col", "body") in parse_qsl(body_link.split("?", 1)[1])
    everything = get(datasette, next(a.get("href") for a in more if "tất cả" in a.text_content()))
    shown = set(_header(everything.text))
    assert 200 == everything.status_code and {"body", "lead", "author_names", "capture_id"} <= shown


def test_column_descriptions_are_folded_away(datasette):
    tree = lxml.html.fromstring(get(datasette, "/archive/articles?_cols=all").text)
    (details,) = tree.xpath("//details[@class='bantin-columns']")
    assert details.get("open") is None
    assert "Archive key" not in details.text_content()
    assert "urlTitle" in details.xpath(".//dd")[0].text_content()


def test_the_excel_download_follows_the_filters_on_screen(datasette, crawled):
    page = get(datasette, "/archive/articles?site=sample-tayho&_col=title&_sort=published_date")
    href = _actions_excel_href(page.text)
    pairs = parse_qsl(href.split("?", 1)[1])
    assert {("site", "sample-tayho"), ("_sort", "published_date"), ("_bom", "1")} <= set(pairs)
    assert ("_stream", "on") in pairs
    assert "_col" not in dict(pairs)
    download = get(datasette, href)
    rows_ = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    expected = sqlite3.connect(crawled["db"]).execute(
        "select count(*) from articles where site = 'sample-tayho'").fetchone()[0]
    assert expected == len(rows_) and {"sample-tayho"} == {row["site"] for row in rows_}
    assert {"body", "author_names"} <= set(rows_[0])


def _facets(datasette, query: str = "") -> dict:
    """Facet results of the articles table (``query``: filters), by column."""
    data = get(datasette, f"/archive/articles.json?_size=0&_extra=facet_results{query}").json()
    return data["facet_results"].get("results", data["facet_results"])


def test_an_office_printed_in_capitals_is_one_facet_value(datasette, crawled):
    db = sqlite3.connect(crawled["db"])
    printed = dict(db.execute("select source, count(*) from articles where source in "
                              "('Ban Tuyên giáo Quận ủy', 'BAN TUYÊN GIÁO QUẬN ỦY') group by source"))
    assert 2 == len(printed)  # the sample portal prints it both ways
    offices = _facets(datasette)["office_key"]["results"]
    matching = [item for item in offices if item["label"] in printed]
    assert [("Ban Tuyên giáo Quận ủy", sum(printed.values()))] == [(i["label"], i["count"]) for i in matching]
    assert "ban tuyên giáo quận ủy" == matching[0]["value"]
    filtered = json_rows(datasette, "/archive/articles.json?office_key=" + quote(matching[0]["value"]))
    assert set(printed) == {row["source"] for row in filtered}
    categories = {item["label"] for item in _facets(datasette)["category_key"]["results"]}
    assert "Tin tức - Sự kiện" in categories and "TIN TỨC - SỰ KIỆN" not in categories


def test_years_and_months_are_listed_newest_first_and_coded_values_read_as_words(datasette, crawled):
    facets = _facets(datasette)
    db = sqlite3.connect(crawled["db"])
    years = [row[0] for row in db.execute("select distinct published_year from articles "
                                          "where published_year is not null order by 1 desc")]
    assert years[:12] == [item["value"] for item in facets["published_year"]["results"]]
    months = [item["value"] for item in facets["published_month"]["results"]]
    assert months == sorted(months, reverse=True) and len(months) > 1
    assert {"có lượt xem", "không in lượt xem"} == {item["label"] for item in facets["has_views"]["results"]}
    assert {"hiện hành"} == {item["label"] for item in facets["state"]["results"]}


def test_credited_names_and_view_flags_read_as_text_in_the_table(datasette):
    page = get(datasette, f"/archive/articles?_col=author_names&_col=has_views&id={quote(SEED_ID)}").text
    assert ["Kiều Trang"] == _cells(page, "author_names")
    assert ["có lượt xem"] == _cells(page, "has_views")


def test_existing_archives_get_their_facet_keys_on_open(crawled, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(crawled["db"], old)
    connection = sqlite3.connect(old)
    for index in ("office_key", "category_key"):
        connection.execute(f"drop index idx_articles_{index}_published_at_id")
    connection.execute("drop index if exists idx_articles_facet_keys_unfilled")
    connection.execute("alter table articles drop column office_key")
    connection.execute("alter table articles drop column category_key")
    connection.commit()
    connection.close()
    before = Datasette([str(old)], metadata=datasette_metadata(old))
    facets = get(before, "/old/articles.json?_size=0&_extra=facet_results").json()["facet_results"]
    assert "published_year" in facets and "office_key" not in facets  # served as it is, no error
    storage.open_archive(old).close()
    keys = dict(sqlite3.connect(old).execute(
        "select source, office_key from articles where source like '%tuy_n gi_o qu_n%'"))
    assert {"Ban Tuyên giáo Quận ủy": "ban tuyên giáo quận ủy",
            "BAN TUYÊN GIÁO QUẬN ỦY": "ban tuyên giáo quận ủy"} == keys
    unfilled = "select count(*) from articles where (office_key is null and source is not null) " \
               "or (category_key is null and category is not null)"
    assert 0 == sqlite3.connect(old).execute(unfilled).fetchone()[0]
    from pipelines.storage.facets import fill_facet_keys

    again = storage.open_archive(old)
    assert 0 == fill_facet_keys(again)
    again.close()


def test_every_link_of_the_home_and_database_pages_works_under_another_database_name(crawled, tmp_path):
    shutil.copy(crawled["db"], tmp_path / "hk.db")
    served = Datasette([str(tmp_path / "hk.db")], metadata=datasette_metadata(tmp_path / "hk.db"))
    broken = []
    for page in ("/", "/hk"):
        tree = lxml.html.fromstring(get(served, page).text)
        for href in {h.split("#")[0] for h in tree.xpath("//a/@href") if h.startswith("/")}:
            response = get(served, href)
            if response.status_code == 302:
                response = get(served, response.headers["location"])
            if response.status_code != 200:
                broken.append((page, href, response.status_code))
    assert [] == broken
    home = get(served, "/").text
    assert "/hk/articles_per_site_month#g.mark=line" in home and "/archive/" not in home


def test_pages_are_titled_in_vietnamese(datasette):
    def title(path: str) -> str:
        return lxml.html.fromstring(get(datasette, path).text).findtext(".//title").strip()

    assert title("/").startswith("bantin · Lưu trữ bản tin")
    assert "Kho bản tin" == title("/archive")
    assert title("/archive/articles?_cols=all").startswith("Bài viết: ")
    assert title("/archive/most_viewed").startswith("Bài được xem nhiều nhất")
    assert title("/archive/articles/" + quote(SEED_ID, safe=":")) == f"{SEED_TITLE} · archive"
    assert title("/archive/offices").startswith("Cơ quan ban hành")


def test_the_footer_names_every_page_family(datasette):
    source = get(datasette, "/-/metadata.json").json()["source"]
    assert all(family in source for family in ("Liferay 6.2", "Liferay 7", "view_content", "CMS 2025"))
