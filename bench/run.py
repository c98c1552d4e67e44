"""bantin benchmarks: how fast, how big, measured side by side. ``make bench`` runs them all.

Each benchmark prints its figure beside its target and the run writes ``bench/RESULTS.md``
(figures, machine, date, commands). Nothing here fails a build.

    .venv/bin/python -m bench.run                    # everything (1,000,000-article archive)
    .venv/bin/python -m bench.run --only extraction --only reextract
    .venv/bin/python -m bench.run --scale 100000     # a smaller archive for the scale benchmark
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from bench import realworld

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "CLOSESPIDER_PAGECOUNT=0"]
# The crawl process's CPU time from spider open to close, as the stats' cpu_seconds.
# (EXTENSIONS set on the command line replaces settings.py's, so the archive session is named too.)
CPU_TIME = ["-s", 'EXTENSIONS={"bench.cpu.CrawlCpuTime": 0, "pipelines.session.ArchiveSession": 100}']
QUERIES = ["hội nghị", "hoi nghi", "Đinh Hồng Phong", "dinh hong phong", "tuyên giáo",
           "tuyen giao", "chuyển đổi số", "chuyen doi so", "an sinh xã hội", "an sinh xa hoi"]


def main() -> None:
    """Run the chosen benchmarks and write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS))
    parser.add_argument("--scale", type=int, default=1_000_000, help="articles in the scale benchmark")
    parser.add_argument("--archive", type=Path, help="scale benchmark: query this archive (built by an "
                        "earlier run) instead of building one")
    args = parser.parse_args()
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="bantin-bench-") as folder:
        for name in args.only or BENCHMARKS:
            print(f"== {name}", flush=True)
            try:
                result_rows, result_notes = BENCHMARKS[name](Path(folder), args)
            except Exception as error:  # a failed benchmark is reported, not fatal
                result_rows, result_notes = [(name, "did not complete", str(error)[:160], "-")], []
            for row in result_rows:
                print(f"   {row[1]}: {row[2]}   (target: {row[3]})", flush=True)
            rows += result_rows
            notes += result_notes
    write_results(rows, notes, args)


# bantin with parts of its per-page work switched off, to show what each part costs.
PARTS = {"spider alone": ["-s", "BANTIN_CAPTURES=False", "-s", "ITEM_PIPELINES={}"],
         "spider and captures": ["-s", "ITEM_PIPELINES={}"]}


