"""Datasette plugin for bantin archives: Vietnamese search, article pages, Excel CSV, raw captures.

- SQL functions for the ranked search (``prepare_connection``); the articles table's search box
  reads the same folded index, leaves copies out, and a plain search from it goes to the ranked
  page (``search_views``);
- query strings arrive in NFC (a query typed in decomposed Unicode finds the same);
- ``/-/search?q=`` searches articles, people and offices from one page;
- an article's row page reads like the article (sanitised with nh3);
- ``?_bom=1`` on any CSV (with ``_stream=on`` for all rows) adds the byte-order mark Excel needs,
  linked from every table's actions menu;
- ``/-/capture/<id>`` shows a raw capture as text; ``/-/image/<id>`` serves an archived image
  (raster images only, with their own content type) for the article pages;
- ``/robots.txt`` keeps robots off.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import nh3
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from datasette_bantin import pages, search, search_views
from datasette_bantin.facets import BantinFacet
from media import is_image, media_type
from vntext import fold

TEMPLATES = Path(__file__).parent / "templates"
BOM = b"\xef\xbb\xbf"
ALLOWED_TAGS = {"article", "h1", "h2", "p", "figure", "figcaption", "img", "a", "ul", "li", "mark",
                "dl", "dt", "dd", "span", "div", "time"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "time": {"datetime"},
                      "*": {"class"}}
ROBOTS = "User-agent: *\nDisallow: /\n"


def sanitise(html: str) -> Markup:
    """HTML with only the tags an article needs: no scripts, event attributes or javascript: URLs."""
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)


@hookimpl(trylast=True)
def prepare_connection(conn):
    """Register the search functions on every connection: ``bantin_fts_query(q[, together])``,
    ``bantin_toned(q)``, ``bantin_tone_score(q, text...)``, ``bantin_snippet(text, q)``,
    ``bantin_fold(text)``; and ``escape_fts(q)`` (Datasette's own, which the table's search box
    calls) replaced by the folded query, after Datasette registers its own."""
    conn.create_function("bantin_fts_query", -1, search.fts_query, deterministic=True)
    conn.create_function("escape_fts", 1, search.fts_query, deterministic=True)
    conn.create_function("bantin_toned", 1, lambda q: int(bool(search.typed_words(q))),
                         deterministic=True)
    conn.create_function("bantin_tone_score", -1, search.tone_score, deterministic=True)
    conn.create_function("bantin_snippet", 2, search.snippet, deterministic=True)
    conn.create_function("bantin_fold", 1, lambda text: fold(text or ""), deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    """``bantin_safe``: show sanitised HTML (search snippets) in templates."""
    env.filters["bantin_safe"] = sanitise


@hookimpl
def render_cell(value, column, table, database, datasette):
    """Show search snippets with their highlights (sanitised), not as escaped markup; coded
    values by their label and credited names as a list (``pages.cell_text``)."""
    if column == "snippet" and isinstance(value, str):
        return sanitise(value)
    return (_article_link(datasette, database, table, column, value)
            or pages.cell_text(datasette, database, table, column, value))


def _article_link(datasette, database: str, table: str | None, column: str, value) -> Markup | None:
    """An article id in a query result (``article_id`` or ``…_article_id``) or in the
    ``mention_articles`` view, as a link to the archived article page of this database; ``None``
    for any other cell (tables link theirs through their foreign keys)."""
    from datasette.utils import tilde_encode

    linked = column == "article_id" or column.endswith("_article_id")
    if not linked or table not in (None, "mention_articles") or not isinstance(value, str):
        return None
    href = datasette.urls.row(database, "articles", tilde_encode(value))
    return Markup('<a href="{}">{}</a>').format(href, value)


@hookimpl
def filters_from_request(request, database, table, datasette):
    """The articles table's search box: copies left out, a bad query explained
    (``search_views.table_search_filters``)."""
    return search_views.table_search_filters(request, table)


@hookimpl
def register_facet_classes():
    """The ``bantin`` facet: time order and labels (``datasette_bantin.facets``)."""
    return [BantinFacet]


@hookimpl
def asgi_wrapper(datasette):
    """NFC query strings, and a byte-order mark on CSV when asked with ``_bom=1``."""
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            query = scope.get("query_string", b"").decode("utf-8", errors="replace")
            pairs = parse_qsl(query, keep_blank_values=True)
            bom = scope.get("path", "").endswith(".csv") and ("_bom", "1") in pairs
            pairs = [(k, unicodedata.normalize("NFC", v)) for k, v in pairs if k != "_bom"]
            pairs = search_views.without_search_mode(pairs)
            scope = {**scope, "query_string": urlencode(pairs).encode()}
            redirect = search_views.table_search_redirect(datasette, scope, pairs) \
                or pages.default_columns_redirect(datasette, scope, pairs)
            if redirect is not None:
                return await redirect.asgi_send(send)
            return await app(scope, receive, _with_bom(send) if bom else send)
        return wrapped
    return wrap


def _with_bom(send):
    """A send callable that puts the UTF-8 byte-order mark before the first body bytes."""
    state = {"first": True}

    async def sending(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [(k, v) for k, v in message.get("headers", [])
                                               if k.lower() != b"content-length"]}
        elif message["type"] == "http.response.body" and state["first"]:
            state["first"] = False
            message = {**message, "body": BOM + message.get("body", b"")}
        await send(message)
    return sending


@hookimpl
def table_actions(datasette, database, table, request):
    """A one-click Excel-safe download of every row the page's filters and search select."""
    return [{"href": pages.excel_href(datasette, database, table, request),
             "label": "Tải về cho Excel: mọi dòng đang lọc, mọi cột (CSV UTF-8 có BOM)"}]


