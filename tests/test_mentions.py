"""The mention scanner looks only where a title or "đồng chí" opens: it must find exactly what a
scan trying the word rules at every word finds, on the sample portal's texts and on made-up ones."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from contextlib import closing
from urllib.parse import quote

import lxml.html
import pytest
import sqlite_utils
from datasette.app import Datasette
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler import people
from crawler.people import find_mentions, normalise_name
from datasette_bantin.metadata import datasette_metadata
from helpers import FIXTURES, get, json_rows
from pipelines import storage
from sampleportal.content import SITE_KEYS, load_site


def every_word_scan(text: str) -> list[people.Mention]:
    """The reference: the word rules tried at every word of the text, left to right."""
    text = unicodedata.normalize("NFC", text)
    words = people.Words(text)
    found, index = [], 0
    while words.has(index):
        mention, next_index = people._mention_at(words, index, text)
        if mention and mention not in found:
            found.append(mention)
        index = next_index if mention else index + 1
    return found


def portal_texts() -> list[str]:
    texts = []
    for key in SITE_KEYS:
        for article in load_site(key).articles:
            texts.append("\n\n".join([article["lead"], *article["paragraphs"]]))
            texts += [image["caption"] for image in article["images"] if image["caption"]]
    return texts


def test_the_portal_texts_give_what_every_word_scan_gives():
    texts = portal_texts()
    mentions = [people.find_mentions(text) for text in texts]
    assert sum(map(len, mentions)) >= 100
    assert mentions == [every_word_scan(text) for text in texts]


PIECES = [
    "Phó Bí thư", "Bí thư", "Chủ tịch", "CHỦ TỊCH", "phó chủ tịch", "Trưởng ban", "Ủy viên",
    "đồng chí", "Đồng chí", "ĐỒNG CHÍ", "Thường trực", "Quận ủy", "UBND", "quận", "phường",
    "Hoàng Mai", "Nguyễn Văn Hùng", "Đinh Hồng Phong", "Lê Thị", "Trần", "phát biểu", "và",
    "Lao động", "Xã hội", "-", "–", ",", ".", "(", ")", "\n", "  ", "chủ", "đồng", "thưa",
    "Bí thưa", "_Bí thư", "x", "İstanbul", "ß", "2025", "\u0301",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.lists(st.sampled_from([" ", "", "\n"]),
                                                                 min_size=60, max_size=60))
def test_made_up_texts_give_what_every_word_scan_gives(pieces, joints):
    text = "".join(piece + joint for piece, joint in zip(pieces, joints, strict=False))
    assert people.find_mentions(text) == every_word_scan(text)


def test_a_title_inside_a_longer_one_is_still_tried():
    text = "Phó Bí thư, Bí thư Quận ủy Nguyễn Văn Hùng phát biểu"
    assert people.find_mentions(text) == [people.Mention("Nguyễn Văn Hùng", "Bí thư Quận ủy")]


def test_a_title_opening_one_word_into_another_is_tried_on_its_own():
    # From "Phó" the position may run 32 words, one short of the name; from "Chủ tịch" it reaches it.
    text = "Phó Chủ tịch " + "ban ngành " * 14 + "khối Nguyễn Văn Hùng."
    found = people.find_mentions(text)
    assert [mention.name for mention in found] == ["Nguyễn Văn Hùng"]
    assert found[0].position.startswith("Chủ tịch ban ngành") and found == every_word_scan(text)


def test_a_text_whose_lower_case_is_longer_is_scanned_word_by_word():
    text = "İ Chủ tịch UBND phường Đinh Hồng Phong phát biểu"
    assert len(text.lower()) != len(text)
    assert people.find_mentions(text) == [people.Mention("Đinh Hồng Phong", "Chủ tịch UBND phường")]


@pytest.mark.parametrize("labels", ["labelled.json", "heldout.json"])
def test_mention_extraction_precision_and_recall(labels):

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


@pytest.mark.parametrize("text", ["Xin cảm ơn đồng chí", "đồng chí", "Bí thư", "đồng chí Nguyễn Văn Hùng -"])
def test_a_text_ending_inside_a_mention_has_none(text):
    assert find_mentions(text) == []


# People keep their tones: small records, their mentions found by the scanner, saved through
# pipelines.storage into a real SQLite archive and read back through Datasette's own client.

DATABASE = "kho_hoan_kiem"  # not "archive": links must follow the database's own name
HUNG_BODY = "Chủ tịch UBND phường Nguyễn Văn Hùng phát biểu khai mạc."
HUNG_CAPTION = "Chủ tịch UBND phường Nguyễn Văn Hùng phát biểu khai mạc hội nghị."
ARTICLES = [  # (id, site, date, title, body, captions, duplicate_of)
    ("hk:khai-mac", "sample-hoankiem", "2025-03-04", "Khai mạc hội nghị", HUNG_BODY, [HUNG_CAPTION], None),
    ("lb:khai-mac", "sample-longbien", "2025-03-04", "Khai mạc hội nghị", HUNG_BODY, [HUNG_CAPTION],
     "hk:khai-mac"),
    ("hk:le-dang-huong", "sample-hoankiem", "2025-04-10", "Lễ dâng hương",
     "Chủ tịch UBND phường Nguyễn Văn Hùng và Bí thư Đảng ủy phường Nguyễn Văn Hưng dự lễ.", [], None),
    ("hk:kiem-tra", "sample-hoankiem", "2025-05-02", "Kiểm tra cải cách hành chính",
     "Phó Chủ tịch UBND quận Trần Thị Hà và Trưởng phòng Nội vụ Trần Thị Hạ kiểm tra.", [], None),
    ("hk:van-hoa", "sample-hoankiem", "2025-05-20", "Ngày hội văn hóa",
     "Giám đốc Trung tâm Văn hóa Lê Minh Đức, Chánh Văn phòng Quận ủy Lê Minh Dục phát biểu.", [], None),
    ("hk:tong-ket", "sample-hoankiem", "2025-06-01", "Tổng kết năm",
     "Đồng chí Đinh Hồng Phong - Phó Bí thư Thường trực Quận ủy phát biểu.", [], None),
]
PEOPLE = {  # id: (name, folded)
    "nguyễn-văn-hùng": ("Nguyễn Văn Hùng", "nguyen van hung"),
    "nguyễn-văn-hưng": ("Nguyễn Văn Hưng", "nguyen van hung"),
    "trần-thị-hà": ("Trần Thị Hà", "tran thi ha"),
    "trần-thị-hạ": ("Trần Thị Hạ", "tran thi ha"),
    "lê-minh-đức": ("Lê Minh Đức", "le minh duc"),
    "lê-minh-dục": ("Lê Minh Dục", "le minh duc"),
    "đinh-hồng-phong": ("Đinh Hồng Phong", "dinh hong phong"),
}
MENTIONS = {  # (article_id, person_id, position, found_in)
    ("hk:khai-mac", "nguyễn-văn-hùng", "Chủ tịch UBND phường", "body"),
    ("hk:khai-mac", "nguyễn-văn-hùng", "Chủ tịch UBND phường", "caption"),
    ("lb:khai-mac", "nguyễn-văn-hùng", "Chủ tịch UBND phường", "body"),
    ("lb:khai-mac", "nguyễn-văn-hùng", "Chủ tịch UBND phường", "caption"),
    ("hk:le-dang-huong", "nguyễn-văn-hùng", "Chủ tịch UBND phường", "body"),
    ("hk:le-dang-huong", "nguyễn-văn-hưng", "Bí thư Đảng ủy phường", "body"),
    ("hk:kiem-tra", "trần-thị-hà", "Phó Chủ tịch UBND quận", "body"),
    ("hk:kiem-tra", "trần-thị-hạ", "Trưởng phòng Nội vụ", "body"),
    ("hk:van-hoa", "lê-minh-đức", "Giám đốc Trung tâm Văn hóa", "body"),
    ("hk:van-hoa", "lê-minh-dục", "Chánh Văn phòng Quận ủy", "body"),
    ("hk:tong-ket", "đinh-hồng-phong", "Phó Bí thư Thường trực Quận ủy", "body"),
}
# What the previous version wrote for the same articles: one person per folded name, named as
# first printed, and every mention keyed by the folded name.
FOLDED_PEOPLE = [("nguyen van hung", "Nguyễn Văn Hùng"), ("tran thi ha", "Trần Thị Hà"),
                 ("le minh duc", "Lê Minh Đức"), ("dinh hong phong", "Đinh Hồng Phong")]
FOLDED_IDS = {"nguyễn-văn-hùng": "nguyen van hung", "nguyễn-văn-hưng": "nguyen van hung",
              "trần-thị-hà": "tran thi ha", "trần-thị-hạ": "tran thi ha", "lê-minh-đức": "le minh duc",
              "lê-minh-dục": "le minh duc", "đinh-hồng-phong": "dinh hong phong"}


def article_record(article_id, site, date, title, body, captions, duplicate_of) -> dict:
    """An article record as the crawler gives it, its mentions found by the real scanner."""
    return {"id": article_id, "site": site, "url": f"https://{site}.example/{article_id.split(':')[1]}",
            "title": title, "published_at": f"{date}T08:00:00+07:00", "published_date": date,
            "body": body, "duplicate_of": duplicate_of, "fetched_at": "2026-01-01T00:00:00+00:00",
            "images": [{"src": f"https://{site}.example/{n}.jpg", "caption": caption, "alt": None}
                       for n, caption in enumerate(captions)],
            "extractor": "liferay6/1", "mentions": people.mentions_of(body, captions)}


def archive_with_people(path):
    """An archive at ``path`` holding ARTICLES, saved through pipelines.storage."""
    db = storage.open_archive(path)
    storage.save_articles(db, [article_record(*article) for article in ARTICLES])
    db.close()
    return path


def old_archive(path):
    """An archive laid out as the previous version left it: ``people (id, name)`` keyed by the
    folded name, mentions keyed the same, no ``people_names``."""
    db = storage.open_archive(path)
    storage.save_articles(db, [{**article_record(*article), "mentions": []} for article in ARTICLES])
    for statement in ("drop table people_names", "drop view people_mentioned", "drop index idx_people_folded",
                      "alter table people drop column folded"):
        db.execute(statement)
    db.conn.executemany("insert into people (id, name) values (?, ?)", FOLDED_PEOPLE)
    db.conn.executemany(
        "insert into mentions (article_id, person_id, position, found_in, published_date) "
        "select ?, ?, ?, ?, published_date from articles where id = ?",
        [(a, FOLDED_IDS[p], position, where, a) for a, p, position, where in sorted(MENTIONS)])
    db.conn.commit()
    db.close()
    return path


def archive_rows(path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def people_archive(tmp_path_factory):
    return archive_with_people(tmp_path_factory.mktemp("people") / f"{DATABASE}.db")


@pytest.fixture(scope="module")
def people_datasette(people_archive):
    return datasette_over(people_archive)


def datasette_over(path):
    return Datasette([str(path)], metadata=datasette_metadata(path))


def query(datasette, name: str, person: str) -> list[dict]:
    return json_rows(datasette, f"/{DATABASE}/{name}.json?person={quote(person)}")


def test_names_differing_only_in_tones_are_different_people(people_archive):
    assert PEOPLE == {row[0]: row[1:] for row in archive_rows(people_archive, "select * from people")}
    assert MENTIONS == set(archive_rows(
        people_archive, "select article_id, person_id, position, found_in from mentions"))


def test_a_name_typed_without_tones_finds_each_person_apart(people_datasette):
    rows = query(people_datasette, "positions_of", "nguyen van hung")
    assert [("Nguyễn Văn Hùng", "Chủ tịch UBND phường"), ("Nguyễn Văn Hưng", "Bí thư Đảng ủy phường")] == [
        (row["person"], row["position"]) for row in rows]
    rows = query(people_datasette, "positions_of", "Tran Thi Ha")
    assert ["Trần Thị Hà", "Trần Thị Hạ"] == [row["person"] for row in rows]
    rows = query(people_datasette, "articles_mentioning", "le minh duc")
    assert [("hk:van-hoa", {"Lê Minh Đức", "Lê Minh Dục"})] == [
        (row["article_id"], set(row["person"].split(", "))) for row in rows]


@pytest.mark.parametrize(("typed", "person", "articles"), [
    ("Nguyễn Văn Hưng", "Nguyễn Văn Hưng", ["hk:le-dang-huong"]),
    ("nguyễn văn hùng", "Nguyễn Văn Hùng", ["hk:khai-mac", "hk:le-dang-huong"]),
    ("NGUYỄN VĂN HÙNG", "Nguyễn Văn Hùng", ["hk:khai-mac", "hk:le-dang-huong"]),
    ("Trần Thị Hạ", "Trần Thị Hạ", ["hk:kiem-tra"]),
    ("Lê Minh Dục", "Lê Minh Dục", ["hk:van-hoa"]),
    ("Hồng Phong", "Đinh Hồng Phong", ["hk:tong-ket"]),
])
def test_a_name_typed_with_tones_finds_that_person_only(people_datasette, typed, person, articles):
    rows = query(people_datasette, "articles_mentioning", typed)
    assert [(article, person) for article in articles] == [(row["article_id"], row["person"]) for row in rows]


@pytest.mark.parametrize("typed", ["Nguyễn Văn Hũng", "", '"', "Văn Hùng Nguyễn", "nguyen van hung OR"])
def test_a_name_nobody_has_finds_nothing(people_datasette, typed):
    assert [] == query(people_datasette, "articles_mentioning", typed)


def test_articles_mentioning_lists_an_article_once(people_datasette):
    # Hùng is named in the body and a caption of hk:khai-mac, and again in its copy lb:khai-mac.
    rows = query(people_datasette, "articles_mentioning", "Nguyễn Văn Hùng")
    assert [("hk:khai-mac", "Khai mạc hội nghị", {"body", "caption"}),
            ("hk:le-dang-huong", "Lễ dâng hương", {"body"})] == [
        (row["article_id"], row["title"], set(row["found_in"].split(", "))) for row in rows]


def test_positions_of_counts_an_article_once(people_datasette):
    rows = query(people_datasette, "positions_of", "Nguyễn Văn Hùng")
    assert [{"person": "Nguyễn Văn Hùng", "position": "Chủ tịch UBND phường", "articles": 2,
             "first_seen": "2025-03-04", "last_seen": "2025-04-10",
             "first_article_id": "hk:khai-mac"}] == rows
    counted = {(row["person"], row["position"]): row["articles"]
               for row in json_rows(people_datasette, f"/{DATABASE}/person_positions.json")}
    assert 2 == counted[("Nguyễn Văn Hùng", "Chủ tịch UBND phường")]
    mentioned = {row["name"]: row["articles"]
                 for row in json_rows(people_datasette, f"/{DATABASE}/people_mentioned.json")}
    assert (2, 1) == (mentioned["Nguyễn Văn Hùng"], mentioned["Nguyễn Văn Hưng"])


def links(datasette, path: str, column: str) -> list[str]:
    """The links in a column of a Datasette HTML page's result table."""
    page = get(datasette, path)
    assert 200 == page.status_code, page.text[:300]
    cells = f'//td[contains(concat(" ", @class, " "), " col-{column} ")]'
    return lxml.html.fromstring(page.text).xpath(f"{cells}/a/@href")


