"""Images and attached documents: fetched with their article, kept as WARC records (one record per
distinct file, revisits for the same bytes again), linked from their rows, never fetched twice,
capped in size, and shown from the archive on the article page in Datasette."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from urllib.parse import urlsplit

import pytest

from crawler.spiders.files import FileFetches, unusable
from helpers import FAST, SAMPLE_SITES, get, registry_file, rows, run_bantin
from pipelines.warc import captures_folder, read_capture
from sampleportal import files as portal_files

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def portal_file(url: str) -> bytes:
    """The bytes the sample portal serves at ``url`` (its own files, not what bantin kept)."""
    return portal_files.file_of(urlsplit(url).path)[1]


def archived_files(db) -> dict[str, str]:
    """Every image and attachment URL the archived articles print, with its kind."""
    found = {row["src"]: "image" for row in rows(db, "select src from images")}
    found.update({row["url"]: "document" for row in rows(db, "select url from attachments")})
    return found


def stored(db, capture_id: int):
    """The stored response of a capture, a revisit's payload read from the record holding it."""
    from pipelines import storage

    archive = storage.open_archive(db)
    try:
        return read_capture(captures_folder(db), storage.payload_capture(
            archive, dict(archive["captures"].get(capture_id))))
    finally:
        archive.close()


# --- the crawl of the sample portal (the session's ``crawled`` archive) ---

def test_every_image_row_points_to_a_capture_of_its_file(crawled):
    images = rows(crawled["db"], "select * from images")
    assert images
    for image in images:
        assert image["capture_id"] is not None, image["src"]
        kept = stored(crawled["db"], image["capture_id"])
        assert portal_file(image["src"]) == kept.body
        assert ("Content-Type", "image/jpeg") in kept.headers


def test_every_attached_document_is_kept_as_the_pdf_the_portal_serves(crawled):
    attachments = rows(crawled["db"], "select * from attachments")
    assert len(attachments) == 7
    for attachment in attachments:
        kept = stored(crawled["db"], attachment["capture_id"])
        assert kept.body.startswith(b"%PDF-1.4")
        assert portal_file(attachment["url"]) == kept.body


def test_each_linked_file_is_fetched_once(crawled):
    archived = rows(crawled["db"], "select src as url from images union select url from attachments")
    wanted = {(urlsplit(row["url"]).netloc, urlsplit(row["url"]).path) for row in archived}
    fetched = Counter((hit.host, hit.target) for hit in crawled["hits"]
                      if hit.target.startswith("/documents/"))
    assert wanted == set(fetched)
    assert {1} == set(fetched.values())


def test_the_same_bytes_under_another_url_are_kept_once_then_as_revisits(crawled):
    linked = archived_files(crawled["db"])
    distinct = {portal_file(url) for url in linked}
    records = Counter(row["record_type"] for row in rows(
        crawled["db"], "select record_type from captures where url like '%/documents/%'"))
    assert len(distinct) == records["response"]
    assert len(linked) - len(distinct) == records["revisit"]


def test_the_crawl_summary_and_run_row_count_the_files_kept(crawled):
    linked = archived_files(crawled["db"])
    images = sum(1 for kind in linked.values() if kind == "image")
    size = sum(len(portal_file(url)) for url in linked)
    summary = crawled["result"].stdout
    assert f"files kept {len(linked)} ({images} images, {len(linked) - images} documents, " \
           f"{size} bytes)" in summary
    run = rows(crawled["db"], "select * from crawl_runs order by id limit 1")[0]  # the fixture's run
    assert (len(linked), size, 0) == (run["files_kept"], run["files_bytes"], run["files_skipped"])


def test_pictures_of_the_page_around_the_article_are_not_fetched(crawled):
    targets = {hit.target for hit in crawled["hits"]}
    assert not [target for target in targets if target.startswith("/image/")]  # site logos
    assert not [target for target in targets if target.endswith("/album.jpg")]  # a side box


# --- later crawls and limits, each into its own archive ---

@pytest.fixture()
def sites(portal, tmp_path):
    return registry_file(portal, tmp_path / "sites.toml")


