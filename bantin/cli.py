"""The ``bantin`` command: crawl, extract, serve, demo, sites."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bantin.orchestrate import (
    archive_sites,
    archived_counts,
    check_listening,
    print_crawl_report,
    run_crawl,
    serve_archive,
)
from bantin.params import HTTP_URL, PORT, parse_settings, scrapy_settings
from crawler.sites import (
    RegistryError,
    SiteConfig,
    adhoc_site,
    crawlable_sites,
    load_registry,
    select_sites,
)

DEFAULT_DB = "archive.db"
# Facet suggestions scan every column of a large table on each page: the configured facets are
# enough, and pages stay fast at a million articles.
FAST_LOCAL_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
                       "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "LOG_LEVEL": "WARNING"}


class Commands(click.Group):
    """The command group: what a command cannot do with the files it was given (not a bantin
    archive, an unreadable registry file, a file it may not read or write) is one line of error,
    exit 1; a command typed wrongly is a usage error, exit 2 (click's own)."""

    def invoke(self, ctx):
        """Run the command; a file it cannot use becomes a one-line error."""
        from pipelines.storage import ArchiveError

        try:
            return super().invoke(ctx)
        except (ArchiveError, RegistryError) as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            raise click.ClickException(_os_error_line(error)) from None


def _os_error_line(error: OSError) -> str:
    """``FILE: what went wrong`` for a failed file operation (the message alone without a file)."""
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bantin")
def cli() -> None:
    """bantin: archive Hanoi district and ward portal bulletins into SQLite, browse with Datasette.

    Every command has its own help: bantin COMMAND -h. A command typed wrongly exits with status 2,
    one that fails with status 1.

    \b
    Examples:
      bantin demo
      bantin crawl hoankiem --db hk.db
      bantin serve --db hk.db
    """


@cli.command()
@click.argument("site_names", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every registered site not marked gone.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["legacy", "active"]),
              help="With --all: only sites of this status (repeatable).")
@click.option("--start-url", "start_urls", multiple=True, type=HTTP_URL,
              help="Crawl from this page (any portal; repeatable), instead of site names.")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to write (made if absent).")
@click.option("--full", is_flag=True,
              help="Visit every listing page and article, not only what is new or recent.")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file (TOML) with sites of your own.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Set a Scrapy setting, as in `scrapy crawl -s`.")
def crawl(site_names, all_sites, statuses, start_urls, db, full, sites_file, overrides) -> None:
    """Crawl registered sites, or any portal from its start pages, into the archive.

    Scrapy logs warnings only: a page not fetched or not archived is one line, and a site none of
    whose start pages answered is one line naming it dead (-s LOG_LEVEL=INFO gives Scrapy's whole
    log). The exit status is 1 when no page at all could be fetched.

    \b
    Examples:
      bantin crawl hoankiem longbien --db hanoi.db
      bantin crawl --all --status active
      bantin crawl --start-url https://hoankiem.hanoi.gov.vn/thong-tin-hoi-dong-nhan-dan --db hk.db
    """
    settings = {"LOG_LEVEL": "WARNING", **scrapy_settings(overrides)}
    registry = load_registry(*([sites_file] if sites_file else []))
    sites = _sites_to_crawl(registry, site_names, all_sites, statuses, start_urls)
    _check_archive(db)
    stats = run_crawl(sites, db, settings, registry=list(registry.values()),
                      mode="full" if full else "incremental")
    if stats.get("bantin/disk_full"):
        raise click.ClickException(f"disk full while writing {db} or its captures; crawl stopped, "
                                   f"the archive is consistent: {stats['bantin/disk_full']}")
    print_crawl_report(db, stats)
    if not stats.get("response_received_count"):
        raise click.ClickException("no page could be fetched: check the start URLs and the network")


