"""Beyond one machine: shards, their merge, and real Scrapyd nodes crawling the sample portal.

The merged archive of shard crawls equals a single crawl of the same sites, row for row (on the
columns that do not depend on the fetch time); merging a shard twice changes nothing; a node
killed mid-job, then a second dispatch, ends in the same archive.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bantin.nodes import Node, write_node_config
from crawler.pages.registry import parse_article_ref
from crawler.shards import Shard, assign, host_groups, job_id, partition
from crawler.sites import SiteConfig, load_registry
from helpers import BANTIN, FAST, SAMPLE_SITES, free_port, rows, run_bantin

ARTICLE_COLUMNS = "id, site, url, title, published_at, views, body, source, duplicate_of"
SCRAPYD = Path(sys.executable).with_name("scrapyd")
PASSWORD = "node-secret"
QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def site(name: str, *hosts: str) -> SiteConfig:
    return SiteConfig(name=name, hosts=hosts, start_urls=(f"https://{hosts[0]}/",))


# -- shards -----------------------------------------------------------------------------------

def test_sites_sharing_a_host_or_a_machine_are_one_group():
    sites = [site("a", "a.gov.vn"), site("b", "b.gov.vn", "WWW.a.gov.vn"), site("c", "c.gov.vn"),
             site("d", "d.gov.vn"), site("e", "e.gov.vn:8080"), site("f", "e.gov.vn")]
    assert [("a", "b"), ("c", "d"), ("e",), ("f",)] == host_groups(sites, {"c": "dc1", "d": "dc1"})


def test_every_host_is_in_exactly_one_shard():
    sites = list(load_registry().values())
    shards = partition(sites, 8)
    names = [name for shard in shards for name in shard.sites]
    assert sorted(names) == sorted(s.name for s in sites)
    shard_of = {name: shard.name for shard in shards for name in shard.sites}
    hosts: dict[str, set[str]] = {}
    for s in sites:
        for host in s.hosts:
            hosts.setdefault(host.lower().removeprefix("www."), set()).add(shard_of[s.name])
    assert all(1 == len(found) for found in hosts.values())
    assert partition(sites, 8) == shards  # stable


def test_adding_a_node_moves_few_shards():
    shards = [Shard(f"shard-{n:02d}", (f"s{n}",)) for n in range(64)]
    nodes = [f"http://10.0.0.{n}:6800" for n in range(1, 5)]
    before = assign(shards, nodes)
    after = assign(shards, [*nodes, "http://10.0.0.5:6800"])
    moved = [name for name in before if before[name] != after[name]]
    loads = [list(after.values()).count(node) for node in set(after.values())]
    assert len(moved) <= 64 // 5 + 8, moved  # about one in five, plus a few to keep loads bounded
    assert 5 == len(loads) and max(loads) <= 17


def test_job_ids_are_the_shard_and_the_run_date():
    assert "shard-07-20261207" == job_id(Shard("shard-07", ("a",)), date(2026, 12, 7))


# -- merge --------------------------------------------------------------------------------------

def articles(db) -> list[dict]:
    return rows(db, f"select {ARTICLE_COLUMNS} from articles order by id")


def children(db) -> dict[str, list[dict]]:
    return {"images": rows(db, "select article_id, position, src, caption, alt from images "
                               "order by article_id, position"),
            "authors": rows(db, "select article_id, name, role from authors order by 1, 2, 3"),
            "attachments": rows(db, "select article_id, position, url, label from attachments "
                                    "order by article_id, position")}


def dump(db) -> dict[str, list]:
    """Every table's rows (the merge bookkeeping's times aside)."""
    connection = sqlite3.connect(db)
    try:
        tables = [r[0] for r in connection.execute(
            "select name from sqlite_master where type = 'table' and name not like 'articles_fts%' "
            "and name not like 'sqlite_%'")]
        return {t: sorted(map(repr, connection.execute(f"select * from {t}"))) for t in tables
                if t != "merged_shards"}
    finally:
        connection.close()


def comparable(db) -> list[dict]:
    """Articles without what depends on the crawl's order and clock: the URL an article was
    first archived under (one of its forms, whichever was fetched first) and a publish time
    resolved from "N giờ trước" against the fetch time (kept to the day)."""
    found = []
    for row in articles(db):
        precision = rows(db, "select published_precision p from articles where id = ?", row["id"])[0]["p"]
        row = {**row, "url": None}
        if precision == "hour":
            row["published_at"] = row["published_at"][:10]
        found.append(row)
    return found


def assert_same_as_single_crawl(merged, single) -> None:
    assert comparable(single) == comparable(merged)
    assert [same_article(r["url"]) for r in articles(single)] == \
        [same_article(r["url"]) for r in articles(merged)], "each URL is a form of the same article"
    assert children(single) == children(merged)
    search = "select id from articles join articles_fts on articles_fts.rowid = articles.rowid " \
             "where articles_fts match 'Hoàn' order by id"
    assert rows(single, search) == rows(merged, search)
    indexed = "select count(*) n from articles_fts"
    assert rows(single, indexed) == rows(merged, indexed)
    mentions = "select article_id, person_id, position, found_in from mentions order by 1, 2, 3, 4"
    assert rows(single, mentions) == rows(merged, mentions)
    people = "select id, name from people order by id"
    assert rows(single, people) == rows(merged, people)


def same_article(url: str):
    """What an article URL names, whatever page path (and portlet instance) it was linked under."""
    ref = parse_article_ref(url)
    return urlsplit(url).netloc, dataclasses.replace(ref, instance=None) if ref else url


def test_merged_shards_equal_a_single_crawl(crawled, tmp_path):
    """Shards crawled by separate processes, merged, equal one crawl; twice merged changes nothing;
    an unreadable shard is named and the others still merge."""
    registry = load_registry(crawled["sites"])
    shards = partition([registry[name] for name in SAMPLE_SITES], 3)
    paths = []
    for shard in shards:
        db = tmp_path / shard.name / f"{shard.name}.db"
        db.parent.mkdir()
        result = run_bantin("crawl", *shard.sites, "--sites", str(crawled["sites"]), "--db", str(db), *FAST)
        assert 0 == result.returncode, result.stderr[-2000:]
        paths.append(str(db))
    archive = tmp_path / "archive.db"
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database" * 100)

    result = run_bantin("merge", *paths[:1], str(broken), *paths[1:], "--into", str(archive))
    assert 1 == result.returncode
    assert f"cannot read shard {broken}" in result.stdout
    assert_same_as_single_crawl(archive, crawled["db"])
    captures = rows(archive, "select warc_file, offset from captures where warc_file is not null")
    assert captures and all(c["warc_file"].startswith("shards/shard-") for c in captures)
    assert all((archive.parent / "captures" / c["warc_file"]).exists() for c in captures)
    revisits = rows(archive, "select count(*) n from captures r left join captures o on o.id = r.refers_to "
                             "where r.record_type = 'revisit' and o.id is null")
    assert [{"n": 0}] == revisits

    before = dump(archive)
    again = run_bantin("merge", *paths, "--into", str(archive))
    assert 0 == again.returncode, again.stderr
    assert again.stdout.count("already merged") == len(paths)
    assert before == dump(archive)

    # the next day's run of one shard: its articles fetched again update the archive's rows
    # through the rules of a single crawl (nothing changed on the portal: no new version)
    shard = shards[0]
    result = run_bantin("crawl", *shard.sites, "--full", "--sites", str(crawled["sites"]), "--db", paths[0],
                        *FAST)
    assert 0 == result.returncode, result.stderr[-2000:]
    later = run_bantin("merge", paths[0], "--into", str(archive))
    assert 0 == later.returncode, later.stdout + later.stderr
    assert " updated" in later.stdout and "0 updated" not in later.stdout, later.stdout
    assert_same_as_single_crawl(archive, crawled["db"])
    assert [] == rows(archive, "select * from article_versions")
    runs = rows(archive, "select count(*) n from shard_runs where shard like ?", f"{shard.name}@%")
    assert [{"n": 2}] == runs


# -- Scrapyd nodes ------------------------------------------------------------------------------

class ScrapydNode:
    """A real Scrapyd daemon on loopback in its own folder, started and stopped by the test."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        write_node_config(folder, self.port, "bantin", PASSWORD, max_proc=4, poll_interval=0.5)
        self.url = f"http://bantin:{PASSWORD}@127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> ScrapydNode:
        log = (self.folder / "scrapyd.out").open("ab")
        self.process = subprocess.Popen([str(SCRAPYD)], cwd=self.folder, stdout=log, stderr=log,
                                        start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                Node(self.url, timeout=2).status()
                return self
            assert self.process.poll() is None, (self.folder / "scrapyd.out").read_text()[-2000:]
            time.sleep(0.2)
        raise AssertionError("scrapyd did not answer daemonstatus.json")

    def kill(self) -> None:
        """SIGKILL the daemon and every crawl it started (its process group)."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        (self.folder / "twistd.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.kill()

    def shard_dbs(self) -> list[str]:
        return sorted(str(p) for p in (self.folder / "shards").glob("*/*.db"))


@pytest.fixture
def nodes(tmp_path):
    if not SCRAPYD.exists():
        pytest.skip("scrapyd is not installed in this environment")
    started = []
    try:
        for name in ("node-a", "node-b"):
            started.append(ScrapydNode(tmp_path / name).start())
        yield started
    finally:
        for node in started:
            node.stop()


RUN_DATE = date(2026, 12, 7)  # the run date every dispatch of these tests names its jobs by


def dispatch(nodes, sites_file, *extra: str, wait: bool = True):
    command = [str(BANTIN), "dispatch", *SAMPLE_SITES, "--sites", str(sites_file), "--shards", "6",
               "--nodes", ",".join(node.url for node in nodes), "--date", str(RUN_DATE), "--poll", "0.5",
               *extra]
    if wait:
        return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_scrapyd_nodes_crawl_in_parallel_and_merge_into_one_crawl(crawled, nodes, tmp_path, capsys):
    started = time.monotonic()
    result = dispatch(nodes, crawled["sites"], *QUICK)
    crawl_seconds = time.monotonic() - started
    assert 0 == result.returncode, result.stdout[-3000:] + result.stderr[-3000:]
    assert "progress:" in result.stdout
    assert all(node.shard_dbs() for node in nodes), "both nodes crawled"

    again = dispatch(nodes, crawled["sites"], *QUICK)  # the same run date: nothing scheduled twice
    assert 0 == again.returncode, again.stdout[-3000:]
    assert "scheduled" not in again.stdout and "already finished" in again.stdout

    archive = tmp_path / "archive.db"
    started = time.monotonic()
    merged = run_bantin("merge", *nodes[0].shard_dbs(), *nodes[1].shard_dbs(), "--into", str(archive))
    merge_seconds = time.monotonic() - started
    assert 0 == merged.returncode, merged.stdout + merged.stderr
    assert_same_as_single_crawl(archive, crawled["db"])

    single = tmp_path / "single.db"
    started = time.monotonic()
    one = run_bantin("crawl", *SAMPLE_SITES, "--sites", str(crawled["sites"]), "--db", str(single), *FAST)
    single_seconds = time.monotonic() - started
    assert 0 == one.returncode
    with capsys.disabled():
        print(f"\ntwo-node dispatch {crawl_seconds:.1f} s, merge {merge_seconds:.1f} s; "
              f"single-process crawl {single_seconds:.1f} s")


def slow_dispatch_under_way(crawled, nodes):
    """A dispatch of slow jobs, once the largest shard's job has archived a few articles: the
    dispatch process, and that shard's node, shard and archive."""
    slow = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "BANTIN_BATCH_SIZE=4"]
    process = dispatch(nodes, crawled["sites"], *slow, wait=False)
    node, shard, db = _largest_shard(crawled, nodes)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _has_articles(db, 5):
        time.sleep(0.2)
    assert _has_articles(db, 5), "the job of the largest shard started"
    return process, node, shard, db


