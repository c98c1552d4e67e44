"""A real Liferay 6.2 portal archived end to end: two sections with their full paging, crawled over
loopback HTTP through the real spider from the mirror served as the original site.

Expected values come from the mirror's manifests and listing pages, read here without bantin's
code: which articles the listings link, which URLs the mirror holds, each copy's date line.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
import unicodedata
from collections import Counter
from functools import cache

import pytest

from helpers import rows, run_bantin
from sampleportal.mirror import MirrorPortal, realworld_root, unpack_mirror

ROOT = realworld_root()
if ROOT is None:
    pytest.skip("../shared/realworld is absent: real-portal tests skipped", allow_module_level=True)

HOST = "sotttt.hanoi.gov.vn"
SECTIONS = ("tin-tuc-su-kien", "cong-nghe-thong-tin")
STARTS = [f"{locale}/{section}" for section in SECTIONS for locale in ("", "/vi", "/en")]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO"]
ARTICLE_HREF = re.compile(r'href="([^"?#]*/-/view_content/\d+-[^"/?#]*)"')
VIEW_CONTENT = re.compile(r"^(?P<folder>.*/-/view_content)/(?P<id>\d+)-[^/]*$")
LOCALE = re.compile(r"^/(?:vi|en)(?=/)")
TRAPS = re.compile(r"/-/.*/-/|^/(?:en|vi)/(?:en|vi)(?:/|$)|pop_up|viewMode=print|languageId=|/c/portal/")
COUNT = re.compile(r"View count:\s*(\d+)")


def manifest(name: str) -> list[dict]:
    """Rows of one manifest that name their original URL."""
    with gzip.open(ROOT / name, "rt", encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row["mirrored_from"]]


def path_of(row: dict) -> str:
    """The original path and query of a manifest row (host dropped)."""
    return "/" + row["mirrored_from"].partition("/")[2]


@cache
def held_articles() -> dict[tuple[str, str], list[dict]]:
    """(page folder ``/<locale>/<page>/-/view_content``, asset id) -> manifest rows (HTTrack saved
    some articles twice in one folder, under a full and a cut-short name)."""
    held: dict[tuple[str, str], list[dict]] = {}
    for row in manifest("articles.jsonl.gz"):
        match = VIEW_CONTENT.match(path_of(row))
        held.setdefault((match["folder"], match["id"]), []).append(row)
    return held


@cache
def listed() -> dict[str, set[str]]:
    """Asset id -> the article paths the sections' held listing pages link to it with (HTTrack's
    relative links resolved against the listing file's own place in the mirror)."""
    tree = unpack_mirror(ROOT)
    found: dict[str, set[str]] = {}
    for row in manifest("pages.jsonl.gz"):
        if path_of(row).partition("?")[0] not in STARTS:
            continue
        folder = posixpath.dirname(row["mirror_path"])
        for href in ARTICLE_HREF.findall((tree / row["mirror_path"]).read_text(encoding="utf-8")):
            if href.startswith(("http:", "https:", "//", "javascript:", "#")):
                continue
            path = "/" + posixpath.normpath(posixpath.join(folder, href)).removeprefix("source/")
            match = VIEW_CONTENT.match(path)
            if match:
                found.setdefault(match["id"], set()).add(path)
    return found


@cache
def by_path() -> dict[str, dict]:
    """Original article path -> manifest row."""
    return {path_of(row): row for row in manifest("articles.jsonl.gz")}


def answerable(path: str) -> bool:
    """Whether the mirror holds the article at ``path`` (a view_content path), as a Liferay site
    answers it: under its page folder, or locale-free from the /vi/ copy."""
    match = VIEW_CONTENT.match(path)
    if match is None:
        return False
    folders = [match["folder"]] + ([] if LOCALE.match(path) else ["/vi" + match["folder"]])
    return any((folder, match["id"]) in held_articles() for folder in folders)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """The two sections crawled from /, /vi/ and /en/ into a fresh archive."""
    db = tmp_path_factory.mktemp("realworld") / "archive.db"
    with MirrorPortal(ROOT) as portal:
        result = run_bantin("crawl", *[f"--start-url={portal.base_url}{start}" for start in STARTS],
                            "--db", str(db), *FAST)
        hits = list(portal.hits)
    assert 0 == result.returncode, result.stderr[-3000:]
    return {"db": db, "hits": hits, "result": result, "base": portal.base_url}


@cache
def archived(db) -> dict[str, dict]:
    """Asset id -> archived article row."""
    return {row["id"].rpartition(":")[2]: row for row in rows(db, "select * from articles")}


def fetched_rows(row: dict, base: str) -> list[dict]:
    """The manifest rows of the copy an archived article was read from: its URL's own, else the
    copies of its id in its page folder, else in the /vi/ folder of a locale-free URL."""
    path = row["url"].removeprefix(base)
    if path in by_path():
        return [by_path()[path]]
    match = VIEW_CONTENT.match(path)
    folders = [match["folder"]] + ([] if LOCALE.match(path) else ["/vi" + match["folder"]])
    return next(held_articles()[f, match["id"]] for f in folders if (f, match["id"]) in held_articles())