def _sites_to_crawl(registry, names, all_sites, statuses, start_urls) -> list[SiteConfig]:
    """The sites the command line chose; a usage error when the choice is contradictory, names an
    unknown site, or leaves no site to crawl."""
    if all_sites and (names or start_urls):
        raise click.UsageError("--all takes no site names or start URLs")
    try:
        sites = crawlable_sites(registry) if all_sites else _chosen_sites(registry, names, start_urls)
    except RegistryError as error:
        raise click.UsageError(str(error)) from None
    sites = [site for site in sites if not statuses or site.status in statuses]
    if not sites:
        raise click.UsageError(f"no site to crawl with --status {' '.join(statuses)}" if statuses
                               else "no site to crawl")
    return sites


def _chosen_sites(registry, names, start_urls) -> list[SiteConfig]:
    """Sites named on the command line, or one ad-hoc site from ``--start-url``."""
    if start_urls and names:
        raise RegistryError("give site names or --start-url, not both")
    if start_urls:
        return [adhoc_site(list(start_urls))]
    if not names:
        raise RegistryError("name a site (see `bantin sites`), give --all, or give --start-url URL")
    return select_sites(registry, list(names))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, type=HTTP_URL, help="The URL the page was fetched from.")
@click.option("--site", "site_name", help="Site name for the id (default: from the registry, or the host).")
def extract(file, url, site_name) -> None:
    """Extract one saved article page and print it as a JSON object.

    \b
    Example:
      bantin extract page.html --url https://hoankiem.hanoi.gov.vn/x/-/asset_publisher/a/content/b
    """
    from scrapy.http import HtmlResponse

    from crawler.charsets import page_selector
    from crawler.items import NotAnArticle
    from crawler.pages import extract_article

    site = _site_for_url(url, site_name)
    selector = page_selector(HtmlResponse(url=url, body=Path(file).read_bytes()))
    try:
        article = extract_article(selector, url, site.name, home_group_id=site.group_id,
                                  family=site.family)
    except NotAnArticle as error:
        raise click.ClickException(f"not an article: {error.reason}") from error
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


def _site_for_url(url: str, site_name: str | None) -> SiteConfig:
    """The registered site serving ``url``, else an ad-hoc one named after its host."""
    registry = load_registry()
    if site_name in registry:
        return registry[site_name]
    owner = next((site for site in registry.values() if site.owns(url)), None)
    return owner or adhoc_site([url], site_name)


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to serve.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every network interface).")
@click.option("--port", default=8001, show_default=True, type=PORT, help="Port to listen on.")
def serve(db, host, port) -> None:
    """Browse, search and export the archive in Datasette.

    \b
    Example:
      bantin serve --db archive.db --port 8001
    """
    if not Path(db).exists():
        raise click.ClickException(f"no archive at {db}: run `bantin crawl` or `bantin demo` first")
    _check_archive(db)
    check_listening(host, port)
    serve_archive(db, host, port)


def _check_archive(db: str) -> None:
    """Refuse, before any work, a file that is not a bantin archive (see ``storage.check_archive``)."""
    from pipelines.storage import check_archive

    check_archive(db)


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to crawl the sample portal into (made if absent).")
@click.option("--no-serve", is_flag=True, help="Stop after the crawl instead of serving Datasette.")
@click.option("--port", default=8001, show_default=True, type=PORT, help="Datasette port.")
def demo(db, no_serve, port) -> None:
    """Serve the bundled sample portal, crawl it into the archive, then browse it in Datasette.

    \b
    Examples:
      bantin demo
      bantin demo --no-serve --db demo.db
    """
    from sampleportal.registry import sample_sites
    from sampleportal.server import SamplePortal

    _check_archive(db)
    if not no_serve:
        check_listening("127.0.0.1", port)
    with SamplePortal() as portal:
        sites = [SiteConfig(**entry) for entry in sample_sites(portal)]
        for site in sites:
            click.echo(f"sample portal: {site.name} at {site.start_urls[0].rsplit('/', 1)[0]}/")
        stats = run_crawl(sites, db, FAST_LOCAL_SETTINGS)
    print_crawl_report(db, stats)
    if not no_serve:
        serve_archive(db, "127.0.0.1", port)


@cli.command("sample-portal")
@click.option("--port", default=8701, show_default=True, type=click.IntRange(1, 65534),
              help="Port of the first site; the second uses the next one.")
