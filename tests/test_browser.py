"""The pages a researcher meets, in a real browser (Debian's headless Chromium, driven by
Playwright) against `bantin serve` over a copy of the crawled archive named ``hk.db``, so every
link must work under a database name other than ``archive``.

Each test saves a screenshot of its page into its ``tmp_path`` (``<page>.png``, the first screen
at 1280×800) and the page's measurements beside it (``<page>.json``)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from helpers import BANTIN, SEED_ID, free_port, wait_for_datasette
from sampleportal.content import load_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
DATABASE = "hk"
VIEWPORT = {"width": 1280, "height": 800}
DEFAULT_COLUMNS = ["id", "title", "published_date", "site", "category", "views", "source"]
CHART = ".vega-embed canvas.marks, .vega-embed svg.marks"  # what datasette-vega draws
HEADER = "ths => ths.map(th => th.dataset.column)"
MEASURE = """() => {
  const first = document.querySelector("table.rows-and-columns tbody tr");
  return {title: document.title, url: location.href,
          page_width: document.documentElement.scrollWidth, viewport_width: window.innerWidth,
          page_height: document.documentElement.scrollHeight,
          first_row_height: first ? first.getBoundingClientRect().height : null,
          table_top: first ? first.getBoundingClientRect().top + window.scrollY : null};
}"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(crawled, tmp_path_factory):
    """`bantin serve --db hk.db` on a free loopback port over a copy of the crawled archive."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(crawled["db"], folder / f"{DATABASE}.db")
    shutil.copytree(crawled["db"].parent / "captures", folder / "captures")
    port = free_port()
    process = subprocess.Popen([str(BANTIN), "serve", "--db", str(folder / f"{DATABASE}.db"),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_datasette(base)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh 1280×800 tab that accepts downloads."""
    tab = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    yield tab
    tab.close()


def record(page, folder: Path, name: str) -> dict:
    """Save the first screen of ``page`` as ``<name>.png`` and its measurements as ``<name>.json``
    (title, URL, page and viewport widths, page height, first table row's height and top, px)."""
    page.screenshot(path=str(folder / f"{name}.png"))
    measured = page.evaluate(MEASURE)
    (folder / f"{name}.json").write_text(json.dumps(measured, ensure_ascii=False, indent=2), encoding="utf-8")
    return measured


def test_search_page_finds_the_name_typed_without_tones(server, page, tmp_path):
    page.goto(server + "/-/search")
    page.fill("input[name=q]", "dinh hong phong")
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.wait_for_selector(".search-result")
    titles = page.locator(".search-result h3").all_inner_texts()
    record(page, tmp_path, "search")
    assert SEED["title"] in titles


def test_articles_table_shows_its_default_columns_on_a_readable_page(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE}/articles")
    columns = page.eval_on_selector_all("table.rows-and-columns thead th", HEADER)
    descriptions = page.locator("details.bantin-columns").bounding_box()
    measured = record(page, tmp_path, "table")
    assert DEFAULT_COLUMNS == columns
    assert [("_col", column) for column in DEFAULT_COLUMNS[1:]] == parse_qsl(urlsplit(page.url).query)
    assert measured["page_width"] <= measured["viewport_width"]
    assert measured["first_row_height"] < 200
    assert descriptions["y"] + descriptions["height"] < VIEWPORT["height"] and descriptions["height"] < 60
    page.click("details.bantin-columns summary")
    assert page.locator("details.bantin-columns dd").first.is_visible()
    with page.expect_navigation():
        page.click("p.bantin-more-columns >> text=body")
    assert "body" in page.eval_on_selector_all("table.rows-and-columns thead th", HEADER)
    assert page.evaluate(MEASURE)["first_row_height"] < 200


def test_facets_count_an_office_printed_in_capitals_once(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE}/articles")
    offices = page.locator("#facet-office_key li a").all_inner_texts()
    listed = page.locator("#facet-published_year li:not(.facet-truncated) a").all_inner_texts()
    years = [int(text) for text in listed]
    record(page, tmp_path, "facets")
    assert 1 == offices.count("Ban Tuyên giáo Quận ủy")
    assert "BAN TUYÊN GIÁO QUẬN ỦY" not in offices
    assert years == sorted(years, reverse=True)
    with page.expect_navigation():
        page.click("#facet-office_key >> text=Ban Tuyên giáo Quận ủy")
    printed = set(page.locator("table.rows-and-columns td.col-source").all_inner_texts())
    record(page, tmp_path, "facet-office")
    assert {"Ban Tuyên giáo Quận ủy", "BAN TUYÊN GIÁO QUẬN ỦY"} == printed


def test_article_page_shows_the_archived_images(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE}/articles/{quote(SEED_ID, safe=':')}")
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all(
        "article.bantin-article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth])")
    captions = page.locator("article.bantin-article figcaption").all_inner_texts()
    measured = record(page, tmp_path, "article")
    assert f"{SEED['title']} · {DATABASE}" == measured["title"]
    assert [image["caption"] for image in SEED["images"]] == captions
    assert len(SEED["images"]) == len(images)
    assert all(src.startswith("/-/image/") and width > 0 for src, width in images)


def test_chart_link_on_the_home_page_draws_the_chart(server, page, tmp_path):
    page.goto(server + "/")
    page.click("text=Số bài mỗi tháng của từng trang (biểu đồ)")
    page.wait_for_selector(CHART)
    record(page, tmp_path, "chart")
    page.locator(".vega-embed").screenshot(path=str(tmp_path / "chart-drawing.png"))
    assert urlsplit(page.url).path == f"/{DATABASE}/articles_per_site_month"


def test_chart_link_clicked_on_its_own_page_draws_the_chart(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE}/articles_per_site_month")
    page.click("text=Xem dạng biểu đồ")
    page.wait_for_selector(CHART)
    record(page, tmp_path, "chart-own-page")


def test_people_mentioned_lists_the_officials(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE}/people_mentioned")
    names = page.locator("table.rows-and-columns td.col-name").all_inner_texts()
    measured = record(page, tmp_path, "people")
    assert "Đinh Hồng Phong" in names
    assert measured["title"].startswith("Người được nhắc tới")


def test_excel_download_keeps_the_filter_on_screen(server, page, crawled, tmp_path):
    page.goto(f"{server}/{DATABASE}/articles?site=sample-tayho")
    page.click("details.actions-menu-links summary")
    with page.expect_download() as download_info:
        page.click("text=Tải về cho Excel")
    path = tmp_path / "articles.csv"
    download_info.value.save_as(path)
    content = path.read_bytes()
    expected = sqlite3.connect(crawled["db"]).execute(
        "select count(*) from articles where site = 'sample-tayho'").fetchone()[0]
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert expected == len(rows) and {"sample-tayho"} == {row["site"] for row in rows}
