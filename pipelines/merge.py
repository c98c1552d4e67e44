"""``bantin merge``: fold shard archives (one per Scrapyd job) into the archive Datasette publishes.

Each shard is merged in one transaction, after its WARC files are copied under the archive's
``captures/shards/<shard>/`` (a file already there with the same size is not copied again).
Copies of one site's articles republished by another (``duplicate_of``) are linked once all
shards are in, since the original and its copy may come from different shards, and the
full-text index is optimized once at the end. A shard that cannot be read is reported by name
and the others still merge.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.dates import utc_now
from pipelines import storage, warc
from pipelines.storage import merge as shards

SHARDS_FOLDER = "shards"  # under the archive's captures folder


@dataclass
class MergeReport:
    """What a merge did: shards merged, skipped as already merged, and unreadable (one line each)."""

    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def merge_shards(paths: list[str | Path], into: str | Path,
                 echo: Callable[[str], None] = print) -> MergeReport:
    """Merge every shard of ``paths`` into the archive ``into``, reporting progress to ``echo``."""
    report = MergeReport()
    db = storage.open_archive(into)
    try:
        shards.ensure_merge_tables(db)
        for number, path in enumerate(paths, 1):
            prefix = f"[{number}/{len(paths)}] {Path(path).stem}"
            try:
                shard = shards.open_shard(path)
            except shards.ShardError as error:
                echo(f"{prefix}: {error}")
                report.failed.append(str(path))
                continue
            try:
                _merge_one(db, shard, Path(path), Path(into), prefix, echo, report)
            finally:
                shard.close()
        if report.merged:
            linked = storage.link_copies(db)
            shards.optimize_search(db)
            echo(f"merged {len(report.merged)} shard(s); {linked} republished copies linked; "
                 "search index optimized")
    finally:
        db.close()
    return report


def _merge_one(db, shard, path: Path, into: Path, prefix: str, echo, report: MergeReport) -> None:
    """Merge one readable shard (or skip it when its fingerprint was merged already)."""
    key = shard_key(shard, path)
    fingerprint = shards.shard_fingerprint(shard)
    if shards.merged_fingerprint(db, key) == fingerprint:
        echo(f"{prefix}: already merged, nothing new")
        report.unchanged.append(str(path))
        return
    folder = f"{SHARDS_FOLDER}/{path.stem}"
    copied_files = copy_warcs(warc.captures_folder(path), warc.captures_folder(into) / folder)
    counts: Counter = Counter()
    with db.atomic():
        runs = shards.merge_runs(db, shard, key)
        captures, counts["captures"] = shards.merge_captures(db, shard, runs, lambda f: f"{folder}/{f}")
        total = shard.execute("select count(*) from articles").fetchone()[0]
        for done, outcome in enumerate(shards.merge_articles(db, shard, captures), 1):
            counts[outcome] += 1
            if done % 1000 == 0:
                echo(f"{prefix}: {done}/{total} articles")
        counts["articles"] = counts["new"] + counts["updated"]
        counts["failures"] = shards.merge_failures(db, shard)
        shards.merge_sites(db, shard)
        shards.record_merged(db, key, str(path), fingerprint, utc_now(), counts, runs)
    echo(f"{prefix}: {len(runs)} run(s), {copied_files} WARC file(s) copied, {counts['captures']} "
         f"captures added; articles: {counts['new']} new, {counts['updated']} updated, "
         f"{counts['same'] + counts['older']} already current; {counts['failures']} page failures")
    report.merged.append(str(path))


def shard_key(shard, path: Path) -> str:
    """A shard's identity in the archive: its file's name and the start of its first run (a
    shard moved to another node starts a new file of the same name, merged apart)."""
    first = shard.execute("select min(started_at) from crawl_runs").fetchone()[0]
    return f"{path.stem}@{first}"


def copy_warcs(source: Path, target: Path) -> int:
    """Copy the WARC files of ``source`` into ``target`` unless a copy of the same size is there;
    return how many were copied."""
    if not source.is_dir():
        return 0
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for file in sorted(source.iterdir()):
        if not file.is_file() or ".warc" not in file.name:
            continue
        destination = target / file.name
        if destination.exists() and destination.stat().st_size == file.stat().st_size:
            continue
        shutil.copy2(file, destination)
        copied += 1
    return copied
