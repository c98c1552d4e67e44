"""The HTTrack mirror of sotttt.hanoi.gov.vn served as the original site on loopback (real HTTP, no mocks).

Expected values come from the mirror's manifests (``articles.jsonl.gz``, ``pages.jsonl.gz``), never
from the server's own index.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from parsel import Selector

from sampleportal.mirror import MirrorPortal, realworld_root

ROOT = realworld_root()
if ROOT is None:
    pytest.skip("../shared/realworld is absent: real-portal tests skipped", allow_module_level=True)

SITE_HOST = "sotttt.hanoi.gov.vn"
HTTRACK_FILE = re.compile(r"[0-9a-f]{4}(?:-\d+)?\.html\?")  # tin-tuc-su-kien0f13.html?p_p_id=...


def manifest(name: str) -> list[dict]:
    """Rows of one manifest, leaving out the pages whose ``mirrored_from`` is null."""
    with gzip.open(ROOT / name, "rt", encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row["mirrored_from"]]


ARTICLES = manifest("articles.jsonl.gz")
PAGES = manifest("pages.jsonl.gz")
HELD = {row["mirrored_from"] for row in ARTICLES + PAGES}


def target(row: dict) -> str:
    """Path and query of a manifest row's original URL (the host dropped)."""
    return "/" + row["mirrored_from"].partition("/")[2]


def fetch(portal: MirrorPortal, path: str) -> tuple[int, str, str]:
    """GET a path on the portal: status, body (UTF-8) and Content-Type."""
    try:
        with urllib.request.urlopen(portal.url(path), timeout=10) as reply:
            return reply.status, reply.read().decode("utf-8"), reply.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), error.headers["Content-Type"]


@pytest.fixture(scope="module")
def portal():
    """The mirror on 127.0.0.1 for this module."""
    with MirrorPortal(ROOT) as running:
        yield running


@pytest.fixture(scope="module")
def article() -> dict:
    """A /vi/ article the README puts among the samples (the first in manifest order)."""
    return next(row for row in ARTICLES if row["variant"] == "vi" and row["sample_file"])


@pytest.fixture(scope="module")
def listing() -> dict:
    """The /vi/tin-tuc-su-kien listing page with ``_101_cur=44``."""
    return next(row for row in PAGES
                if row["page_cur"] == 44 and "/vi/tin-tuc-su-kien?" in row["mirrored_from"])


def test_article_answers_with_its_page_without_httrack_marks(portal, article):
    status, body, content_type = fetch(portal, target(article))
    assert (200, "text/html; charset=utf-8") == (status, content_type)
    assert article["title_raw"] in html.unescape(body)
    assert "Mirrored from" not in body
    assert "HTTrack" not in body


def test_listing_answers_by_its_original_query_in_any_order(portal, listing):
    path, _, query = target(listing).partition("?")
    shuffled = urlencode(list(reversed(parse_qsl(query, keep_blank_values=True))))
    assert shuffled != query
    status, body, _ = fetch(portal, target(listing))
    assert 200 == status
    assert 'lfr-icon-menu-text"> 44 <' in body  # the page selector shows the current page
    assert (200, body) == fetch(portal, f"{path}?{shuffled}")[:2]


def test_article_links_to_the_site_are_path_absolute(portal, article):
    _, body, _ = fetch(portal, target(article))
    site_links = []
    for href in Selector(text=body).xpath("//@href").getall():
        parts = urlsplit(href)
        if parts.scheme in ("javascript", "mailto") or href.startswith("#"):
            continue
        if parts.netloc in ("", SITE_HOST, urlsplit(portal.base_url).netloc):
            site_links.append(href)
    assert len(site_links) > 50
    assert [] == [href for href in site_links if not href.startswith(("/", portal.base_url))]
    assert [] == [href for href in site_links if href.startswith("//") or HTTRACK_FILE.search(href)]


def test_listing_paging_links_answer_as_the_manifest_holds_them(portal, listing):
    path = target(listing).partition("?")[0]
    held = {row["page_cur"] for row in PAGES if target(row).partition("?")[0] == path and row["page_cur"]}
    _, body, _ = fetch(portal, target(listing))
    paging = {}
    for href in Selector(text=body).css("div.taglib-page-iterator a::attr(href)").getall():
        cur = dict(parse_qsl(urlsplit(href).query)).get("_101_cur")
        if cur:
            paging[int(cur)] = href
    assert {1, 43, 45, 63, 148} <= set(paging)
    assert all(href.startswith(path + "?") for href in paging.values())
    for cur in (1, 43, 45, 148):
        assert cur in held
        assert 200 == fetch(portal, paging[cur])[0], paging[cur]
    assert 63 not in held  # the one page of this listing HTTrack never saved
    assert 404 == fetch(portal, paging[63])[0]


def test_locale_free_article_held_only_under_vi_is_answered_from_it(portal, caplog):
    roots = {(row["asset_id"], row["category_path"]) for row in ARTICLES if row["variant"] == "root"}
    vi_only = next(row for row in ARTICLES
                   if row["variant"] == "vi" and (row["asset_id"], row["category_path"]) not in roots)
    locale_free = target(vi_only).removeprefix("/vi")
    assert f"{SITE_HOST}{locale_free}" not in HELD
    before = portal.fallbacks
    with caplog.at_level(logging.INFO, logger="bantin.mirror"):
        status, body, _ = fetch(portal, locale_free)
    assert 200 == status
    assert vi_only["title_raw"] in html.unescape(body)
    assert 1 == portal.fallbacks - before
    assert [locale_free] == [record.args[0] for record in caplog.records if record.name == "bantin.mirror"]
    assert (locale_free, 200) in portal.hits


@pytest.mark.parametrize("path", [
    "/vi/tin-tuc-su-kien/-/view_content/999999999-bai-viet-khong-co-that.html",
    "/999999999-bai-viet-khong-co-that.html",
    "/en/en/tin-tuc-su-kien",
])
def test_url_never_held_is_404(portal, path):
    assert f"{SITE_HOST}{path}" not in HELD
    status, body, content_type = fetch(portal, path)
    assert (404, "text/html; charset=utf-8") == (status, content_type)
    assert len(body) < 200
    assert (path, 404) in portal.hits


def test_robots_txt_is_404_as_on_a_site_without_one(portal):
    assert f"{SITE_HOST}/robots.txt" not in HELD
    assert 404 == fetch(portal, "/robots.txt")[0]


def test_an_article_answers_under_any_slug_after_its_id_as_liferay_does(portal, article):
    folder, _, name = target(article).rpartition("/")
    other_slug = f"{folder}/{name.split('-', 1)[0]}-ten-bai-bi-cat-ngan.html"
    assert f"{SITE_HOST}{other_slug}" not in HELD
    status, body, _ = fetch(portal, other_slug)
    assert 200 == status
    assert article["title_raw"] in html.unescape(body)
    other_folder = "/vi/khong-co-muc-nay/-/view_content/" + name
    assert 404 == fetch(portal, other_folder)[0]
