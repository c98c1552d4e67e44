"""Liferay 6.2 Asset Publisher article pages (friendly and query-string URLs).

Stock markup: ``div.asset-full-content > div.asset-content > div.journal-content-article``, the
title in a header taglib (``h3.header-title``) or the site's own template, the category in the
portlet title. The date line, credits and office are the sites' own template, found by text.
Identity is the site plus the urlTitle, plus the groupId when a URL names another group's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from crawler.pages.base import TemplateArticlePage
from crawler.urls import STATE_SUFFIX, ArticleRef, as_int, query_value

FAMILY = "liferay6"
ARTICLE_URL = re.compile(
    r"/-/asset_publisher/(?P<instance>[^/]+)/content/(?P<url_title>[^/?#]+)(?:/(?P<group_id>\d+))?"
    + STATE_SUFFIX
)
QUERY_ARTICLE_ACTION = "/asset_publisher/view_content"
MARKERS = ("div.asset-full-content",)


def read_url(path: str, query: str) -> ArticleRef | None:
    """The article's identifiers from a friendly path (locale prefix removed) or from the
    ``p_p_id=101…&_101_urlTitle=…`` query string, or ``None``."""
    match = ARTICLE_URL.search(path)
    if match and match.group("url_title") != "id":
        return ArticleRef(
            url_title=unquote(match.group("url_title")),
            group_id=as_int(match.group("group_id")),
            asset_entry_id=as_int(query_value(parse_qsl(query), "assetEntryId")),
            instance=match.group("instance"),
        )
    return _query_form(query)


def _query_form(query: str) -> ArticleRef | None:
    """The identifiers of a ``p_p_id=101…`` query-string article URL, or ``None``."""
    if "p_p_id" not in query:
        return None
    pairs = parse_qsl(query)
    portlet = dict(pairs).get("p_p_id", "")
    if not portlet.startswith("101"):
        return None
    action = query_value(pairs, "struts_action")
    url_title = query_value(pairs, "urlTitle")
    if not url_title or (action and action != QUERY_ARTICLE_ACTION):
        return None
    instance = portlet.split("_INSTANCE_", 1)[1] if "_INSTANCE_" in portlet else None
    return ArticleRef(
        url_title=url_title,
        group_id=as_int(query_value(pairs, "groupId")),
        asset_entry_id=as_int(query_value(pairs, "assetEntryId")),
        instance=instance,
    )


def identity(site: str, ref: ArticleRef, home_group_id: int | None = None) -> str:
    """Archive key: ``site:urlTitle``, with ``:groupId`` for another group's article (a groupId
    equal to the site's own, ``home_group_id``, is the same article as one without it)."""
    if ref.group_id is not None and ref.group_id != home_group_id:
        return f"{site}:{ref.url_title}:{ref.group_id}"
    return f"{site}:{ref.url_title}"


class ArticlePage(TemplateArticlePage):
    """An article view of a Liferay 6 Asset Publisher."""

    FAMILY = FAMILY
    VERSION = "2"
    CONTAINERS = ("div.asset-full-content", "div.journal-content-article")
    TITLE_SELECTORS = ("h3.header-title", ".asset-full-content .header-title", ".asset-title")
    CATEGORY_SELECTORS = (".portlet-title-text", ".portlet-title")
