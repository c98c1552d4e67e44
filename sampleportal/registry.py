"""Registry entries for the sample portal while it runs: one site per sample district.

Entries are plain dicts with the field names of the crawler's registry (``name``, ``hosts``,
``start_urls``, ``display_name``, ``family``, ``status``, ``group_id``), or a registry TOML file
written as a user would write one: the sample portal imports nothing of bantin.
"""

from __future__ import annotations

from sampleportal.content import SITE_KEYS, load_site
from sampleportal.render import category_href
from sampleportal.server import SamplePortal

SAMPLE_PREFIX = "sample-"
SISTER_HOSTS = ("longbien",)  # also served as localhost:PORT, like portal.longbien.gov.vn
DISCOVERED = ("tayho",)  # started from the home page: categories found through its menu


def _start_urls(site, origin: str) -> tuple[str, ...]:
    """Category pages of a sample site, or only its home page for the discovered ones."""
    if site.key in DISCOVERED:
        return (f"{origin}/",)
    return tuple(origin + category_href(site, category) for category in site.categories)


def sample_sites(portal: SamplePortal) -> list[dict]:
    """Registry entries that crawl the running ``portal``: every category page of every sample
    site (hosts and start URLs as tuples)."""
    sites = []
    for key in SITE_KEYS:
        site = load_site(key)
        origin = portal.url(key)
        host = origin.split("//", 1)[1]
        sisters = (host.replace("127.0.0.1", "localhost"),) if key in SISTER_HOSTS else ()
        sites.append({
            "name": SAMPLE_PREFIX + key,
            "hosts": (host, *sisters),
            "start_urls": _start_urls(site, origin),
            "display_name": f"{site.display_name} (sample)",
            "family": site.family,
            "status": "active",
            "group_id": site.group_id or None,
        })
    return sites


def write_registry_file(portal: SamplePortal, path) -> object:
    """Write a registry TOML for the running portal, as a user would for sites of their own."""
    def toml_list(values) -> str:
        return "[" + ", ".join(f'"{value}"' for value in values) + "]"

    lines = []
    for site in sample_sites(portal):
        lines += [f"[{site['name']}]", f'display_name = "{site["display_name"]}"',
                  f'family = "{site["family"]}"', f"hosts = {toml_list(site['hosts'])}",
                  f"start_urls = {toml_list(site['start_urls'])}"]
        lines += [f"group_id = {site['group_id']}"] if site["group_id"] else []
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