def test_a_node_killed_mid_job_then_dispatched_again_ends_in_the_same_archive(crawled, nodes, tmp_path):
    first, victim, _, _ = slow_dispatch_under_way(crawled, nodes)
    victim.kill()
    output, _ = first.communicate(timeout=300)
    assert 1 == first.returncode, output[-3000:]
    assert "failed" in output

    victim.start()
    second = dispatch(nodes, crawled["sites"], *QUICK)
    assert 0 == second.returncode, second.stdout[-3000:] + second.stderr[-3000:]
    assert "already finished" in second.stdout and "scheduled" in second.stdout
    assert list((victim.folder / "jobs").glob("*/*/*.killed-*")), "the killed job's JOBDIR was set aside"

    archive = tmp_path / "archive.db"
    merged = run_bantin("merge", *nodes[0].shard_dbs(), *nodes[1].shard_dbs(), "--into", str(archive))
    assert 0 == merged.returncode, merged.stdout + merged.stderr
    assert_same_as_single_crawl(archive, crawled["db"])
    killed = rows(archive, "select count(*) n from crawl_runs where outcome = 'killed'")
    assert killed[0]["n"] >= 1


def test_a_job_stopped_cleanly_resumes_from_its_jobdir(crawled, nodes, tmp_path):
    first, node, largest, _ = slow_dispatch_under_way(crawled, nodes)
    Node(node.url).cancel(job_id(largest, RUN_DATE))
    output, _ = first.communicate(timeout=300)
    assert 1 == first.returncode and "ended shutdown" in output, output[-3000:]

    second = dispatch(nodes, crawled["sites"], *QUICK)
    assert 0 == second.returncode, second.stdout[-3000:] + second.stderr[-3000:]
    logs = node.folder / "logs" / "bantin" / "portal"
    log = (logs / f"{job_id(largest, RUN_DATE)}.log").read_text()
    assert "Resuming crawl" in log
    archive = tmp_path / "archive.db"
    merged = run_bantin("merge", *nodes[0].shard_dbs(), *nodes[1].shard_dbs(), "--into", str(archive))
    assert 0 == merged.returncode, merged.stdout + merged.stderr
    assert_same_as_single_crawl(archive, crawled["db"])