def sample_portal(port) -> None:
    """Serve the sample portal on 127.0.0.1 until interrupted (to crawl or read it by hand).

    \b
    Example:
      bantin sample-portal --port 8701
    """
    import time

    from sampleportal.content import SITE_KEYS
    from sampleportal.server import SamplePortal

    with SamplePortal({key: port + n for n, key in enumerate(SITE_KEYS)}) as portal:
        for key in SITE_KEYS:
            click.echo(f"{key}: {portal.url(key)}/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive whose captures are re-read.")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file for sites the archive does not describe.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Processes reading and extracting the captures (default: one per core).")
def reextract(db, sites_file, workers) -> None:
    """Rebuild every article row from the kept captures with the current extractors (no network).

    \b
    Example:
      bantin reextract --db archive.db --workers 4
    """
    from pipelines import replay, storage
    from pipelines.reread import default_workers
    from pipelines.warc import captures_folder

    if not Path(db).exists():
        raise click.ClickException(f"no archive at {db}")
    archive = storage.open_archive(db)
    sites = archive_sites(archive, sites_file)
    folder = captures_folder(db)
    with click.progressbar(length=0, label="re-extracting") as bar:
        def progress(items):
            bar.length = len(items)
            for item in items:
                yield item
                bar.update(1)
        outcomes, missing = replay.reextract(archive, folder, sites, progress,
                                             workers=workers or default_workers())
    archive.close()
    click.echo(f"reextract: {outcomes.get('changed', 0)} changed, {outcomes.get('unchanged', 0)} "
               f"unchanged, {outcomes.get('new', 0)} new, {outcomes.get('kept', 0)} kept "
               f"(worse extraction), {outcomes.get('not_article', 0)} not articles")
    for name, count in sorted(missing.items()):
        click.echo(f"Error: capture file {folder / name} is missing ({count} captures not re-read)",
                   err=True)
    if missing:
        raise SystemExit(1)


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to import into (made if absent).")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file naming the sites the captures come from.")
def import_warc(files, db, sites_file) -> None:
    """Import WARC, ARC or WACZ files made elsewhere: index their pages, archive their articles.

    A file that cannot be read (in full) gets one line naming it and what is wrong; the other
    files still import, and the exit status is 1 at the end.

    \b
    Example:
      bantin import-warc hoankiem-2024.warc.gz --db archive.db
    """
    from pipelines import replay, storage
    from pipelines.warc import captures_folder

    archive = storage.open_archive(db)
    sites = archive_sites(archive, sites_file)
    try:
        with click.progressbar([Path(f) for f in files], label="importing") as bar:
            outcomes, problems = replay.import_archives(archive, list(bar), sites, captures_folder(db))
    finally:
        archive.close()
    click.echo(f"import: {outcomes.get('imported', 0)} records; articles: {outcomes.get('new', 0)} new, "
               f"{outcomes.get('changed', 0)} changed, {outcomes.get('unchanged', 0)} unchanged, "
               f"{outcomes.get('older_than_archived', 0)} older captures passed over; "
               f"{outcomes.get('already_imported', 0)} records imported before, "
               f"{outcomes.get('not_web_pages', 0)} not web pages")
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    if problems:
        raise SystemExit(1)


@cli.command("import-wayback")
@click.argument("site_names", nargs=-1)
@click.option("--host", "hosts", multiple=True, metavar="HOST",
              help="Recover this host (name[:port]), registered or not (repeatable).")
@click.option("--from", "start", metavar="YYYY[MM[DD]]", help="Only captures from then on (UTC).")
@click.option("--to", "end", metavar="YYYY[MM[DD]]", help="Only captures until then, inclusive (UTC).")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to import into (made if absent).")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file naming sites of your own.")
@click.option("--cdx", type=HTTP_URL, help="The CDX API to ask (default: BANTIN_WAYBACK_CDX).")
@click.option("--replay", type=HTTP_URL,
              help="The replay, answering URL/TIMESTAMPid_/PAGE (default: BANTIN_WAYBACK_REPLAY).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Set a setting: BANTIN_WAYBACK_DELAY, _RETRIES, _BACKOFF_BASE, _BACKOFF_MAX …")
