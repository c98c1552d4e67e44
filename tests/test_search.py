"""Search as researchers type it, through Datasette's own client: with or without diacritics,
phrases and prefixes, snippets in the original text, one page over articles, people and offices;
ranked (words together, then near, then apart; tones as typed), copies counted once, bad queries
explained; the folded full-text index and the move of older archives to it."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import unicodedata
from html import unescape
from urllib.parse import quote, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasette_bantin.search import fts_query, query_problem, tone_score
from helpers import SEED, SEED_ID, SEED_TITLE, get, json_rows, rows, search_ids
from vntext import fold


@pytest.mark.parametrize("query", ["dinh hong phong", "Đinh Hồng Phong", "đinh hồng phong",
                                   unicodedata.normalize("NFD", "Đinh Hồng Phong"), "DINH HONG PHONG"])
def test_search_finds_the_same_with_or_without_diacritics(datasette, query):
    assert set(search_ids(datasette, "dinh hong phong")) == set(search_ids(datasette, query))
    assert SEED_ID in search_ids(datasette, query)


def test_search_snippets_highlight_the_words_in_the_original_text(datasette):
    answer = json_rows(datasette, f"/archive/search.json?q={quote('dinh hong phong')}")
    found = {row["id"]: row for row in answer}
    assert "<mark>Đinh Hồng Phong</mark>" in found[SEED_ID]["snippet"]


def test_phrases_and_prefixes(datasette):
    phrase = json_rows(datasette, f"/archive/search.json?q={quote(chr(34) + 'hội nghị' + chr(34))}")
    assert phrase and all("<mark>" in row["snippet"] or "hội nghị" in row["title"].lower() for row in phrase)
    assert SEED_ID in search_ids(datasette, "tuyen*")
    assert set(search_ids(datasette, "tuyen giao")) <= set(search_ids(datasette, "tuyen*"))
    assert [] == search_ids(datasette, "")


def test_table_search_takes_decomposed_queries(datasette):
    nfc = json_rows(datasette, f"/archive/articles.json?_search={quote('Đinh Hồng Phong')}")
    decomposed = quote(unicodedata.normalize("NFD", "Đinh Hồng Phong"))
    nfd = json_rows(datasette, f"/archive/articles.json?_search={decomposed}")
    assert [r["id"] for r in nfc] == [r["id"] for r in nfd] != []


def test_one_page_searches_articles_people_and_offices(datasette):
    page = get(datasette, f"/-/search?q={quote('dinh hong phong')}").text
    assert SEED["title"] in page and "Đinh Hồng Phong" in page
    page = get(datasette, f"/-/search?q={quote('ban tuyen giao')}").text
    assert "Ban Tuyên giáo Quận ủy" in page


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


def test_search_table_is_hidden_from_the_index(datasette):
    data = get(datasette, "/archive.json").json()
    visible = {t["name"] for t in data["tables"] if not t["hidden"]}
    assert "articles_fts" not in visible
    assert {"articles", "images", "authors", "attachments", "page_failures"} <= visible


# Ranking, bad queries, copies and counts: expected values come from the articles' own text.

def texts(crawled) -> dict[str, str]:
    """Each original article's searchable text as printed (copies left out), lower case:
    title, lead, body, captions, credited names and office."""
    sql = ("select a.id, (a.title || ' ' || coalesce(a.lead, '') || ' ' || coalesce(a.body, '') "
           "|| ' ' || coalesce((select group_concat(caption, ' ') from images where article_id = a.id), '') "
           "|| ' ' || coalesce((select group_concat(name, ' ') from authors where article_id = a.id), '') "
           "|| ' ' || coalesce(a.source, '')) as text from articles a where a.duplicate_of is null")
    return {row["id"]: row["text"].lower() for row in rows(crawled["db"], sql)}


def following(datasette, path: str):
    """GET a path through Datasette's own client, following redirects."""
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


