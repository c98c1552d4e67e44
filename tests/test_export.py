"""Exports for analysts: CSV, JSON Lines and Parquet of the archive, read back with pandas' eyes."""

from __future__ import annotations

import csv
import json
import sqlite3

from helpers import SEED_ID, invoke


def test_export_for_pandas_users(crawled, tmp_path):
    import pyarrow.parquet as pq

    db = sqlite3.connect(crawled["db"])
    expected = db.execute("select count(*) from articles where site = 'sample-hoankiem' "
                          "and published_date >= '2022-01-01'").fetchone()[0]
    common = ["--db", str(crawled["db"]), "--since", "2022-01-01", "--site", "sample-hoankiem"]
    for fmt in ("csv", "jsonl", "parquet"):
        result = invoke("export", "--format", fmt, "-o", str(tmp_path / f"a.{fmt}"), *common)
        assert f"export: {expected} articles" in result.stdout, result.stderr
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    seed = next(line for line in lines if line["id"] == SEED_ID)
    assert 3 == len(seed["images"]) and {"name": "Kiều Trang", "role": "photo"} in seed["authors"]
    table = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert {row["id"] for row in table} == {line["id"] for line in lines}
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as handle:
        assert expected == len(list(csv.DictReader(handle)))
    bad = invoke("export", "--since", "hôm qua", "--db", str(crawled["db"]))
    assert 2 == bad.exit_code and "YYYY-MM-DD" in bad.stderr
