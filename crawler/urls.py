"""URLs of the Hanoi portals: one form per page, the links never to follow, and resolving links.

One article is reachable under many page paths, with locale prefixes, ``/web/guest``, state
suffixes and noise parameters; :func:`normalize_url` strips what never changes the page. Each
page family reads its article identifiers from a URL in its own module (``crawler/pages/``) into
an :class:`ArticleRef`; ``crawler.pages.registry`` asks them in turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# A Liferay portlet state appended to a friendly article path: the same page.
STATE_SUFFIX = r"(?:/(?P<state>maximized|normal|pop_up|exclusive))?/?$"
ASSET_PUBLISHER_STATE = re.compile(r"/-/asset_publisher/.+?(/(?:maximized|normal|pop_up|exclusive))/?$")
LISTING_PATHS = re.compile(r"/trang-\d+\.htm$|/page/\d+/?$")
LISTING_PARAMS = ("page", "trang", "p")
HOME_PATHS = frozenset(("", "/trang-chu", "/home", "/index", "/index.html", "/index.php", "/default.aspx",
                        "/web/guest", "/web/guest/home", "/trang-chu.htm"))
PATH_PREFIXES = re.compile(r"^(?:/(?:en|en_US|vi|vi_VN))?(?:/web/guest)?(?=/|$)")
NOISE_PARAMS = ("redirect", "p_p_col_id", "p_p_col_pos", "p_p_col_count", "inheritRedirect",
                "p_r_p_564233524_resetCur", "backURL")
NEVER_FOLLOW_PATHS = ("/c/portal/update_language", "/c/portal/login", "/c/portal/logout",
                      "/c/journal/get_latest_articles", "/c/asset_publisher/get_rss")
NEVER_FOLLOW_PARAMS = {
    "p_p_lifecycle": {"1", "2"},
    "p_p_state": {"pop_up", "exclusive"},
    "viewMode": {"print"},
}
NEVER_FOLLOW_KEYS = ("languageId", "p_p_resource_id")
# Crawler traps of relative links resolved against an article URL: a friendly path nested in
# another (``…/-/view_content/…/-/view_content/…``) or a locale prefix repeated (``/en/en/``).
NESTED_FRIENDLY_PATH = re.compile(r"/-/.*/-/")
REPEATED_LOCALE = re.compile(r"^/(?:en|en_US|vi|vi_VN)/(?:en|en_US|vi|vi_VN)(?:/|$)")
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip",
                       ".rar", ".7z", ".odt", ".ods")
# The URL functions are pure and a portal repeats its menus and related lists on every page:
# each remembers its latest answers (URLs are short; a few thousand cost a few MB at most).
URL_CACHE_SIZE = 8192
SCHEME = r"[a-zA-Z][a-zA-Z0-9+.-]*:"
ORIGIN = re.compile(SCHEME + r"//[^/?#]*")
# An href that urljoin resolves without the page's path: path-absolute, naming a host, or of a
# scheme that is never the page's own (kept as written).
PATH_FREE_HREF = re.compile(rf"/(?!/)|(?:{SCHEME})?//[^/?#]|(?i:javascript|mailto|tel):")


@dataclass(frozen=True)
class ArticleRef:
    """Identifiers of an article as read from one of its URLs, and the family of that URL form.

    ``number`` is the numeric id of the view_content and 2025 CMS families (a string of digits).
    """

    url_title: str | None = None
    group_id: int | None = None
    asset_entry_id: int | None = None
    instance: str | None = None
    family: str = "liferay6"
    number: str | None = None


def query_value(pairs: list[tuple[str, str]], suffix: str) -> str | None:
    """Value of the first ``_101…_<suffix>`` parameter (any portlet namespace) among ``pairs``."""
    for key, value in pairs:
        if key.startswith("_101") and key.endswith("_" + suffix):
            return value
    return None


def as_int(value: str | None) -> int | None:
    """``int(value)`` for a string of digits, else ``None``."""
    return int(value) if value and value.isdigit() else None


@lru_cache(maxsize=URL_CACHE_SIZE)
def normalize_url(url: str) -> str:
    """The same page without locale prefix, ``/web/guest``, state suffix or noise parameters."""
    parts = urlsplit(url)
    path = PATH_PREFIXES.sub("", parts.path) or "/"
    match = ASSET_PUBLISHER_STATE.search(path)
    if match:
        path = path[: match.start(1)]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_noise(k)]
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


def _is_noise(key: str) -> bool:
    """True for parameters that never change which content a page shows."""
    return key in NOISE_PARAMS or any(key.endswith("_" + noise) for noise in NOISE_PARAMS)


@lru_cache(maxsize=URL_CACHE_SIZE)
def never_follow(url: str) -> bool:
    """True for links a polite archiver must not follow: language switches, login, RSS, print,
    pop-ups, action and resource URLs, non-HTTP schemes, and the traps of nested friendly paths
    and repeated locale prefixes."""
    lowered = url.strip().lower()
    if lowered.startswith(SKIPPED_SCHEMES):
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True
    if any(marker in parts.path for marker in NEVER_FOLLOW_PATHS) or parts.path.endswith("/rss"):
        return True
    if NESTED_FRIENDLY_PATH.search(parts.path) or REPEATED_LOCALE.match(parts.path):
        return True
    if "/pop_up/" in parts.path or "/exclusive/" in parts.path:
        return True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        plain = key.rsplit("_", 1)[-1] if key.startswith("_") else key  # _101_viewMode → viewMode
        if key in NEVER_FOLLOW_KEYS or NEVER_FOLLOW_PARAMS.get(plain, set()) & {value}:
            return True
    return False


@lru_cache(maxsize=URL_CACHE_SIZE)
def is_listing_page(url: str) -> bool:
    """True for a further page of a listing: ``…_cur=N``, ``page=N`` or ``/trang-N.htm``."""
    parts = urlsplit(url)
    if LISTING_PATHS.search(parts.path):
        return True
    return any(key.endswith("_cur") or (key in LISTING_PARAMS and value.isdigit())
               for key, value in parse_qsl(parts.query))


def is_listing_url(url: str) -> bool:
    """True for the URL of a site's home page (``/``, ``/trang-chu``, ``/home``, ``/index``…) or
    of a further page of a listing (see :func:`is_listing_page`): never an article."""
    path = PATH_PREFIXES.sub("", urlsplit(url).path).rstrip("/").lower()
    return path in HOME_PATHS or is_listing_page(url)


def absolute_url(base_url: str, href: str) -> str:
    """``href`` resolved against the page at ``base_url``, as ``urljoin`` does.

    A path-absolute ``href`` (``/tin-tuc/...``), one naming a host (``//host/...``,
    ``https://host/...``) or a ``javascript:``/``mailto:``/``tel:`` link depends only on the
    page's origin, not its path, so its answer is remembered per origin: menus and related lists
    repeat on every page of a site.
    """
    origin = ORIGIN.match(base_url)
    if origin and PATH_FREE_HREF.match(href):
        return _joined_on_origin(origin.group(), href)
    return urljoin(base_url, href)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _joined_on_origin(origin: str, href: str) -> str:
    """``urljoin`` of an ``href`` matching PATH_FREE_HREF on a page of ``origin``
    (``scheme://host[:port]``)."""
    return urljoin(origin + "/", href)


def is_document(url: str) -> bool:
    """True for a link to an attached document (``/documents/…`` or an office/PDF file)."""
    path = urlsplit(url).path.lower()
    return path.startswith("/documents/") or path.endswith(DOCUMENT_EXTENSIONS)
