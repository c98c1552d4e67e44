"""Crawl orchestration: run the spider with the archive, report, serve, read the archive's sites.

The command line (``bantin/cli.py``) parses and checks what a person typed; the work it then
starts lives here, at the top of the house with it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from crawler.sites import SiteConfig, load_registry

SERVE_SETTINGS = ("--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "500")


def run_crawl(sites: list[SiteConfig], db: str, overrides: dict[str, str],
              registry: list[SiteConfig] | None = None, mode: str = "incremental") -> dict:
    """Run the portal spider over ``sites`` into ``db`` (blocks); return the crawl stats.

    ``registry`` lists every known site, so copies of their articles can be linked; ``mode`` is
    ``incremental`` (new and recent articles) or ``full``.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler.spiders.portal import PortalSpider

    settings = Settings()
    settings.setmodule("settings", priority="project")
    settings.set("BANTIN_DB", db, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, sites=sites, registry=registry, mode=mode)
    process.start()
    return crawler.stats.get_stats()


def print_crawl_report(db: str, stats: dict) -> None:
    """Print the crawl's summary line and the archive's per-site counts."""
    from crawler.spiders.portal import format_summary
    from pipelines import storage

    click.echo(f"crawl: {format_summary(stats)}")
    archive = storage.open_archive(db)
    for row in storage.summary(archive):
        copies = f" (+{row['copies']} copies of other sites' articles)" if row["copies"] else ""
        click.echo(f"  {row['site']}: {row['articles']} articles{copies}, {row['images']} images, "
                   f"{row['authors']} authors")
    archive.close()


def serve_archive(db: str, host: str, port: int) -> None:
    """Run Datasette on ``db`` with the project's metadata until interrupted."""
    from datasette.cli import cli as datasette_cli

    from datasette_bantin.metadata import datasette_metadata

    with tempfile.TemporaryDirectory() as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(db), ensure_ascii=False), encoding="utf-8")
        click.echo(f"Datasette on http://{host}:{port}/ (Ctrl-C to stop)")
        arguments = ["serve", db, "--metadata", str(metadata), "--host", host, "--port", str(port),
                     *SERVE_SETTINGS]
        datasette_cli.main(args=arguments, prog_name="datasette", standalone_mode=False)


def archive_sites(archive, sites_file) -> list[SiteConfig]:
    """Sites known to the archive (as crawled), the registry, and a user's file."""
    from pipelines import storage

    known = {row["name"]: SiteConfig(**{k: row[k] for k in SiteConfig.__dataclass_fields__})
             for row in storage.load_sites(archive)}
    registry = load_registry(*([sites_file] if sites_file else []))
    return list({**registry, **known}.values())


def archived_counts(db: str) -> dict[str, int]:
    """Articles archived per site in ``db`` (copies of other sites' articles not counted)."""
    from pipelines import storage

    if not Path(db).exists():
        return {}
    archive = storage.open_archive(db)
    try:
        return {row["site"]: row["articles"] for row in storage.summary(archive)}
    finally:
        archive.close()
