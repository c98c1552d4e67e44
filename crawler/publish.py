"""Datasette metadata for an archive: the project's ``metadata.yml`` keyed by the archive's name."""

from __future__ import annotations

from pathlib import Path

import yaml

METADATA = Path(__file__).resolve().parents[1] / "metadata.yml"


def datasette_metadata(db_path: str | Path) -> dict:
    """``metadata.yml`` as a dict, its database section renamed to the archive file's stem.

    Datasette names a database after its file (``archive.db`` → ``archive``); the project's
    table descriptions, facets and search settings then apply to an archive of any file name.
    """
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if databases:
        (section,) = databases.values()
        metadata["databases"] = {Path(db_path).stem: section}
    return metadata
