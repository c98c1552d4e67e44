"""Test helpers: the project's paths, the bantin command run as a process, archive queries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sampleportal.content import SITE_KEYS, load_site

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "pages"
BANTIN = Path(sys.executable).with_name("bantin")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def registry_file(portal, path: Path) -> Path:
    """Write a registry TOML for the running sample portal, as a user would for their own sites."""
    from sampleportal.registry import write_registry_file

    return write_registry_file(portal, path)


SAMPLE_SITES = [f"sample-{key}" for key in SITE_KEYS]
SEED = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
SEED_ID = f"sample-hoankiem:{SEED['url_title']}"
SEED_TITLE = SEED["title"]


def rows(db, sql: str, *params) -> list[dict]:
    """Query an archive (a SQLite file) as plain dicts."""
    import sqlite3

    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def free_port() -> int:
    """A loopback port nothing listens on (for a server to start on, or a closed port)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_datasette(base: str, deadline: float = 180.0) -> None:
    """Wait until a Datasette started at ``base`` answers; a generous ``deadline`` (seconds), so
    a loaded machine starting it slowly is not a failure."""
    import time
    import urllib.request

    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("Datasette did not start")


def run_bantin(*args: str, cwd: Path = PROJECT_ROOT,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``bantin`` command and capture its output (``env``: variables added)."""
    return subprocess.run([str(BANTIN), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **(env or {})})


def fixture_response(folder: Path):
    """A golden fixture's saved page as Scrapy hands it over: its URL and recorded Content-Type."""
    from scrapy.http import HtmlResponse, Request

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    headers = {"Content-Type": meta["content_type"]} if "content_type" in meta else {}
    return HtmlResponse(meta["url"], body=(folder / "page.html").read_bytes(), headers=headers,
                        request=Request(meta["url"]))


def get(datasette, path: str):
    """GET a path through Datasette's own client (the full ASGI app, no network)."""
    import asyncio

    return asyncio.run(datasette.client.get(path))


def json_rows(datasette, path: str) -> list[dict]:
    """Every row of a Datasette JSON page, as objects (asserting it answered 200)."""
    response = get(datasette, path + ("&" if "?" in path else "?") + "_shape=objects&_size=max")
    assert 200 == response.status_code, response.text[:500]
    return response.json()["rows"]


def search_ids(datasette, query: str) -> list[str]:
    """Ids of the articles bantin's search page finds for ``query``, best first."""
    from urllib.parse import quote

    return [row["id"] for row in json_rows(datasette, f"/archive/search.json?q={quote(query)}")]


def invoke(*args: str):
    """Run ``bantin`` in this process through click's CliRunner: ``exit_code``, ``stdout``,
    ``stderr`` as a process would give them."""
    from click.testing import CliRunner

    from bantin.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
