"""Datasette metadata for an archive: the plugin's ``metadata.yml`` keyed by the archive's name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml
from datasette.utils import tilde_encode

METADATA = Path(__file__).resolve().parent / "metadata.yml"
# Datasette's array facet (authors) reads the JSON of every row: about 6 µs a row, so past this
# many articles it cannot finish within the facet time limit and is not shown by default (the
# ``authors`` table facets by name at any size; ``?_facet_array=author_names`` still works).
ARRAY_FACET_MAX_ROWS = 50_000


def datasette_metadata(db_path: str | Path, counted: str | Path | None = None,
                       array_facet_max_rows: int = ARRAY_FACET_MAX_ROWS) -> dict:
    """``metadata.yml`` as a dict, its database section renamed to the archive file's stem.

    Datasette names a database after its file (``archive.db`` → ``archive``); the project's
    table descriptions, facets and search settings then apply to an archive of any file name,
    and the ``{database}`` in links of ``description_html`` texts becomes that name.
    An archive of more than ``array_facet_max_rows`` articles (counted in ``counted``, the
    archive itself by default) gets no default array facets.
    """
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = metadata.get("databases", {})
    if databases:
        (section,) = databases.values()
        if article_count(counted or db_path) > array_facet_max_rows:
            _drop_array_facets(section.get("tables", {}).get("articles", {}))
        metadata["databases"] = {name: section}
    return _name_links(metadata, tilde_encode(name))


def _name_links(value, database: str):
    """``value`` with ``{database}`` in every ``description_html`` replaced by ``database``."""
    if isinstance(value, dict):
        return {key: item.replace("{database}", database)
                if key == "description_html" and isinstance(item, str) else _name_links(item, database)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_name_links(item, database) for item in value]
    return value


def article_count(db_path: str | Path) -> int:
    """About how many articles an archive holds (its highest rowid; 0 when there is none yet)."""
    if not Path(db_path).exists():
        return 0
    try:
        with sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True) as conn:
            return conn.execute("select max(rowid) from articles").fetchone()[0] or 0
    except sqlite3.Error:
        return 0


def _drop_array_facets(table: dict) -> None:
    """Remove the ``{"array": column}`` entries from a table's default facets."""
    if "facets" in table:
        table["facets"] = [facet for facet in table["facets"]
                           if not (isinstance(facet, dict) and "array" in facet)]
