"""A read-only snapshot of an archive that Datasette serves as is.

The snapshot folder holds ``archive.db`` (a compacted copy, no WAL, to be opened immutable),
``metadata.json``, ``inspect-data.json`` (table counts, so Datasette need not count at start-up),
``plugins.json`` (the plugins and versions it was made with), ``requirements.txt`` and the bantin
wheel that carries the Datasette plugin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlite_utils

SNAPSHOT_DB = "archive.db"
PINNED = ("datasette", "datasette-vega", "nh3")


def write_snapshot(db_path: Path, folder: Path, project_root: Path, metadata: dict) -> list[str]:
    """Write the snapshot of ``db_path`` into ``folder``, with the Datasette ``metadata`` for it;
    return the names of the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SNAPSHOT_DB
    if target.exists():
        raise FileExistsError(f"{target} exists: publish into an empty folder")
    source = sqlite_utils.Database(db_path)
    source.execute("vacuum into ?", [str(target)])
    source.close()
    sqlite_utils.Database(target).execute("pragma journal_mode = delete")
    (folder / "metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    _datasette("inspect", str(target), "--inspect-file", str(folder / "inspect-data.json"))
    plugins = json.loads(_datasette("plugins"))
    (folder / "plugins.json").write_text(json.dumps(plugins, indent=2), encoding="utf-8")
    wheel = _build_wheel(project_root, folder / "wheels")
    (folder / "requirements.txt").write_text(_requirements(wheel), encoding="utf-8")
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def _datasette(*arguments: str) -> str:
    """Run the datasette command of this environment; its standard output."""
    result = subprocess.run([sys.executable, "-m", "datasette", *arguments], capture_output=True,
                            text=True, check=True)
    return result.stdout


def _build_wheel(project_root: Path, folder: Path) -> Path:
    """Build the bantin wheel (which carries the Datasette plugin) without the network."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(folder), str(project_root)],
                   check=True, capture_output=True)
    return next(folder.glob("bantin-*.whl"))


def _requirements(wheel: Path) -> str:
    """Pinned requirements of a server for the snapshot."""
    from importlib.metadata import version

    lines = [f"{name}=={version(name)}" for name in PINNED]
    lines.append(f"./wheels/{wheel.name}")
    return "\n".join(lines) + "\n"