def crawl_overhead(folder: Path, args) -> tuple[list, list]:
    """bantin's full crawl against a bare Scrapy spider fetching the same pages (median of 3):
    pages/s and the crawl process's CPU milliseconds per page, with bantin's parts apart."""
    from sampleportal.registry import write_registry_file
    from sampleportal.server import SamplePortal
    from sampleportal.timeline import Timeline

    runs = {name: {"rate": [], "cpu": []} for name in ("bantin", "bare", *PARTS)}
    with SamplePortal(timeline=Timeline(copies=12)) as portal:
        sites = write_registry_file(portal, folder / "sites.toml")
        names = [f"sample-{k}" for k in portal.servers]
        command = [str(BIN / "bantin"), "crawl", *names, "--full", "--sites", str(sites), *FAST,
                   *CPU_TIME]
        for attempt in range(3):
            start = len(portal.hits)
            _add_crawl(runs["bantin"], [*command, "--db", str(folder / f"overhead-{attempt}.db")])
            urls = folder / "urls.txt"
            urls.write_text("\n".join(portal.url(h.site) + h.target for h in portal.hits[start:]
                                      if h.target != "/robots.txt"), encoding="utf-8")
            bare_spider = str(ROOT / "bench" / "bare_spider.py")
            pages = _add_crawl(runs["bare"], [str(BIN / "scrapy"), "runspider", bare_spider, "-a",
                                              f"urls_file={urls}", *FAST, *CPU_TIME], cwd=folder)
            for number, (part, switches) in enumerate(PARTS.items()):
                database = folder / f"overhead-{attempt}-part{number}.db"
                _add_crawl(runs[part], [*command, "--db", str(database), *switches])
    rate = {name: statistics.median(run["rate"]) for name, run in runs.items()}
    cpu = {name: statistics.median(run["cpu"]) for name, run in runs.items()}
    return [("crawl", "bantin crawl, pages/s", f"{rate['bantin']:.0f}", "-"),
            ("crawl", "bare Scrapy on the same pages, pages/s", f"{rate['bare']:.0f}", "-"),
            ("crawl", "bantin / bare Scrapy", f"{rate['bantin'] / rate['bare']:.2f}", ">= 0.8"),
            ("crawl", "CPU ms per page, bantin / bare Scrapy (crawl process, user + system)",
             f"{cpu['bantin']:.2f} / {cpu['bare']:.2f}", "-"),
            ("crawl", "CPU ms per page, bantin's spider alone (no captures, no archive) / with "
             "captures / with captures and archive writes (the full crawl)",
             f"{cpu['spider alone']:.2f} / {cpu['spider and captures']:.2f} / {cpu['bantin']:.2f}", "-"),
            ("crawl", "bantin's spider alone / bare Scrapy, pages/s",
             f"{rate['spider alone'] / rate['bare']:.2f}", "-")], \
        [f"Crawl overhead: {pages} pages of the sample portal (each article served 12 times under new "
         f"identities), 8 requests per host at a time, no delays, median of 3 runs each; the bare "
         f"spider runs with Scrapy's own defaults (outside the project folder), so no captures, "
         f"archive or politeness middlewares. CPU per page is the crawl process's CPU time from "
         f"spider open to close over the pages fetched; the portal runs in the benchmark's own "
         f"process, on the other core. The parts are the same crawl with captures "
         f"(BANTIN_CAPTURES=False) or the archive pipeline (ITEM_PIPELINES={{}}) switched off."]


def _add_crawl(runs: dict, command: list[str], cwd: Path = ROOT) -> int:
    """Run one crawl; append its pages/s and CPU ms per page to ``runs``; return pages fetched."""
    stats = _crawl_stats(command, cwd)
    pages = stats["response_received_count"]
    runs["rate"].append(pages / stats["elapsed_time_seconds"])
    runs["cpu"].append(1000 * stats["cpu_seconds"] / pages)
    return int(pages)


def _crawl_stats(command: list[str], cwd: Path = ROOT) -> dict:
    """Run a crawl command in ``cwd``; the numbers of its Scrapy stats dump.

    The bare spider runs outside the project folder, so that Scrapy's own defaults apply to it
    and none of bantin's settings (captures, archive pipeline, politeness middlewares).
    """
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}  # bench.cpu, for the bare spider too
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False,
                            env=environment)
    stats = dict(re.findall(r"'([a-z_/]+)': ([\d.]+)", result.stderr))
    if "response_received_count" not in stats:
        raise RuntimeError(f"crawl failed: {result.stderr[-1500:]}")
    return {k: float(v) for k, v in stats.items()}