def import_wayback(site_names, hosts, start, end, db, sites_file, cdx, replay, overrides) -> None:
    """Recover a site's pages from a web archive (the Wayback Machine or a pywb): every capture
    its CDX API lists is fetched once, kept with its original time, and its article archived.

    \b
    Examples:
      bantin import-wayback hoankiem --from 2019 --to 2025 --db archive.db
      bantin import-wayback --host portal.longbien.gov.vn --from 201501 --db archive.db
    """
    from crawler.config import read_wayback_settings
    from pipelines import storage, wayback
    from pipelines.cdx import check_timestamp
    from pipelines.warc import captures_folder

    if not site_names and not hosts:
        raise click.UsageError("name a site (see `bantin sites`) or give --host HOST")
    bounds = {}
    for hint, value in (("--from", start), ("--to", end)):
        try:
            bounds[hint] = check_timestamp(value) if value else None
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=hint) from None
    servers = {"BANTIN_WAYBACK_CDX": cdx, "BANTIN_WAYBACK_REPLAY": replay}
    try:
        config = read_wayback_settings({**parse_settings(overrides),
                                        **{k: v for k, v in servers.items() if v}})
    except ValueError as error:
        raise click.BadParameter(f"a setting is not a number: {error}", param_hint="-s") from None

    def progress(captures):
        with click.progressbar(captures, label="recovering") as bar:
            yield from bar

    if not Path(db).exists():  # the names are checked before any file is made
        try:
            wayback.sources_for(list(load_registry(*([sites_file] if sites_file else [])).values()),
                                list(site_names), list(hosts))
        except RegistryError as error:
            raise click.UsageError(str(error)) from None
    archive = storage.open_archive(db)
    try:
        sites = archive_sites(archive, sites_file)
        sources = wayback.sources_for(sites, list(site_names), list(hosts), bounds["--from"], bounds["--to"])
        report = wayback.import_wayback(archive, sources, sites, captures_folder(db),
                                        wayback.ArchiveClient(config), progress)
    except RegistryError as error:
        raise click.UsageError(str(error)) from None
    except wayback.WaybackError as error:
        raise click.ClickException(str(error)) from None
    finally:
        archive.close()
    counts = report.counts
    click.echo(f"import-wayback: {counts['listed']} captures listed, {counts['to_import']} to fetch "
               f"({counts['imported_before']} imported before); fetched {counts['fetched']} "
               f"({counts['pages']} pages, {counts['redirects']} redirects, {counts['other_statuses']} "
               f"other); articles: {counts['new']} new, {counts['changed']} changed, "
               f"{counts['unchanged']} unchanged, {counts['older_than_archived']} older than the archived")
    for problem in report.problems:
        click.echo(f"Error: not in the archive: {problem}", err=True)
    if report.stopped:
        click.echo(f"Error: stopped: {report.stopped}; what was imported is kept, the same command "
                   "goes on from there", err=True)
    if report.problems or report.stopped:
        raise SystemExit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "wacz"]),
              help="csv (UTF-8 with BOM, for Excel), jsonl, parquet (typed), or wacz (the captures "
              "as a web-archive package). Default: from the -o file's extension, else csv.")
@click.option("--since", metavar="YYYY-MM-DD",
              help="Only articles published on or after this date (wacz: captures fetched, UTC).")
@click.option("--site", "sites", multiple=True,
              help="Only articles (wacz: captures) of this site, as the archive names it (repeatable).")
@click.option("--with-versions", is_flag=True,
              help="Add each article's earlier versions: a nested list (jsonl, parquet) or a second "
              "file <name>.versions.csv (csv).")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to read.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: articles.<format>); - writes to standard output.")
