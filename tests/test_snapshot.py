"""Read-only snapshots: a folder Datasette serves as is."""

from __future__ import annotations

import json
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