def extraction(folder: Path, args) -> tuple[list, list]:
    """Page objects and parsers alone, per page, against trafilatura's bare_extraction."""
    from scrapy.http import HtmlResponse

    from crawler.charsets import page_selector
    from crawler.pages import extract_article

    pages = _fixture_pages()
    heavy = _heavy_page(pages)
    ours = {name: _times(lambda u=url, b=body: extract_article(
        page_selector(HtmlResponse(u, body=b)), u, "bench"), 30) for name, url, body in pages}
    heavy_ours = _times(lambda: extract_article(page_selector(HtmlResponse(heavy[1], body=heavy[2])),
                                                heavy[1], "bench"), 30)
    parsing = {name: _times(lambda u=url, b=body: page_selector(HtmlResponse(u, body=b)).root, 30)
               for name, url, body in pages}
    rows = [("extraction", "bantin, median ms per page (all golden fixtures)",
             f"{_ms(_median_all(ours)):.2f}", "<= 1"),
            ("extraction", "bantin, p95 ms per page (all golden fixtures)",
             f"{_ms(_p95_all(ours)):.2f}", "-"),
            ("extraction", "of which parsing the page (charset checked, lxml from the bytes), median ms",
             f"{_ms(_median_all(parsing)):.2f}", "-"),
            ("extraction", f"bantin, median ms, {len(heavy[2]) // 1024} KB page with heavy chrome",
             f"{_ms(statistics.median(heavy_ours)):.2f}", "-")]
    try:
        import trafilatura
    except ImportError:
        return rows, ["trafilatura is not installed: `make bench` installs it (benchmark only)."]
    theirs = {name: _times(lambda b=body: trafilatura.bare_extraction(b.decode("utf-8", "replace")), 5)
              for name, _, body in pages}
    heavy_theirs = _times(lambda: trafilatura.bare_extraction(heavy[2].decode("utf-8")), 5)
    speedup = _median_all(theirs) / _median_all(ours)
    rows += [("extraction", "trafilatura bare_extraction, median ms per page",
              f"{_ms(_median_all(theirs)):.2f}", "-"),
             ("extraction", "trafilatura, median ms, heavy page",
              f"{_ms(statistics.median(heavy_theirs)):.2f}", "-"),
             ("extraction", "bantin faster than trafilatura on the heavy page by",
              f"{statistics.median(heavy_theirs) / statistics.median(heavy_ours):.0f}x", "-"),
             ("extraction", "bantin faster than trafilatura by", f"{speedup:.1f}x", ">= 20x"),
             ("extraction", "ceiling: trafilatura / parsing the page alone",
              f"{_median_all(theirs) / _median_all(parsing):.1f}x", "-")]
    return rows, [f"Extraction: {len(pages)} golden fixture pages (article pages of every family and "
                  "variant) parsed from bytes as in production, 30 runs each (trafilatura: 5)."]


