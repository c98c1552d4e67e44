"""``bantin dispatch`` and ``bantin merge``: crawl on several Scrapyd nodes, then fold the shards.

``dispatch`` cuts the chosen sites into shards (``crawler/shards.py``), gives each shard to a
node, schedules one incremental job per shard with the job id ``<shard>-<YYYYMMDD>`` and follows
the jobs to their end. A shard whose job for that date is pending or running is followed, not
scheduled again; one that finished is reported as such; one whose job was killed (or lost with
its node) is scheduled again and resumes from its shard archive.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import click

from bantin.nodes import Job, Node, NodeError, finish_reason, shard_db
from bantin.params import scrapy_settings
from crawler.sites import RegistryError, crawlable_sites, load_registry, select_sites

UNREACHABLE_POLLS = 3  # a node that fails this many polls in a row has lost its jobs


@dataclass
class Placement:
    """A shard's job on its node, and what became of it."""

    shard: str
    sites: tuple[str, ...]
    node: Node
    job_id: str
    finished_before: int = 0  # finished entries of this job id before it was scheduled
    outcome: str | None = None  # finished, failed; None while the job runs
    detail: str = ""


@click.command()
@click.argument("site_names", nargs=-1)
@click.option("--nodes", required=True, metavar="URL[,URL…]",
              help="Scrapyd nodes (http://user:password@host:port, or the user and password from "
                   "BANTIN_SCRAPYD_USERNAME and BANTIN_SCRAPYD_PASSWORD).")
@click.option("--all", "all_sites", is_flag=True, help="Every registered site not marked gone.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["legacy", "active"]),
              help="With --all: only sites of this status (repeatable).")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file (TOML); the nodes read it at the same path.")
@click.option("--shards", "shard_count", type=int, help="Number of shards (default: BANTIN_SHARDS).")
@click.option("--date", "run_date", type=click.DateTime(["%Y-%m-%d"]),
              help="Run date in the job ids (default: today, UTC).")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between looks at the nodes.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Set a Scrapy setting of every job, as in `scrapy crawl -s`.")
def dispatch(site_names, nodes, all_sites, statuses, sites_file, shard_count, run_date, poll,
             overrides) -> None:
    """Crawl sites on Scrapyd nodes: one incremental job per shard, followed to its end.

    Each job writes shards/<shard>/<shard>.db (and its WARC files) in its node's folder; fold
    them into the archive with `bantin merge`. Exits 1 if a shard's job failed.

    \b
    Example:
      bantin dispatch --all --nodes http://127.0.0.1:6801,http://127.0.0.1:6802
    """
    from crawler.shards import assign, declared_machines, job_id, partition

    try:
        registry = load_registry(*([sites_file] if sites_file else []))
        if all_sites == bool(site_names):
            raise RegistryError("name sites or give --all")
        sites = crawlable_sites(registry) if all_sites else select_sites(registry, list(site_names))
        sites = [site for site in sites if not statuses or site.status in statuses]
        machines = declared_machines(*([sites_file] if sites_file else []))
    except RegistryError as error:
        raise click.ClickException(str(error)) from error
    clients = {node.url: node for node in (Node(url.strip()) for url in nodes.split(",") if url.strip())}
    urls = list(clients)  # without user and password: a changed password moves no shard
    shards = partition(sites, shard_count or _default("BANTIN_SHARDS"), machines)
    placed = assign(shards, urls)
    day = (run_date.date() if run_date else datetime.now(UTC).date())
    click.echo(f"dispatch: {len(sites)} sites in {len(shards)} shards over {len(urls)} nodes, "
               f"run {day:%Y-%m-%d}")
    placements = [Placement(s.name, s.sites, clients[placed[s.name]], job_id(s, day)) for s in shards]
    _start(placements, clients, sites_file, _settings(overrides))
    _follow(placements, clients, poll)
    _report(placements)


def _default(name: str):
    return getattr(importlib.import_module("settings"), name)


def _settings(pairs) -> dict[str, str]:
    """The jobs' Scrapy settings: ``-s`` pairs (checked) over ``LOG_LEVEL=INFO``, which the
    stats at the end of a job's log need (they tell how it ended)."""
    return {"LOG_LEVEL": "INFO", **scrapy_settings(pairs)}