def test_a_full_recrawl_fetches_no_file_again(portal, sites, tmp_path):
    db = tmp_path / "archive.db"
    first = run_bantin("crawl", "sample-hoankiem", "--sites", str(sites), "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr[-1500:]
    before = len(portal.hits)
    again = run_bantin("crawl", "sample-hoankiem", "--full", "--sites", str(sites), "--db", str(db), *FAST)
    assert again.returncode == 0, again.stderr[-1500:]
    files_again = [hit for hit in portal.hits[before:] if hit.target.startswith("/documents/")]
    assert [] == files_again
    kept = len(rows(db, "select distinct src from images")) + len(rows(db, "select url from attachments"))
    assert f"{kept} kept before" in again.stdout
    assert [] == rows(db, "select src from images where capture_id is null")


def test_a_file_over_the_size_cap_is_skipped_and_counted(portal, sites, tmp_path):
    db = tmp_path / "archive.db"
    # the sample photographs are 13-19 KB, the PDFs under 1 KB
    result = run_bantin("crawl", "sample-hoankiem", "--sites", str(sites), "--db", str(db), *FAST,
                        "-s", "BANTIN_FILE_MAX_BYTES=5000")
    assert result.returncode == 0, result.stderr[-1500:]
    images = rows(db, "select * from images")
    assert images and all(image["capture_id"] is None for image in images)
    assert all(a["capture_id"] for a in rows(db, "select * from attachments"))
    distinct = len({image["src"] for image in images})
    assert re.search(rf"skipped {distinct} \(too_large {distinct}\)", result.stdout), result.stdout
    assert "Traceback" not in result.stderr


def test_files_are_not_fetched_when_turned_off(portal, sites, tmp_path):
    before = len(portal.hits)
    result = run_bantin("crawl", "sample-tayho", "--sites", str(sites), "--db", str(tmp_path / "a.db"),
                        *FAST, "-s", "BANTIN_FILES=false")
    assert result.returncode == 0, result.stderr[-1500:]
    assert not [hit for hit in portal.hits[before:] if hit.target.startswith("/documents/")]
    assert "files kept 0 " in result.stdout


# --- what is wanted, and what came back ---

def owns_example(url: str) -> bool:
    return urlsplit(url).netloc == "phuong.example.vn"


def test_only_the_sites_own_web_files_are_wanted_once_each():
    fetches = FileFetches(kept={"http://phuong.example.vn/documents/1/0/old.jpg/1"})
    images = [{"src": "http://phuong.example.vn/documents/1/0/a.jpg/1"},
              {"src": "http://cdn.other.vn/b.jpg"}, {"src": None},
              {"src": "data:image/png;base64,AAAA"},
              {"src": "http://phuong.example.vn/documents/1/0/old.jpg/1"}]
    attachments = [{"url": "http://phuong.example.vn/documents/1/0/kh.pdf"}]
    wanted, passed = fetches.wanted(images, attachments, owns_example)
    assert [("http://phuong.example.vn/documents/1/0/a.jpg/1", "image"),
            ("http://phuong.example.vn/documents/1/0/kh.pdf", "document")] == \
        [(file.url, file.kind) for file in wanted]
    assert Counter(offsite=1, kept_before=1) == passed
    again, _ = fetches.wanted(images, attachments, owns_example)
    assert [] == again


def test_an_image_url_answering_a_web_page_or_svg_is_not_kept():
    assert "not_an_image" == unusable("image", 200, "text/html; charset=utf-8", b"<html>login</html>")
    assert "not_an_image" == unusable("image", 200, "image/svg+xml", b"<svg onload='x()'/>")
    assert "not_an_image" == unusable("image", 200, "image/png", b"<html>")  # mislabelled
    assert unusable("image", 200, "image/png", PNG) is None


def test_a_document_url_answering_a_web_page_or_an_error_is_not_kept():
    assert "web_page" == unusable("document", 200, "application/pdf", b"\n<!DOCTYPE html><html>")
    assert "web_page" == unusable("document", 200, "text/html", b"dang nhap")
    assert "http_404" == unusable("document", 404, "application/pdf", b"")
    assert unusable("document", 200, "application/octet-stream", b"PK\x03\x04") is None


# --- Datasette shows the archived image, and nothing else, from the captures ---

def test_the_article_page_shows_its_images_from_the_archive(crawled, datasette):
    from datasette.utils import tilde_encode

    image = rows(crawled["db"], "select * from images where capture_id is not null limit 1")[0]
    page = get(datasette, f"/archive/articles/{tilde_encode(image['article_id'])}").text
    assert f'<img src="/-/image/{image["capture_id"]}"' in page
    served = get(datasette, f"/-/image/{image['capture_id']}")
    assert 200 == served.status_code
    assert "image/jpeg" == served.headers["content-type"]
    assert portal_file(image["src"]) == served.content
    assert "nosniff" == served.headers["x-content-type-options"]
    assert "sandbox" in served.headers["content-security-policy"]


def test_documents_and_pages_are_not_served_as_images(crawled, datasette):
    document = rows(crawled["db"], "select capture_id from attachments limit 1")[0]["capture_id"]
    page = rows(crawled["db"], "select capture_id from articles limit 1")[0]["capture_id"]
    for capture_id in (document, page, 10**9):
        response = get(datasette, f"/-/image/{capture_id}")
        assert 404 == response.status_code
        assert "text/plain" in response.headers["content-type"]


def test_an_svg_kept_at_an_image_url_is_refused(tmp_path):
    """A file that passed as an image elsewhere (an imported WARC) is checked again when served."""
    import asyncio
    from datetime import UTC, datetime

    from datasette.app import Datasette

    from pipelines import storage, warc

    db = tmp_path / "archive.db"
    archive = storage.open_archive(db)
    writer = warc.RotatingWarcWriter(captures_folder(db), "test")
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    written = writer.write_fetch(warc.Fetch(
        url="http://phuong.example.vn/a.png", status=200, reason="OK",
        headers=[("Content-Type", "image/png")], body=svg, request_headers=[],
        fetched_at=datetime(2024, 5, 1, tzinfo=UTC)))
    writer.close()
    capture_id = storage.add_capture(archive, {
        "url": "http://phuong.example.vn/a.png", "status": 200, "fetched_at": "2024-05-01T00:00:00+00:00",
        "record_type": "response", "warc_file": written.warc_file, "offset": written.offset})
    archive.close()
    response = asyncio.run(Datasette([str(db)]).client.get(f"/-/image/{capture_id}"))
    assert 404 == response.status_code
    assert b"onload" not in response.content


def test_an_archive_from_before_files_gains_the_columns(tmp_path):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table articles (id text primary key, site text, url text, title text)")
        conn.execute("create table images (article_id text, position integer, src text, caption text, "
                     "alt text, primary key (article_id, position))")
    from pipelines import storage

    storage.open_archive(db).close()
    columns = {row["name"] for row in rows(db, "select name from pragma_table_info('images')")}
    assert "capture_id" in columns


def test_all_sample_sites_crawl_keeps_files_for_each_site(crawled):
    per_site = {row["site"]: row["n"] for row in rows(
        crawled["db"], "select a.site, count(i.capture_id) as n from images i "
                       "join articles a on a.id = i.article_id group by a.site")}
    assert set(SAMPLE_SITES) == set(per_site)
    assert all(per_site.values())
