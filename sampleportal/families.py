"""Pages of the sample sites on the other platform families: view_content, Liferay 7, 2025 CMS.

Each family has its URL forms, listing markup and paging, and article template, with the quirks
the real sites show: the vendor's English view-count label and repeated sapo, Liferay 7's stray
``content:``/``null`` labels and repeated cards, the 2025 CMS's time-first and relative dates.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from sampleportal import render
from sampleportal.content import Category, Site, printed_date

L7_PORTLET = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_"


def article_path(site: Site, category: Category, article: dict) -> str:
    """The article's URL path in its site's family."""
    if site.family == "view_content":
        return f"/{category.key}/-/view_content/{article['numeric_id']}-{article['url_title']}.html"
    if site.family == "liferay7":
        return f"/{category.key}/-/asset_publisher/{category.instance}/content/id/{article['asset_entry_id']}"
    return f"/{category.key}/{article['url_title']}-{article['cms_id']}.htm"


def category_path(site: Site, category: Category, page: int = 1) -> str:
    """A category listing page's path (``page`` from 1) in the site's family."""
    if site.family == "cms2025":
        return f"/{category.key}.htm" if page == 1 else f"/{category.key}/trang-{page}.htm"
    if site.family == "liferay7":
        ns = L7_PORTLET + category.instance
        return f"/{category.key}?p_p_id={ns}&amp;p_p_lifecycle=0&amp;_{ns}_cur={page}"
    return f"/{category.key}" if page == 1 else f"/{category.key}?page={page}"


def route(site: Site, path: str, query: str) -> tuple[str, object] | None:
    """What a path shows: ``("article", (category, article))``, ``("listing", (category, page))``,
    ``("home", None)``, or ``None`` for nothing."""
    if path in ("/", "/trang-chu", "/trang-chu.htm"):
        return "home", None
    params = {k: v[0] for k, v in parse_qs(query).items()}
    found = _article_paths(site).get(path)
    if found:
        return "article", found
    for category in site.categories:
        page = _listing_page_number(site, category, path, params)
        if page:
            return "listing", (category, page)
    return None


_PATHS: dict[int, tuple[Site, dict]] = {}


def _article_paths(site: Site) -> dict[str, tuple[Category, dict]]:
    """Article path → (category, article) for every category an article is listed in (cached)."""
    cached = _PATHS.get(id(site))
    if cached is None or cached[0] is not site:
        paths = {article_path(site, category, article): (category, article)
                 for category in site.categories for article in site.articles_in(category.key)}
        cached = _PATHS[id(site)] = (site, paths)
    return cached[1]


def _listing_page_number(site: Site, category: Category, path: str, params: dict) -> int | None:
    """The listing page number ``path`` asks for in ``category``, or ``None``."""
    if site.family == "cms2025":
        if path == f"/{category.key}.htm":
            return 1
        prefix = f"/{category.key}/trang-"
        number = path.removeprefix(prefix).removesuffix(".htm")
        return int(number) if path.startswith(prefix) and number.isdigit() else None
    if path != f"/{category.key}":
        return None
    raw = next((v for k, v in params.items() if k == "page" or k.endswith("_cur")), "1")
    return int(raw) if raw.isdigit() else 1


def listing_page(site: Site, category: Category, page: int) -> str:
    """Page ``page`` of a category listing, cards repeated where the family does."""
    articles = site.articles_in(category.key)
    pages = max(1, -(-len(articles) // render.PAGE_SIZE))
    shown = articles[(page - 1) * render.PAGE_SIZE : page * render.PAGE_SIZE]
    cards = "".join(_card(site, category, a) for a in shown)
    if site.family == "liferay7":
        cards += f'<div class="d-md-none mobile-cards">{cards}</div>'
    pager = "".join(
        f'<li class="{"active" if n == page else ""}"><a href="{category_path(site, category, n)}">{n}</a></li>'
        for n in range(1, pages + 1)
    )
    nav = f'<ul class="pagination">{pager}</ul>' if pages > 1 else ""
    return render.page(site, category.name, _box(site, category, cards + nav))


def _card(site: Site, category: Category, article: dict) -> str:
    """One listing entry: title link, date and summary."""
    link = article_path(site, category, article)
    return (f'<div class="news-item asset-abstract"><h3 class="asset-title"><a href="{link}">'
            f'{escape(article["title"])}</a></h3><span class="news-date">{article["published"][:10]}</span>'
            f'<p class="summary">{escape(article["lead"][:140])}</p></div>')


def home_page(site: Site) -> str:
    """The home page: newest articles, and the menu (rendered by the chrome) to every category."""
    newest = sorted(site.articles, key=lambda a: a["published"], reverse=True)[:4]
    cards = "".join(_card(site, site.category(a["categories"][0]), a) for a in newest)
    return render.page(site, "Trang chủ", f'<div class="home-news">{cards}</div>')


def article_page(site: Site, category: Category, article: dict) -> str:
    """The article page in the site's family template, under the article's own category."""
    category = site.category(article["categories"][0])
    if site.family == "view_content":
        return _view_content_article(site, category, article)
    if site.family == "liferay7":
        return _liferay7_article(site, category, article)
    return _cms_article(site, category, article)


def _view_content_article(site: Site, category: Category, article: dict) -> str:
    """Vendor template: date line with the English view label, related list inside the article."""
    date = f'<div class="news-detail-date">{escape(render.date_text(article))}</div>'
    content = (f'<div class="news-detail"><h1 class="title news-detail-title">{escape(article["title"])}</h1>'
               f'<div class="news-detail-content">{render.article_body(site, article, date_html=date)}</div>'
               f'<div class="other-news"><h3>Tin khác</h3>{_related(site, category, article, "/en")}</div></div>')
    return render.page(site, article["title"], _box(site, category, content), description=article["lead"])


def _liferay7_article(site: Site, category: Category, article: dict) -> str:
    """Liferay 7 full content with its stray ``content:`` and ``null`` labels."""
    date = f'<div class="label">content:</div><div class="date-news">{escape(render.date_text(article))}</div>'
    body = render.article_body(site, article, date_html=date)
    content = f"""<div class="asset-full-content clearfix mb-5 default-asset-publisher show-asset-title">
