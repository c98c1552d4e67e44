"""Untrusted input: parsers and page objects never raise on arbitrary text or mutated real pages,
the extract command never crashes, and nothing typed into a page can inject markup."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

import vntext
from crawler import charsets, dates, fonts, parsing, people
from crawler.items import NotAnArticle
from crawler.pages import extract_article
from datasette_bantin import sanitise, search
from helpers import BANTIN, FIXTURES

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
VIETNAMESE = st.text(alphabet="ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ aăâeêioôơuưy"
                              "0123456789/|:()-.,\"*Ngàyđăng", max_size=120)
PAGES = sorted(p for p in FIXTURES.glob("*/*/page.html"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(TEXT, VIETNAMESE))
def test_field_parsers_return_a_value_or_none(text):
    assert dates.parse_published(text) is None or "T" in dates.parse_published(text)
    assert parsing.parse_views(text) is None or parsing.parse_views(text) >= 0
    assert parsing.parse_credit(text) is None or isinstance(parsing.parse_credit(text), list)
    for parser in (dates.parse_date_line, parsing.parse_office, parsing.parse_source_line,
                   parsing.undouble, vntext.fold, vntext.clean_text,
                   parsing.strip_site_suffix, fonts.detect, fonts.repair, people.find_mentions):
        parser(text)


@FAST
@given(st.one_of(TEXT, VIETNAMESE), st.one_of(TEXT, VIETNAMESE))
def test_search_helpers_never_raise_and_snippets_carry_no_markup(text, query):
    search.fts_query(query)
    html = search.snippet(text, query)
    tree = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    assert {element.tag for element in tree.iter()} <= {"div", "mark"}
    cleaned = lxml.html.fragment_fromstring(f"<div>{sanitise(html)}</div>")
    assert {element.tag for element in cleaned.iter()} <= {"div", "mark"}


@FAST
@given(st.one_of(TEXT, VIETNAMESE))
def test_folding_keeps_every_position_and_folds_each_character_alone(text):
    folded = vntext.fold_aligned(text)
    assert len(text) == len(folded)
    assert "".join(vntext._fold_char(char) for char in text) == folded


@FAST
@given(st.binary(max_size=400), st.sampled_from(["utf-8", "cp1258", "latin-1", None, "bogus"]))
def test_charset_repair_never_raises(body, declared):
    encoding = charsets.better_encoding(body, declared)
    assert encoding is None or body.decode(encoding, errors="replace") is not None


def mutate(page: bytes, rng: random.Random) -> bytes:
    """A page with a few random cuts, duplications and byte flips."""
    data = bytearray(page)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(max(1, len(data)))
        action = rng.choice(("cut", "copy", "flip", "insert"))
        if action == "cut":
            del data[position:position + rng.randint(1, 400)]
        elif action == "copy":
            data[position:position] = data[max(0, position - 300):position]
        elif action == "flip" and data:
            data[position % len(data)] = rng.randrange(256)
        else:
            data[position:position] = rng.choice([b"<", b">", b"</div>", b"<p>", b"\x00", b"&#", b"\xff\xfe"])
    return bytes(data)


@pytest.mark.parametrize("seed", range(60))
def test_page_objects_survive_mutated_real_pages(seed):
    rng = random.Random(seed)
    page = PAGES[seed % len(PAGES)]
    url = json.loads((page.parent / "meta.json").read_text(encoding="utf-8"))["url"]
    response = HtmlResponse(url, body=mutate(page.read_bytes(), rng))
    try:
        article = extract_article(charsets.page_selector(response), url, "fuzz")
    except NotAnArticle as error:
        assert error.reason and "\n" not in error.reason
    else:
        assert article.title and article.published_at


@pytest.mark.parametrize("seed", range(6))
def test_extract_command_never_crashes_on_mutated_pages(seed, tmp_path):
    rng = random.Random(1000 + seed)
    source = PAGES[(seed * 7) % len(PAGES)]
    target = tmp_path / "page.html"
    target.write_bytes(mutate(source.read_bytes(), rng))
    url = "http://127.0.0.1:1/a/-/asset_publisher/x/content/y"
    result = subprocess.run([str(BANTIN), "extract", str(target), "--url", url],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert 1 == len(result.stderr.strip().splitlines())
    else:
        assert json.loads(result.stdout)["title"]


def test_capture_file_names_never_come_from_urls(crawled):
    names = {p.name for p in (Path(crawled["db"]).parent / "captures").iterdir()}
    assert names and all(name.startswith("bantin-") and name.endswith(".warc.gz") for name in names)
    assert all("/" not in name and ".." not in name.removesuffix(".warc.gz") for name in names)


def test_limits_are_set():
    import settings as project

    assert project.DOWNLOAD_MAXSIZE <= 16 * 1024 * 1024
    assert project.CLOSESPIDER_PAGECOUNT > 0 and project.REDIRECT_MAX_TIMES <= 10
    assert project.DOWNLOAD_TIMEOUT <= 120 and project.ROBOTSTXT_OBEY
    assert "crawler.politeness.SiteBoundsMiddleware" in project.DOWNLOADER_MIDDLEWARES
