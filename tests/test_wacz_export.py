"""``bantin export --format wacz``: the archive's captures as a WACZ package that the web-archive
world's own tools accept (``wacz validate``) and replay (pywb)."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import sqlite3
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive_tools import build_collection, require_tools, wacz_validate, wayback
from helpers import PROJECT_ROOT, SEED_ID, SEED_TITLE, invoke, rows
from pipelines import storage, warc

REALWORLD = Path(os.environ.get("BANTIN_REALWORLD", PROJECT_ROOT.parent / "shared" / "realworld"))
ARC_SAMPLE = REALWORLD / "warc-samples" / "warcio" / "example.arc.gz"
SITE = "sample-hoankiem"


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory):
    """The crawled archive exported whole as a WACZ file (the archive itself is only read)."""
    path = tmp_path_factory.mktemp("wacz") / "archive.wacz"
    result = invoke("export", "--format", "wacz", "--db", str(crawled["db"]), "-o", str(path))
    assert 0 == result.exit_code, result.stderr
    return {"path": path, "stdout": result.stdout}


def copy_archive(db: Path, folder: Path) -> Path:
    """A copy of the archive at ``db`` (taken through SQLite) with its captures, in ``folder``."""
    copy = folder / "archive.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    shutil.copytree(db.parent / "captures", folder / "captures")
    return copy


def cdxj(path: Path) -> list[tuple[str, str, dict]]:
    """The CDXJ lines of a WACZ file's index, as ``(key, timestamp, fields)``."""
    with zipfile.ZipFile(path) as package:
        text = gzip.decompress(package.read("indexes/index.cdx.gz")).decode("utf-8")
    return [(key, ts, json.loads(fields)) for key, ts, fields in
            (line.split(" ", 2) for line in text.splitlines())]


def timestamp(fetched_at: str) -> str:
    """A capture's ``fetched_at`` as a 14-digit web-archive timestamp (UTC)."""
    return datetime.fromisoformat(fetched_at).astimezone(UTC).strftime("%Y%m%d%H%M%S")


def test_the_package_is_a_valid_wacz(exported):
    require_tools()
    done = wacz_validate(exported["path"])
    assert 0 == done.returncode and "valid" in done.stdout, done.stdout + done.stderr
    assert "invalid" not in done.stdout


def test_the_command_says_what_it_wrote_in_one_line(crawled, exported):
    records = rows(crawled["db"], "select count(*) as n from captures "
                   "where record_type in ('response', 'revisit')")[0]["n"]
    pages = rows(crawled["db"], "select count(distinct c.url) as n from articles a "
                 "join captures c on c.id = a.capture_id")[0]["n"]
    size = exported["path"].stat().st_size
    assert [f"export: {records} records, {pages} pages, {size} bytes to {exported['path']}"] == \
        exported["stdout"].splitlines()


def test_the_crawls_own_warc_files_are_copied_as_they_are_and_stored(crawled, exported):
    folder = warc.captures_folder(crawled["db"])
    with zipfile.ZipFile(exported["path"]) as package:
        members = {info.filename: info for info in package.infolist()}
        kept = sorted(p.name for p in folder.glob("*.warc.gz"))
        assert [f"archive/{name}" for name in kept] == sorted(n for n in members if n.startswith("archive/"))
        for name in kept:
            assert (folder / name).read_bytes() == package.read(f"archive/{name}")
    assert {zipfile.ZIP_STORED} == {info.compress_type for info in members.values()}


def test_pages_list_each_archived_article_url_once(crawled, exported):
    archived = {row["url"]: row["title"] for row in rows(
        crawled["db"], "select c.url, a.title from articles a join captures c on c.id = a.capture_id")}
    with zipfile.ZipFile(exported["path"]) as package:
        header, *pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"} == header
    assert sorted(archived) == sorted(page["url"] for page in pages)
    assert archived == {page["url"]: page["title"] for page in pages}
    seed = next(page for page in pages if page["id"] == SEED_ID)
    assert SEED_TITLE == seed["title"] and seed["ts"].endswith("Z")


def test_the_datapackage_lists_every_member_with_its_hash_and_size(exported):
    with zipfile.ZipFile(exported["path"]) as package:
        description = json.loads(package.read("datapackage.json"))
        digest = json.loads(package.read("datapackage-digest.json"))
        members = {name: package.read(name) for name in package.namelist()
                   if name not in ("datapackage.json", "datapackage-digest.json")}
        listed = package.read("datapackage.json")
    assert ("data-package", "1.1.1") == (description["profile"], description["wacz_version"])
    assert description["software"].startswith("bantin")
    resources = {r["path"]: (r["hash"], r["bytes"]) for r in description["resources"]}
    assert {name: ("sha256:" + hashlib.sha256(data).hexdigest(), len(data))
            for name, data in members.items()} == resources
    assert {"indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl"} <= set(resources)
    assert "sha256:" + hashlib.sha256(listed).hexdigest() == digest["hash"]


def test_the_index_holds_every_capture_sorted(crawled, exported):
    lines = cdxj(exported["path"])
    captures = rows(crawled["db"], "select url, fetched_at from captures "
                    "where record_type in ('response', 'revisit')")
    assert sorted((c["url"], timestamp(c["fetched_at"])) for c in captures) == \
        sorted((fields["url"], ts) for _, ts, fields in lines)
    assert [(key, ts) for key, ts, _ in lines] == sorted((key, ts) for key, ts, _ in lines)