# datasette-vega reads a chart's settings from the URL fragment only when the page loads, so a
# "#g.…" link clicked on the page itself changed nothing: load the page again with the fragment.
CHART_LINKS = """document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest('a[href^="#g."]');
  if (!link || event.defaultPrevented) { return; }
  event.preventDefault();
  window.location.hash = link.getAttribute("href");
  window.location.reload();
});"""


@hookimpl
def extra_body_script():
    """Chart links (``#g.…``, on table and query pages) that draw the chart when clicked."""
    return CHART_LINKS


@hookimpl
def register_routes():
    """The search page, raw captures and robots.txt."""
    return [
        (r"^/-/search$", search_views.search_page),
        (r"^/-/capture/(?P<capture_id>\d+)$", capture_page),
        (r"^/-/image/(?P<capture_id>\d+)$", image_page),
        (r"^/robots\.txt$", robots_txt),
    ]


async def robots_txt(datasette):
    """Keep crawlers off the archive unless the plugin's ``allow_robots`` is set."""
    config = datasette.plugin_config("datasette-bantin") or {}
    return Response.text("User-agent: *\nAllow: /\n" if config.get("allow_robots") else ROBOTS)


async def capture_page(datasette, request):
    """The raw payload of a capture, as plain text (never rendered as a page)."""
    stored = await _stored(datasette, int(request.url_vars["capture_id"]))
    if isinstance(stored, Response):
        return stored
    body = stored.body.decode("utf-8", errors="replace")
    return Response.text(body, headers=UNRUN)


async def image_page(datasette, request):
    """An archived image, served from its capture with its own content type; anything that is
    not a raster image (SVG, a web page, a script) is refused with 404."""
    stored = await _stored(datasette, int(request.url_vars["capture_id"]))
    if isinstance(stored, Response):
        return stored
    content_type = stored.header("Content-Type")
    if stored.status != 200 or not is_image(content_type, stored.body):
        return Response.text("This capture is not an archived image.", status=404)
    return Response(stored.body, content_type=media_type(content_type),
                    headers={**UNRUN, "Cache-Control": "public, max-age=86400"})


# Headers of everything served from a capture: never sniffed into another type, never run.
UNRUN = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


