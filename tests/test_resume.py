"""A crawl killed with SIGKILL at a random moment leaves a consistent archive, and running the
same command again finishes the job without fetching again what was already archived."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

from crawler.pages.registry import article_id, parse_article_ref
from helpers import BANTIN, FAST, registry_file, run_bantin
from pipelines import warc
from sampleportal.content import archive_key, load_site
from sampleportal.server import SamplePortal

SITES = ["sample-hoankiem", "sample-longbien"]


def query(db, sql):
    connection = sqlite3.connect(db, timeout=10)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def archived_ids(db) -> set[str]:
    return {row[0] for row in query(db, "select id from articles")}


def fetched_ids(hits) -> list[str]:
    ids = []
    for hit in hits:
        ref = parse_article_ref("http://x" + hit.target)
        if ref is not None:
            ids.append(article_id(f"sample-{hit.site}", ref, load_site(hit.site).group_id))
    return ids


def test_sigkill_then_resume(tmp_path):
    with SamplePortal() as portal:
        sites = registry_file(portal, tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        command = ["crawl", *SITES, "--sites", str(sites), "--db", str(db)]
        slow = [*FAST, "-s", "DOWNLOAD_DELAY=0.05", "-s", "BANTIN_BATCH_SIZE=4"]
        crawl = subprocess.Popen([str(BANTIN), *command, *slow], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if db.exists() and query(db, "select count(*) from sqlite_master where name = 'articles'")[0][0] \
                    and query(db, "select count(*) from articles")[0][0] >= 10:
                break
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=30)
        assert -signal.SIGKILL == crawl.returncode

        assert [("ok",)] == query(db, "pragma integrity_check")
        assert [] == query(db, "pragma foreign_key_check")
        before = archived_ids(db)
        assert 10 <= len(before) < 43
        for row in query(db, "select url, warc_file, offset from captures where record_type = 'response'"):
            stored = warc.read_capture(tmp_path / "captures", {"warc_file": row[1], "offset": row[2]})
            assert row[0] == stored.url

        start = len(portal.hits)
        result = run_bantin(*command, *FAST)
        assert 0 == result.returncode, result.stderr[-2000:]
        refetched = set(fetched_ids(portal.hits[start:])) & before
        assert set() == refetched

    expected = {f"sample-{key}:{archive_key(load_site(key), a)}"
                for key in ("hoankiem", "longbien") for a in load_site(key).articles}
    seed = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
    expected.add(f"sample-longbien:{seed['url_title']}:20182")
    assert expected == archived_ids(db)
    assert [("killed",), ("finished",)] == query(db, "select outcome from crawl_runs order by id")
