"""Search as researchers type it, through Datasette's own client: with or without diacritics,
phrases and prefixes, snippets in the original text, one page over articles, people and offices."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import pytest

from helpers import SEED, SEED_ID, SEED_TITLE, get, json_rows, search_ids


@pytest.mark.parametrize("query", ["dinh hong phong", "Đinh Hồng Phong", "đinh hồng phong",
                                   unicodedata.normalize("NFD", "Đinh Hồng Phong"), "DINH HONG PHONG"])
def test_search_finds_the_same_with_or_without_diacritics(datasette, query):
    assert search_ids(datasette, "dinh hong phong") == search_ids(datasette, query)
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
