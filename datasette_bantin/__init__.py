"""Datasette plugin for bantin archives: Vietnamese search, article pages, Excel CSV, raw captures.

- SQL functions ``bantin_fts_query(q)`` and ``bantin_snippet(text, q)`` for the ranked search;
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

from datasette_bantin import search
from media import is_image, media_type
from vntext import fold, fold_aligned

TEMPLATES = Path(__file__).parent / "templates"
BOM = b"\xef\xbb\xbf"
ALLOWED_TAGS = {"article", "h1", "h2", "p", "figure", "figcaption", "img", "a", "ul", "li", "mark",
                "dl", "dt", "dd", "span", "div", "time"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "time": {"datetime"},
                      "*": {"class"}}
ROBOTS = "User-agent: *\nDisallow: /\n"
# Rank only the 2,000 most recently archived matches: bm25 over every match of a common word in a
# million articles takes seconds; over 2,000 it takes milliseconds.
RECENT_MATCHES = ("articles_fts.rowid >= coalesce((select min(rowid) from (select rowid from "
                  "articles_fts where articles_fts match bantin_fts_query(:q) "
                  "order by rowid desc limit 2000)), 0)")


def sanitise(html: str) -> Markup:
    """HTML with only the tags an article needs: no scripts, event attributes or javascript: URLs."""
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)


@hookimpl
def prepare_connection(conn):
    """Register the search functions on every connection."""
    conn.create_function("bantin_fts_query", 1, search.fts_query, deterministic=True)
    conn.create_function("bantin_snippet", 2, search.snippet, deterministic=True)
    conn.create_function("bantin_fold", 1, lambda text: fold(text or ""), deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    """``bantin_safe``: show sanitised HTML (search snippets) in templates."""
    env.filters["bantin_safe"] = sanitise


@hookimpl
def render_cell(value, column):
    """Show search snippets with their highlights (sanitised), not as escaped markup."""
    if column == "snippet" and isinstance(value, str):
        return sanitise(value)
    return None


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
            scope = {**scope, "query_string": urlencode(pairs).encode()}
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
def table_actions(datasette, database, table):
    """A one-click Excel-safe download of every row of the table or view."""
    href = datasette.urls.table(database, table, format="csv") + "?_stream=on&_bom=1&_dl=on"
    return [{"href": href, "label": "Download all rows as CSV for Excel (UTF-8 with BOM)"}]


@hookimpl
def register_routes():
    """The search page, raw captures and robots.txt."""
    return [
        (r"^/-/search$", search_page),
        (r"^/-/capture/(?P<capture_id>\d+)$", capture_page),
        (r"^/-/image/(?P<capture_id>\d+)$", image_page),
        (r"^/robots\.txt$", robots_txt),
    ]


async def robots_txt(datasette):
    """Keep crawlers off the archive unless the plugin's ``allow_robots`` is set."""
    config = datasette.plugin_config("datasette-bantin") or {}
    return Response.text("User-agent: *\nAllow: /\n" if config.get("allow_robots") else ROBOTS)


def _archive(datasette):
    """The first attached database that holds an ``articles`` table."""
    for database in datasette.databases.values():
        if database.name != "_internal" and database.path:
            return database
    return None


async def search_page(datasette, request):
    """Articles (ranked, with snippets), people and offices matching ``q``, on one page."""
    query = unicodedata.normalize("NFC", request.args.get("q") or "")
    database = _archive(datasette)
    results = {"articles": [], "people": [], "offices": []}
    if query.strip() and database is not None:
        results = await _search_all(database, query)
    return Response.html(await datasette.render_template(
        "bantin_search.html", {"q": query, "database": database.name if database else None,
                               **results}, request=request))


async def _search_all(database, query: str) -> dict:
    """Run the three searches of the search page."""
    articles = await database.execute(
        "select articles.id, articles.title, articles.site, articles.published_date, "
        "bantin_snippet(articles_fts.body || ' ' || articles_fts.captions, :q) as snippet "
        "from articles_fts join articles on articles.rowid = articles_fts.rowid "
        f"where articles_fts match bantin_fts_query(:q) and {RECENT_MATCHES} "
        "and articles.duplicate_of is null order by rank limit 50", {"q": query})
    folded = "%" + " ".join(t for t, _ in search.parse_query(query) if t not in search.OPERATORS) + "%"
    people = await database.execute(
        "select id, name, articles from people_mentioned where id like :f limit 50", {"f": folded})
    offices = await database.execute("select office, articles from offices", {})
    matching = [dict(row) for row in offices.rows
                if folded.strip("%") in fold_aligned(row["office"] or "")]
    return {"articles": [dict(row) for row in articles.rows], "people": [dict(r) for r in people.rows],
            "offices": matching}


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
    content_type = dict((k.lower(), v) for k, v in stored.headers).get("content-type")
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

    database = _archive(datasette)
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
    """On an article's row page, the article itself as sanitised HTML."""
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
        return {"bantin_article": sanitise(article_html(
            article, images, [dict(r) for r in attachments.rows],
            datasette.urls.path(f"/-/capture/{article['capture_id']}") if article["capture_id"] else None,
        ))}
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