def test_every_page_number_of_both_sections_is_fetched(crawl):
    """Each page of a section's paging is fetched under one locale at least (the same page under
    another locale lists the same articles, and the spider does not page a listing twice)."""
    held = {(_section(path_of(row)), row["page_cur"]) for row in manifest("pages.jsonl.gz")
            if path_of(row).partition("?")[0] in STARTS and row["page_cur"]}
    fetched = {(_section(target), _page_number(target)) for target, status in crawl["hits"] if status == 200}
    assert 148 == max(number for section, number in held if section == "tin-tuc-su-kien")
    assert set() == held - fetched


def _section(target: str) -> str:
    """The section a listing URL pages through (locale prefix dropped)."""
    return LOCALE.sub("", target.partition("?")[0]).strip("/")


def _page_number(target: str) -> int | None:
    """The ``_101_cur`` page number of a listing URL, or ``None``."""
    number = re.search(r"_101_cur=(\d+)", target)
    return int(number.group(1)) if number else None


def test_every_listed_article_the_mirror_holds_is_archived_once(crawl):
    reachable = {asset for asset, paths in listed().items() if any(answerable(p) for p in paths)}
    assert len(reachable) > 2500
    got = archived(crawl["db"])
    assert set() == reachable - set(got)
    paths = [target.partition("?")[0] for target, status in crawl["hits"] if status == 200]
    ok_fetches = Counter(VIEW_CONTENT.match(path)["id"] for path in paths if VIEW_CONTENT.match(path))
    assert [] == [asset for asset, count in ok_fetches.items() if count != 1]
    assert set(ok_fetches) == set(got)


def test_nothing_is_archived_that_the_mirror_does_not_hold(crawl):
    held_ids = {asset for _, asset in held_articles()}
    assert set() == set(archived(crawl["db"])) - held_ids
    failures = rows(crawl["db"], "select url, kind from page_failures")
    assert {"http_404"} == {failure["kind"] for failure in failures}
    assert [] == [f["url"] for f in failures if answerable(f["url"].removeprefix(crawl["base"]))]


def test_no_trap_is_followed(crawl):
    assert [] == [target for target, _ in crawl["hits"] if TRAPS.search(target)]


def test_title_date_and_count_are_those_the_copy_prints(crawl):
    wrong = []
    for row in archived(crawl["db"]).values():
        expected = [_printed(copy) for copy in fetched_rows(row, crawl["base"])]
        if (row["title"], row["published_raw"], row["views"]) not in expected:
            wrong.append((row["url"], expected, (row["title"], row["published_raw"], row["views"])))
    assert [] == wrong[:5]


def _printed(copy: dict) -> tuple[str, str, int | None]:
    """Title, date and time, and view count as a manifest row's copy prints them."""
    printed = html.unescape(copy["dateline_raw"]).replace("\xa0", " ")
    date_time = re.search(r"\d{2}/\d{2}/\d{4} \| \d{1,2}:\d{2} [AP]M", printed).group(0)
    count = COUNT.search(printed)
    title = " ".join(unicodedata.normalize("NFC", html.unescape(copy["title_raw"])).split())  # stored in NFC
    return title, date_time, int(count.group(1)) if count else None


def test_twelve_am_is_a_date_without_a_time(crawl):
    date_only = [row for row in archived(crawl["db"]).values() if row["published_raw"].endswith("12:00 AM")]
    assert len(date_only) > 100
    assert {"day"} == {row["published_precision"] for row in date_only}
    assert all(row["published_at"].endswith("T00:00:00+07:00") for row in date_only)
    timed = [row for row in archived(crawl["db"]).values() if not row["published_raw"].endswith("12:00 AM")]
    assert {"minute"} == {row["published_precision"] for row in timed}
    afternoon = next(row for row in timed if re.search(r"\| (?:[1-9]|1[01]):\d{2} PM$", row["published_raw"]))
    hour = int(re.search(r"\| (\d+):", afternoon["published_raw"]).group(1))
    assert f"T{hour + 12:02d}:" in afternoon["published_at"]


def test_each_count_is_an_observation_of_the_copy_it_was_read_on(crawl):
    observed = rows(crawl["db"], "select v.article_id, v.views, v.url, a.url as archived_url, "
                                 "a.views as shown from view_counts v join articles a on a.id = v.article_id")
    assert len(observed) > 2000
    assert [] == [o for o in observed if (o["url"], o["views"]) != (o["archived_url"], o["shown"])]


def test_the_cms_account_is_never_a_credit_nor_body_text(crawl):
    accounts = rows(crawl["db"], "select count(*) as n from authors where name like 'Pho Ban%'")
    assert 0 == accounts[0]["n"]
    in_body = "select count(*) as n from articles where body like '%Pho Ban bien tap%'"
    assert 0 == rows(crawl["db"], in_body)[0]["n"]
    assert 0 == rows(crawl["db"], "select count(*) as n from articles where body like '%In bài viết%' "
                                  "or body like '%Gửi mail%' or body like '%Các tin khác%'")[0]["n"]
