"""Routing of the sample portal: which page a path and query string answer with.

Besides articles and listings the portal serves what a crawler meets on real portals: the same
article under other page paths, locale prefixes and state suffixes, a page deleted behind a 200
error message, a page with no date, a 404, a robots-disallowed area, and trap links (language
switch, login, RSS, print, pop-ups, actions) that a polite crawler must never request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs

from sampleportal import families, files, render
from sampleportal.content import Category, Site, load_site
from sampleportal.timeline import Timeline

LOCALE_PREFIX = re.compile(r"^(?P<locale>/(?:en|en_US|vi|vi_VN))?(?:/web/guest)?(?=/|$)")
ARTICLE_PATH = re.compile(
    r"^/(?P<page>[^/]+)/-/asset_publisher/(?P<instance>[^/]+)/content/(?P<url_title>[^/]+)"
    r"(?:/(?P<group_id>\d+))?(?:/(?P<state>maximized|normal|pop_up))?/?$"
)
ROBOTS = "User-agent: *\nDisallow: /c/\nDisallow: /private/\nDisallow: /*?p_p_lifecycle=1\n"
TRAP_MARKERS = ("/c/", "languageId=", "viewMode=print", "p_p_lifecycle=1", "p_p_lifecycle=2",
                "p_p_state=pop_up", "/rss", "/private/")
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"

# Listing entries that lead to pages which are not articles: (site, category, urlTitle, kind).
BROKEN_ENTRIES = (
    ("hoankiem", "cai-cach-hanh-chinh", "bai-viet-da-go", "error_page"),
    ("hoankiem", "tin-tuc-su-kien", "tin-da-xoa", "not_found"),
    ("longbien", "an-sinh-xa-hoi", "thong-bao-nhap", "no_date"),
)
PRIVATE_ENTRY = ("hoankiem", "tin-tuc-su-kien", "/private/-/asset_publisher/Pr1v4te0/content/noi-bo")
FOREIGN_ENTRY = ("longbien", "tin-hoat-dong", "hoankiem", "hk-seed")


@dataclass
class Reply:
    """An HTTP answer: status, content type and body bytes."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None
    retry_after: int | None = None


# Sites served in a legacy single-byte charset instead of UTF-8.
CHARSETS = {"caugiay": "windows-1258"}


def is_trap(path_and_query: str) -> bool:
    """True for a URL the crawler must never request (used by tests to audit the hit log)."""
    return any(marker in path_and_query for marker in TRAP_MARKERS)


def respond(site_key: str, path: str, query: str, sister_origin: str | None = None,
            timeline: Timeline | None = None, crawl_delay: float | None = None) -> Reply:
    """The reply of site ``site_key`` to a GET of ``path`` with ``query``.

    ``sister_origin`` is the site's second host (``http://localhost:PORT``): some longbien links
    point there, as real pages link a district's sister host. ``timeline`` makes the portal
    change between crawls; ``crawl_delay`` is announced in robots.txt.
    """
    timeline = timeline or Timeline()
    site = timeline.site(site_key)
    if path == "/robots.txt":
        delay = f"Crawl-delay: {crawl_delay}\n" if crawl_delay else ""
        return Reply(200, "text/plain; charset=utf-8", (ROBOTS + delay).encode())
    if path.startswith("/documents/"):
        return _document(site, path)
    locale_match = LOCALE_PREFIX.match(path)
    locale = "en" if (locale_match.group("locale") or "").startswith("/en") else "vi"
    path = path[locale_match.end():] or "/"
    if path.startswith("/c/") or path.endswith("/rss") or path in ("/gioi-thieu", "/tim-kiem"):
        return _html(200, render.page(site, "Trang", "<p>Trang tiện ích.</p>"))
    if site.family != "liferay6":
        return _family_reply(site, path, query)
    if sister_origin and site.key == "longbien":
        return _with_sister_links(_liferay6_reply(site, path, query, locale, timeline), sister_origin)
    return _liferay6_reply(site, path, query, locale, timeline)


def _liferay6_reply(site: Site, path: str, query: str, locale: str, timeline: Timeline) -> Reply:
    """Routing of the Liferay 6 sample sites."""
    article_match = ARTICLE_PATH.match(path)
    params = {k: v[0] for k, v in parse_qs(query).items()}
    url_title = article_match.group("url_title") if article_match else params.get("_101_urlTitle")
    redirect = timeline.redirect(site.key, url_title) if url_title else None
    if redirect:
        return Reply(301, "text/html; charset=utf-8", b"", location=redirect)
    if article_match:
        return _article_reply(site, url_title, article_match.group("group_id"), locale, timeline)
    if url_title:
        return _article_reply(site, url_title, None, locale, timeline)
    return _listing_or_home(site, path.strip("/"), params)


