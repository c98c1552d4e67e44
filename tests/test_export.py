"""`bantin export` as a command: files, standard output, one-line refusals, cells safe for Excel."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import sqlite3
import subprocess

import pytest

from helpers import BANTIN, SEED_ID, invoke, rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def copy_archive(source, target):
    """A copy of an archive (WAL content included) to change without touching the shared one."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
    return target


def csv_rows(data: bytes) -> list[dict]:
    """The rows of a CSV export's bytes, which must start with the UTF-8 byte-order mark."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_export_for_pandas_users(crawled, tmp_path):
    import pyarrow.parquet as pq

    db = sqlite3.connect(crawled["db"])
    expected = db.execute("select count(*) from articles where site = 'sample-hoankiem' "
                          "and published_date >= '2022-01-01'").fetchone()[0]
    db.close()
    common = ["--db", str(crawled["db"]), "--since", "2022-01-01", "--site", "sample-hoankiem"]
    for fmt in ("csv", "jsonl", "parquet"):
        result = invoke("export", "--format", fmt, "-o", str(tmp_path / f"a.{fmt}"), *common)
        assert f"export: {expected} articles to {tmp_path / f'a.{fmt}'}\n" == result.stdout, result.stderr
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    seed = next(line for line in lines if line["id"] == SEED_ID)
    assert 3 == len(seed["images"]) and {"name": "Kiều Trang", "role": "photo"} in seed["authors"]
    table = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert {row["id"] for row in table} == {line["id"] for line in lines}
    assert expected == len(csv_rows((tmp_path / "a.csv").read_bytes()))
    bad = invoke("export", "--since", "hôm qua", "--db", str(crawled["db"]))
    assert 2 == bad.exit_code and "YYYY-MM-DD" in bad.stderr


def test_the_format_follows_the_file_extension(crawled, tmp_path):
    result = invoke("export", "--db", str(crawled["db"]), "-o", str(tmp_path / "all.parquet"))
    assert 0 == result.exit_code, result.stderr
    assert b"PAR1" == (tmp_path / "all.parquet").read_bytes()[:4]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_dash_streams_to_standard_output_with_the_status_on_stderr(crawled, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    to_file = invoke("export", "--format", fmt, "--db", str(crawled["db"]), "-o", "file.out")
    streamed = invoke("export", "--format", fmt, "--db", str(crawled["db"]), "-o", "-")
    assert 0 == streamed.exit_code, streamed.stderr
    count = len(rows(crawled["db"], "select id from articles"))
    assert f"export: {count} articles to standard output\n" == streamed.stderr
    assert (tmp_path / "file.out").read_bytes() == streamed.stdout_bytes
    assert ["file.out"] == sorted(p.name for p in tmp_path.iterdir())
    assert 0 == to_file.exit_code


def test_parquet_goes_into_a_pipe_but_not_onto_a_terminal(crawled):
    import pyarrow as pa
    import pyarrow.parquet as pq

    command = [str(BANTIN), "export", "--format", "parquet", "-o", "-", "--db", str(crawled["db"])]
    piped = subprocess.run(command, capture_output=True, timeout=300, check=False)
    assert 0 == piped.returncode, piped.stderr
    table = pq.read_table(pa.BufferReader(piped.stdout))
    assert len(rows(crawled["db"], "select id from articles")) == table.num_rows
    leader, follower = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, text=True,
                                     timeout=300, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert 2 == on_terminal.returncode
    assert "Error: Parquet is binary: give -o a file name, or pipe standard output on\n" == \
        on_terminal.stderr.splitlines(keepends=True)[-1]


def test_a_reader_that_stops_early_ends_the_export_quietly(crawled):
    command = [str(BANTIN), "export", "--format", "jsonl", "-o", "-", "--db", str(crawled["db"])]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        first = process.stdout.readline()  # the export is far larger than a pipe holds
        process.stdout.close()
        errors = process.stderr.read().decode("utf-8")
        process.wait(timeout=300)
    assert json.loads(first)["id"]
    assert (1, "") == (process.returncode, errors)


@pytest.mark.parametrize("args", [["--format", "wacz"], ["--format", "csv", "--with-versions"]])
def test_what_makes_more_than_one_file_is_refused_on_standard_output(crawled, tmp_path, monkeypatch,
                                                                     args):
    monkeypatch.chdir(tmp_path)
    result = invoke("export", *args, "--db", str(crawled["db"]), "-o", "-")
    assert 2 == result.exit_code
    assert "give -o a file name" in result.stderr and "Traceback" not in result.stderr
    assert [] == list(tmp_path.iterdir())


def test_an_unknown_site_names_the_sites_there_are(crawled, tmp_path):
    result = invoke("export", "--site", "hoankiem", "--db", str(crawled["db"]),
                    "-o", str(tmp_path / "hk.csv"))
    assert 2 == result.exit_code
    sites = sorted({row["site"] for row in rows(crawled["db"], "select site from articles")})
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert [f"Error: Invalid value for --site: no site hoankiem in this archive (did you mean "
            f"sample-hoankiem?); its sites: {', '.join(sites)}"] == errors
    assert [] == list(tmp_path.iterdir())


def test_a_missing_output_folder_is_one_line(crawled, tmp_path):
    target = tmp_path / "no-such-folder" / "a.csv"
    result = invoke("export", "--db", str(crawled["db"]), "-o", str(target))
    assert 1 == result.exit_code
    assert f"Error: cannot write {target}: the folder {target.parent} does not exist\n" == result.stderr
    assert [] == list(tmp_path.iterdir())


def test_nothing_matching_is_an_empty_file_and_a_line_that_says_why(crawled, tmp_path):
    target = tmp_path / "none.csv"
    result = invoke("export", "--since", "2099-01-01", "--site", "sample-tayho",
                    "--db", str(crawled["db"]), "-o", str(target))
    assert 0 == result.exit_code
    assert (f"export: 0 articles to {target}: no article published on or after 2099-01-01 of "
            "sample-tayho\n") == result.stdout
    header = target.read_bytes()[3:].decode("utf-8").splitlines()
    columns = [row["name"] for row in rows(crawled["db"], "select name from pragma_table_info('articles')")]
    assert [",".join([*columns, "images", "authors", "attachments"])] == header


TRAPS = {"title": '=HYPERLINK("http://example.com")', "lead": "-1 điểm", "source": "@Ban Tuyên giáo",
         "views_raw": "+84", "category": "\tTin tức", "url_title": "\rx", "body": "Bình thường"}


def test_formula_cells_are_made_safe_in_csv_only(crawled, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "traps.db")
    with sqlite3.connect(db) as conn:
        sets = ", ".join(f"{column} = ?" for column in TRAPS)
        conn.execute(f"update articles set {sets}, views = -3 where id = ?", [*TRAPS.values(), SEED_ID])
    conn.close()
    assert 0 == invoke("export", "--db", str(db), "-o", str(tmp_path / "t.csv")).exit_code
    assert 0 == invoke("export", "--db", str(db), "-o", str(tmp_path / "t.jsonl")).exit_code
    seed = next(row for row in csv_rows((tmp_path / "t.csv").read_bytes()) if row["id"] == SEED_ID)
    escaped = {column: ("'" + text if text.startswith(FORMULA_STARTS) else text)
               for column, text in TRAPS.items()}
    assert {**escaped, "views": "-3"} == {column: seed[column] for column in [*TRAPS, "views"]}
    lines = (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()
    record = next(json.loads(line) for line in lines if SEED_ID in line)
    assert {**TRAPS, "views": -3} == {column: record[column] for column in [*TRAPS, "views"]}
