"""Re-reading kept pages without the network: reextract from captures, import of WARC and WACZ
files written by another tool (warcio's own writer)."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import urllib.request
import zipfile
from datetime import UTC, datetime

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from helpers import invoke, rows
from pipelines import warc

COMPARED = ("id", "site", "title", "category", "published_at", "published_raw", "views", "lead",
            "body", "source", "extractor", "duplicate_of", "legacy_encoding")




def articles(db) -> list[dict]:
    return rows(db, f"select {', '.join(COMPARED)} from articles order by id")


@pytest.fixture
def archive_copy(crawled, tmp_path):
    """A copy of the crawled archive with its captures folder."""
    shutil.copy(crawled["db"], tmp_path / "archive.db")
    shutil.copytree(crawled["db"].parent / "captures", tmp_path / "captures")
    return tmp_path / "archive.db"


def test_every_response_is_captured_and_indexed(crawled):
    captures = rows(crawled["db"], "select * from captures")
    assert {"response"} <= {c["record_type"] for c in captures}
    assert {200, 404} <= {c["status"] for c in captures}
    assert any(c["url"].endswith("/robots.txt") for c in captures)
    files = {c["warc_file"] for c in captures}
    assert all((crawled["db"].parent / "captures" / name).exists() for name in files)
    for capture in [c for c in captures if c["record_type"] == "response"][:30]:
        stored = warc.read_capture(crawled["db"].parent / "captures", capture)
        assert (capture["url"], capture["status"]) == (stored.url, stored.status)


def test_reextract_from_captures_equals_the_crawl(archive_copy):
    before = articles(archive_copy)
    with sqlite3.connect(archive_copy) as connection:
        connection.execute("update articles set body = 'hỏng', title = 'hỏng'")
    result = invoke("reextract", "--db", str(archive_copy))
    assert 0 == result.exit_code, result.stderr[-2000:]
    assert f"reextract: {len(before)} changed" in result.stdout
    assert before == articles(archive_copy)


def test_reextract_of_an_intact_archive_changes_nothing(archive_copy):
    result = invoke("reextract", "--db", str(archive_copy))
    assert "reextract: 0 changed" in result.stdout


def warc_of(portal, urls: list[str], captured_at: datetime | None = None) -> bytes:
    """A WARC written by warcio's own writer from pages fetched over HTTP (as another tool would),
    dated now or ``captured_at``."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url in urls:
        with urllib.request.urlopen(url) as response:
            body = response.read()
            headers = StatusAndHeaders(f"{response.status} OK", list(response.headers.items()),
                                       protocol="HTTP/1.0")
        date = (captured_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=headers, warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)
    return out.getvalue()


def article_urls(crawled_db) -> list[str]:
    return [r["url"] for r in rows(crawled_db, "select url from articles where site in "
                                   "('sample-hoankiem', 'sample-caugiay') order by id")]


@pytest.mark.parametrize("packaging", ["warc", "wacz"])
def test_import_of_another_tools_warc_yields_the_same_articles(crawled, portal, tmp_path, packaging):
    urls = article_urls(crawled["db"])
    data = warc_of(portal, urls)
    if packaging == "warc":
        source = tmp_path / "portal.warc.gz"
        source.write_bytes(data)
    else:
        source = tmp_path / "portal.wacz"
        with zipfile.ZipFile(source, "w") as package:
            package.writestr("archive/data.warc.gz", data, compress_type=zipfile.ZIP_STORED)
            package.writestr("datapackage.json", '{"profile": "data-package"}')
    db = tmp_path / "imported.db"
    result = invoke("import-warc", str(source), "--db", str(db), "--sites", str(crawled["sites"]))
    assert 0 == result.exit_code, result.stderr[-2000:]
    assert f"import: {len(urls)} records; articles: {len(urls)} new" in result.stdout
    sites = ("sample-hoankiem", "sample-caugiay")
    crawled_rows = [r for r in articles(crawled["db"]) if r["site"] in sites]
    imported = articles(db)
    assert [{k: v for k, v in r.items() if k != "duplicate_of"} for r in crawled_rows] == \
        [{k: v for k, v in r.items() if k != "duplicate_of"} for r in imported]
    kept = f"imported/{hashlib.sha256(source.read_bytes()).hexdigest()[:16]}-{source.name}"
    location = kept + ("#archive/data.warc.gz" if packaging == "wacz" else "")
    provenance = rows(db, "select distinct origin, warc_file from captures")
    assert [("import", location)] == [(p["origin"], p["warc_file"]) for p in provenance]
    assert source.read_bytes() == (tmp_path / "captures" / kept).read_bytes()
    again = invoke("import-warc", str(source), "--db", str(db), "--sites", str(crawled["sites"]))
    assert f"{len(urls)} records imported before" in again.stdout
    source.unlink()  # the user moves their file away: the archive keeps its own copy
    with sqlite3.connect(db) as connection:
        connection.execute("update articles set body = 'hỏng'")
    connection.close()
    reread = invoke("reextract", "--db", str(db), "--sites", str(crawled["sites"]))
    assert 0 == reread.exit_code, reread.stderr
    assert f"reextract: {len(urls)} changed," in reread.stdout


