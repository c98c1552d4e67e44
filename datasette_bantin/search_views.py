"""Search in Datasette: the ``/-/search`` page and the articles table's own search box.

Both read the same index the same way (``search.fts_query`` over the folded text), leave out
copies (articles with ``duplicate_of`` set, another site's republication), and so give the same
count for the same query. Articles are ranked by the canned query ``search`` (metadata.yml): the
words as a phrase, then near each other, then apart; tones as typed; then bm25.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from urllib.parse import urlencode

from datasette.filters import FilterArguments
from datasette.utils.asgi import Response

from datasette_bantin import search
from vntext import fold_aligned

RANKED_QUERY = "search"  # the canned query that ranks articles
SEARCHED_TABLE = "articles"
# Every match, less the copies among them: counted in the index alone, then each copy (through
# the index on duplicate_of) looked up by rowid, so a common word in a million articles is
# counted without reading the articles.
COUNT_SQL = """select (select count(*) from articles_fts where articles_fts match bantin_fts_query(:q))
  - (select count(*) from articles where duplicate_of >= '' and exists (select 1 from
     articles_fts where articles_fts match bantin_fts_query(:q) and articles_fts.rowid = articles.rowid))"""
# what the table page's ``_search`` adds to Datasette's own full-text condition
COPIES_LEFT_OUT = "duplicate_of is null"
# A table search stays on the table (newest first, with facets) when asked to, or when refined:
# a raw condition, a later page, a column filter (a key without "_"), an order other than the
# table's own. The table's search form carries the columns shown and the current order along.
STAY_IN_TABLE = "_bantin_table"
REFINED = {"_where", "_next", STAY_IN_TABLE}
OWN_ORDER = "published_at"  # newest first


def table_search_filters(request, table: str) -> FilterArguments | None:
    """For ``_search`` on the articles table: copies left out, and what was wrong with the query
    (an unclosed quote, nothing but operators) in the line under the search box."""
    query = request.args.get("_search")
    if table != SEARCHED_TABLE or not query:
        return None
    problem = search.query_problem(query)
    notes = ["bản đăng lại của trang khác không tính"] + ([problem] if problem else [])
    return FilterArguments([COPIES_LEFT_OUT], human_descriptions=notes,
                           extra_context={"bantin_search_problem": problem})


def table_search_redirect(datasette, scope: dict, pairs: list[tuple[str, str]]) -> Response | None:
    """A plain search from the articles table's box (no filter, no chosen order) goes to the
    ranked search page; ``None`` for every other request."""
    match = re.fullmatch(r"/([^/]+)/" + SEARCHED_TABLE, scope.get("path", ""))
    keys = {key for key, _ in pairs}
    query = dict(pairs).get("_search", "").strip()
    refined = keys & REFINED or any(not key.startswith("_") for key in keys) \
        or not _in_own_order(dict(pairs))
    if not match or match.group(1) not in datasette.databases or not query or refined:
        return None
    return Response.redirect(datasette.urls.path("/-/search?" + urlencode({"q": query})))


def _in_own_order(args: dict[str, str]) -> bool:
    """True when the query string asks for no order, or for the table's own (newest first),
    as ``_sort_desc=`` or as the form's ``_sort=`` with ``_sort_by_desc`` ticked."""
    ascending, descending = args.get("_sort", ""), args.get("_sort_desc", "")
    if args.get("_sort_by_desc") and ascending:
        ascending, descending = "", ascending
    return not ascending and descending in ("", OWN_ORDER)


def without_search_mode(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query string without ``_searchmode``: a search is always read as a person typed it,
    never as raw FTS5 syntax that could fail as SQL."""
    return [(key, value) for key, value in pairs if key != "_searchmode"]


def archive_database(datasette):
    """The first attached database with a file (the archive), or ``None``."""
    for database in datasette.databases.values():
        if database.name != "_internal" and database.path:
            return database
    return None


async def search_page(datasette, request):
    """Articles (ranked, with snippets, their total count), people and offices matching ``q``,
    on one page; a readable line when the query cannot be searched as typed."""
    query = unicodedata.normalize("NFC", request.args.get("q") or "")
    database = archive_database(datasette)
    results = {"articles": [], "count": 0, "people": [], "offices": []}
    if query.strip() and database is not None:
        results = await search_all(datasette, database, query, request.actor)
    table_url = None
    if database is not None and query.strip():
        table_url = datasette.urls.table(database.name, SEARCHED_TABLE) + "?" + urlencode(
            {"_search": query, STAY_IN_TABLE: "1"})
    return Response.html(await datasette.render_template(
        "bantin_search.html", {"q": query, "database": database.name if database else None,
                               "problem": search.query_problem(query), "table_url": table_url,
                               **results}, request=request))


async def search_all(datasette, database, query: str, actor=None) -> dict:
    """The search page's results: ``articles`` (ranked, at most 50), ``count`` (every matching
    article, copies left out), ``people`` and ``offices`` whose folded name holds the query."""
    ranked = await datasette.get_canned_query(database.name, RANKED_QUERY, actor)
    folded = " ".join(t for t, _ in search.parse_query(query) if t not in search.OPERATORS)
    # asked together: Datasette runs each on its own thread, and SQLite works without the GIL
    articles, count, people, offices = await asyncio.gather(
        database.execute(ranked["sql"], {"q": query}),
        database.execute(COUNT_SQL, {"q": query}),
        database.execute("select id, name, articles from people_mentioned where :f != '' "
                         "and folded like '%' || :f || '%' limit 50", {"f": folded}),
        _offices(database, folded))
    return {"articles": [dict(row) for row in articles.rows], "count": count.first()[0],
            "people": [dict(row) for row in people.rows], "offices": offices}


# Each office printed, one index seek per office (not a scan of every article).
OFFICES_SQL = """with recursive printed(office) as (
    select min(source) from articles
    union all select (select min(source) from articles where source > printed.office)
    from printed where printed.office is not null)
  select office from printed where office is not null"""
# An office's articles less the copies among them, both read off indexes: the copies through
# the index on duplicate_of (">= ''" uses it where "is not null" reads every article; "+source"
# keeps the planner from reading every article of the office instead).
OFFICE_COUNT_SQL = """select (select count(*) from articles where source = :office)
  - (select count(*) from articles where duplicate_of >= '' and +source = :office)"""


async def _offices(database, folded: str) -> list[dict]:
    """Offices whose folded name holds ``folded``: ``{"office", "articles"}`` (copies left out),
    at most 20, as printed; none for an empty ``folded``."""
    if not folded:
        return []
    printed = await database.execute(OFFICES_SQL)
    matching = [row["office"] for row in printed.rows if folded in fold_aligned(row["office"])][:20]
    counted = []
    for office in matching:
        count = await database.execute(OFFICE_COUNT_SQL, {"office": office})
        counted.append({"office": office, "articles": count.first()[0]})
    return sorted(counted, key=lambda row: -row["articles"])
