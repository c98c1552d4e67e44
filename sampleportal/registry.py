"""Registry entries for the sample portal while it runs: one site per sample district."""

from __future__ import annotations

from crawler.sites import SiteConfig
from sampleportal.content import SITE_KEYS, load_site
from sampleportal.server import SamplePortal

SAMPLE_PREFIX = "sample-"


def sample_sites(portal: SamplePortal) -> list[SiteConfig]:
    """SiteConfigs that crawl the running ``portal``: every category page of every sample site."""
    sites = []
    for key in SITE_KEYS:
        site = load_site(key)
        origin = portal.url(key)
        sites.append(SiteConfig(
            name=SAMPLE_PREFIX + key,
            hosts=(origin.split("//", 1)[1],),
            start_urls=tuple(f"{origin}/{category.key}" for category in site.categories),
            display_name=f"{site.display_name} (sample)",
            status="active",
            group_id=site.group_id,
        ))
    return sites
