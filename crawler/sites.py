"""The registry of portals: loaded from ``sites.toml`` (and any file of the user's own).

A site is a name, the hosts that serve it and the pages where crawling starts; an ad-hoc site can
be made from start URLs alone (its name is then the host).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY = Path(__file__).with_name("sites.toml")
STATUSES = ("legacy", "active", "gone")
PAGE_FAMILIES = ("auto", "liferay6", "view_content", "liferay7", "cms2025", "generic")


class RegistryError(ValueError):
    """A registry file or site name that cannot be used; the message is one line."""


@dataclass(frozen=True)
class SiteConfig:
    """One portal: ``hosts`` are ``host[:port]`` strings, ``start_urls`` absolute URLs."""

    name: str
    hosts: tuple[str, ...]
    start_urls: tuple[str, ...]
    display_name: str | None = None
    family: str = "auto"
    status: str = "active"
    group_id: int | None = None
    level: str | None = None  # unit of government: urban district, rural district, ward, city…
    note: str | None = None

    def owns(self, url: str) -> bool:
        """True when ``url`` is served by one of this site's hosts (``www.`` ignored)."""
        return _host_key(urlsplit(url).netloc) in self._host_keys

    @cached_property
    def _host_keys(self) -> frozenset[str]:
        """The comparable forms of this site's hosts, made once (``owns`` runs for every link)."""
        return frozenset(_host_key(host) for host in self.hosts)


def _host_key(netloc: str) -> str:
    """Comparable form of a ``host[:port]``: lower case, without ``www.``."""
    netloc = netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def load_registry(*extra_files: str | Path) -> dict[str, SiteConfig]:
    """Sites of the bundled registry, updated by entries of ``extra_files`` (same TOML layout)."""
    sites: dict[str, SiteConfig] = {}
    for path in (REGISTRY, *extra_files):
        sites.update(_read(Path(path)))
    return sites


def _read(path: Path) -> dict[str, SiteConfig]:
    """Parse one registry file; raise RegistryError naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RegistryError(f"cannot read site registry {path}: {error}") from error
    return {name: _site(name, entry, path) for name, entry in data.items()}


def _site(name: str, entry: dict, path: Path) -> SiteConfig:
    """A SiteConfig from one registry table."""
    if not entry.get("hosts") or not entry.get("start_urls"):
        raise RegistryError(f"site {name!r} in {path} needs hosts and start_urls")
    if entry.get("status", "active") not in STATUSES:
        raise RegistryError(f"site {name!r} in {path}: status must be one of {', '.join(STATUSES)}")
    if entry.get("family", "auto") not in PAGE_FAMILIES:
        raise RegistryError(f"site {name!r} in {path}: family must be one of {', '.join(PAGE_FAMILIES)}")
    return SiteConfig(
        name=name,
        hosts=tuple(entry["hosts"]),
        start_urls=tuple(entry["start_urls"]),
        display_name=entry.get("display_name"),
        family=entry.get("family", "auto"),
        status=entry.get("status", "active"),
        group_id=entry.get("group_id"),
        level=entry.get("level", entry.get("kind")),  # "kind" was this key's name before
        note=entry.get("note"),
    )


def select_sites(registry: dict[str, SiteConfig], names: list[str]) -> list[SiteConfig]:
    """The registry entries named, in order; RegistryError for an unknown name."""
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise RegistryError(f"unknown site {unknown[0]!r}; known: {', '.join(sorted(registry))}")
    return [registry[name] for name in names]


def crawlable_sites(registry: dict[str, SiteConfig]) -> list[SiteConfig]:
    """Every registered site that is not marked ``gone``, in registry order."""
    return [site for site in registry.values() if site.status != "gone"]


def adhoc_site(start_urls: list[str], name: str | None = None) -> SiteConfig:
    """A site made from start URLs alone: its hosts are theirs, its name the first host."""
    hosts = tuple(dict.fromkeys(urlsplit(url).netloc.lower() for url in start_urls))
    if not hosts or not all(urlsplit(url).scheme in ("http", "https") for url in start_urls):
        raise RegistryError("--start-url takes absolute http(s) URLs")
    return SiteConfig(name=name or hosts[0], hosts=hosts, start_urls=tuple(start_urls))