def _fixture_pages() -> list[tuple[str, str, bytes]]:
    """(name, url, body) of every golden fixture that is an article."""
    import json

    pages = []
    for folder in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*/*")):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        if "error_kind" not in expected:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            pages.append((folder.name, meta["url"], (folder / "page.html").read_bytes()))
    return pages


def _heavy_page(pages) -> tuple[str, str, bytes]:
    """The seed page grown to about 150 KB with menus, related lists and a long footer."""
    _, url, body = next(p for p in pages if p[0] == "seed_article")
    chrome = "".join(f'<li><a href="/muc-{n}">Chuyên mục thông tin số {n} của quận</a></li>'
                     for n in range(900))
    related = "".join(f'<li><a href="/tin-{n}">Tin hoạt động của phường số {n}</a> '
                      f"(0{n % 9 + 1}/09/2022)</li>" for n in range(600))
    text = body.decode("utf-8").replace("<footer", f'<nav class="mega"><ul>{chrome}</ul></nav>'
                                                    f'<div class="tin-khac"><ul>{related}</ul></div><footer')
    return "heavy", url, text.encode("utf-8")


def _times(function, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        out.append(time.perf_counter() - start)
    return out


def _median_all(times: dict) -> float:
    """Median over pages of each page's median time."""
    return statistics.median(statistics.median(t) for t in times.values())


def _p95_all(times: dict) -> float:
    """95th percentile over pages of each page's median time."""
    medians = sorted(statistics.median(t) for t in times.values())
    return medians[min(len(medians) - 1, round(0.95 * (len(medians) - 1)))]


def _ms(seconds: float) -> float:
    return seconds * 1000


def reextract(folder: Path, args) -> tuple[list, list]:
    """``reextract`` over captures of 10,000 article pages: on one process, then on every core."""
    import dataclasses

    from crawler.sites import SiteConfig
    from pipelines import replay, storage
    from pipelines.reread import default_workers
    from pipelines.warc import Fetch, RotatingWarcWriter
    from sampleportal.content import SITE_KEYS
    from sampleportal.families import article_path
    from sampleportal.render import friendly_url
    from sampleportal.site import respond
    from sampleportal.timeline import Timeline

    timeline = Timeline(copies=getattr(args, "copies", 121))
    db_path = folder / "reextract.db"
    db = storage.open_archive(db_path)
    writer = RotatingWarcWriter(folder / "captures", "bench")
    sites, count = [], 0
    for key in SITE_KEYS:
        site = timeline.site(key)
        origin = f"http://127.0.0.1:{9000 + len(sites)}"
        sites.append(SiteConfig(f"bench-{key}", (origin[7:],), (origin + "/",), family=site.family,
                                group_id=site.group_id or None))
        for article in site.articles:
            category = site.category(article["categories"][0])
            path = friendly_url(category, article["url_title"]) if site.family == "liferay6" \
                else article_path(site, category, article)
            reply = respond(key, path, "", timeline=timeline)
            written = writer.write_fetch(Fetch(origin + path, reply.status, "OK",
                                               [("Content-Type", reply.content_type)], reply.body, [],
                                               datetime.now(UTC)))
            storage.add_capture(db, {"url": origin + path, "site": f"bench-{key}", "status": 200,
                                     "fetched_at": datetime.now(UTC).isoformat(), "record_type": "response",
                                     "warc_file": written.warc_file, "offset": written.offset})
            count += 1
    writer.close()
    db.close()
    cores = default_workers()
    timed = {}
    for workers in sorted({1, cores}):
        copy, source = storage.open_archive(folder / f"reextract-{workers}.db"), sqlite3.connect(db_path)
        source.backup(copy.conn)  # the captures, no articles yet
        source.close()
        started = time.perf_counter()
        outcomes, _missing = replay.reextract(copy, folder / "captures",
                                              [dataclasses.replace(s) for s in sites], workers=workers)
        timed[workers] = (time.perf_counter() - started, outcomes.get("new", 0))
        copy.close()
    one, all_cores = count / timed[1][0], count / timed[cores][0]
    rows = [("reextract", f"reextract of {count:,} article captures, pages/s (one process)",
             f"{one:.0f}", ">= 500"),
            ("reextract", f"the same on {cores} worker processes, pages/s in all; per core",
             f"{all_cores:.0f}; {all_cores / cores:.0f}", "-")]
    return rows, [f"Re-extraction: {count:,} captured article pages (the sample portal's articles under "
                  f"{timeline.copies} identities each) into an empty archive: {timed[1][1]:,} rows written "
                  f"in {timed[1][0]:.1f} s on one process, {timed[cores][0]:.1f} s with {cores} workers "
                  "reading and extracting while the main process writes; WARC reading, extraction, "
                  "mentions and full-text index included."]


def incremental(folder: Path, args) -> tuple[list, list]:
    """Pages fetched by a full crawl, an unchanged incremental re-run, and one with 5 new articles."""
    from crawler.pages.registry import parse_article_ref
    from sampleportal.registry import write_registry_file
    from sampleportal.server import SamplePortal
    from sampleportal.timeline import Timeline

    timeline = Timeline(epoch=0, future=5, copies=10)
    counts, articles = {}, {}
    with SamplePortal(timeline=timeline) as portal:
        sites = write_registry_file(portal, folder / "sites-incremental.toml")
        names = [f"sample-{k}" for k in portal.servers]
        db = folder / "incremental.db"
        for label, extra in (("full crawl", ["--full"]), ("incremental, nothing changed", []),
                             ("incremental, 5 new articles", [])):
            if label.endswith("new articles"):
                timeline.epoch = 1
            start = len(portal.hits)
            subprocess.run([str(BIN / "bantin"), "crawl", *names, *extra, "--sites", str(sites),
                            "--db", str(db), *FAST[:4]], capture_output=True, check=True, cwd=ROOT)
            pages = [h.target for h in portal.hits[start:] if h.target != "/robots.txt"]
            counts[label] = len(pages)
            articles[label] = sum(1 for target in pages if parse_article_ref(target) is not None)
    unchanged = "incremental, nothing changed"
    share = (counts[unchanged] - articles[unchanged]) / counts["full crawl"]
    rows = [("incremental", f"{label}: pages fetched (article pages among them)",
             f"{n} ({articles[label]})", "-") for label, n in counts.items()]
    rows.append(("incremental", "unchanged re-run, pages other than articles / full crawl",
                 f"{share:.1%}", "<= 10% (+ recent articles)"))
    return rows, ["Incremental cost: the 7-site sample portal, each article under 10 identities; "
                  "the last run after 5 articles appear "
                  "(the changing portal also edits one article, deletes one and redirects one). "
                  "Runs follow each other within minutes, so no recent article is due again for its "
                  "view count (BANTIN_REFRESH_MIN_HOURS = 12); article pages are counted apart."]


def archive_scale(folder: Path, args) -> tuple[list, list]:
    """A synthetic archive at scale through Datasette: search, facets, CSV export."""
    from bench.synthetic import build

    if getattr(args, "archive", None):
        return asyncio.run(_datasette_figures(args.archive)), [
            f"Archive at scale: the archive at {args.archive} (built by an earlier run), queried "
            "in-process through Datasette's own client (ASGI, no network)."]
    path = folder / "archive.db"
    built = build(path, args.scale)
    rows = [("scale", f"build {args.scale:,} articles, seconds", f"{built['seconds']:.0f}", "-"),
            ("scale", "file size per article, KB", f"{built['bytes'] / args.scale / 1024:.1f}", "-"),
            ("scale", "file size, bytes", f"{built['bytes']:,}", "-")]
    rows += asyncio.run(_datasette_figures(path))
    return rows, [f"Archive at scale: {args.scale:,} synthetic articles over {built['sites']} sites and "
                  "10 years (texts drawn from the sample portal), queried in-process through Datasette's "
                  "own client (ASGI, no network); each search is asked once from a cold cache (its "
                  "slowest time reported apart), then three times for the p50/p95 of a running server."]


async def _datasette_figures(path: Path) -> list:
    """Search latency p50/p95, facet page time and one site's full CSV export."""
    from datasette.app import Datasette

    from datasette_bantin.metadata import datasette_metadata

    metadata = datasette_metadata(path)
    ds = Datasette([str(path)], metadata=metadata,
                   settings={"suggest_facets": False, "facet_time_limit_ms": 500})
    await ds.client.get("/archive/articles.json?_size=1")
    first, latencies, timeouts = [], [], 0
    for rounds, times in ((1, first), (3, latencies)):  # each query once from a cold cache, then 3 times
        for query in QUERIES * rounds:
            start = time.perf_counter()
            response = await ds.client.get(f"/archive/search.json?q={quote(query)}&_shape=objects")
            times.append(time.perf_counter() - start)
            timeouts += response.status_code != 200
    latencies.sort()
    pages = await _search_page_times(ds)
    start = time.perf_counter()
    facets = await ds.client.get("/archive/articles.json?_extra=facet_results&_size=50")
    facet_seconds = time.perf_counter() - start
    returned = facets.json().get("facet_results", {})
    configured = metadata["databases"][path.stem]["tables"]["articles"]["facets"]
    names = [_facet_column(facet) for facet in configured]
    timed_out = [name for name in names if name not in returned]  # the JSON leaves them out
    start = time.perf_counter()
    export = await ds.client.get("/archive/articles.csv?_stream=on&site=hoankiem")
    export_seconds = time.perf_counter() - start
    rows = sum(1 for _ in csv.reader(io.StringIO(export.text))) - 1  # bodies hold line breaks
    return [("scale", "search, first time each query is asked: slowest ms (10 queries)",
             f"{max(first) * 1000:.0f}", "-"),
            ("scale", "search p50 ms (10 queries, with and without diacritics, 3 times each)",
             f"{latencies[len(latencies) // 2] * 1000:.0f}", "-"),
            ("scale", "search p95 ms", f"{latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f}", "<= 200"),
            ("scale", "search page /-/search (ranked articles, their count, people, offices) p95 ms",
             f"{pages[int(0.95 * (len(pages) - 1))] * 1000:.0f}", "<= 200"),
            ("scale", "searches stopped by Datasette's 1 s SQL time limit",
             f"{timeouts} of {len(first) + len(latencies)}", "0"),
            ("scale", f"facet page ({len(names)} facets), s" + _timed_out(timed_out),
             f"{facet_seconds:.2f}", "<= 1"),
            ("scale", f"CSV export of one site ({rows:,} articles), s", f"{export_seconds:.1f}", "-")]


async def _search_page_times(ds) -> list[float]:
    """Seconds per ``/-/search`` page over the queries, three times each, sorted; a page that
    does not answer 200 counts as 10 s."""
    times = []
    for query in QUERIES * 3:
        start = time.perf_counter()
        response = await ds.client.get(f"/-/search?q={quote(query)}")
        times.append(time.perf_counter() - start if response.status_code == 200 else 10.0)
    return sorted(times)


def _facet_column(facet) -> str:
    """The column of a configured facet: ``site``, ``{"array": "author_names"}`` or
    ``{"bantin": {"column": "category_key", ...}}``."""
    if isinstance(facet, str):
        return facet
    value = next(iter(facet.values()))
    return value if isinstance(value, str) else value["column"]


def _timed_out(facets: list[str]) -> str:
    """A note naming the facets Datasette gave up on (its facet time limit), if any."""
    return f"; timed out: {', '.join(facets)}" if facets else ""


def memory(folder: Path, args) -> tuple[list, list]:
    """Peak RSS of a crawl of about 20,000 pages."""
    from sampleportal.registry import write_registry_file
    from sampleportal.server import SamplePortal
    from sampleportal.timeline import Timeline

    with SamplePortal(timeline=Timeline(copies=240)) as portal:
        sites = write_registry_file(portal, folder / "sites-memory.toml")
        names = [f"sample-{k}" for k in portal.servers]
        command = [str(BIN / "bantin"), "crawl", *names, "--full", "--sites", str(sites), "--db",
                   str(folder / "memory.db"), *FAST[:8], "-s", "CLOSESPIDER_PAGECOUNT=20000"]
        probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True,
                                check=True, cwd=ROOT)
        seconds = time.perf_counter() - start
        pages = len(portal.hits)
    peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
    return [("memory", f"peak RSS of a {pages:,}-page crawl, MB", f"{peak_mb:.0f}", "<= 300")], \
        [f"Memory: {pages:,} pages in {seconds:.0f} s (captures, archive writes and extraction included)."]


BENCHMARKS = {"crawl": crawl_overhead, "extraction": extraction, "realworld": realworld.coverage,
              "reextract": reextract, "incremental": incremental, "scale": archive_scale, "memory": memory}


def machine_speed() -> float:
    """Seconds for 10,000,000 additions in a pure-Python loop (best of 3): a yardstick for
    comparing absolute figures (ms per page, pages/s) measured on different machines."""
    def loop() -> None:
        total = 0
        for number in range(10_000_000):
            total += number

    return min(_times(loop, 3))


def write_results(rows: list, notes: list, args) -> None:
    """bench/RESULTS.md: the table, the notes, the machine, the date and the command."""
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        text = cpuinfo.read_text()
        model = re.search(r"model name\t: (.*)", text)
        machine += f", {text.count('processor' + chr(9))} cores" + (f" ({model.group(1)})" if model else "")
    command = "python -m bench.run " + " ".join(sys.argv[1:])
    out = io.StringIO()
    out.write("# bantin benchmarks\n\n")
    out.write(f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n- Machine: {machine}\n")
    out.write(f"- Machine speed: 10,000,000 pure-Python additions in {machine_speed():.2f} s "
              "(absolute figures scale with it; ratios are measured side by side)\n")
    out.write(f"- Command: `{command.strip()}` (from `make bench`)\n\n")
    out.write("| benchmark | measure | figure | target |\n|---|---|---|---|\n")
    for row in rows:
        out.write(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |\n")
    out.write("\n" + "\n".join(f"- {note}" for note in notes) + "\n")
    RESULTS.write_text(out.getvalue(), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
