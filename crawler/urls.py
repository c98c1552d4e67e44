"""Article identity from any URL form of the Hanoi portals, and the links never to follow.

One article is reachable under many page paths, in a friendly and a query-string form, with locale
prefixes, ``/web/guest``, state suffixes and noise parameters; :func:`parse_article_ref` reads the
identifiers they share (and the page family the URL belongs to) and :func:`article_id` turns them
into the archive key:

- Liferay 6 Asset Publisher: ``site:urlTitle`` (``:groupId`` for another group's article);
- vendor view_content: ``site:view_content:<numericId>``;
- Liferay 7: ``site:asset:<assetEntryId>``;
- 2025 ward/city CMS: ``site:cms:<long id>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

FRIENDLY_ARTICLE = re.compile(
    r"/-/asset_publisher/(?P<instance>[^/]+)/content/(?P<url_title>[^/?#]+)"
    r"(?:/(?P<group_id>\d+))?(?:/(?P<state>maximized|normal|pop_up|exclusive))?/?$"
)
VIEW_CONTENT_ARTICLE = re.compile(r"/-/view_content/(?P<number>\d+)-(?P<slug>[^/?#]*?)\.html?$")
LIFERAY7_ARTICLE = re.compile(
    r"/-/asset_publisher/(?P<instance>[^/]+)/content/id/(?P<asset_entry_id>\d+)"
    r"(?:/(?P<state>maximized|normal|pop_up|exclusive))?/?$"
)
CMS2025_ARTICLE = re.compile(r"^/(?P<category>[^/]+)/(?P<slug>[^/]+?)-(?P<number>\d{16,19})\.htm$")
LISTING_PATHS = re.compile(r"/trang-\d+\.htm$|/page/\d+/?$")
LISTING_PARAMS = ("page", "trang", "p")
PATH_PREFIXES = re.compile(r"^(?:/(?:en|en_US|vi|vi_VN))?(?:/web/guest)?(?=/|$)")
QUERY_ARTICLE_ACTION = "/asset_publisher/view_content"
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


@lru_cache(maxsize=URL_CACHE_SIZE)
def parse_article_ref(url: str) -> ArticleRef | None:
    """Read the article identifiers and page family from an article URL; ``None`` otherwise.

    Liferay 6 accepts the friendly form ``/<page>/-/asset_publisher/<inst>/content/<urlTitle>
    [/<groupId>]`` and the ``p_p_id=101`` query-string form; the other families their one form.
    """
    parts = urlsplit(url)
    path = PATH_PREFIXES.sub("", parts.path)
    for family, pattern in (("view_content", VIEW_CONTENT_ARTICLE), ("liferay7", LIFERAY7_ARTICLE),
                            ("cms2025", CMS2025_ARTICLE)):
        match = pattern.search(path)
        if match:
            return _family_ref(family, match)
    match = FRIENDLY_ARTICLE.search(path)
    if match and match.group("url_title") != "id":
        return ArticleRef(
            url_title=unquote(match.group("url_title")),
            group_id=_int(match.group("group_id")),
            asset_entry_id=_int(_query_value(parse_qsl(parts.query), "assetEntryId")),
            instance=match.group("instance"),
        )
    return _query_form_ref(parts.query)


def _family_ref(family: str, match: re.Match) -> ArticleRef:
    """The ArticleRef of a view_content, Liferay 7 or 2025 CMS URL match."""
    groups = match.groupdict()
    return ArticleRef(
        url_title=unquote(groups["slug"]) if groups.get("slug") else None,
        asset_entry_id=_int(groups.get("asset_entry_id")),
        instance=groups.get("instance"),
        family=family,
        number=groups.get("number"),
    )


def _query_form_ref(query: str) -> ArticleRef | None:
    """The ArticleRef of a ``p_p_id=101…`` query-string article URL, or ``None``."""
    if "p_p_id" not in query:
        return None
    pairs = parse_qsl(query)
    portlet = dict(pairs).get("p_p_id", "")
    if not portlet.startswith("101"):
        return None
    action = _query_value(pairs, "struts_action")
    url_title = _query_value(pairs, "urlTitle")
    if not url_title or (action and action != QUERY_ARTICLE_ACTION):
        return None
    instance = portlet.split("_INSTANCE_", 1)[1] if "_INSTANCE_" in portlet else None
    return ArticleRef(
        url_title=url_title,
        group_id=_int(_query_value(pairs, "groupId")),
        asset_entry_id=_int(_query_value(pairs, "assetEntryId")),
        instance=instance,
    )


def _query_value(pairs: list[tuple[str, str]], suffix: str) -> str | None:
    """Value of the first ``_101…_<suffix>`` parameter (any portlet namespace) among ``pairs``."""
    for key, value in pairs:
        if key.startswith("_101") and key.endswith("_" + suffix):
            return value
    return None


def _int(value: str | None) -> int | None:
    """``int(value)`` for a string of digits, else ``None``."""
    return int(value) if value and value.isdigit() else None


def article_id(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key of an article of ``site`` (see the module docstring for the forms).

    For Liferay 6 a groupId equal to the site's own (``home_group_id``) is the same article as one
    without it.
    """
    if ref.family == "view_content":
        return f"{site}:view_content:{ref.number}"
    if ref.family == "liferay7":
        return f"{site}:asset:{ref.asset_entry_id}"
    if ref.family == "cms2025":
        return f"{site}:cms:{ref.number}"
    if ref.group_id is not None and ref.group_id != home_group_id:
        return f"{site}:{ref.url_title}:{ref.group_id}"
    return f"{site}:{ref.url_title}"


@lru_cache(maxsize=URL_CACHE_SIZE)
def normalize_url(url: str) -> str:
    """The same page without locale prefix, ``/web/guest``, state suffix or noise parameters."""
    parts = urlsplit(url)
    path = PATH_PREFIXES.sub("", parts.path) or "/"
    for pattern in (FRIENDLY_ARTICLE, LIFERAY7_ARTICLE):
        match = pattern.search(path)
        if match and match.group("state"):
            path = path[: match.start("state") - 1]
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
