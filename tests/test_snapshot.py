"""Read-only snapshots: a folder Datasette serves as is."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from urllib.parse import quote

from datasette.app import Datasette

from helpers import SEED, SEED_ID, get, invoke, search_ids


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


def test_a_snapshot_s_article_pages_show_no_capture_links_it_cannot_serve(crawled, tmp_path):
    folder = tmp_path / "site"
    assert 0 == invoke("publish", str(folder), "--db", str(crawled["db"])).exit_code
    assert not (folder / "captures").exists()
    snapshot = Datasette(immutables=[str(folder / "archive.db")],
                         metadata=json.loads((folder / "metadata.json").read_text()))
    page = get(snapshot, "/archive/articles/" + quote(SEED_ID, safe=":")).text
    article = page.split('<article class="bantin-article">', 1)[1].split("</article>", 1)[0]
    assert SEED["title"] in article
    assert "/-/capture/" not in article and "/-/image/" not in article
    archived = sqlite3.connect(folder / "archive.db").execute(
        "select src from images where article_id = ? order by position", [SEED_ID]).fetchall()
    assert [src for (src,) in archived] == re.findall(r'<img src="([^"]+)"', article)
    assert len(SEED["images"]) == len(archived)


def test_the_snapshot_s_plugin_wheel_imports_without_the_crawler(crawled, tmp_path):
    folder = tmp_path / "site"
    assert 0 == invoke("publish", str(folder), "--db", str(crawled["db"])).exit_code
    (wheel,) = (folder / "wheels").glob("*.whl")
    probe = ("import sys; import datasette_bantin, pipelines.storage, pipelines.warc; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('scrapy', 'twisted', 'crawler', 'bantin', 'dateparser')))")
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path[:0] = [{str(wheel)!r}]; "
                             + probe], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert 0 == result.returncode, result.stderr[-2000:]
    assert "[]" == result.stdout.strip()
    listed = (folder / "requirements.txt").read_text(encoding="utf-8").lower().splitlines()
    assert {"datasette", "datasette-vega"} <= {line.split("==")[0] for line in listed}
