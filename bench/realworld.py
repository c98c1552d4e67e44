"""The real portal's 11,199 article pages through extraction: coverage, failure kinds, ms per page.

Reads the HTTrack mirror of sotttt.hanoi.gov.vn from ``../shared/realworld`` (unpacked once into
the cache), extracts every article page as in production (bytes through Scrapy's response and
charset check) and times it; trafilatura's ``bare_extraction`` runs on a sample of the same pages.

    .venv/bin/python -m bench.realworld            # prints the figures
    .venv/bin/python -m bench.run --only realworld # the same, into bench/RESULTS.md
"""

from __future__ import annotations

import gzip
import json
import random
import statistics
import time
from collections import Counter
from pathlib import Path

TRAFILATURA_SAMPLE = 500


def coverage(folder: Path | None = None, args=None) -> tuple[list, list]:
    """Rows (benchmark, measure, value, target) and notes for the real portal's article pages."""
    from sampleportal.mirror import realworld_root, unpack_mirror

    root = realworld_root()
    if root is None:
        return [], ["Real portal: ../shared/realworld is absent, benchmark skipped."]
    tree = unpack_mirror(root)
    pages = _article_pages(root, tree)
    outcomes, times, total_bytes = _extract_all(pages)
    articles = outcomes.pop("article")
    kinds = ", ".join(f"{kind} {count}" for kind, count in outcomes.most_common())
    rows = [("realworld", "article pages of the real portal", f"{len(pages):,}", "-"),
            ("realworld", "pages that give an article", f"{articles:,} ({100 * articles / len(pages):.1f}%)",
             "every page with a date"),
            ("realworld", "pages that give none, by kind", kinds or "none", "-"),
            ("realworld", "bantin, median ms per page", f"{1000 * statistics.median(times):.2f}", "-"),
            ("realworld", "bantin, p95 ms per page", f"{1000 * _p95(times):.2f}", "-"),
            ("realworld", "mean page size, KB", f"{total_bytes / len(pages) / 1024:.0f}", "-")]
    notes = [f"Real portal: all {len(pages):,} article pages of the sotttt.hanoi.gov.vn mirror "
             "(27 Aug 2022), each extracted once from its bytes as in production."]
    sample = random.Random(16).sample(pages, min(TRAFILATURA_SAMPLE, len(pages)))
    theirs = _trafilatura_times(sample)
    if theirs is None:
        return rows, [*notes, "trafilatura is not installed: `make bench` installs it (benchmark only)."]
    ours = [times[pages.index(page)] for page in sample]
    rows += [("realworld", f"trafilatura bare_extraction, median ms per page ({len(sample)} pages)",
              f"{1000 * statistics.median(theirs):.2f}", "-"),
             ("realworld", "bantin faster than trafilatura on the same pages by",
              f"{statistics.median(theirs) / statistics.median(ours):.1f}x", "-")]
    return rows, notes


def _article_pages(root: Path, tree: Path) -> list[tuple[str, Path]]:
    """(original URL, unpacked file) of every article page in the manifest."""
    with gzip.open(root / "articles.jsonl.gz", "rt", encoding="utf-8") as manifest:
        entries = [json.loads(line) for line in manifest]
    return [("http://" + entry["mirrored_from"], tree / entry["mirror_path"]) for entry in entries]


def _extract_all(pages: list[tuple[str, Path]]) -> tuple[Counter, list[float], int]:
    """Outcome counts (``article`` or the failure kind), seconds per page and bytes read."""
    from scrapy.http import HtmlResponse, Request

    from crawler.charsets import page_selector
    from crawler.items import NotAnArticle
    from crawler.pages import extract_article

    outcomes: Counter = Counter()
    times, total = [], 0
    for url, path in pages:
        body = path.read_bytes()
        total += len(body)
        started = time.perf_counter()
        try:
            response = HtmlResponse(url, body=body, request=Request(url))
            extract_article(page_selector(response), url, "sotttt")
            outcomes["article"] += 1
        except NotAnArticle as error:
            outcomes[error.kind] += 1
        times.append(time.perf_counter() - started)
    return outcomes, times, total


def _trafilatura_times(sample: list[tuple[str, Path]]) -> list[float] | None:
    """Seconds of trafilatura's ``bare_extraction`` on each page, or ``None`` without it."""
    try:
        import trafilatura
    except ImportError:
        return None
    times = []
    for url, path in sample:
        text = path.read_bytes().decode("utf-8", "replace")
        started = time.perf_counter()
        trafilatura.bare_extraction(text, url=url)
        times.append(time.perf_counter() - started)
    return times


def _p95(values: list[float]) -> float:
    """95th percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    found_rows, found_notes = coverage()
    for _, measure, value, target in found_rows:
        print(f"{measure}: {value}   (target: {target})")
    print("\n".join(found_notes))
