"""Article identity from any URL form of a Liferay 6 portal, and the links a crawler must never follow.

One article is reachable under many page paths, in a friendly and a query-string form, with locale
prefixes, ``/web/guest``, state suffixes and noise parameters; :func:`parse_article_ref` reads the
identifiers they share and :func:`article_id` turns them into the archive key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

FRIENDLY_ARTICLE = re.compile(
    r"/-/asset_publisher/(?P<instance>[^/]+)/content/(?P<url_title>[^/?#]+)"
    r"(?:/(?P<group_id>\d+))?(?:/(?P<state>maximized|normal|pop_up|exclusive))?/?$"
)
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
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip",
                       ".rar", ".7z", ".odt", ".ods")


@dataclass(frozen=True)
class ArticleRef:
    """Liferay identifiers of an article as read from one of its URLs."""

    url_title: str
    group_id: int | None = None
    asset_entry_id: int | None = None
    instance: str | None = None


def parse_article_ref(url: str) -> ArticleRef | None:
    """Read urlTitle, groupId, assetEntryId and portlet instance from an article URL.

    Accepts the friendly form ``/<page>/-/asset_publisher/<inst>/content/<urlTitle>[/<groupId>]``
    and the ``p_p_id=101`` query-string form; returns ``None`` for any other URL.
    """
    parts = urlsplit(url)
    match = FRIENDLY_ARTICLE.search(parts.path)
    if match and match.group("url_title") != "id":
        return ArticleRef(
            url_title=unquote(match.group("url_title")),
            group_id=_int(match.group("group_id")),
            asset_entry_id=_int(_query_value(parts.query, "assetEntryId")),
            instance=match.group("instance"),
        )
    return _query_form_ref(parts.query)


def _query_form_ref(query: str) -> ArticleRef | None:
    """The ArticleRef of a ``p_p_id=101…`` query-string article URL, or ``None``."""
    params = dict(parse_qsl(query))
    portlet = params.get("p_p_id", "")
    if not portlet.startswith("101"):
        return None
    action = _query_value(query, "struts_action")
    url_title = _query_value(query, "urlTitle")
    if not url_title or (action and action != QUERY_ARTICLE_ACTION):
        return None
    instance = portlet.split("_INSTANCE_", 1)[1] if "_INSTANCE_" in portlet else None
    return ArticleRef(
        url_title=url_title,
        group_id=_int(_query_value(query, "groupId")),
        asset_entry_id=_int(_query_value(query, "assetEntryId")),
        instance=instance,
    )


def _query_value(query: str, suffix: str) -> str | None:
    """Value of the first ``_101…_<suffix>`` parameter (any portlet namespace) in ``query``."""
    for key, value in parse_qsl(query):
        if key.startswith("_101") and key.endswith("_" + suffix):
            return value
    return None


def _int(value: str | None) -> int | None:
    """``int(value)`` for a string of digits, else ``None``."""
    return int(value) if value and value.isdigit() else None


def article_id(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key ``site:urlTitle``, with ``:groupId`` when the article is from another group.

    A groupId equal to the site's own (``home_group_id``) is the same article as one without.
    """
    if ref.group_id is not None and ref.group_id != home_group_id:
        return f"{site}:{ref.url_title}:{ref.group_id}"
    return f"{site}:{ref.url_title}"


def normalize_url(url: str) -> str:
    """The same page without locale prefix, ``/web/guest``, state suffix or noise parameters."""
    parts = urlsplit(url)
    path = PATH_PREFIXES.sub("", parts.path) or "/"
    match = FRIENDLY_ARTICLE.search(path)
    if match and match.group("state"):
        path = path[: match.start("state") - 1]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_noise(k)]
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


def _is_noise(key: str) -> bool:
    """True for parameters that never change which content a page shows."""
    return key in NOISE_PARAMS or any(key.endswith("_" + noise) for noise in NOISE_PARAMS)


def never_follow(url: str) -> bool:
    """True for links a polite archiver must not follow: language switches, login, RSS, print,
    pop-ups, action and resource URLs, and non-HTTP schemes."""
    lowered = url.strip().lower()
    if lowered.startswith(SKIPPED_SCHEMES):
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True
    if any(marker in parts.path for marker in NEVER_FOLLOW_PATHS) or parts.path.endswith("/rss"):
        return True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in NEVER_FOLLOW_KEYS or NEVER_FOLLOW_PARAMS.get(key, set()) & {value}:
            return True
    return False


def is_listing_page(url: str) -> bool:
    """True for a listing page URL of an asset publisher (``…_cur=N`` pagination)."""
    return any(key.endswith("_cur") for key, _ in parse_qsl(urlsplit(url).query))


def is_document(url: str) -> bool:
    """True for a link to an attached document (``/documents/…`` or an office/PDF file)."""
    path = urlsplit(url).path.lower()
    return path.startswith("/documents/") or path.endswith(DOCUMENT_EXTENSIONS)
