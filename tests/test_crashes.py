"""Crashes and concurrency: SIGKILL at random moments, a full disk, Datasette reading while a crawl
writes."""

from __future__ import annotations

import os
import random
import resource
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from helpers import BANTIN, FAST, free_port, registry_file, run_bantin, wait_for_datasette
from pipelines import warc
from sampleportal.content import archive_key, load_site
from sampleportal.server import SamplePortal
from sampleportal.timeline import Timeline

SITES = ["sample-hoankiem", "sample-longbien"]


def query(db, sql, *params):
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def expected_children() -> dict[str, tuple[int, int]]:
    """(images, author rows) each sample article must have once archived."""
    counts = {}
    for key in ("hoankiem", "longbien"):
        site = load_site(key)
        for article in site.articles:
            roles = sum(len(author["roles"]) for author in article["authors"])
            counts[f"sample-{key}:{archive_key(site, article)}"] = (len(article["images"]), roles)
    return counts


def assert_consistent(db: Path) -> None:
    """Integrity, foreign keys, complete children of every article, index agrees with WARC files."""
    assert [("ok",)] == query(db, "pragma integrity_check")
    assert [] == query(db, "pragma foreign_key_check")
    expected = expected_children()
    archived = query(db, "select a.id, (select count(*) from images i where i.article_id = a.id), "
                         "(select count(*) from authors u where u.article_id = a.id) from articles a")
    for article_id, images, authors in archived:
        if article_id in expected:
            assert expected[article_id] == (images, authors), article_id
    for url, warc_file, offset in query(db, "select url, warc_file, offset from captures "
                                            "where record_type = 'response'"):
        assert url == warc.read_capture(db.parent / "captures",
                                          {"warc_file": warc_file, "offset": offset}).url


def test_twenty_kills_then_a_complete_archive(tmp_path):
    rng = random.Random(20)
    with SamplePortal() as portal:
        sites = registry_file(portal, tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        command = [str(BANTIN), "crawl", *SITES, "--sites", str(sites), "--db", str(db), *FAST,
                   "-s", "DOWNLOAD_DELAY=0.02", "-s", "BANTIN_BATCH_SIZE=3"]
        for _ in range(20):
            crawl = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.4, 2.5))
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=30)
            if db.exists():
                assert_consistent(db)
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert 0 == result.returncode, result.stderr[-2000:]
    assert_consistent(db)
    clean = set(expected_children())
    seed = next(a for a in load_site("hoankiem").articles if a["key"] == "hk-seed")
    clean.add(f"sample-longbien:{seed['url_title']}:20182")
    assert clean == {row[0] for row in query(db, "select id from articles")}


def test_a_full_disk_stops_the_crawl_cleanly(tmp_path):
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (700_000, 700_000))

    with SamplePortal() as portal:
        sites = registry_file(portal, tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        result = subprocess.run([str(BANTIN), "crawl", *SITES, "--sites", str(sites), "--db", str(db), *FAST],
                                capture_output=True, text=True, timeout=300, check=False,
                                preexec_fn=limited)
    assert 1 == result.returncode
    assert result.stderr.strip().splitlines()[-1].startswith("Error: disk full while writing")
    assert "Traceback" not in result.stderr
    assert_consistent(db)


def test_datasette_reads_while_a_crawl_writes(tmp_path):
    with SamplePortal(timeline=Timeline(copies=6)) as portal:
        sites = registry_file(portal, tmp_path / "sites.toml")
        db = tmp_path / "archive.db"
        seeded = run_bantin("crawl", "sample-caugiay", "--sites", str(sites), "--db", str(db), *FAST)
        assert 0 == seeded.returncode, seeded.stderr[-2000:]
        port = free_port()
        server = subprocess.Popen([str(BANTIN), "serve", "--db", str(db), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        wait_for_datasette(base)
        stop, latencies, failures = threading.Event(), [], []
        reader = threading.Thread(target=_read_steadily, args=(base, stop, latencies, failures))
        reader.start()
        crawl = run_bantin("crawl", *SITES, "--sites", str(sites), "--db", str(db), *FAST,
                           "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
        stop.set()
        reader.join(timeout=30)
        server.terminate()
        server.wait(timeout=10)
    assert 0 == crawl.returncode, crawl.stderr[-2000:]
    assert [] == failures
    assert len(latencies) >= 20
    assert max(latencies) < 1.0




def _read_steadily(base: str, stop: threading.Event, latencies: list, failures: list) -> None:
    """Search and facet queries, one after another, until told to stop."""
    paths = [f"/archive/search.json?q={quote('hội nghị')}", f"/archive/search.json?q={quote('dinh')}",
             "/archive/articles.json?_extra=facet_results&_size=20"]
    while not stop.is_set():
        for path in paths:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=10) as response:
                    response.read()
            except Exception as error:
                failures.append(f"{path}: {error}")
            latencies.append(time.perf_counter() - start)


if os.name != "posix":  # pragma: no cover - resource limits and signals are POSIX
    raise RuntimeError("these tests need a POSIX system")
