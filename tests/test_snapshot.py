"""Read-only snapshots: a folder Datasette serves as is."""

from __future__ import annotations

import json
import zipfile
from urllib.parse import quote

from datasette.app import Datasette

from helpers import SEED_ID, get, invoke, search_ids


def test_publish_makes_a_snapshot_datasette_serves_as_is(crawled, tmp_path):
    folder = tmp_path / "site"
    result = invoke("publish", str(folder), "--db", str(crawled["db"]))
    assert 0 == result.exit_code, result.stderr[-2000:]
    names = {p.name for p in folder.iterdir()}
    assert {"archive.db", "metadata.json", "inspect-data.json", "plugins.json", "requirements.txt"} <= names
    assert any(p["name"] == "bantin" for p in json.loads((folder / "plugins.json").read_text()))
    inspect = json.loads((folder / "inspect-data.json").read_text())
    snapshot = Datasette(immutables=[str(folder / "archive.db")], inspect_data=inspect,
                         metadata=json.loads((folder / "metadata.json").read_text()))
    assert SEED_ID in search_ids(snapshot, "dinh hong phong")
    assert not snapshot.databases["archive"].is_mutable
    write = get(snapshot, "/archive.json?sql=" + quote("delete from articles"))
    assert write.status_code == 400 and "SELECT" in write.text
    metadata = json.loads((folder / "metadata.json").read_text())
    queries = metadata["databases"]["archive"]["queries"].values()
    assert not any(query.get("write") for query in queries)
    again = invoke("publish", str(folder), "--db", str(crawled["db"]))
    assert 1 == again.exit_code and "publish into an empty folder" in again.stderr


def test_a_snapshot_s_requirements_leave_the_crawler_and_scrapy_out(crawled, tmp_path):
    folder = tmp_path / "site"
    assert 0 == invoke("publish", str(folder), "--db", str(crawled["db"])).exit_code
    (wheel,) = (folder / "wheels").glob("*.whl")
    with zipfile.ZipFile(wheel) as package:
        names = package.namelist()
        metadata = package.read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip().lower() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]
    assert "datasette_bantin/__init__.py" in names and "pipelines/warc.py" in names
    assert [] == [name for name in names if name.startswith(("crawler/", "bantin/", "sampleportal/"))]
    assert [] == [name for name in requires if name.startswith(("scrapy", "twisted", "dateparser"))]
    assert "datasette" in " ".join(requires)
    listed = (folder / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "scrapy" not in listed and f"./wheels/{wheel.name}" in listed
