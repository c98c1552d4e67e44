"""The runner of bantin's Scrapyd nodes (``runner = bantin.noderunner`` in ``scrapyd.conf``).

It is ``scrapyd.runner`` with one guard, and the shard archive's folder made. Scrapy resumes
a job from its JOBDIR only when the previous run closed cleanly (Ctrl-C, Scrapyd's cancel): a
crawl killed outright leaves a queue without its index and a half-written list of seen
requests, and resuming from them would skip pages that were never archived. So a JOBDIR is
marked when its crawl ends cleanly, and a JOBDIR found without the mark is set aside (renamed
``<job>.killed-<time>``): the run then starts afresh and resumes incrementally from its shard
archive, which a kill leaves consistent.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

CLEAN = "bantin-closed-cleanly"


def setting(argv: list[str], name: str) -> Path | None:
    """The path a crawl's arguments give a setting (``-s NAME=…``), or ``None``."""
    for flag, value in itertools.pairwise(argv):
        if flag == "-s" and value.startswith(f"{name}="):
            return Path(value.removeprefix(f"{name}="))
    return None


def prepare(folder: Path) -> None:
    """Set aside a JOBDIR its last crawl did not close cleanly; unmark a clean one (it is in use)."""
    if folder.exists() and not (folder / CLEAN).exists():
        folder.rename(folder.with_name(f"{folder.name}.killed-{int(time.time())}"))
    (folder / CLEAN).unlink(missing_ok=True)


def main() -> None:
    """Run Scrapyd's runner, guarding the job's JOBDIR."""
    from scrapyd.runner import main as scrapyd_main

    folder = setting(sys.argv, "JOBDIR")
    if folder:
        prepare(folder)
    archive = setting(sys.argv, "BANTIN_DB")
    if archive:  # each shard's archive (and its captures/) in a folder of its own
        archive.parent.mkdir(parents=True, exist_ok=True)
    try:
        scrapyd_main()
    finally:
        if folder and folder.exists():
            (folder / CLEAN).write_text("the crawl closed cleanly; its JOBDIR can be resumed\n")


if __name__ == "__main__":
    main()