def _family_reply(site: Site, path: str, query: str) -> Reply:
    """Routing of the view_content, Liferay 7 and 2025 CMS sample sites."""
    found = families.route(site, path, query)
    if found is None:
        return _html(404, render.page(site, "404", "<h1>Không tìm thấy trang</h1>"), CHARSETS.get(site.key))
    kind, value = found
    if kind == "home":
        markup = families.home_page(site)
    elif kind == "listing":
        markup = families.listing_page(site, *value)
    else:
        markup = families.article_page(site, *value)
        markup = render.decompose(markup) if value[1]["nfd"] else markup
    return _html(200, markup, CHARSETS.get(site.key))


def _with_sister_links(reply: Reply, sister_origin: str) -> Reply:
    """Point the mobile cards and the first title at the sister host, as the real pages do."""
    body = reply.body.replace(b'<div class="card"><a href="/vi/',
                              f'<div class="card"><a href="{sister_origin}/vi/'.encode())
    body = body.replace(b'<ul class="title-list"><li><a href="/',
                        f'<ul class="title-list"><li><a href="{sister_origin}/'.encode())
    return Reply(reply.status, reply.content_type, body)


def _listing_or_home(site: Site, key: str, params: dict) -> Reply:
    """A category listing page, the home page, or a 404."""
    if key in ("", "trang-chu"):
        return _html(200, home_page(site))
    if key not in {c.key for c in site.categories}:
        return _html(404, render.page(site, "Không tìm thấy", "<h1>Không tìm thấy trang</h1>"))
    page_number = next((int(v) for k, v in params.items() if k.endswith("_cur") and v.isdigit()), 1)
    return _html(200, listing_page(site, site.category(key), page_number))


def _article_reply(site: Site, url_title: str, group_id: str | None, locale: str,
                   timeline: Timeline) -> Reply:
    """An article page, or the failure a broken listing entry leads to."""
    broken = {entry[2]: entry[3] for entry in BROKEN_ENTRIES if entry[0] == site.key}
    kind = broken.get(url_title)
    if kind == "not_found":
        return _html(404, render.page(site, "404", "<h1>The requested resource was not found.</h1>"))
    if kind == "error_page":
        message = '<div class="portlet-msg-error">Nội dung bạn yêu cầu không tồn tại.</div>'
        return _html(200, render.page(site, "Tin tức", render.portlet(site.categories[0], message)))
    if kind == "no_date":
        return _html(200, draft_page(site))
    owner = site
    if group_id and int(group_id) != site.group_id:
        owner = next((load_site(k) for k in ("hoankiem", "longbien")
                      if load_site(k).group_id == int(group_id)), None)
    article = owner.article(url_title) if owner else None
    if article is None:
        return _html(404, render.page(site, "404", "<h1>The requested resource was not found.</h1>"))
    article = timeline.visit(owner.key, article)
    markup = article_page(site, owner, article, locale)
    return _html(200, render.decompose(markup) if article["nfd"] else markup)


def home_page(site: Site) -> str:
    """The home page: the newest articles across categories and links to every category."""
    newest = sorted(site.articles, key=lambda a: a["published"], reverse=True)[:6]
    home = Category("trang-chu", "Tin mới", "HomeNews0001")
    items = "".join(
        f'<li><a href="{render.friendly_url(home, a["url_title"])}">{escape(a["title"])}</a></li>'
        for a in newest
    )
    return render.page(site, "Trang chủ", render.portlet(home, f'<ul class="title-list">{items}</ul>'))


