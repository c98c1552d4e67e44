"""The ``bantin`` facet type: a column facet that can list values in time order and show labels.

Configured in metadata as ``{"bantin": {"column": …, "order": …, "label_from": …}}``:

- ``order: newest`` lists values newest first (years, months: ``2025-06`` before ``2025-05``);
  the default lists them by count, as Datasette's column facet does;
- ``label_from: <column>`` shows each value (a case-folded key such as ``office_key``) as one of
  the ways it was printed in that column, preferring one not in capitals;
- the table's ``value_labels`` (plugin config) name coded values (``has_views``: 1, 0).
"""

from __future__ import annotations

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

ORDERS = {"newest": "value desc", "count": "count desc, value"}
PRINTED_SAMPLES = 20  # printed forms read per value to choose its label


class BantinFacet(Facet):
    """Column facet with time order and labels (see the module docstring)."""

    type = "bantin"

    async def suggest(self) -> list:
        """Never suggested: configured in metadata only."""
        return []

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        """Facet results in Datasette's shape (``name``, ``results`` with ``value``, ``label``,
        ``count``, ``toggle_url``, ``selected``) and the columns whose query timed out."""
        results, timed_out = [], []
        configs = self.get_configs()
        present = set(await self.get_columns(self.sql, self.params)) if configs else set()
        for source_and_config in configs:
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            if column not in present:  # an archive older than the column: no facet, no error
                continue
            try:
                results.append(await self._one_facet(column, config, source_and_config["source"]))
            except QueryInterrupted:
                timed_out.append(column)
        return results, timed_out

    async def _one_facet(self, column: str, config: dict, source: str) -> dict:
        """The facet of one column."""
        size = self.get_facet_size()
        order = ORDERS.get(config.get("order", "count"), ORDERS["count"])
        sql = (f"select {escape_sqlite(column)} as value, count(*) as count from ({self.sql}) "
               f"where {escape_sqlite(column)} is not null group by {escape_sqlite(column)} "
               f"order by {order} limit {size + 1}")
        rows = (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                      custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows
        labels = await self._labels(column, config, [row["value"] for row in rows[:size]])
        return {
            "name": column, "type": self.type, "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_bantin": column})),
            "results": [self._value(column, row, labels) for row in rows[:size]],
            "truncated": len(rows) > size,
        }

    def _value(self, column: str, row, labels: dict) -> dict:
        """One facet value with its label and the link that adds or removes it as a filter."""
        value = row["value"]
        pairs = self.get_querystring_pairs()
        selected = (column, str(value)) in pairs
        path = (path_with_removed_args(self.request, {column: str(value)}) if selected
                else path_with_added_args(self.request, {column: value}))
        return {"value": value, "label": labels.get(str(value), value), "count": row["count"],
                "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                "selected": selected}

    async def _labels(self, column: str, config: dict, values: list) -> dict[str, str]:
        """Labels of facet values: the table's ``value_labels``, else a printed form."""
        plugin = self.ds.plugin_config("datasette-bantin", database=self.database, table=self.table) or {}
        fixed = {str(k): v for k, v in (plugin.get("value_labels") or {}).get(column, {}).items()}
        printed = config.get("label_from")
        if fixed or not printed or not self.table:
            return fixed
        labels = {}
        for value in values:
            rows = await self.ds.execute(
                self.database, f"select {escape_sqlite(printed)} from {escape_sqlite(self.table)} "
                f"where {escape_sqlite(column)} = ? limit {PRINTED_SAMPLES}", [value])
            labels[str(value)] = preferred_form([row[0] for row in rows.rows if row[0]]) or value
        return labels


def preferred_form(printed: list[str]) -> str | None:
    """The form to show of one text printed in several ways: the first not in capitals (so
    "Ban Tuyên giáo Quận ủy" over "BAN TUYÊN GIÁO QUẬN ỦY"), else the first; ``None`` for none."""
    for text in printed:
        if text != text.upper():
            return text.strip()
    return printed[0].strip() if printed else None
