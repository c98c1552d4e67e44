"""How the archive's table pages read: a default column set, readable cells, an Excel link that
follows the filters on screen, and the Vietnamese labels of columns and coded values.

A table's plugin config (``databases.<db>.tables.<table>.plugins.datasette-bantin`` in
metadata) may hold:

- ``default_columns``: the columns a bare table page shows (``/db/articles`` is redirected to
  ``?_col=…``); ``_cols=all`` asks for every column;
- ``column_labels``: ``{column: label}``, shown as facet headings and in the column list;
- ``value_labels``: ``{column: {value: label}}`` for coded values (``has_views``: 1, 0).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, unquote, urlencode
from weakref import WeakKeyDictionary

from datasette.utils import tilde_decode
from datasette.utils.asgi import Response

PLUGIN = "datasette-bantin"
ALL_COLUMNS = ("_cols", "all")  # the query pair that asks for every column
COLUMN_CHOICE = ("_col", "_nocol", "_cols")
# Query arguments a download of every matching row leaves out: column choice and paging (and
# every ``_facet…`` argument).
NOT_DOWNLOADED = (*COLUMN_CHOICE, "_next", "_size")


def query_pairs(request) -> list[tuple[str, str]]:
    """Every ``(key, value)`` of a request's query string, in order (none without a request)."""
    return parse_qsl(request.query_string, keep_blank_values=True) if request else []


def table_config(datasette, database: str | None, table: str | None) -> dict:
    """The plugin config of one table (empty when it has none). Read once per table and
    Datasette instance: the metadata does not change while it runs, and cells ask for it."""
    if not database or not table:
        return {}
    read = _TABLE_CONFIGS.setdefault(datasette, {})
    if (database, table) not in read:
        read[database, table] = datasette.plugin_config(PLUGIN, database=database, table=table) or {}
    return read[database, table]


_TABLE_CONFIGS: WeakKeyDictionary = WeakKeyDictionary()  # Datasette → {(database, table): config}


def default_columns_redirect(datasette, scope: dict, pairs: list[tuple[str, str]]) -> Response | None:
    """A redirect of a bare HTML table page to its ``default_columns``, or ``None`` when the
    request chose its columns, is not a table page, or the table has no default set."""
    if scope.get("method", "GET") != "GET" or any(key in COLUMN_CHOICE for key, _ in pairs):
        return None
    parts = scope.get("path", "").strip("/").split("/")
    if len(parts) != 2 or "." in parts[1] or parts[0] not in datasette.databases:
        return None
    columns = table_config(datasette, parts[0], tilde_decode(unquote(parts[1]))).get("default_columns")
    if not columns:
        return None
    query = urlencode([*pairs, *(("_col", column) for column in columns)])
    return Response.redirect(f"{scope.get('root_path', '')}{scope['path']}?{query}")


def excel_href(datasette, database: str, table: str, request) -> str:
    """The table's CSV (UTF-8 with BOM, every row streamed) of the rows on screen: the page's
    filters, search and sort kept, its column choice and paging left out (every column)."""
    pairs = [(key, value) for key, value in query_pairs(request)
             if key not in NOT_DOWNLOADED and not key.startswith("_facet")]
    pairs += [("_stream", "on"), ("_bom", "1"), ("_dl", "on")]
    return datasette.urls.table(database, table, format="csv") + "?" + urlencode(pairs)


def cell_text(datasette, database: str, table: str, column: str, value) -> str | None:
    """A readable cell: a coded value's label, or a JSON list of names joined with commas;
    ``None`` to leave the cell to Datasette."""
    labels = (table_config(datasette, database, table).get("value_labels") or {}).get(column)
    if labels and value is not None:
        return labels.get(str(value))
    if column == "author_names" and isinstance(value, str) and value.startswith("["):
        try:
            names = json.loads(value)
        except ValueError:
            return None
        return ", ".join(str(name) for name in names)
    return None


async def table_page_vars(datasette, database: str, table: str, request) -> dict:
    """Template variables of a table page: column labels, and the columns not shown with the
    link that adds each (``bantin_hidden_columns``: ``[{"name", "label", "href"}]``)."""
    config = table_config(datasette, database, table)
    labels = config.get("column_labels") or {}
    shown = request.args.getlist("_col") if request else []
    hidden = []
    if shown and config.get("default_columns"):
        db = datasette.get_database(database)
        keys = await db.primary_keys(table)
        for column in (c for c in await db.table_columns(table) if c not in shown and c not in keys):
            query = urlencode([*query_pairs(request), ("_col", column)])
            hidden.append({"name": column, "label": labels.get(column, column),
                           "href": f"{request.path}?{query}"})
    all_query = urlencode([*((k, v) for k, v in query_pairs(request) if k not in COLUMN_CHOICE),
                           ALL_COLUMNS])
    return {"bantin_column_labels": labels, "bantin_hidden_columns": hidden,
            "bantin_all_columns_href": f"{request.path}?{all_query}" if request else None}
