"""``bantin import-wayback``: captures listed by a CDX API and fetched from its replay, against a
real pywb on loopback (the sample portal's crawl, and the real portal's mirror as a web archive),
a stand-in for the Internet Archive's answers, and the pure CDX and backoff functions."""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import HtmlResponse
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_tools import build_collection, require_tools, wayback
from crawler.charsets import page_selector
from crawler.config import WaybackSettings
from crawler.items import NotAnArticle
from crawler.pages import extract_article
from helpers import FIXTURES, free_port, invoke, rows, run_bantin
from pipelines import storage, warc
from pipelines.cdx import (
    CdxCapture,
    backoff_delay,
    check_timestamp,
    collapse,
    original_location,
    parse_cdx,
    restored_headers,
    retry_after,
    wanted,
)
from pipelines.wayback import ArchiveClient, WaybackError
from sampleportal.mirror import MirrorIndex, realworld_root, render_page, unpack_mirror

QUICK = ["-s", "BANTIN_WAYBACK_DELAY=0", "-s", "BANTIN_WAYBACK_BACKOFF_BASE=0.001",
         "-s", "BANTIN_WAYBACK_BACKOFF_MAX=0.01", "-s", "BANTIN_WAYBACK_RETRIES=3"]
SUMMARY = re.compile(r"(\d+) captures listed, (\d+) to fetch \((\d+) imported before\); fetched (\d+)")
SITE = "sample-longbien"  # two hosts (127.0.0.1 and localhost), and a copy of another site's article


def summary(stdout: str) -> dict[str, int]:
    """The counts of the command's summary line."""
    listed, to_fetch, before, fetched = map(int, SUMMARY.search(stdout).groups())
    return {"listed": listed, "to_fetch": to_fetch, "before": before, "fetched": fetched}


# 1. The sample portal's crawl, served by pywb


@pytest.fixture(scope="module")
def sample_wayback(crawled, tmp_path_factory):
    """pywb serving the sample crawl's WARC files as collection ``sample``; its base URL."""
    require_tools()
    root = tmp_path_factory.mktemp("pywb-sample")
    build_collection(root, "sample", sorted((crawled["db"].parent / "captures").glob("*.warc.gz")))
    with wayback(root, "sample") as base:
        yield base


@pytest.fixture(scope="module")
def recovered(crawled, sample_wayback, tmp_path_factory):
    """One sample site recovered through pywb into a fresh archive, twice."""
    db = tmp_path_factory.mktemp("recovered") / "archive.db"
    args = ["import-wayback", SITE, "--sites", str(crawled["sites"]), "--db", str(db),
            "--cdx", f"{sample_wayback}/sample/cdx", "--replay", f"{sample_wayback}/sample", *QUICK]
    first = run_bantin(*args)
    captures = rows(db, "select * from captures order by id")
    second = run_bantin(*args)
    return {"db": db, "first": first, "second": second, "captures": captures}


def test_the_articles_recovered_are_those_the_crawl_archived(crawled, recovered):
    assert 0 == recovered["first"].returncode, recovered["first"].stderr[-2000:]
    sql = "select id, title, published_at, duplicate_of, views from articles where site = ? order by id"
    expected = rows(crawled["db"], sql, SITE)
    assert len(expected) > 15
    assert expected == rows(recovered["db"], sql, SITE)
    assert {"wayback"} == {row["recovered_from"] for row in rows(recovered["db"], "select * from articles")}


def test_each_capture_keeps_its_original_time_and_url(crawled, recovered):
    captures = recovered["captures"]
    assert {"wayback"} == {capture["origin"] for capture in captures}
    crawled_at = {}
    for row in rows(crawled["db"], "select url, fetched_at from captures"):
        crawled_at.setdefault(row["url"], set()).add(row["fetched_at"])
    assert [] == [c["url"] for c in captures if c["fetched_at"] not in crawled_at.get(c["url"], ())]
    folder = recovered["db"].parent / "captures"
    for capture in captures[:5]:
        stored = warc.read_capture(folder, capture)
        assert (capture["url"], capture["fetched_at"]) == (stored.url, _iso(stored.warc_date))
        assert not any(name.lower().startswith(("x-archive", "memento")) for name, _ in stored.headers)


def _iso(warc_date: str) -> str:
    """A WARC-Date as the archive writes times."""
    return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).isoformat()


