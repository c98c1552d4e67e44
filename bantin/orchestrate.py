"""Crawl orchestration: run the spider with the archive, report, serve, read the archive's sites.

The command line (``bantin/cli.py``) parses and checks what a person typed; the work it then
starts lives here, at the top of the house with it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler.sites import SiteConfig, load_registry

SERVE_SETTINGS = ("--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "500")
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class RobotsFailureLine(logging.Filter):
    """Scrapy's log of a robots.txt that could not be fetched, as one line without a traceback;
    none when the host refused or has no address (the host's own pages then fail the same way,
    each with its line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite (or drop) a record carrying a download error; pass every other one."""
        from crawler.spiders.portal import failure_kind

        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if failure_kind(type(error).__name__, str(error)) == "connection":
            return False
        request = record.args.get("request") if isinstance(record.args, dict) else None
        page = urlsplit(request.url) if request is not None else None
        robots = f"{page.scheme}://{page.netloc}/robots.txt" if page else "robots.txt"
        record.msg = "%s not fetched (%s): the host's pages are fetched without its rules"
        record.args = (robots, ": ".join(filter(None, (type(error).__name__, str(error)))))
        record.exc_info = record.exc_text = None
        return True


def run_crawl(sites: list[SiteConfig], db: str, overrides: dict[str, str],
              registry: list[SiteConfig] | None = None, mode: str = "incremental") -> dict:
    """Run the portal spider over ``sites`` into ``db`` (blocks); return the crawl stats.

    ``registry`` lists every known site, so copies of their articles can be linked; ``mode`` is
    ``incremental`` (new and recent articles) or ``full``.
    """
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.portal import PortalSpider

    settings = project_settings()
    settings.set("BANTIN_DB", db, priority="cmdline")
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    robots_log = logging.getLogger(ROBOTS_LOGGER)
    robots_log.addFilter(robots_filter := RobotsFailureLine())
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, sites=sites, registry=registry, mode=mode)
    try:
        process.start()
    finally:
        robots_log.removeFilter(robots_filter)
    return crawler.stats.get_stats()


def project_settings():
    """Scrapy's settings: its defaults, under the project's own (``settings.py``)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("settings", priority="project")
    return settings


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


def check_listening(host: str, port: int) -> None:
    """Refuse, before Datasette starts, an address it could not listen on (a port in use, a host
    name that is not this machine's): a ``click.ClickException`` of one line."""
    import socket

    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def serve_archive(db: str, host: str, port: int) -> None:
    """Run Datasette on ``db`` with the project's metadata until interrupted; an archive made by
    an earlier version is brought up to date first (columns, facet keys, people)."""
    from datasette.cli import cli as datasette_cli

    from datasette_bantin.metadata import datasette_metadata
    from pipelines import storage

    storage.open_archive(db).close()
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
