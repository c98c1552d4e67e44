"""A read-only snapshot of an archive that Datasette serves as is.

The snapshot folder holds ``archive.db`` (a compacted copy, no WAL, to be opened immutable),
``metadata.json``, ``inspect-data.json`` (table counts, so Datasette need not count at start-up),
``plugins.json`` (the plugins and versions it was made with), ``requirements.txt`` and the wheel
of ``bantin-datasette``: the Datasette plugin with the few modules it reads (the archive's storage
and WARC reader, the text helpers), so a server of the snapshot installs Datasette, its plugins
and what they need, never the crawler or Scrapy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

SNAPSHOT_DB = "archive.db"
PINNED = ("datasette", "datasette-vega", "nh3", "sqlite-utils", "warcio", "pyyaml")
# What the plugin's wheel carries from the project: the plugin and what it imports.
PLUGIN_FILES = ("datasette_bantin", "pipelines/__init__.py", "pipelines/warc.py", "pipelines/storage",
                "vntext.py", "media.py")
PLUGIN_PROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "bantin-datasette"
version = "{version}"
description = "The bantin archive's Datasette plugin, for serving a published snapshot."
requires-python = ">=3.11"
dependencies = [{dependencies}]

[project.entry-points.datasette]
bantin = "datasette_bantin"

[tool.setuptools]
packages = ["datasette_bantin", "pipelines", "pipelines.storage"]
py-modules = ["vntext", "media"]

[tool.setuptools.package-data]
datasette_bantin = ["templates/*.html", "metadata.yml"]
"""


def write_snapshot(db_path: Path, folder: Path, project_root: Path, metadata: dict) -> list[str]:
    """Write the snapshot of ``db_path`` into ``folder``, with the Datasette ``metadata`` for it;
    return the names of the files written. A snapshot that fails half-way is removed whole
    (the folder too, when this call made it)."""
    target = folder / SNAPSHOT_DB
    if target.exists():
        raise FileExistsError(f"{target} exists: publish into an empty folder")
    made_folder = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.iterdir())
    try:
        return _write(db_path, folder, project_root, metadata)
    except BaseException:
        _remove_new(folder, before, made_folder)
        raise


def _remove_new(folder: Path, before: set[Path], made_folder: bool) -> None:
    """Remove what a failed snapshot wrote into ``folder`` (and the folder, if it made it)."""
    if made_folder:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in set(folder.iterdir()) - before:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _write(db_path: Path, folder: Path, project_root: Path, metadata: dict) -> list[str]:
    """The snapshot's files, written into an existing ``folder``."""
    target = folder / SNAPSHOT_DB
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
    """Build the ``bantin-datasette`` wheel (the plugin and what it imports) without the network."""
    from importlib.metadata import version

    with tempfile.TemporaryDirectory(prefix="bantin-plugin-") as scratch:
        source = Path(scratch)
        for name in PLUGIN_FILES:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            if (project_root / name).is_dir():
                shutil.copytree(project_root / name, source / name,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(project_root / name, source / name)
        dependencies = ", ".join(f'"{name}"' for name in PINNED)
        (source / "pyproject.toml").write_text(
            PLUGIN_PROJECT.format(version=version("bantin"), dependencies=dependencies), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "--quiet", "--wheel-dir", str(folder), str(source)],
                       check=True, capture_output=True)
    return next(folder.glob("bantin_datasette-*.whl"))


def _requirements(wheel: Path) -> str:
    """Pinned requirements of a server for the snapshot."""
    from importlib.metadata import version

    lines = [f"{name}=={version(name)}" for name in PINNED]
    lines.append(f"./wheels/{wheel.name}")
    return "\n".join(lines) + "\n"