def export(fmt, since, sites, with_versions, db, output) -> None:
    """Write the articles with everything attached (images, authors, attachments, and with
    --with-versions their earlier versions) as CSV, JSON Lines or Parquet, or the captures (WARC
    records, index, article pages) as a WACZ web-archive package.

    \b
    Examples:
      bantin export --since 2022-01-01 --site sample-hoankiem -o hk.parquet
      bantin export --with-versions -o articles.jsonl
      bantin export --format jsonl -o -
    """
    import os
    import sys
    from datetime import date

    from pipelines import export as exporter
    from pipelines import storage

    if since:
        try:
            date.fromisoformat(since)
        except ValueError as error:
            raise click.BadParameter("expected YYYY-MM-DD", param_hint="--since") from error
    fmt = fmt or exporter.format_for(output)
    to_stdout = output == "-"
    if to_stdout and fmt == "wacz":
        raise click.UsageError("a WACZ package is written to a file: give -o a file name")
    if to_stdout and fmt == "csv" and with_versions:
        raise click.UsageError("csv with --with-versions writes two files: give -o a file name")
    if to_stdout and fmt == "parquet" and sys.stdout.isatty():
        raise click.UsageError("Parquet is binary: give -o a file name, or pipe standard output on")
    if not Path(db).exists():
        raise click.ClickException(f"no archive at {db}")
    path = Path(output or f"articles.{fmt}")
    if fmt == "wacz":
        from pipelines import wacz

        _check_archive(db)
        try:
            click.echo(wacz.export_archive(Path(db), path, tuple(sites), since).line())
        except wacz.ExportError as error:
            raise click.ClickException(str(error)) from None
        return
    if not to_stdout and not path.parent.is_dir():
        raise click.ClickException(f"cannot write {path}: the folder {path.parent} does not exist")
    request = exporter.ExportRequest(fmt, since, tuple(sites), with_versions)
    archive = storage.open_archive(db)
    try:
        exporter.check_sites(archive, request.sites)
        counts = exporter.export_stream(archive, request, sys.stdout.buffer) \
            if to_stdout else exporter.export_file(archive, request, path)
    except exporter.ExportError as error:
        raise click.BadParameter(str(error), param_hint="--site") from None
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except OSError as error:
        where = "standard output" if to_stdout else path
        raise click.ClickException(f"cannot write {where}: {error.strerror or error}") from None
    finally:
        archive.close()
    click.echo(exporter.status_line(counts, request, None if to_stdout else path), err=to_stdout)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to snapshot.")
def publish(folder, db) -> None:
    """Make a read-only snapshot of the archive that Datasette serves as is, in an empty or new
    FOLDER; the command then prints how to serve it.

    \b
    Example:
      bantin publish site/ --db archive.db
    """
    from datasette_bantin.metadata import datasette_metadata
    from pipelines.snapshot import write_snapshot

    if not Path(db).exists():
        raise click.ClickException(f"no archive at {db}")
    _check_archive(db)
    try:
        files = write_snapshot(Path(db), Path(folder), Path(__file__).resolve().parents[1],
                               datasette_metadata(Path(folder) / "archive.db", db))
    except FileExistsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"publish: {folder}: " + ", ".join(files))
    click.echo(f"serve it: datasette serve -i {folder}/archive.db --inspect-file "
               f"{folder}/inspect-data.json -m {folder}/metadata.json")


@cli.command()
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False),
              help="Extra registry file (TOML) whose sites are listed too.")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive whose article counts are shown (if it exists).")
def sites(sites_file, db) -> None:
    """List the registered sites: name, display name, family, status, articles archived.

    \b
    Example:
      bantin sites --db archive.db
    """
    registry = load_registry(*([sites_file] if sites_file else []))
    counts = archived_counts(db)
    click.echo("name\tdisplay name\tfamily\tstatus\tarticles")
    for site in registry.values():
        click.echo(f"{site.name}\t{site.display_name or ''}\t{site.family}\t{site.status}\t"
                   f"{counts.get(site.name, 0)}")


from bantin.cluster import dispatch, merge  # noqa: E402  (Scrapyd nodes: bantin/cluster.py)

cli.add_command(dispatch)
cli.add_command(merge)


if __name__ == "__main__":
    cli()