def _largest_shard(crawled, nodes):
    """The node holding the shard of sample-hoankiem (22 articles), that shard, and its archive."""
    registry = load_registry(crawled["sites"])
    shards = partition([registry[name] for name in SAMPLE_SITES], 6)
    placed = assign(shards, [Node(node.url).url for node in nodes])
    largest = next(shard for shard in shards if "sample-hoankiem" in shard.sites)
    node = next(node for node in nodes if Node(node.url).url == placed[largest.name])
    return node, largest, node.folder / "shards" / largest.name / f"{largest.name}.db"


def _has_articles(db: Path, at_least: int) -> bool:
    with contextlib.suppress(sqlite3.Error):
        return db.exists() and rows(db, "select count(*) n from articles")[0]["n"] >= at_least
    return False


def test_scrapyd_answers_only_with_the_password(nodes):
    base = f"http://127.0.0.1:{nodes[0].port}/daemonstatus.json"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base, timeout=5)
    assert 401 == refused.value.code
    assert "ok" == Node(nodes[0].url).status()["status"]



def test_the_deploy_template_sets_what_test_nodes_set(tmp_path):
    from configparser import ConfigParser

    from helpers import PROJECT_ROOT

    write_node_config(tmp_path, 6800, "bantin", "change-me")
    written, template = ConfigParser(), ConfigParser()
    written.read(tmp_path / "scrapyd.conf")
    template.read(PROJECT_ROOT / "deploy" / "scrapyd" / "scrapyd.conf")
    assert dict(written["scrapyd"]) == dict(template["scrapyd"]) | {"poll_interval": "5.0"}
    cfg = ConfigParser()
    cfg.read(PROJECT_ROOT / "deploy" / "scrapyd" / "scrapy.cfg")
    assert (tmp_path / "scrapy.cfg").read_text().split() == ["[settings]", "bantin", "=", "settings"]
    assert {"bantin": "settings"} == dict(cfg["settings"])