<div class="align-items-center d-flex mb-2"><h4 class="asset-title component-title header-title h2 mb-0"><span>{escape(article["title"])}</span></h4></div>
<span class="asset-content"><div class="journal-content-article">{body}<div>null</div></div></span></div>
<div class="asset-links"><a href="{article_path(site, category, article)}?p_p_state=pop_up&amp;viewMode=print">In</a></div>
<div class="related-assets"><h4>Tin liên quan</h4>{_related(site, category, article, "")}</div>"""
    return render.page(site, article["title"], _box(site, category, content), description=article["lead"])


def _cms_article(site: Site, category: Category, article: dict) -> str:
    """2025 CMS: category link, title, time-first or relative date, body, related list outside."""
    date = f'<div class="detail-time"><span>{escape(printed_date(article, "cms2025"))}</span></div>'
    content = f"""<article class="detail">
<div class="detail-cate"><a href="{category_path(site, category)}">{escape(category.name)}</a></div>
<h1 class="detail-title">{escape(article["title"])}</h1>
<div class="detail-content">{render.article_body(site, article, date_html=date)}</div>
</article>
<div class="related"><h3>Tin liên quan</h3>{_related(site, category, article, "")}</div>"""
    return render.page(site, article["title"], content, description=article["lead"])


def _box(site: Site, category: Category, inner: str) -> str:
    """The content box: a Liferay portlet for the Liferay-based families, a plain section otherwise."""
    if site.family == "cms2025":
        return f'<section class="category"><h2 class="category-name">{escape(category.name)}</h2>{inner}</section>'
    return render.portlet(category, inner, header_twice=False)


def _related(site: Site, category: Category, article: dict, prefix: str) -> str:
    """Other articles of the category with their dates, linked under ``prefix`` (a locale copy)."""
    others = [a for a in site.articles_in(category.key) if a["key"] != article["key"]][:3]
    items = "".join(
        f'<li><a href="{prefix}{article_path(site, category, other)}">{escape(other["title"])}</a>'
        f' <span>({other["published"][:10]})</span></li>' for other in others
    )
    return f'<ul class="related-list">{items}</ul>'