def test_a_second_run_fetches_nothing(recovered):
    first, second = summary(recovered["first"].stdout), summary(recovered["second"].stdout)
    assert 0 == recovered["second"].returncode
    assert (first["to_fetch"], 0) == (first["fetched"], first["before"])
    assert {"listed": first["listed"], "to_fetch": 0, "before": first["to_fetch"], "fetched": 0} == second
    assert len(recovered["captures"]) == len(rows(recovered["db"], "select id from captures"))


def test_reextraction_keeps_the_articles_marked_recovered(recovered, tmp_path):
    import shutil

    copy = tmp_path / "archive.db"
    shutil.copy(recovered["db"], copy)
    shutil.copytree(recovered["db"].parent / "captures", tmp_path / "captures")
    assert 0 == invoke("reextract", "--db", str(copy)).exit_code
    assert {"wayback"} == {row["recovered_from"] for row in rows(copy, "select * from articles")}


def test_an_older_copy_never_replaces_a_newer_archived_article(crawled, recovered, sample_wayback, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "archive.db"
    shutil.copy(recovered["db"], db)
    shutil.copytree(recovered["db"].parent / "captures", tmp_path / "captures")
    article = rows(db, "select id, url from articles where site = ? order by id limit 1", SITE)[0]
    with sqlite3.connect(db) as conn:  # as a later crawl left it: fetched after the web archive's copy
        conn.execute("update articles set title = 'Tiêu đề mới', fetched_at = '2099-01-01T00:00:00+00:00' "
                     "where id = ?", [article["id"]])
        conn.execute("delete from captures where url = ?", [article["url"]])
    result = run_bantin("import-wayback", SITE, "--sites", str(crawled["sites"]), "--db", str(db),
                        "--cdx", f"{sample_wayback}/sample/cdx", "--replay", f"{sample_wayback}/sample",
                        *QUICK)
    assert 0 == result.returncode, result.stderr[-2000:]
    assert 1 == summary(result.stdout)["fetched"]
    assert "1 older than the archived" in result.stdout
    assert "Tiêu đề mới" == rows(db, "select title from articles where id = ?", article["id"])[0]["title"]


def test_an_archive_made_before_gets_the_column(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    storage.open_archive(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute("alter table articles drop column recovered_from")
    archive = storage.open_archive(db)
    assert "recovered_from" in archive.table("articles").columns_dict
    archive.close()


# 2. The real portal's mirror as a web archive, served by pywb

ROOT = realworld_root()
HOST = "sotttt.hanoi.gov.vn"
SECTION = "/vi/tin-tuc-su-kien"
ARTICLES = 200


def manifest(name: str) -> list[dict]:
    """Rows of one mirror manifest that name their original URL."""
    with gzip.open(ROOT / name, "rt", encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row["mirrored_from"]]


def chosen_pages() -> list[dict]:
    """The first 200 articles of one section (one copy each), the pages whose date box is empty,
    and the section's first listing pages: manifest rows."""
    articles, seen = [], set()
    for row in sorted(manifest("articles.jsonl.gz"), key=lambda row: row["mirror_path"]):
        if row["mirror_path"].startswith(f"source{SECTION}/") and row["asset_id"] not in seen:
            seen.add(row["asset_id"])
            articles.append(row)
    undated = [row for row in manifest("articles.jsonl.gz") if not row["dateline_raw"].strip()]
    listings = [row for row in manifest("pages.jsonl.gz")
                if "/" + row["mirrored_from"].partition("/")[2].partition("?")[0] == SECTION]
    return articles[:ARTICLES] + undated[:6] + listings[:5]


def original_url(row: dict) -> str:
    """The page's URL on the live site."""
    return "https://" + row["mirrored_from"]


def write_mirror_warc(path: Path, pages: list[dict], bodies: dict[str, bytes]) -> None:
    """A WARC of the pages as the site served them, each dated when HTTrack fetched it."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for row in pages:
            body = bodies[row["mirror_path"]]
            date = parsedate_to_datetime(row["mirrored_at"]).strftime("%Y-%m-%dT%H:%M:%SZ")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                original_url(row), "response", payload=io.BytesIO(body), length=len(body),
                http_headers=headers, warc_headers_dict={"WARC-Date": date}))


@pytest.fixture(scope="module")
def mirror_recovered(tmp_path_factory):
    """The chosen mirror pages written as a WARC, served by pywb and recovered into an archive."""
    if ROOT is None:
        pytest.skip("../shared/realworld is absent: the mirror's web-archive test skipped")
    require_tools()
    root = tmp_path_factory.mktemp("pywb-mirror")
    tree, index, pages = unpack_mirror(ROOT), MirrorIndex.load(ROOT), chosen_pages()
    bodies = {row["mirror_path"]: render_page(tree, row["mirror_path"], index) for row in pages}
    write_mirror_warc(root / "mirror.warc.gz", pages, bodies)
    build_collection(root, "mirror", [root / "mirror.warc.gz"])
    db = root / "archive.db"
    with wayback(root, "mirror") as base:
        started = time.perf_counter()
        result = run_bantin("import-wayback", "--host", HOST, "--db", str(db), "--cdx",
                            f"{base}/mirror/cdx", "--replay", f"{base}/mirror", *QUICK)
        seconds = time.perf_counter() - started
    print(f"mirror through pywb: {len(pages)} pages, {summary(result.stdout)['fetched']} captures, "
          f"{len(rows(db, 'select id from articles'))} articles, {seconds:.1f} s")
    return {"db": db, "result": result, "pages": pages, "bodies": bodies}


def expected_articles(pages: list[dict], bodies: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """Article id -> (title, fetched_at) as the extractor reads each written page directly."""
    expected = {}
    for row in pages:
        url, fetched_at = original_url(row), parsedate_to_datetime(row["mirrored_at"]).isoformat()
        response = HtmlResponse(url, body=bodies[row["mirror_path"]],
                                headers={"Content-Type": "text/html; charset=UTF-8"})
        try:
            article = extract_article(page_selector(response), url, HOST, fetched_at=fetched_at)
        except NotAnArticle:
            continue
        expected[article.id] = (article.title, fetched_at)
    return expected


def test_the_mirror_pages_with_a_date_box_come_out_as_articles(mirror_recovered):
    result, pages = mirror_recovered["result"], mirror_recovered["pages"]
    assert 0 == result.returncode, result.stderr[-2000:]
    assert len(pages) == summary(result.stdout)["fetched"]
    dated = {row["asset_id"] for row in pages if row.get("asset_id") and row["dateline_raw"].strip()}
    archived = rows(mirror_recovered["db"], "select id, title, fetched_at, recovered_from from articles")
    assert ARTICLES == len(dated) == len(archived)
    expected = expected_articles([row for row in pages if "asset_id" in row], mirror_recovered["bodies"])
    assert expected == {row["id"]: (row["title"], row["fetched_at"]) for row in archived}
    assert {"wayback"} == {row["recovered_from"] for row in archived}
    assert {"2022-08-27"} == {row["fetched_at"][:10] for row in archived}


# 3. The Internet Archive's answers, backoff and the pure functions

IA_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
FIXTURE = FIXTURES / "liferay6" / "credit_tin_anh"
ARTICLE_URL = ("https://longbien.hanoi.gov.vn/tin-hoat-dong/-/asset_publisher/Lb1Tg2Hd3Xq4/content/"
               "tuoi-tre-long-bien-huong-ung-ngay-hoi-hien-mau-tinh-nguyen-nam-2021")
HOME = "https://longbien.hanoi.gov.vn/"


class InternetArchiveStandIn:
    """The Internet Archive's CDX API (its JSON table) and ``id_`` replay (original headers as
    ``X-Archive-Orig-*``, its own beside them) on 127.0.0.1, answering 503 to the first two CDX
    requests and 429 to the first replay of the article. ``hits`` lists the paths asked for."""

    def __init__(self):
        self.hits: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.cdx_rows = [
            ["hanoi,gov,longbien)/", "20220909101400", HOME, "text/html", "302", "RDIGEST", "400"],
            [_key(ARTICLE_URL), "20220909101500", ARTICLE_URL, "text/html", "200", "ADIGEST", "9000"],
            [_key(ARTICLE_URL), "20230101000000", ARTICLE_URL, "text/html", "200", "ADIGEST", "9000"],
            [_key(HOME + "logo.png"), "20220909101600", HOME + "logo.png", "image/png", "200", "I", "1"],
            [_key(HOME + "gone"), "20220909101700", HOME + "gone", "text/html", "404", "G", "300"],
            [_key(HOME + "lost"), "20220909101800", HOME + "lost", "text/html", "200", "L", "300"],
        ]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, target: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for a request target."""
        self.hits.append(target)
        path = urlsplit(target).path
        if path == "/cdx":
            if sum(1 for hit in self.hits if hit.startswith("/cdx?")) <= 2:
                return 503, [("Retry-After", "120")], b"busy"
            host = parse_qs(urlsplit(target).query)["url"][0]
            listed = [row for row in self.cdx_rows if urlsplit(row[2]).netloc == host]
            table = json.dumps([IA_HEADER, *listed] if listed else []).encode()
            return 200, [("Content-Type", "application/json")], table
        if path == f"/web/20220909101500id_/{ARTICLE_URL}":
            if self.hits.count(target) == 1:
                return 429, [("Retry-After", "60")], b"slow down"
            body = gzip.compress((FIXTURE / "page.html").read_bytes())
            return 200, self._archived("20220909101500", [
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                ("X-Archive-Orig-Server", "Apache-Coyote/1.1"), ("X-Archive-Orig-Content-Length", "9000"),
                ("X-Archive-Orig-Transfer-Encoding", "chunked"),
                ("X-Archive-Orig-Liferay-Portal", "6.2")]), body
        if path == f"/web/20220909101400id_/{HOME}":
            location = f"{self.base}/web/20220909101400id_/{HOME}trang-chu"
            return 302, self._archived("20220909101400", [("Location", location)]), b""
        return 404, [("Content-Type", "text/html")], b"not in the archive"

    def _archived(self, timestamp: str, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """A replay's headers: the capture's, and the archive's own."""
        when = format_datetime(datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC), usegmt=True)
        return [("Server", "nginx"), ("Date", format_datetime(datetime.now(UTC), usegmt=True)),
                ("X-Archive-Orig-Date", when), ("Memento-Datetime", when), ("X-Archive-Src", "x.warc.gz"),
                ("Link", f'<{HOME}>; rel="original"'), ("X-App-Server", "wwwb-app1"), *headers]

    def _handler(self):
        """A request handler class answering for this stand-in."""
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, headers, body = stand_in.answer(self.path)
                self.send_response(status)
                for name, value in [*headers, ("Content-Length", str(len(body)))]:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def _key(url: str) -> str:
    """A stand-in for the SURT key the CDX gives (only its sameness matters here)."""
    return url.split("//", 1)[1].lower()


def test_internet_archive_answers_are_recovered_with_backoff(tmp_path):
    db = tmp_path / "archive.db"
    with InternetArchiveStandIn() as archive:
        result = invoke("import-wayback", "longbien", "--db", str(db), "--cdx", f"{archive.base}/cdx",
                        "--replay", f"{archive.base}/web", "--from", "2022", "--to", "20231231", *QUICK)
        hits = list(archive.hits)
    asked = [parse_qs(urlsplit(hit).query) for hit in hits if hit.startswith("/cdx?")]
    # twice refused, then once for each host of the site (its sister host lists nothing)
    assert ["longbien.hanoi.gov.vn"] * 3 + ["portal.longbien.gov.vn"] == [query["url"][0] for query in asked]
    assert {"url": ["longbien.hanoi.gov.vn"], "matchType": ["host"], "output": ["json"],
            "from": ["2022"], "to": ["20231231"]} == {k: v for k, v in asked[0].items() if k != "filter"}
    # the article replayed twice (429 first), the second copy of it, the image and the 404 never
    assert 2 == sum(1 for hit in hits if "20220909101500id_" in hit)
    assert not [hit for hit in hits if "20230101000000" in hit or "logo.png" in hit or "/gone" in hit]
    assert 1 == result.exit_code
    assert [f"Error: not in the archive: {HOME}lost (20220909101800): the replay answered HTTP 404"] == \
        result.stderr.splitlines()
    captures = rows(db, "select url, status, fetched_at, origin from captures order by fetched_at")
    assert [{"url": HOME, "status": 302, "fetched_at": "2022-09-09T10:14:00+00:00", "origin": "wayback"},
            {"url": ARTICLE_URL, "status": 200, "fetched_at": "2022-09-09T10:15:00+00:00",
             "origin": "wayback"}] == captures


def test_the_original_headers_are_restored_in_the_warc(tmp_path):
    db = tmp_path / "archive.db"
    with InternetArchiveStandIn() as archive:
        invoke("import-wayback", "--host", "longbien.hanoi.gov.vn", "--db", str(db),
               "--cdx", f"{archive.base}/cdx", "--replay", f"{archive.base}/web", *QUICK)
    folder = tmp_path / "captures"
    redirect, article = (warc.read_capture(folder, c) for c in rows(db, "select * from captures order by id"))
    assert [("Date", "Fri, 09 Sep 2022 10:14:00 GMT"), ("Location", f"{HOME}trang-chu"),
            ("Content-Length", "0")] == redirect.headers
    assert [("Date", "Fri, 09 Sep 2022 10:15:00 GMT"), ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"), ("Server", "Apache-Coyote/1.1"), ("Liferay-Portal", "6.2")] == \
        article.headers[:-1]
    expected = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
    assert [{"site": "longbien", "title": expected["title"], "fetched_at": "2022-09-09T10:15:00+00:00",
             "recovered_from": "wayback"}] == rows(db, "select site, title, fetched_at, recovered_from "
                                                       "from articles")


def test_the_client_waits_as_the_server_asks_then_gives_up():
    waits = []
    config = WaybackSettings(cdx="", replay="", user_agent="bantin-test", delay=0, timeout=5, retries=2,
                             backoff_base=1.0, backoff_max=1000.0)
    with InternetArchiveStandIn() as archive:
        client = ArchiveClient(config, sleep=waits.append)
        assert 200 == client.get(f"{archive.base}/cdx?url=longbien.hanoi.gov.vn").status
        assert [120.0, 120.0] == waits
        closed = f"http://127.0.0.1:{free_port()}/cdx"
        with pytest.raises(WaybackError, match=r"could not be reached.*\(3 tries\)"):
            client.get(closed)
    assert [120.0, 120.0, 1.0, 2.0] == waits


IA_ANSWER = json.dumps([
    IA_HEADER,
    ["vn,gov,hanoi,hoankiem)/a", "20220101000000", "https://hoankiem.hanoi.gov.vn/a", "text/html", "200",
     "AAAA", "10"],
    ["vn,gov,hanoi,hoankiem)/a", "20210101000000", "http://hoankiem.hanoi.gov.vn/a", "text/html", "200",
     "AAAA", "10"],
    ["vn,gov,hanoi,hoankiem)/r", "20220101000001", "https://hoankiem.hanoi.gov.vn/r", "warc/revisit", "-",
     "BBBB", "10"],
    [], ["resume-key"],
])
PYWB_ANSWER = "\n".join(json.dumps(row) for row in [
    {"urlkey": "vn,gov,hanoi,hoankiem)/a", "timestamp": "20220101000000", "url": "https://hoankiem.hanoi.gov.vn/a",
     "mime": "text/html", "status": "200", "digest": "AAAA", "length": "10", "filename": "x.warc.gz"},
    {"urlkey": "vn,gov,hanoi,hoankiem)/r", "timestamp": "20220101000001", "url": "https://hoankiem.hanoi.gov.vn/r",
     "mime": "warc/revisit", "digest": "BBBB", "length": "10"},
]) + "\n"


def test_both_cdx_answer_forms_read_alike():
    page = CdxCapture("https://hoankiem.hanoi.gov.vn/a", "20220101000000", "text/html", 200, "AAAA",
                      "vn,gov,hanoi,hoankiem)/a")
    revisit = CdxCapture("https://hoankiem.hanoi.gov.vn/r", "20220101000001", "warc/revisit", None, "BBBB",
                         "vn,gov,hanoi,hoankiem)/r")
    assert [page, revisit] == parse_cdx(PYWB_ANSWER)
    older = replace(page, timestamp="20210101000000", url="http://hoankiem.hanoi.gov.vn/a")
    assert [page, older, revisit] == parse_cdx(IA_ANSWER)
    assert [] == parse_cdx("") == parse_cdx("[]")
    with pytest.raises(ValueError):
        parse_cdx("<html>blocked</html>")
    assert "2022-01-01T00:00:00+00:00" == page.fetched_at
    assert "sha1:AAAA" == page.payload_digest


def test_collapse_keeps_the_earliest_capture_of_each_url_and_digest_oldest_first():
    captures = parse_cdx(IA_ANSWER)
    assert ["20210101000000", "20220101000001"] == [c.timestamp for c in collapse(captures)]
    same_digest_other_url = CdxCapture("https://hoankiem.hanoi.gov.vn/b", "20200101000000", digest="AAAA")
    assert [same_digest_other_url, *collapse(captures)] == collapse([*captures, same_digest_other_url])


@pytest.mark.parametrize(("mime", "status", "kept"), [
    ("text/html", 200, True), ("text/html; charset=utf-8", None, True), ("warc/revisit", None, True),
    ("text/html", 301, True), ("unk", 302, True), ("image/jpeg", 200, False), ("text/html", 404, False),
    ("text/plain", 200, False), ("application/xhtml+xml", 200, True),
])
def test_pages_redirects_and_revisits_are_wanted(mime, status, kept):
    assert kept == wanted(CdxCapture("https://x.example/", "20220101000000", mime, status))


def test_backoff_doubles_honours_the_server_and_stops_at_the_maximum():
    assert [5.0, 10.0, 20.0, 40.0] == [backoff_delay(n, 5.0, 300.0) for n in range(1, 5)]
    assert 120.0 == backoff_delay(1, 5.0, 300.0, asked=120.0)
    assert 300.0 == backoff_delay(9, 5.0, 300.0) == backoff_delay(1, 5.0, 300.0, asked=3600.0)


def test_retry_after_reads_seconds_and_dates():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert 30.0 == retry_after("30", now)
    assert 90.0 == retry_after("Thu, 01 Jan 2026 12:01:30 GMT", now)
    assert 0.0 == retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now)
    assert 0.0 == retry_after(None) == retry_after("soon")


def test_headers_of_a_pywb_replay_are_restored():
    replay = "http://127.0.0.1:8080/coll"
    replayed = [("X-Archive-Orig-Server", "Apache"), ("X-Archive-Orig-Date", "Sat, 27 Aug 2022 05:26:00 GMT"),
                ("Content-Type", "text/html"), ("Liferay-Portal", "6.2"), ("Content-Length", "10"),
                ("Memento-Datetime", "Sat, 27 Aug 2022 05:26:00 GMT"),
                ("Link", '<http://x.example/>; rel="original", <http://127.0.0.1/coll/x>; rel="timegate"'),
                ("Content-Location", f"{replay}/20220827052600id_/http://x.example/"),
                ("Date", "Mon, 07 Dec 2026 14:16:14 GMT"), ("Content-Encoding", "gzip")]
    assert [("Server", "Apache"), ("Date", "Sat, 27 Aug 2022 05:26:00 GMT"), ("Content-Type", "text/html"),
            ("Liferay-Portal", "6.2")] == restored_headers(replayed, b"<html>not gzip</html>", replay)


def test_a_redirect_into_the_replay_is_the_url_it_was():
    replay = "https://web.archive.org/web"
    replayed = f"{replay}/20220101000000id_/http://x.example/new"
    assert "http://x.example/new" == original_location(replayed, replay)
    assert "http://x.example/new" == original_location("/web/2022im_/http://x.example/new", replay)
    assert "https://other.example/" == original_location("https://other.example/", replay)


def test_timestamps_are_checked():
    assert "2022" == check_timestamp("2022") and "20220827" == check_timestamp("20220827")
    for wrong in ("22", "2022-08", "202213", "20220832", "20220827052600123"):
        with pytest.raises(ValueError):
            check_timestamp(wrong)


# 4. Errors: one line, non-zero exit


def test_an_unknown_site_is_one_line(tmp_path):
    result = invoke("import-wayback", "nowhere", "--db", str(tmp_path / "a.db"))
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert (2, [True]) == (result.exit_code,
                           [error.startswith("Error: unknown site 'nowhere'; known: ") for error in errors])
    assert [] == list(tmp_path.iterdir())  # no archive made for a command typed wrongly


def test_no_site_nor_host_is_one_line(tmp_path):
    result = invoke("import-wayback", "--db", str(tmp_path / "a.db"))
    assert (2, ["Error: name a site (see `bantin sites`) or give --host HOST"]) == \
        (result.exit_code, [line for line in result.stderr.splitlines() if line.startswith("Error:")])
    assert [] == list(tmp_path.iterdir())


def test_an_unreachable_cdx_server_is_one_line_after_the_retries(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    result = invoke("import-wayback", "hoankiem", "--db", str(tmp_path / "a.db"), "--cdx", f"{closed}/cdx",
                    "--replay", f"{closed}/web", *QUICK)
    assert 1 == result.exit_code
    assert [f"Error: {closed}/cdx could not be reached: Connection refused (4 tries)"] == \
        result.stderr.splitlines()


def test_a_wrong_date_is_a_usage_error(tmp_path):
    result = invoke("import-wayback", "hoankiem", "--from", "2022-01", "--db", str(tmp_path / "a.db"))
    assert 2 == result.exit_code
    assert "expected YYYY, YYYYMM or YYYYMMDD" in result.stderr