def listing_page(site: Site, category, page_number: int) -> str:
    """Page ``page_number`` of a category listing, with its page iterator."""
    articles = site.articles_in(category.key)
    pages = max(1, -(-len(articles) // render.PAGE_SIZE))
    shown = articles[(page_number - 1) * render.PAGE_SIZE : page_number * render.PAGE_SIZE]
    if site.key == "longbien":
        entries = _longbien_entries(site, category, shown)
    else:
        entries = "".join(_hoankiem_entry(category, a) for a in shown)
    if page_number == 1:
        entries += _extra_entries(site, category)
    inner = entries + render.pager(category, page_number, pages)
    return render.page(site, category.name, render.portlet(category, inner))


def _hoankiem_entry(category, article: dict) -> str:
    """An ``asset-abstract`` card with a friendly link and a "Xem thêm" link with ``redirect``."""
    link = render.friendly_url(category, article["url_title"])
    return f"""<div class="asset-abstract"><div class="asset-content">
<h3 class="asset-title"><a href="{link}">{escape(article["title"])}</a></h3>
<span class="metadata-entry metadata-publish-date">{article["published"][:10]}</span>
<div class="asset-summary">{escape(article["lead"][:160])}</div>
<div class="asset-more"><a href="{link}?redirect=%2F{category.key}">Xem thêm »</a></div>
</div></div>"""


def _longbien_entries(site: Site, category, shown: list[dict]) -> str:
    """A title list with query-string links, repeated for mobile with friendly ``/vi/`` links."""
    desktop = "".join(
        f'<li><a href="{render.query_url(category, a, site.group_id)}">{escape(a["title"])}</a>'
        f' <span class="date">({a["published"][:10]})</span></li>' for a in shown
    )
    mobile = "".join(
        f'<div class="card"><a href="/vi{render.friendly_url(category, a["url_title"])}">'
        f'{escape(a["title"])}</a></div>' for a in shown
    )
    return f'<ul class="title-list">{desktop}</ul><div class="mobile-list">{mobile}</div>'


def _extra_entries(site: Site, category) -> str:
    """Entries leading to broken, private or foreign-group pages, on the first listing page."""
    links = [render.friendly_url(category, url_title)
             for key, cat, url_title, _ in BROKEN_ENTRIES if key == site.key and cat == category.key]
    if PRIVATE_ENTRY[:2] == (site.key, category.key):
        links.append(PRIVATE_ENTRY[2])
    if FOREIGN_ENTRY[:2] == (site.key, category.key):
        owner = load_site(FOREIGN_ENTRY[2])
        article = next(a for a in owner.articles if a["key"] == FOREIGN_ENTRY[3])
        links.append(render.friendly_url(category, article["url_title"], owner.group_id))
    return "".join(f'<div class="asset-abstract"><h3 class="asset-title"><a href="{link}">Tin</a></h3></div>'
                   for link in links)


def article_page(site: Site, owner: Site, article: dict, locale: str) -> str:
    """The article view as ``site`` shows it (``owner`` is the site the article belongs to)."""
    category = site.category(article["categories"][0]) if owner is site else site.categories[0]
    body = render.article_body(owner, article, locale)
    related = _related(site, article) if owner is site else ""
    if site.key == "longbien":
        content = (f'<div class="title-news">{escape(article["title"])}</div>{body}'
                   f'<div class="tin-khac"><h4>Các tin khác</h4>{related}</div>')
        inner = _full_content("", content)
        return render.page(site, article["title"], render.portlet(category, inner, header_twice=False),
                           description=article["lead"], locale=locale)
    header = f'<h3 class="header-title"><span>{escape(article["title"])}</span></h3>'
    inner = _full_content(header, body) + f'<div class="other-news"><h4>Tin khác</h4>{related}</div>'
    return render.page(site, article["title"], render.portlet(category, inner),
                       description=article["lead"], locale=locale)


def _full_content(header: str, content: str) -> str:
    """Liferay's ``asset-full-content`` wrapper with print and share links."""
    return f"""<div class="asset-full-content default-asset-publisher show-asset-title">{header}
<div class="asset-content"><div class="journal-content-article">{content}</div></div>
<div class="asset-links"><a href="?p_p_state=pop_up&amp;viewMode=print">In bài viết</a>
<a href="javascript:window.print();">In</a><a href="mailto:?subject=tin">Gửi email</a></div></div>"""


def _related(site: Site, article: dict) -> str:
    """"Other news" links with their dates, in the URL variants real portals use."""
    category = site.category(article["categories"][0])
    others = [a for a in site.articles_in(category.key) if a["key"] != article["key"]][:3]
    items = []
    for number, other in enumerate(others):
        link = _variant_link(site, category, other, number)
        items.append(f'<li><a href="{link}">{escape(other["title"])}</a>'
                     f' <span>({other["published"][8:10]}/{other["published"][5:7]}/{other["published"][:4]})</span></li>')
    return f'<ul class="related">{"".join(items)}</ul>'


def _variant_link(site: Site, category, other: dict, number: int) -> str:
    """Another URL form of an article: locale prefix, state suffix, second category or query."""
    if site.key == "longbien":
        return render.query_url(category, other, site.group_id)
    second = other["categories"][1] if len(other["categories"]) > 1 else None
    friendly = render.friendly_url(site.category(second) if second else category, other["url_title"])
    return ("/en" + friendly, friendly + "/maximized", "/web/guest" + friendly)[number % 3]


def draft_page(site: Site) -> str:
    """An article page whose template lost its date line (not an article to archive)."""
    category = site.categories[-1]
    content = ('<div class="title-news">Thông báo nháp</div>'
               "<p>Nội dung đang được cập nhật, đề nghị bạn đọc quay lại sau để theo dõi thông tin "
               "chính thức của cơ quan.</p>")
    return render.page(site, "Thông báo nháp", render.portlet(category, _full_content("", content)))


def _document(site: Site, path: str) -> Reply:
    """The photograph or document a ``/documents/…`` path names (404 for a path without a file)."""
    found = files.file_of(path)
    if found is None:
        return _html(404, render.page(site, "Không tìm thấy", "<h1>Không tìm thấy tệp</h1>"))
    return Reply(200, *found)


def _html(status: int, markup: str, charset: str | None = None) -> Reply:
    """An HTML reply in UTF-8, or in ``charset`` (declared in the header and the page)."""
    if charset is None:
        return Reply(status, "text/html; charset=utf-8", markup.encode("utf-8"))
    markup = markup.replace("charset=UTF-8", f"charset={charset}")
    return Reply(status, f"text/html; charset={charset}", encode_cp1258(markup))


def encode_cp1258(text: str) -> bytes:
    """``text`` in windows-1258: letters it lacks are written as base letter plus combining tone."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            out.append((base + tones).encode("cp1258", errors="xmlcharrefreplace"))
    return b"".join(out)