def _start(placements: list[Placement], clients: dict[str, Node], sites_file, settings) -> None:
    """Schedule every shard whose job of the day is not pending, running or finished cleanly."""
    listed = {}
    for url, node in clients.items():
        try:
            listed[url] = node.jobs()
        except NodeError as error:
            listed[url] = error
    for place in placements:
        jobs = listed[place.node.url]
        line = f"  {place.shard} ({', '.join(place.sites)}) on {place.node}: "
        if isinstance(jobs, NodeError):
            place.outcome, place.detail = "failed", str(jobs)
            click.echo(line + "node unreachable")
            continue
        same = [job for job in jobs if job.id == place.job_id]
        finished = [job for job in same if job.state == "finished"]
        place.finished_before = len(finished)
        if any(job.state in ("pending", "running") for job in same):
            click.echo(line + f"{place.job_id} already {same[0].state}, followed")
            continue
        if finished and finish_reason(place.node.log_tail(finished[0])) == "finished":
            place.outcome, place.detail = "finished", "finished earlier today"
            click.echo(line + f"{place.job_id} already finished")
            continue
        arguments = {"site": ",".join(place.sites), **({"sites_file": sites_file} if sites_file else {})}
        try:
            place.node.schedule(place.job_id, {**settings, "BANTIN_DB": shard_db(place.shard)}, arguments)
        except NodeError as error:
            place.outcome, place.detail = "failed", str(error)
            click.echo(line + f"not scheduled: {error}")
            continue
        again = " again (its last run did not end cleanly)" if finished else ""
        click.echo(line + f"scheduled {place.job_id}{again}")


def _follow(placements: list[Placement], clients: dict[str, Node], poll: float) -> None:
    """Poll the nodes until every job has ended, printing a line whenever the counts change."""
    misses = dict.fromkeys(clients, 0)
    shown = None
    while any(place.outcome is None for place in placements):
        time.sleep(poll)
        states = {}
        for url, node in clients.items():
            waiting = [p for p in placements if p.node is node and p.outcome is None]
            if not waiting:
                continue
            try:
                jobs = node.jobs()
                misses[url] = 0
            except NodeError as error:
                misses[url] += 1
                if misses[url] >= UNREACHABLE_POLLS:
                    for place in waiting:
                        place.outcome, place.detail = "failed", f"node lost: {error}"
                continue
            for place in waiting:
                states[place.shard] = _state(place, jobs)
        counts = {state: sum(1 for s in states.values() if s == state) for state in ("pending", "running")}
        done = sum(1 for place in placements if place.outcome)
        line = f"progress: {done}/{len(placements)} shards ended, {counts['running']} running, " \
               f"{counts['pending']} pending"
        if line != shown:
            click.echo(line)
            shown = line


def _state(place: Placement, jobs: list[Job]) -> str:
    """The job's state now; when it has ended, set its outcome from its log."""
    same = [job for job in jobs if job.id == place.job_id]
    live = [job for job in same if job.state in ("pending", "running")]
    if live:
        return live[0].state
    finished = [job for job in same if job.state == "finished"]
    if len(finished) <= place.finished_before:
        place.outcome, place.detail = "failed", "the node no longer lists the job (restarted?)"
        return "lost"
    log = place.node.log_tail(finished[0])
    reason = finish_reason(log)
    if reason == "finished":
        place.outcome = "finished"
    else:
        tail = "\n".join("      " + line for line in log.strip().splitlines()[-8:])
        place.outcome = "failed"
        place.detail = f"ended {reason or 'without closing (killed?)'}; log tail:\n{tail}"
    return "finished"


def _report(placements: list[Placement]) -> None:
    """One line per shard; exit 1 when one failed."""
    for place in placements:
        detail = f": {place.detail}" if place.detail and place.outcome != "finished" else ""
        click.echo(f"{place.shard} on {place.node} ({place.job_id}): {place.outcome}{detail}")
    failed = [p.shard for p in placements if p.outcome != "finished"]
    if failed:
        raise click.ClickException(f"{len(failed)} shard(s) failed: {', '.join(failed)}; "
                                   "run the same dispatch again to resume them")
    click.echo(f"all {len(placements)} shards finished; merge them with `bantin merge`")


@click.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--into", required=True, type=click.Path(dir_okay=False), help="The archive to merge into.")
def merge(shards, into) -> None:
    """Fold shard archives (from `bantin dispatch` jobs) into an archive, as one crawl would.

    Merging a shard twice changes nothing; a shard that cannot be read is named and the others
    still merge (exit 1 at the end).

    \b
    Example:
      bantin merge node1/shards/s03/s03.db node2/shards/s17/s17.db --into archive.db
    """
    from pipelines.merge import merge_shards

    report = merge_shards(list(shards), into, echo=click.echo)
    if report.failed:
        raise click.ClickException(f"{len(report.failed)} shard(s) could not be read: "
                                   f"{', '.join(report.failed)}")