def page_titles(html: str) -> list[str]:
    """Article titles on the search page, in order."""
    return [unescape(title) for title in re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', html)]


def ahead(ranked: list, first: set) -> bool:
    """True when every item of ``first`` in ``ranked`` comes before every other item."""
    marks = [item in first for item in ranked]
    return marks == sorted(marks, reverse=True)


@pytest.mark.parametrize("query", ["dinh hong phong", "Đinh Hồng Phong"])
def test_a_name_puts_the_articles_naming_the_person_first(datasette, crawled, query):
    naming = {i for i, text in texts(crawled).items() if "đinh hồng phong" in text}
    found = search_ids(datasette, query)
    assert {SEED_ID} == naming
    assert SEED_ID == found[0] and len(found) > 1
    page = get(datasette, f"/-/search?q={quote(query)}")
    assert SEED_TITLE == page_titles(page.text)[0]


def submitted(html: str, **typed: str) -> str:
    """The query string the table page's filter form sends with ``typed`` values filled in:
    its inputs, checked boxes and each select's chosen (or first) option, as a browser does."""
    form = re.search(r'<form class="filters".*?</form>', html, re.S).group(0)
    fields = []
    for tag in re.findall(r"<input[^>]*>", form):
        name, kind = re.search(r'name="([^"]*)"', tag), re.search(r'type="([^"]*)"', tag)
        if not name or (kind and kind.group(1) == "checkbox" and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        default = "on" if kind and kind.group(1) == "checkbox" else ""
        value = unescape(value.group(1)) if value else default
        fields.append((name.group(1), typed.get(name.group(1), value)))
    for name, options in re.findall(r'<select name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)<", options) \
            or re.search(r'<option(?: value="([^"]*)")?>', options)
        fields.append((name, chosen.group(1) or ""))
    return urlencode(fields)


def test_the_tables_search_box_ranks_as_the_search_page(datasette):
    table = following(datasette, "/archive/articles")
    box = get(datasette, "/archive/articles?" + submitted(table.text, _search="dinh hong phong"))
    assert 302 == box.status_code
    assert f"/-/search?q={quote_plus('dinh hong phong')}" == box.headers["location"]
    assert SEED_TITLE == page_titles(get(datasette, box.headers["location"]).text)[0]
    in_table = following(datasette, "/archive/articles?_search=dinh+hong+phong&_bantin_table=1")
    assert 200 == in_table.status_code and "/archive/articles" in str(in_table.url)
    filtered = get(datasette, "/archive/articles.json?_search=dinh+hong+phong&site=sample-hoankiem")
    assert 200 == filtered.status_code


def test_words_together_come_before_words_apart(datasette, crawled):
    together = {i for i, text in texts(crawled).items() if re.search(r"\bhoi\W+nghi\b", fold(text))}
    found = search_ids(datasette, "hoi nghi")
    assert together and set(found) - together
    assert ahead(found, together)


def test_tones_typed_rank_the_exact_tone_first(datasette, crawled):
    exact = {i for i, text in texts(crawled).items() if re.search(r"(?<!\w)hồng(?!\w)", text)}
    found = search_ids(datasette, "Hồng")
    assert exact and set(found) - exact  # some match only without tones (hỏng, hông)
    assert ahead(found, exact)
    assert set(found) == set(search_ids(datasette, "hong"))


@pytest.mark.parametrize("query", ['"hội nghị', "NOT", '"', "*", "NOT hội nghị"])
def test_a_malformed_query_gets_a_message_beside_the_box(datasette, query):
    page = get(datasette, f"/-/search?q={quote(query)}")
    assert 200 == page.status_code
    assert 1 == page.text.count('role="alert"')
    table = following(datasette, f"/archive/articles?_search={quote(query)}&_bantin_table=1")
    assert 200 == table.status_code and "Invalid SQL" not in table.text
    described = get(datasette, f"/archive/articles.json?_search={quote(query)}&_nofacet=1")
    assert unescape(re.search(r'role="alert">(.*?)<', page.text).group(1)) \
        in described.json()["human_description_en"]


def test_raw_search_mode_cannot_break_the_table(datasette):
    response = get(datasette, f"/archive/articles.json?_search={quote(chr(34) + 'hội')}&_searchmode=raw")
    assert 200 == response.status_code


@pytest.mark.parametrize("query", ["dinh hong phong", "hoi nghi", "tuyen*", "Hồng", "xyzzyqua"])
def test_both_pages_give_the_same_count(datasette, query):
    page = get(datasette, f"/-/search?q={quote(query)}").text
    shown = int(re.search(r"<h2 id=\"bai-viet\">Bài viết \((\d+)\)</h2>", page).group(1))
    table = get(datasette, f"/archive/articles.json?_search={quote(query)}&_nofacet=1").json()
    assert table["filtered_table_rows_count"] == shown


def test_copies_are_counted_once(datasette, crawled):
    copies = [row["id"] for row in rows(crawled["db"], "select id from articles where duplicate_of = ?",
                                        SEED_ID)]
    assert copies  # the seed is republished by another site in the sample portal
    table = json_rows(datasette, f"/archive/articles.json?_search={quote('dinh hong phong')}&_nofacet=1")
    for found in ([row["id"] for row in table], search_ids(datasette, "dinh hong phong")):
        assert SEED_ID in found and not set(copies) & set(found)


def test_the_index_holds_the_folded_text_once(crawled):
    assert [("folded",)] == [(row["name"],) for row in rows(crawled["db"], "pragma table_info(articles_fts)")]
    text = rows(crawled["db"], "select folded from articles_fts join articles on articles.rowid = "
                               "articles_fts.rowid where articles.id = ?", SEED_ID)[0]["folded"]
    assert "dinh hong phong" in text and "đ" not in text


# Archives made when the index held the display columns beside the folded copy.
OLD_COLUMNS = ("title", "lead", "body", "captions", "authors", "source", "folded")


def old_archive(path, articles: int = 30):
    """An archive as the earlier schema left it: articles, and the seven-column index."""
    from pipelines import storage

    db = storage.open_archive(path)
    records = [{"id": f"hoankiem:bai-{n}", "site": "hoankiem", "url": f"https://hoankiem.hanoi.gov.vn/{n}",
                "title": f"Đồng chí Đinh Hồng Phong dự hội nghị số {n}", "body": "Sông Hồng mùa lũ.",
                "fetched_at": "2025-01-01T00:00:00+00:00"} for n in range(articles)]
    storage.save_articles(db, records)
    db.execute("drop table articles_fts")
    db.execute(f"create virtual table articles_fts using fts5({', '.join(OLD_COLUMNS)}, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    for rowid, title, body in db.execute("select rowid, title, body from articles").fetchall():
        values = [title, "", body, "", "", ""]
        db.execute("insert into articles_fts (rowid, title, lead, body, captions, authors, source, "
                   "folded) values (?, ?, ?, ?, ?, ?, ?, ?)", [rowid, *values, fold(" \n".join(values))])
    db.conn.commit()
    db.close()


def index_state(path) -> tuple[list[str], int, list[str]]:
    """The index's columns, its row count, and which tables named like it exist."""
    columns = [row["name"] for row in rows(path, "pragma table_info(articles_fts)")]
    count = rows(path, "select count(*) as n from articles_fts")[0]["n"]
    tables = [row["name"] for row in rows(path, "select name from sqlite_master where name in "
                                                "('articles_fts', 'articles_fts_new')")]
    return columns, count, tables


def test_an_old_archive_is_moved_to_the_folded_index_on_open(tmp_path, capsys):
    from datasette_bantin.search import fts_query
    from pipelines import storage

    path = tmp_path / "old.db"
    old_archive(path)
    assert (list(OLD_COLUMNS), 30, ["articles_fts"]) == index_state(path)
    capsys.readouterr()
    db = storage.open_archive(path)
    assert "search index: 30 of 30 articles" in capsys.readouterr().err
    found = db.execute("select count(*) from articles_fts where articles_fts match ?",
                       [fts_query("Đinh Hồng Phong")]).fetchone()[0]
    db.close()
    assert 30 == found
    assert (["folded"], 30, ["articles_fts"]) == index_state(path)
    storage.open_archive(path).close()  # a moved archive is not moved again
    assert "" == capsys.readouterr().err


def test_an_interrupted_move_leaves_the_old_index_whole(tmp_path):
    import sqlite_utils

    from pipelines.storage.search_index import move_to_folded_index

    path = tmp_path / "old.db"
    old_archive(path)
    said = []

    def interrupted(line: str) -> None:
        said.append(line)
        if "of 30 articles" in line:
            raise KeyboardInterrupt

    db = sqlite_utils.Database(path)
    with pytest.raises(KeyboardInterrupt):
        move_to_folded_index(db, interrupted)
    db.close()
    assert (list(OLD_COLUMNS), 30, ["articles_fts"]) == index_state(path)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('aăâđeêioôơuưy ĐHồngịNOTRAD"*()-:^+.,'), max_size=40))
def test_every_query_becomes_valid_fts5_and_tones_never_fail(query):
    connection = sqlite3.connect(":memory:")
    connection.execute("create virtual table articles_fts using fts5(folded)")
    connection.execute("insert into articles_fts (folded) values ('dinh hong phong hoi nghi')")
    for together in ("", "phrase", "near"):
        connection.execute("select rowid from articles_fts where articles_fts match ?",
                           [fts_query(query, together)]).fetchall()
    assert 0 <= tone_score(query, "Đinh Hồng Phong dự hội nghị", None)
    problem = query_problem(query)
    assert problem is None or "\n" not in problem
