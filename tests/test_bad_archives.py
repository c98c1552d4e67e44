"""A file that is not a bantin archive, given to any command: one line, a non-zero exit, the file
untouched, and nothing half-made left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from helpers import PROJECT_ROOT, invoke
from pipelines.snapshot import write_snapshot

ANY_FILE = PROJECT_ROOT / "tests" / "fixtures" / "pages" / "liferay6" / "seed_article" / "page.html"
COMMANDS = [
    ["sites"], ["reextract"], ["export", "-o", "{folder}/out.csv"], ["publish", "{folder}/site"],
    ["crawl", "--start-url", "http://127.0.0.1:9/"], ["serve"], ["demo", "--no-serve"],
]


def corrupt(path: Path) -> None:
    """Bytes that are no database at all."""
    path.write_bytes(bytes(range(256)) * 20)


def truncated(path: Path) -> None:
    """A SQLite header and nothing sound after it."""
    path.write_bytes(b"SQLite format 3\x00" + b"\x00\x10" + b"garbage" * 100)


def foreign(path: Path) -> None:
    """Another program's SQLite database."""
    with sqlite3.connect(path) as conn:
        conn.execute("create table users (id integer primary key, name text)")
        conn.execute("insert into users values (1, 'Lan')")
    conn.close()


@pytest.mark.parametrize("make", [corrupt, truncated, foreign], ids=["corrupt", "truncated", "foreign"])
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_one_line_a_non_zero_exit_and_nothing_touched(make, command, tmp_path):
    db = tmp_path / "given.db"
    make(db)
    before = db.read_bytes()
    result = invoke(*[part.format(folder=tmp_path) for part in command], "--db", str(db))
    assert 1 == result.exit_code
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert [f"Error: {db}"] == [line[: len(f"Error: {db}")] for line in errors]
    assert "not a bantin archive" in result.stderr
    assert before == db.read_bytes()
    assert ["given.db"] == sorted(p.name for p in tmp_path.iterdir())


NEEDING_AN_ARCHIVE = [c for c in COMMANDS if c[0] != "sites"]  # sites lists the registry without one


@pytest.mark.parametrize("command", NEEDING_AN_ARCHIVE, ids=[c[0] for c in NEEDING_AN_ARCHIVE])
def test_an_archive_in_a_folder_that_does_not_exist_is_one_line(command, tmp_path):
    db = tmp_path / "no-such-folder" / "archive.db"
    result = invoke(*[part.format(folder=tmp_path) for part in command], "--db", str(db))
    assert 1 == result.exit_code
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    writes = command[0] in ("crawl", "demo")  # the others read an archive, and there is none
    expected = f"cannot make an archive at {db}: the folder {db.parent} does not exist" if writes \
        else f"no archive at {db}"
    assert [f"Error: {expected}"] == [line[: len(f"Error: {expected}")] for line in errors]
    assert [] == sorted(p.name for p in tmp_path.iterdir())


def test_import_into_another_program_s_database_is_refused(tmp_path):
    db = tmp_path / "theirs.db"
    foreign(db)
    result = invoke("import-warc", str(ANY_FILE), "--db", str(db))
    assert (1, 1) == (result.exit_code, result.stderr.count("Error:"))
    with sqlite3.connect(db) as conn:
        assert [("users",)] == conn.execute("select name from sqlite_master").fetchall()
    conn.close()


def test_a_snapshot_that_fails_half_way_leaves_nothing(crawled, tmp_path):
    folder = tmp_path / "site"
    with pytest.raises(TypeError):  # metadata that cannot be written, after archive.db was
        write_snapshot(crawled["db"], folder, PROJECT_ROOT, {"not json": {1, 2}})
    assert not folder.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "README").write_text("mine", encoding="utf-8")
    with pytest.raises(TypeError):
        write_snapshot(crawled["db"], kept, PROJECT_ROOT, {"not json": {1, 2}})
    assert ["README"] == [p.name for p in kept.iterdir()]