def test_a_capture_file_gone_missing_is_one_line_and_the_rest_is_re_read(archive_copy):
    files = [row["warc_file"] for row in rows(archive_copy, "select distinct warc_file from captures "
                                              "where warc_file is not null order by warc_file")]
    lost = archive_copy.parent / "captures" / files[0]
    lost.unlink()
    result = invoke("reextract", "--db", str(archive_copy))
    assert 1 == result.exit_code
    assert [f"Error: capture file {lost} is missing"] == [
        line.split(" (")[0] for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "reextract: " in result.stdout


def reextracted_on(db, workers: int):
    """``replay.reextract`` of the archive ``db`` on ``workers`` processes: its outcomes and missing files."""
    from bantin.orchestrate import archive_sites
    from pipelines import replay, storage

    archive = storage.open_archive(db)
    try:
        return replay.reextract(archive, warc.captures_folder(db), archive_sites(archive, None),
                                workers=workers)
    finally:
        archive.close()


def test_reextract_on_two_processes_writes_what_one_writes(archive_copy, tmp_path):
    before = articles(archive_copy)
    with sqlite3.connect(archive_copy) as connection:
        connection.execute("update articles set body = 'hỏng', title = 'hỏng'")
    assert 100 < len(rows(archive_copy, "select id from captures where status = 200"))  # several chunks
    outcomes, missing = reextracted_on(archive_copy, workers=2)
    assert ({}, len(before)) == (missing, outcomes["changed"])
    assert before == articles(archive_copy)


def test_a_missing_capture_file_is_counted_alike_on_one_and_two_processes(archive_copy, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(archive_copy, other / "archive.db")
    shutil.copytree(archive_copy.parent / "captures", other / "captures")
    first = rows(archive_copy, "select warc_file from captures where warc_file is not null "
                               "order by warc_file limit 1")[0]["warc_file"]
    for db in (archive_copy, other / "archive.db"):
        (db.parent / "captures" / first).unlink()
    one = reextracted_on(archive_copy, workers=1)
    two = reextracted_on(other / "archive.db", workers=2)
    assert one == two
    assert [first] == list(two[1])


def test_an_imported_capture_older_than_the_archived_article_does_not_replace_it(
        crawled, portal, archive_copy, tmp_path):
    url = article_urls(crawled["db"])[0]
    with sqlite3.connect(archive_copy) as connection:  # the archive's row, as a later crawl left it
        connection.execute("update articles set title = 'Tiêu đề mới' where url = ?", [url])
    connection.close()
    old = tmp_path / "old.warc.gz"
    old.write_bytes(warc_of(portal, [url], captured_at=datetime(2019, 5, 1, tzinfo=UTC)))
    result = invoke("import-warc", str(old), "--db", str(archive_copy), "--sites", str(crawled["sites"]))
    assert 0 == result.exit_code, result.stderr[-2000:]
    assert "1 older captures passed over" in result.stdout
    title = "select title from articles where url = ?"
    assert ["Tiêu đề mới"] == [r["title"] for r in rows(archive_copy, title, url)]
    later = tmp_path / "later.warc.gz"
    later.write_bytes(warc_of(portal, [url], captured_at=datetime(2099, 5, 1, tzinfo=UTC)))
    result = invoke("import-warc", str(later), "--db", str(archive_copy), "--sites", str(crawled["sites"]))
    assert "0 older captures passed over" in result.stdout
    assert ["Tiêu đề mới"] != [r["title"] for r in rows(archive_copy, title, url)]
