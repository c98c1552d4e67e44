"""Serve the HTTrack mirror of sotttt.hanoi.gov.vn (Liferay 6.2, 27 August 2022) as the original site.

The mirror lives in ``../shared/realworld/sotttt-hanoi-liferay62-2022`` (public data, never copied into
the project). Its two tar.xz files are unpacked once into a cache folder outside the project, and
``MirrorPortal`` answers on 127.0.0.1 as the portal would: each original URL (path and query, host
ignored) gives the page HTTrack saved for it, with HTTrack's comments removed and its relative file
links turned back into the site's own URLs. A locale-free URL held only under ``/vi/`` is answered
from that copy, as Liferay does for its default locale, and a view_content URL whose slug HTTrack cut
short from the held copy of that article id in the same page folder; what was never held is a 404.

Run ``python -m sampleportal.mirror [--port N]`` to serve it in the foreground.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import hashlib
import html
import json
import logging
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

LOOPBACK = "127.0.0.1"
MIRROR_NAME = "sotttt-hanoi-liferay62-2022"
TARS = ("mirror-pages.tar.xz", "mirror-articles.tar.xz")
MANIFESTS = ("pages.jsonl.gz", "articles.jsonl.gz")
TREE_TOP = "source/"  # every mirror_path starts here: the site's root
LOCALES = frozenset({"vi", "en"})
DEFAULT_LOCALE = "vi"  # Liferay's default locale on this portal is vi_VN
ARTICLE_DIR = "/-/view_content"  # article URLs keep their ".html": /<page>/-/view_content/<id>-<slug>.html
KEEP_EXTENSIONS = frozenset({"css", "js", "jsp"})  # HTTrack put its hash before the URL's own extension
RENDERED_PAGES = 256  # LRU of rewritten pages (about 60 KB each)
NOT_FOUND = b"<!DOCTYPE html><html><head><title>404</title></head><body><h1>Not Found</h1></body></html>"

log = logging.getLogger("bantin.mirror")

HTTRACK_MARKS = re.compile(
    r"<!-- Mirrored from .*? -->[ \t]*\r?\n?"
    r"|<!-- Added by HTTrack -->.*?<!-- /Added by HTTrack -->\r?\n?", re.S)
ATTRIBUTE = re.compile(
    r"""(?<=\s)(?P<name>href|src|action|value)(?P<eq>\s*=\s*)"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""", re.I)
SITE = re.compile(r"^(?:https?:)?//sotttt\.hanoi\.gov\.vn(?::\d+)?(?=[/?#]|$)", re.I)
SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
KEEP_AS_IS = re.compile(r"^(?:#|javascript:|mailto:|data:|tel:)|['\"<>{}\\]", re.I)  # also script fragments
LINKISH_VALUE = re.compile(r"^(?:https?://sotttt\.hanoi\.gov\.vn|\.\./|[^\s:?#]+\.html(?:[?#]|$))", re.I)
ARTICLE_FILE = re.compile(r"/-/view_content/(?P<id>\d+)-[^/]*$")
CUT_TAIL = re.compile(r"\.[0-9a-f]{2,4}(?:\.[a-z]*)?$")  # HTTrack's tail on a name it cut short
HTTRACK_NAME = re.compile(r"^(?P<stem>.+?)[0-9a-f]{4}(?:-\d+)?(?:\.(?P<ext>[A-Za-z0-9]+))?$")
HEX_ONLY = re.compile(r"^[0-9A-Fa-f-]*$")  # a uuid or a hex id: its last 4 digits are not HTTrack's
URL_SAFE = "/-._~!$&'()*+,;=:@"


def realworld_root() -> Path | None:
    """The mirror folder ``<project>/../shared/realworld/sotttt-hanoi-liferay62-2022``, or None when absent.

    ``BANTIN_REALWORLD`` names the ``realworld`` folder instead. The folder counts as present when it
    holds both tar.xz files and both manifests.
    """
    override = os.environ.get("BANTIN_REALWORLD")
    realworld = Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "realworld"
    root = realworld / MIRROR_NAME
    return root if all((root / name).is_file() for name in TARS + MANIFESTS) else None


