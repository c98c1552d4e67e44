"""Registry entries for the sample portal while it runs: one site per sample district."""

from __future__ import annotations

from crawler.sites import SiteConfig
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


def sample_sites(portal: SamplePortal) -> list[SiteConfig]:
    """SiteConfigs that crawl the running ``portal``: every category page of every sample site."""
    sites = []
    for key in SITE_KEYS:
        site = load_site(key)
        origin = portal.url(key)
        host = origin.split("//", 1)[1]
        sisters = (host.replace("127.0.0.1", "localhost"),) if key in SISTER_HOSTS else ()
        sites.append(SiteConfig(
            name=SAMPLE_PREFIX + key,
            hosts=(host, *sisters),
            start_urls=_start_urls(site, origin),
            display_name=f"{site.display_name} (sample)",
            family=site.family,
            status="active",
            group_id=site.group_id or None,
        ))
    return sites