async def _stored(datasette, capture_id: int):
    """The stored response of a capture (a revisit's payload from the capture holding it), or a
    404 Response saying why it cannot be had."""
    from pipelines.storage.captures import payload_capture
    from pipelines.warc import captures_folder, read_capture

    database = search_views.archive_database(datasette)
    rows = await database.execute("select * from captures where id = ?", [capture_id])
    if not rows.rows or rows.rows[0]["warc_file"] is None:
        return Response.text("No such capture.", status=404)
    folder = captures_folder(database.path)

    def read(conn):
        import sqlite_utils

        capture = payload_capture(sqlite_utils.Database(conn), dict(rows.rows[0]))
        return read_capture(folder, capture)

    try:
        return await database.execute_fn(read)
    except OSError:
        return Response.text("The WARC file of this capture is not available here.", status=404)


@hookimpl
def extra_template_vars(template, database, table, datasette, request):
    """On a table page, its column labels and hidden columns (``pages.table_page_vars``); on an
    article's row page, the article itself as sanitised HTML and its title."""
    if template == "table.html" and table and request is not None:
        return lambda: pages.table_page_vars(datasette, database, table, request)
    if template != "row.html" or table != "articles" or request is None:
        return {}
    from pipelines.warc import captures_folder

    async def article_vars():
        article_id = request.url_vars.get("pks")
        db = datasette.get_database(database)
        rows = await db.execute("select * from articles where id = ?",
                                [_unescape(article_id)])
        if not rows.rows:
            return {}
        article = dict(rows.rows[0])
        images = await db.execute("select * from images where article_id = ? order by position",
                                  [article["id"]])
        attachments = await db.execute("select * from attachments where article_id = ? "
                                       "order by position", [article["id"]])
        kept = captures_folder(db.path).is_dir()  # a published snapshot has no captures
        images = [{**dict(r), "archived": datasette.urls.path(f"/-/image/{r['capture_id']}")
                   if kept and r["capture_id"] else None} for r in images.rows]
        capture = datasette.urls.path(f"/-/capture/{article['capture_id']}") \
            if kept and article["capture_id"] else None
        return {"bantin_title": article["title"], "bantin_article": sanitise(article_html(
            article, images, [dict(r) for r in attachments.rows], capture))}
    return article_vars


def _unescape(pks: str | None) -> str | None:
    """A row URL's primary key in plain text (Datasette tilde-encodes it)."""
    from datasette.utils import tilde_decode

    return tilde_decode(pks) if pks else None


def article_html(article: dict, images: list[dict], attachments: list[dict],
                 capture_url: str | None) -> str:
    """The article as it reads: title, date, views, paragraphs, images and captions, credits,
    office, links to the original page and its raw capture. An image shows its archived copy
    (``archived``: a URL path) when the archive holds one, else its original ``src``. Values are
    escaped here and the whole is sanitised again by the caller."""
    from html import escape

    credits = json.loads(article.get("author_names") or "[]")
    parts = [f"<h1>{escape(article['title'] or '')}</h1>",
             f'<p class="meta"><time datetime="{escape(article["published_at"] or "")}">'
             f"{escape(article['published_raw'] or '')}</time>"
             + (f" · {article['views']} lượt xem" if article.get("views") is not None else "")
             + (f" · {escape(article['category'])}" if article.get("category") else "") + "</p>"]
    paragraphs = (article.get("body") or "").split("\n\n")
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph]
    for image in images:
        caption = f"<figcaption>{escape(image['caption'])}</figcaption>" if image.get("caption") else ""
        source, alt = escape(image.get("archived") or image["src"] or ""), escape(image.get("alt") or "")
        parts.append(f'<figure><img src="{source}" alt="{alt}">{caption}</figure>')
    if credits:
        parts.append(f'<p class="credits">{escape(", ".join(credits))}</p>')
    if article.get("source"):
        parts.append(f'<p class="source">({escape(article["source"])})</p>')
    links = [f'<li><a href="{escape(a["url"])}">{escape(a.get("label") or a["url"])}</a></li>'
             for a in attachments]
    links.append(f'<li><a href="{escape(article["url"])}">Bài gốc (original page)</a></li>')
    if capture_url:
        links.append(f'<li><a href="{escape(capture_url)}">Bản lưu gốc (raw capture)</a></li>')
    parts.append(f"<ul class=\"links\">{''.join(links)}</ul>")
    return f'<article class="bantin-article">{"".join(parts)}</article>'
