"""In a real browser (Debian's headless Chromium, driven by Playwright) against `bantin serve`:
search without diacritics, open the seed article, see its captions, download the CSV."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import BANTIN, free_port, wait_for_datasette
from sampleportal.content import load_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture
def server(crawled, tmp_path):
    """`bantin serve` on a free loopback port over a copy of the crawled archive."""
    shutil.copy(crawled["db"], tmp_path / "archive.db")
    shutil.copytree(crawled["db"].parent / "captures", tmp_path / "captures")
    port = free_port()
    process = subprocess.Popen([str(BANTIN), "serve", "--db", str(tmp_path / "archive.db"),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_datasette(base)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_search_open_article_and_download_csv(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(accept_downloads=True)
        page.goto(server + "/-/search")
        page.fill("input[name=q]", "dinh hong phong")
        page.click("input[type=submit]")
        page.click(f"text={SEED['title']}")
        page.wait_for_selector("article.bantin-article")
        captions = page.locator("article.bantin-article figcaption").all_inner_texts()
        assert [image["caption"] for image in SEED["images"]] == captions
        page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
        page.goto(server + "/archive/articles")
        page.click("details.actions-menu-links summary")
        with page.expect_download() as download_info:
            page.click("text=Download all rows as CSV for Excel")
        path = tmp_path / "articles.csv"
        download_info.value.save_as(path)
        browser.close()
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert SEED["title"] in content.decode("utf-8-sig")
    assert (tmp_path / "article.png").stat().st_size > 10_000