@pytest.mark.parametrize(("path", "column", "linked"), [
    ("articles_mentioning?person=nguyen+van+hung", "article_id", ["hk~3Akhai-mac", "hk~3Ale-dang-huong"]),
    ("positions_of?person=nguyen+van+hung", "first_article_id", ["hk~3Akhai-mac", "hk~3Ale-dang-huong"]),
    # the view lists every mention, the copy's too
    ("mention_articles?person=Nguy%E1%BB%85n+V%C4%83n+H%C3%B9ng", "article_id",
     ["hk~3Akhai-mac", "hk~3Akhai-mac", "lb~3Akhai-mac", "lb~3Akhai-mac", "hk~3Ale-dang-huong"]),
])
def test_result_rows_link_to_the_archived_article_page(people_datasette, path, column, linked):
    hrefs = links(people_datasette, f"/{DATABASE}/{path}", column)
    assert sorted(f"/{DATABASE}/articles/{article}" for article in linked) == sorted(hrefs)
    page = get(people_datasette, f"/{DATABASE}/articles/hk~3Ale-dang-huong")
    assert 200 == page.status_code and "Lễ dâng hương" in page.text


@pytest.mark.parametrize("name", ["articles_mentioning", "positions_of"])
def test_the_parameter_form_shows_an_example_that_answers(people_datasette, name):
    form = lxml.html.fromstring(get(people_datasette, f"/{DATABASE}/{name}").text)
    examples = form.xpath('//a[starts-with(@href, "?person=")]')
    assert ["Đinh Hồng Phong", "dinh hong phong"] == [example.text for example in examples]
    assert form.xpath('//input[@name="person"]')
    for example in examples:
        page = lxml.html.fromstring(get(people_datasette, f"/{DATABASE}/{name}{example.get('href')}").text)
        cells = page.xpath('//td[contains(concat(" ", @class, " "), " col-person ")]')
        assert ["Đinh Hồng Phong"] == [cell.text_content().strip() for cell in cells]