def test_pywb_replays_an_article_as_bantin_archived_it(crawled, exported, tmp_path):
    require_tools()
    capture = rows(crawled["db"], "select c.* from articles a join captures c on c.id = a.capture_id "
                   "where a.id = ?", SEED_ID)[0]
    archive = storage.open_archive(crawled["db"])  # a later crawl may have kept it as a revisit
    stored = warc.read_capture(warc.captures_folder(crawled["db"]), storage.payload_capture(archive, capture))
    archive.close()
    build_collection(tmp_path, "bantin", [exported["path"]])
    with wayback(tmp_path, "bantin") as base:
        url = f"{base}/bantin/{timestamp(capture['fetched_at'])}id_/{capture['url']}"
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
    assert stored.body == body
    assert SEED_TITLE in html.unescape(body.decode("utf-8"))


def test_site_keeps_only_that_sites_captures(crawled, tmp_path):
    path = tmp_path / "site.wacz"
    result = invoke("export", "--format", "wacz", "--site", SITE, "--db", str(crawled["db"]), "-o", str(path))
    assert 0 == result.exit_code, result.stderr
    # the site's captures, and those holding the payloads of its revisits (the same image
    # served by another site): a revisit without them replays as nothing
    captures = rows(crawled["db"], "select url, fetched_at from captures where id in ("
                    "select id from captures where site = ? and record_type in ('response', 'revisit') "
                    "union select refers_to from captures where site = ? and record_type = 'revisit')",
                    SITE, SITE)
    lines = cdxj(path)
    assert sorted((c["url"], timestamp(c["fetched_at"])) for c in captures) == \
        sorted((fields["url"], ts) for _, ts, fields in lines)
    assert {"bantin-selection.warc.gz"} == {fields["filename"] for _, _, fields in lines}
    with zipfile.ZipFile(path) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:]]
    assert pages and {SITE} == {page["id"].split(":")[0] for page in pages}
    require_tools()
    done = wacz_validate(path)
    assert 0 == done.returncode and "valid" in done.stdout, done.stdout + done.stderr


def test_an_archive_with_an_imported_arc_file_exports_as_warc(tmp_path):
    if not ARC_SAMPLE.is_file():
        pytest.skip("../shared/realworld is absent: the ARC export test is skipped")
    db = tmp_path / "archive.db"
    assert 0 == invoke("import-warc", str(ARC_SAMPLE), "--db", str(db)).exit_code
    path = tmp_path / "arc.wacz"
    result = invoke("export", "--format", "wacz", "--db", str(db), "-o", str(path))
    assert 0 == result.exit_code, result.stderr
    with zipfile.ZipFile(path) as package:
        [member] = [n for n in package.namelist() if n.startswith("archive/")]
        head = gzip.decompress(package.read(member))[:8]
    assert member.endswith(".warc.gz") and head.startswith(b"WARC/")
    assert [("http://example.com/", "20140216050221", "text/html")] == \
        [(f["url"], ts, f["mime"]) for _, ts, f in cdxj(path)]
    require_tools()
    done = wacz_validate(path)
    assert 0 == done.returncode and "valid" in done.stdout, done.stdout + done.stderr


def error_line(result, folder: Path) -> str:
    """The one line a failed export printed, after checking it left no file behind."""
    assert 1 == result.exit_code and "" == result.stdout
    assert [] == [p.name for p in folder.iterdir() if "wacz" in p.name]
    [line] = result.stderr.splitlines()
    return line


def test_no_archive_is_one_line(tmp_path):
    result = invoke("export", "--format", "wacz", "--db", str(tmp_path / "none.db"),
                    "-o", str(tmp_path / "a.wacz"))
    assert f"Error: no archive at {tmp_path / 'none.db'}" == error_line(result, tmp_path)


def test_an_archive_without_captures_has_nothing_to_export(tmp_path):
    storage.open_archive(tmp_path / "empty.db").close()
    result = invoke("export", "--format", "wacz", "--db", str(tmp_path / "empty.db"),
                    "-o", str(tmp_path / "a.wacz"))
    assert error_line(result, tmp_path).startswith("Error: nothing to export:")


def test_a_missing_capture_file_is_named(crawled, tmp_path):
    db = copy_archive(crawled["db"], tmp_path)
    lost = sorted((tmp_path / "captures").glob("*.warc.gz"))[0]
    lost.unlink()
    result = invoke("export", "--format", "wacz", "--db", str(db), "-o", str(tmp_path / "a.wacz"))
    line = error_line(result, tmp_path)
    assert line.startswith("Error: capture file missing: ") and str(lost) in line


def test_a_foreign_database_is_refused_in_one_line(tmp_path):
    with sqlite3.connect(tmp_path / "other.db") as other:
        other.execute("create table notes (text)")
    result = invoke("export", "--format", "wacz", "--db", str(tmp_path / "other.db"),
                    "-o", str(tmp_path / "a.wacz"))
    assert "is another program's database" in error_line(result, tmp_path)
