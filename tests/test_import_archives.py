"""Archives written by other tools (warcio, pywb, py-wacz, wget, wpull, ArchiveWeb.page): every file
of ``../shared/realworld/warc-samples`` imports, or gets one line naming it and what is wrong."""

from __future__ import annotations

import gzip
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from helpers import PROJECT_ROOT, invoke

# ``BANTIN_REALWORLD`` names the realworld folder elsewhere, as for the mirror's tests.
REALWORLD = Path(os.environ.get("BANTIN_REALWORLD", PROJECT_ROOT.parent / "shared" / "realworld"))
SAMPLES = REALWORLD / "warc-samples"
if not SAMPLES.is_dir():
    pytest.skip("../shared/realworld is absent: real-archive tests skipped", allow_module_level=True)

FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")
# Compressed as one gzip stream (the samples' README: "non-chunked gzip"), and a file whose
# chunked record is broken part-way (warcio's own test of that).
WHOLE_FILE_GZIP = {"example-bad.warc.gz.bad", "example-bad-non-chunked.warc.gz"}
BROKEN = {"example-wrong-chunks.warc.gz"}
IMPORTED = re.compile(r"import: (\d+) records")


def web_pages_in(path: Path) -> int:
    """HTTP(S) response and resource records in a sample, counted with warcio itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as package:
            return sum(_count(package.open(name)) for name in package.namelist()
                       if name.endswith((".warc", ".warc.gz")))
    with open(path, "rb") as handle:
        return _count(handle)


def _count(handle) -> int:
    """Web-page records in an open WARC/ARC stream: responses that hold an HTTP answer (an ARC
    record of length -1 holds none), resources and revisits, of http(s) URLs."""
    return sum(1 for record in ArchiveIterator(handle, arc2warc=True)
               if (record.rec_type in ("resource", "revisit")
                   or (record.rec_type == "response" and record.http_headers is not None))
               and (record.rec_headers.get_header("WARC-Target-URI") or "").startswith("http"))


def test_the_samples_are_there():
    assert 46 == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(SAMPLES)) for p in FILES])
def test_each_file_imports_or_says_in_one_line_what_is_wrong(path, tmp_path):
    result = invoke("import-warc", str(path), "--db", str(tmp_path / "a.db"))
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    # (an exception of the command itself would fail the test: CliRunner lets it through; the
    # captured stderr is the whole process's, where a test server's thread may also write)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if path.name in WHOLE_FILE_GZIP:
        line = (f"Error: {path.name}: compressed as a whole file, not record by record; recompress "
                "it with `warcio recompress FILE NEW_FILE` and import NEW_FILE")
        assert (1, [line]) == (result.exit_code, errors)
        with gzip.open(path) as whole:  # it is readable as one stream: recompressing saves it
            assert whole.read(4) == b"WARC"
    elif path.name in BROKEN:
        assert 1 == result.exit_code
        assert [path.name] == [line.split(":")[1].strip() for line in errors]
    else:
        assert (0, []) == (result.exit_code, errors)
        assert web_pages_in(path) == int(IMPORTED.search(result.stdout).group(1))


def test_one_bad_file_stops_none_of_the_others(tmp_path):
    result = invoke("import-warc", *map(str, FILES), "--db", str(tmp_path / "a.db"))
    good = [p for p in FILES if p.name not in WHOLE_FILE_GZIP | BROKEN]
    assert 1 == result.exit_code
    assert len([p for p in FILES if p.name in WHOLE_FILE_GZIP | BROKEN]) == result.stderr.count("Error:")
    before = int(re.search(r"(\d+) records imported before", result.stdout).group(1))
    # files the samples hold twice (the same bytes under two folders) are kept and read once
    assert sum(map(web_pages_in, good)) <= int(IMPORTED.search(result.stdout).group(1)) + before


def test_revisits_are_resolved_to_their_original_also_across_files_and_urls(tmp_path):
    db = tmp_path / "a.db"
    revisit, original = SAMPLES / "pywb" / "example-url-agnostic-revisit.warc.gz", \
        SAMPLES / "pywb" / "example-url-agnostic-orig.warc.gz"
    assert 0 == invoke("import-warc", str(revisit), "--db", str(db)).exit_code  # before its original
    assert 0 == invoke("import-warc", str(original), "--db", str(db)).exit_code
    with sqlite3.connect(db) as conn:
        found = conn.execute("select r.url, o.url, o.record_type from captures r join captures o "
                             "on o.id = r.refers_to where r.record_type = 'revisit'").fetchall()
    conn.close()
    assert [("http://test@example.com/", "http://example.iana.org/", "response")] == found
    dupes = invoke("import-warc", str(SAMPLES / "pywb" / "dupes.warc.gz"), "--db", str(tmp_path / "d.db"))
    with sqlite3.connect(tmp_path / "d.db") as conn:
        left = conn.execute("select url from captures where record_type = 'revisit' and refers_to is null "
                            "order by url").fetchall()
        same_url = conn.execute("select count(*) from captures r join captures o on o.id = r.refers_to "
                                "where r.url = o.url").fetchone()[0]
    conn.close()
    assert 0 == dupes.exit_code
    assert 1 == same_url  # http://example.com, whose original is in the same file
    assert 8 == len(left)  # www.iana.org's 8 revisits of payloads this file does not hold