def cache_dir() -> Path:
    """Where unpacked mirrors go: ``$BANTIN_CACHE``, else ``$XDG_CACHE_HOME/bantin``, else
    ``~/.cache/bantin``."""
    if os.environ.get("BANTIN_CACHE"):
        return Path(os.environ["BANTIN_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bantin"


def unpack_key(root: Path) -> str:
    """12 hex digits naming one version of the tars: a hash of each tar's name, size and mtime (ns)."""
    stats = {name: (root / name).stat() for name in TARS}
    stamp = "|".join(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in stats.items())
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


def unpack_mirror(root: Path, cache: Path | None = None) -> Path:
    """Unpack both tars once into ``<cache>/<MIRROR_NAME>-<key>/`` (holding ``source/``) and return it.

    The tree is built in a temporary folder beside it and renamed into place, so a racing process
    sees either no tree or a whole one. Logs the time taken (seconds) at INFO.
    """
    target = (cache or cache_dir()) / f"{MIRROR_NAME}-{unpack_key(root)}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        for name in TARS:
            with tarfile.open(root / name) as tar:
                tar.extractall(scratch, filter="data")
        os.rename(scratch, target)
    except OSError:
        if not target.is_dir():  # not a lost race with another process: a real failure
            raise
        log.info("%s was unpacked by another process meanwhile", target)
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    log.info("unpacked %s into %s in %.1f s", MIRROR_NAME, target, time.perf_counter() - started)
    return target


def query_params(query: str) -> tuple[tuple[str, str], ...]:
    """A query string as a sorted tuple of decoded (name, value) pairs, blanks kept: order-insensitive."""
    return tuple(sorted(parse_qsl(query, keep_blank_values=True)))


class MirrorIndex:
    """Original URL (path and query, host dropped) to mirror file, and back, from the two manifests."""

    def __init__(self) -> None:
        self.by_url: dict[str, str] = {}  # "/path?query" -> "source/....html"
        self.by_params: dict[tuple[str, tuple], str] = {}  # (path, query_params) -> mirror path
        self.originals: dict[str, str] = {}  # mirror path -> "/path?query"
        self.article_names: dict[str, str] = {}  # assetEntryId -> "<id>-<urlTitle>.html"
        self.articles: dict[tuple[str, str], str] = {}  # (page folder, assetEntryId) -> mirror path

    @classmethod
    def load(cls, root: Path) -> MirrorIndex:
        """Read ``pages.jsonl.gz`` and ``articles.jsonl.gz``; rows whose ``mirrored_from`` is null
        are left out."""
        index = cls()
        for name in MANIFESTS:
            with gzip.open(root / name, "rt", encoding="utf-8") as lines:
                for row in map(json.loads, lines):
                    if row["mirrored_from"]:
                        index.add(row["mirror_path"], row["mirrored_from"])
        return index

    def add(self, mirror_path: str, mirrored_from: str) -> None:
        """Index one file: ``mirrored_from`` is ``host/path[?query]`` without a scheme."""
        original = "/" + mirrored_from.partition("/")[2]
        path, _, query = original.partition("?")
        self.by_url[original] = mirror_path
        if query:
            self.by_params[path, query_params(query)] = mirror_path
        self.originals[mirror_path] = original
        article = ARTICLE_FILE.search(path)
        if article and not query:
            self.article_names.setdefault(article["id"], article[0].rpartition("/")[2])
            self.articles.setdefault((path[: article.start()], article["id"]), mirror_path)

    def full_article_path(self, path: str) -> str | None:
        """A site path in an article folder whose file name HTTrack cut short (``<id>-<slug start>``,
        maybe ``.<hash>.<cut extension>``, no ``.html``), with the name of a held copy of that article."""
        article = ARTICLE_FILE.search(path)
        if not article or path.endswith(".html") or article["id"] not in self.article_names:
            return None
        return f"{path.rpartition('/')[0]}/{self.article_names[article['id']]}"

    def article(self, path: str) -> str | None:
        """The held copy of the article a view_content path names under the same page folder,
        whatever its slug: Liferay finds the article by its id, the slug is decoration."""
        article = ARTICLE_FILE.search(path)
        return self.articles.get((path[: article.start()], article["id"])) if article else None

    def find(self, path: str, query: str = "") -> str | None:
        """The mirror path for a decoded URL path and a raw query: the query exactly as
        ``mirrored_from`` has it first, then as a set of parameters in any order."""
        exact = self.by_url.get(f"{path}?{query}" if query else path)
        if exact or not query:
            return exact
        return self.by_params.get((path, query_params(query)))


def strip_httrack(text: str) -> str:
    """A page without HTTrack's ``<!-- Mirrored from … -->`` comments and its ``Added by HTTrack`` block."""
    return HTTRACK_MARKS.sub("", text)


def unmangle(path: str, has_query: bool) -> str:
    """The site path HTTrack saved as ``path`` when the file is not in the index.

    ``<name><4 hex>.<ext>`` with a query was ``<name>?query`` (``<name>.<ext>`` for css, js, jsp and
    article pages), and so was ``<name><4 hex>`` (a file HTTrack never fetched) unless ``<name>`` is
    all hex, as uuids in document URLs are; a plain ``x.html`` was the extension-less page ``x``,
    except article pages; an article name cut short (``<id>-<slug start>[.<hash>[.<cut extension>]]``)
    gets its ``.html`` back.
    """
    head, _, name = path.rpartition("/")
    article = ARTICLE_DIR in head
    if not has_query and ARTICLE_FILE.search(path) and not name.endswith(".html"):
        return f"{head}/{CUT_TAIL.sub('', name)}.html"
    hashed = HTTRACK_NAME.match(name) if has_query else None
    if hashed and (hashed["ext"] or not HEX_ONLY.match(hashed["stem"])):
        ext = (hashed["ext"] or "").lower()
        keep = ext in KEEP_EXTENSIONS or (ext == "html" and article)
        return f"{head}/{hashed['stem']}" + (f".{hashed['ext']}" if keep else "")
    if name.endswith(".html") and not article:
        return f"{head}/{name[:-5]}"
    return path


def local_link(value: str, page: str, index: MirrorIndex) -> str | None:
    """A relative link in the mirror file ``page`` as the site's URL (None: leave it as it is).

    Files in the index become their original path and query; an article file name HTTrack cut short
    gets the full name of a held copy of that article; other files under ``source/`` are unmangled;
    HTTrack's sibling folders for other hosts (``../host/...``) become ``http://host/...``.
    """
    rest, hash_mark, fragment = value.partition("#")
    path, query_mark, query = rest.partition("?")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
    if target in index.originals:
        return index.originals[target] + hash_mark + fragment
    tail = query_mark + query + hash_mark + fragment
    if target.startswith(TREE_TOP):
        site_path = target[len(TREE_TOP) - 1:]
        site_path = (not query and index.full_article_path(site_path)) or unmangle(site_path, bool(query))
        return quote(site_path, safe=URL_SAFE) + tail
    host, _, elsewhere = target.partition("/")
    if "." not in host or host.startswith("."):
        return None
    return f"http://{host}" + quote(unmangle("/" + elsewhere, bool(query)), safe=URL_SAFE) + tail


def original_link(value: str, page: str, index: MirrorIndex) -> str | None:
    """The URL a link (attribute value, entities decoded) had on the live site, path-absolute for the
    site itself; None for links that stay as they are (other hosts, ``#``, ``javascript:``, ``mailto:``)."""
    if not value or KEEP_AS_IS.search(value):
        return None
    site = SITE.match(value)
    if site:
        rest = value[site.end():]
        return rest if rest.startswith("/") else "/" + rest
    if SCHEME.match(value) or value.startswith("/"):
        return None
    return local_link(value, page, index)


def rewrite_links(text: str, page: str, index: MirrorIndex) -> str:
    """``href``, ``src``, ``action`` and link-like ``value`` attributes of mirror file ``page`` turned
    back into the site's URLs (see ``original_link``), written double-quoted and HTML-escaped."""

    def replace(match: re.Match) -> str:
        raw = next(match[group] for group in ("dq", "sq", "bare") if match[group] is not None)
        value = html.unescape(raw)
        if match["name"].lower() == "value" and not LINKISH_VALUE.match(value):
            return match[0]
        link = original_link(value, page, index)
        return match[0] if link is None else f'{match["name"]}{match["eq"]}"{html.escape(link)}"'

    return ATTRIBUTE.sub(replace, text)


def render_page(tree: Path, page: str, index: MirrorIndex) -> bytes:
    """The mirror file ``page`` (a ``mirror_path``) as the site served it: UTF-8 bytes, HTTrack's marks
    removed and links rewritten."""
    text = (tree / page).read_text(encoding="utf-8")
    return rewrite_links(strip_httrack(text), page, index).encode("utf-8")


class MirrorPortal:
    """The mirror served as sotttt.hanoi.gov.vn on 127.0.0.1; a context manager, or start()/stop().

    ``hits`` records (path with query, status) of every request; ``fallbacks`` counts locale-free
    URLs answered from their ``/vi/`` copy.
    """

    def __init__(self, root: Path, port: int = 0, cache: Path | None = None):
        self.root = root
        self.requested_port = port
        self.cache = cache
        self.hits: list[tuple[str, int]] = []
        self.fallbacks = 0
        self.index = MirrorIndex()
        self.tree: Path | None = None
        self.server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self._render = functools.lru_cache(maxsize=RENDERED_PAGES)(self._render_uncached)

    def start(self) -> MirrorPortal:
        """Unpack (once per cache), load the index and serve in a daemon thread on a free port."""
        self.tree = unpack_mirror(self.root, self.cache)
        self.index = MirrorIndex.load(self.root)
        self.server = ThreadingHTTPServer((LOOPBACK, self.requested_port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down and release its port."""
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self) -> MirrorPortal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Origin of the served site, ``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def url(self, target: str) -> str:
        """Absolute loopback URL of a path with query (``/vi/tin-tuc-su-kien?...``)."""
        return self.base_url + target

    def answer(self, target: str) -> tuple[int, bytes]:
        """Status and body for a request target (path and query, as sent), and record the hit."""
        page = self._page_for(target)
        status, body = (200, self._render(page)) if page else (404, NOT_FOUND)
        with self._lock:
            self.hits.append((target, status))
        return status, body

    def _page_for(self, target: str) -> str | None:
        """The mirror path answering ``target``, falling back to the ``/vi/`` copy of a locale-free URL."""
        parts = urlsplit(target)
        path = unquote(parts.path) or "/"
        page = self.index.find(path, parts.query) or self._by_article_id(path, parts.query)
        if page or not path.startswith("/") or path.split("/")[1] in LOCALES:
            return page
        fallback = f"/{DEFAULT_LOCALE}{path}"
        page = self.index.find(fallback, parts.query) or self._by_article_id(fallback, parts.query)
        if page:
            with self._lock:
                self.fallbacks += 1
            log.info("locale fallback: %s answered from /%s/ (%s)", target, DEFAULT_LOCALE, page)
        return page

    def _by_article_id(self, path: str, query: str) -> str | None:
        """The copy of a view_content article under this page folder with another slug (HTTrack
        cut long ones short), as Liferay answers any slug after the id; logged."""
        page = None if query else self.index.article(path)
        if page:
            log.info("article by id: %s answered from %s", path, page)
        return page

    def _render_uncached(self, page: str) -> bytes:
        """One page rendered for serving (cached by the LRU in ``_render``)."""
        return render_page(self.tree, page, self.index)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """A request handler class bound to this portal."""
        portal = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Apache-Coyote/1.1"

            def do_GET(self) -> None:
                self._reply(with_body=True)

            def do_HEAD(self) -> None:
                self._reply(with_body=False)

            def _reply(self, with_body: bool) -> None:
                status, body = portal.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:
                """Stay quiet: the hit log replaces the access log."""

        return Handler


def main(argv: list[str] | None = None) -> int:
    """Serve the mirror in the foreground and print its base URL; Ctrl-C stops it. Exit code 1 when
    the mirror is absent. Example: ``python -m sampleportal.mirror --port 8062``."""
    parser = argparse.ArgumentParser(prog="python -m sampleportal.mirror", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    root = realworld_root()
    if root is None:
        parser.exit(1, "error: the mirror is absent (../shared/realworld or $BANTIN_REALWORLD)\n")
    with MirrorPortal(root, port=args.port) as portal:
        print(portal.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
