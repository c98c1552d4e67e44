"""Captures re-read on every core: the WARC reading and extraction of ``reextract`` spread over
worker processes, while the calling process alone writes the archive.

Work goes out in chunks of captures and comes back in order, so the archive is written exactly as
a one-process run writes it. Workers are started fresh (``spawn``): nothing of the caller (an open
archive, a running crawl's threads) is copied into them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.sites import SiteConfig
from pipelines import warc

CHUNK = 50  # captures per task: large enough that passing results costs little next to reading
_WORKER: dict = {}  # in each worker: its captures folder, sites and open WARC files


@dataclass(frozen=True)
class Reread:
    """What one capture gave: an article ``record``; or ``None`` for a page that is no article; or
    the ``missing`` capture file (its name under the captures folder) it could not be read from."""

    record: dict | None = None
    missing: str | None = None


def default_workers() -> int:
    """How many worker processes to use by default: one per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reread(jobs: list[tuple[dict, dict]], folder: Path, sites: list[SiteConfig],
           workers: int = 1) -> Iterator[Reread]:
    """One :class:`Reread` per job, in the jobs' order. A job is ``(capture, payload capture)``:
    the ``captures`` row of an article page and the row holding its payload (itself, or the
    original of a revisit). ``workers`` processes read and extract (1: this process does)."""
    chunks = [jobs[start:start + CHUNK] for start in range(0, len(jobs), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        _start_worker(folder, sites)
        try:
            for chunk in chunks:
                yield from _reread_chunk(chunk)
        finally:
            _stop_worker()
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(workers, len(chunks)), initializer=_start_worker,
                      initargs=(folder, sites)) as pool:
        for results in pool.imap(_reread_chunk, chunks):
            yield from results


def _start_worker(folder: Path, sites: list[SiteConfig]) -> None:
    """Keep what every chunk of this process needs: the folder, the sites, open WARC files."""
    from pipelines.replay import OpenWarcFiles

    _WORKER.update(folder=Path(folder), sites=sites, files=OpenWarcFiles(folder))


def _stop_worker() -> None:
    """Close this process's WARC files."""
    files = _WORKER.pop("files", None)
    if files is not None:
        files.__exit__(None, None, None)


def _reread_chunk(chunk: list[tuple[dict, dict]]) -> list[Reread]:
    """Read and extract each job of a chunk (in a worker, or in the caller for one process)."""
    from pipelines.replay import article_record

    results = []
    for capture, payload in chunk:
        try:
            stored = _WORKER["files"].read(payload)
        except FileNotFoundError:
            results.append(Reread(missing=payload["warc_file"].partition(warc.WACZ_SEPARATOR)[0]))
            continue
        results.append(Reread(record=article_record(capture["url"], stored, capture, _WORKER["sites"])))
    return results
