"""Shards: the registry cut into parts that crawl apart, and which node crawls which part.

Politeness is per host: one request at a time, a pause between requests. So every host, and
every group of hosts served by one machine (a registry entry's ``machine = "label"``), belongs
to exactly one shard: two nodes never crawl one server at once. Sites sharing a host (a sister
host such as portal.longbien.gov.vn) are one group. A group's shard is a stable hash of its
first site name, so a group stays in its shard while the shard count is unchanged.

Shards go to nodes by rendezvous (highest random weight) hashing with bounded loads: each
shard ranks the nodes by ``hash(shard, node)`` and takes the first that has fewer than its
fair share (``slack`` × shards / nodes) already; adding a node moves only the shards that
now rank it first (about 1 / nodes of them).

Pure functions: no network, no Scrapy.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crawler.sites import REGISTRY, SiteConfig, _host_key


@dataclass(frozen=True)
class Shard:
    """One part of the registry: its name (``shard-07``) and its sites' names, sorted."""

    name: str
    sites: tuple[str, ...]


def stable_hash(*parts: str) -> int:
    """A 64-bit hash of ``parts`` that is the same in every process and Python version."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def host_groups(sites: Iterable[SiteConfig], machines: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    """Site names grouped so that sites sharing a host (``www.`` and case ignored, the port
    kept) or a declared machine are together; each group sorted, groups sorted."""
    sites = list(sites)
    parent = {site.name: site.name for site in sites}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    owner: dict[str, str] = {}
    for site in sites:
        keys = [f"host:{_host_key(host)}" for host in site.hosts]
        if machines and site.name in machines:
            keys.append(f"machine:{machines[site.name]}")
        for key in keys:
            if key in owner:
                parent[root(site.name)] = root(owner[key])
            else:
                owner[key] = site.name
    groups: dict[str, list[str]] = {}
    for site in sites:
        groups.setdefault(root(site.name), []).append(site.name)
    return sorted(tuple(sorted(names)) for names in groups.values())


def partition(sites: Iterable[SiteConfig], count: int,
              machines: dict[str, str] | None = None) -> list[Shard]:
    """The non-empty shards of ``sites`` among ``count`` shards, sorted by name."""
    if count < 1:
        raise ValueError("the shard count must be at least 1")
    width = len(str(count - 1))
    members: dict[int, list[str]] = {}
    for group in host_groups(sites, machines):
        members.setdefault(stable_hash("group", group[0]) % count, []).extend(group)
    return [Shard(f"shard-{number:0{width}d}", tuple(sorted(names)))
            for number, names in sorted(members.items())]


def assign(shards: Iterable[Shard], nodes: list[str], slack: float = 1.25) -> dict[str, str]:
    """``{shard name: node}`` by rendezvous hashing with bounded loads (see the module
    docstring); ``nodes`` are any stable names (URLs)."""
    shards = sorted(shards, key=lambda shard: shard.name)
    if not nodes:
        raise ValueError("no node to assign shards to")
    cap = max(1, math.ceil(slack * len(shards) / len(nodes)))
    load = dict.fromkeys(nodes, 0)
    placed = {}
    for shard in shards:
        ranked = sorted(nodes, key=lambda node: stable_hash("node", shard.name, node), reverse=True)
        node = next((n for n in ranked if load[n] < cap), ranked[0])
        load[node] += 1
        placed[shard.name] = node
    return placed


def job_id(shard: Shard | str, run_date: date) -> str:
    """The Scrapyd job id of a shard's run on ``run_date``: ``shard-07-20261207``."""
    name = shard.name if isinstance(shard, Shard) else shard
    return f"{name}-{run_date:%Y%m%d}"


def declared_machines(*extra_files: str | Path) -> dict[str, str]:
    """``{site name: machine label}`` from the registry files' optional ``machine`` keys (sites
    whose portals one server answers for: they are crawled by one node, one request at a time)."""
    labels: dict[str, str] = {}
    for path in (REGISTRY, *extra_files):
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        for name, entry in data.items():
            if isinstance(entry, dict) and entry.get("machine"):
                labels[name] = str(entry["machine"])
            else:
                labels.pop(name, None)
    return labels