def test_an_archive_keyed_by_folded_names_is_rekeyed_on_open(tmp_path, capsys):
    path = old_archive(tmp_path / f"{DATABASE}.db")
    assert {"nguyen van hung"} == {row[0] for row in archive_rows(
        path, "select person_id from mentions where article_id = 'hk:le-dang-huong'")}
    storage.open_archive(path).close()
    assert "4 folded names are now 7 people" in capsys.readouterr().err
    assert PEOPLE == {row[0]: row[1:] for row in archive_rows(path, "select * from people")}
    assert MENTIONS == set(archive_rows(path, "select article_id, person_id, position, found_in "
                                              "from mentions"))
    assert {"2025-04-10"} == {row[0] for row in archive_rows(
        path, "select published_date from mentions where article_id = 'hk:le-dang-huong'")}
    rows = query(datasette_over(path), "positions_of", "Lê Minh Dục")
    assert [("Lê Minh Dục", "Chánh Văn phòng Quận ủy", 1)] == [
        (row["person"], row["position"], row["articles"]) for row in rows]


def test_rekeying_twice_changes_nothing(tmp_path):
    path = old_archive(tmp_path / f"{DATABASE}.db")
    storage.open_archive(path).close()
    tables = "select * from people order by id", "select * from mentions order by 1, 2, 3, 4"
    once = [archive_rows(path, sql) for sql in tables]
    storage.open_archive(path).close()
    assert once == [archive_rows(path, sql) for sql in tables]


def test_an_interrupted_rekeying_leaves_the_archive_as_it_was(tmp_path):
    path = old_archive(tmp_path / f"{DATABASE}.db")
    tables = "select * from people order by id", "select * from mentions order by 1, 2, 3, 4"
    before = [archive_rows(path, sql) for sql in tables]

    def interrupt_at_the_end(line):
        if line.startswith("People re-keyed"):
            raise KeyboardInterrupt

    db = sqlite_utils.Database(path)
    db["people"].add_column("folded", str)  # as opening does before re-keying
    with pytest.raises(KeyboardInterrupt):
        storage.ensure_people(db, progress=interrupt_at_the_end)
    db.close()
    assert [[(*row, None) for row in before[0]], before[1]] == [archive_rows(path, sql) for sql in tables]
    storage.open_archive(path).close()
    assert PEOPLE == {row[0]: row[1:] for row in archive_rows(path, "select * from people")}
