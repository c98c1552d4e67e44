"""HTML of the sample portal: Liferay 6.2 pages with the full chrome of a Hanoi district portal.

Two themes, as real sites differ: ``hoankiem`` (stock header taglib title, ``asset-abstract``
listings with friendly links) and ``longbien`` (the site's own article template, title lists with
query-string links repeated for mobile, related news inside the article template).
"""

from __future__ import annotations

import unicodedata
from html import escape
from urllib.parse import quote

from sampleportal.content import (
    Site,
    document_path,
    image_path,
    legacy_paragraphs,
    printed_date,
    printed_office,
    printed_views,
)

PAGE_SIZE = 5
THEMES = {"hoankiem": "hoankiem", "longbien": "longbien"}


def friendly_url(category, url_title: str, group_id: int | None = None) -> str:
    """Friendly article path under a category page: ``/<page>/-/asset_publisher/<inst>/content/<t>``."""
    path = f"/{category.key}/-/asset_publisher/{category.instance}/content/{quote(url_title)}"
    return f"{path}/{group_id}" if group_id else path


def query_url(category, article: dict, group_id: int) -> str:
    """Query-string article URL (``p_p_id=101``), with the noise real portals add."""
    return (
        f"/{category.key}?p_p_id=101&amp;p_p_lifecycle=0&amp;p_p_state=maximized&amp;p_p_mode=view"
        f"&amp;_101_struts_action=%2Fasset_publisher%2Fview_content"
        f"&amp;_101_assetEntryId={article['asset_entry_id']}&amp;_101_type=content"
        f"&amp;_101_groupId={group_id}&amp;_101_urlTitle={quote(article['url_title'])}"
        f"&amp;redirect=%2F{category.key}"
    )


def listing_url(category, page: int) -> str:
    """Listing page ``page`` of a category, in the Asset Publisher paging form."""
    ns = f"_101_INSTANCE_{category.instance}_"
    return (
        f"/{category.key}?p_p_id=101_INSTANCE_{category.instance}&amp;p_p_lifecycle=0"
        f"&amp;p_p_state=normal&amp;p_p_mode=view&amp;p_p_col_id=column-1&amp;p_p_col_count=1"
        f"&amp;{ns}delta={PAGE_SIZE}&amp;{ns}keywords=&amp;{ns}advancedSearch=false"
        f"&amp;{ns}andOperator=true&amp;p_r_p_564233524_resetCur=false&amp;{ns}cur={page}"
    )


def category_href(site: Site, category) -> str:
    """Link to a category's first listing page (``/<key>``, or ``/<key>.htm`` on the 2025 CMS)."""
    return f"/{category.key}.htm" if site.family == "cms2025" else f"/{category.key}"


def page(site: Site, title: str, main: str, *, description: str = "", locale: str = "vi") -> str:
    """A whole page: head, banner with menu and traps, main column, sidebar, footer."""
    return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="{'en-US' if locale == 'en' else 'vi-VN'}">
<head>
<meta content="text/html; charset=UTF-8" http-equiv="content-type">
<title>{escape(title)} - Cổng thông tin điện tử {escape(site.display_name)}</title>
<meta name="description" content="{escape(description)}">
<link href="/html/themes/classic/images/favicon.ico" rel="Shortcut Icon">
</head>
<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site">
<a href="#main-content" id="skip-to-content">Truy cập nội dung luôn</a>
<div class="container-fluid" id="wrapper">
{_banner(site)}
<div id="content"><div class="columns-2-70-30" id="main-content" role="main">
<div class="portlet-layout row-fluid">
<div class="portlet-column portlet-column-first span8" id="column-1">{main}</div>
<div class="portlet-column portlet-column-last span4" id="column-2">{_sidebar(site)}</div>
</div></div></div>
{_footer(site)}
</div>
<script type="text/javascript">Liferay.Portlet.onLoad({{portletId: "101"}});</script>
</body></html>"""


def _banner(site: Site) -> str:
    """Logo, search box, language switch, login, menu and a campaign banner."""
    menu = "".join(
        f'<li><a href="{category_href(site, c)}"><span>{escape(c.name)}</span></a></li>'
        for c in site.categories
    )
    return f"""<header id="banner" role="banner">
<div id="heading"><h1 class="site-title"><a class="logo" href="/" title="{escape(site.display_name)}">
<img alt="Logo" src="/image/company_logo?img_id=10158" width="120" height="90"></a>
<span class="site-name">Cổng thông tin điện tử {escape(site.display_name)}</span></h1></div>
<div class="lang"><a href="/c/portal/update_language?p_l_id=10139&amp;redirect=%2F&amp;languageId=vi_VN">Tiếng Việt</a>
<a href="/c/portal/update_language?p_l_id=10139&amp;redirect=%2F&amp;languageId=en_US">English</a></div>
<a href="/c/portal/login?p_l_id=10139" id="sign-in" rel="nofollow">Đăng nhập</a>
<form action="/tim-kiem" method="get" class="search"><input name="q" placeholder="Tìm kiếm"><button>Tìm kiếm</button></form>
<nav class="sort-pages modify-pages" id="navigation" role="navigation"><ul>
<li><a href="/"><span>Trang chủ</span></a></li>{menu}
<li><a href="/gioi-thieu"><span>Giới thiệu</span></a></li>
<li><a href="javascript:void(0);"><span>Liên kết</span></a></li>
<li><a href="https://hanoi.gov.vn/"><span>Cổng thông tin Thành phố</span></a></li></ul></nav>
<div class="campaign-banner"><p>Chào mừng Đại hội đại biểu Đảng bộ {escape(site.display_name)} lần thứ XIII, nhiệm kỳ 2020 - 2025</p></div>
</header>"""


def _sidebar(site: Site) -> str:
    """Poll, visitor counter, photo album and category list: boilerplate an extractor must skip."""
    categories = "".join(f'<li><a href="{category_href(site, c)}">{escape(c.name)}</a></li>'
                         for c in site.categories)
    return f"""<section class="portlet" id="portlet_polls"><header class="portlet-topper">
<h1 class="portlet-title"><span class="portlet-title-text">Bình chọn</span></h1></header>
<div class="portlet-content"><div class="polls-question">Bình chọn
<p>Theo bạn Hà Nội có nên xây dựng thành phố thông minh hay không?</p>
<label><input type="radio" name="choice"> Có</label><label><input type="radio" name="choice"> Không</label>
<a href="/trang-chu?p_p_id=59_INSTANCE_poll&amp;p_p_lifecycle=1&amp;p_p_state=normal&amp;_59_INSTANCE_poll_struts_action=%2Fpolls_display%2Fview">Bình chọn</a>
<a href="/trang-chu?p_p_id=59_INSTANCE_poll&amp;p_p_state=pop_up&amp;_59_INSTANCE_poll_struts_action=%2Fpolls%2Fview_question">Xem kết quả</a>
</div></div></section>
<section class="portlet"><div class="album"><h2>Album Ảnh</h2><img src="/documents/{site.group_id}/0/album.jpg" alt="Album"></div></section>
<section class="portlet"><div class="chuyen-muc"><h2>Các chuyên mục</h2><ul>{categories}</ul></div></section>
<section class="portlet"><div class="thong-ke"><h2>Thống kê truy cập</h2>
<p>Đang online: 27</p><p>Lượt truy cập trong ngày: 1.204</p><p>Tổng số truy cập: 3.457.921</p></div></section>"""


def _footer(site: Site) -> str:
    """Owner, address, RSS and a link to another host."""
    return f"""<footer id="footer" role="contentinfo">
<p>Cơ quan chủ quản: Ủy ban nhân dân {escape(site.display_name)}</p>
<p>Địa chỉ: 126 phố Hàng Trống, Hà Nội - Điện thoại: 024.3825.4512</p>
<a href="/c/journal/get_latest_articles?groupId={site.group_id}">RSS</a>
<a href="mailto:bbt@example.invalid">Liên hệ</a>
<p>Ghi rõ nguồn "Cổng thông tin điện tử {escape(site.display_name)}" khi phát hành lại thông tin từ website này.</p>
</footer>"""


def portlet(category, inner: str, *, header_twice: bool = True) -> str:
    """An Asset Publisher portlet box whose header prints the category name (twice, as seen)."""
    second = f'<div class="title-category">{escape(category.name)}</div>' if header_twice else ""
    return f"""<div class="portlet-boundary portlet-boundary_101_ portlet-asset-publisher" id="p_p_id_101_INSTANCE_{category.instance}_">
<section class="portlet" id="portlet_101_INSTANCE_{category.instance}">
<header class="portlet-topper"><h1 class="portlet-title"><span class="portlet-title-text">{escape(category.name)}</span></h1></header>
<div class="portlet-content"><div class="portlet-body">{second}{inner}</div></div>
</section></div>"""


def pager(category, page_number: int, pages: int) -> str:
    """The page iterator with first / previous / next / last buttons (disabled: ``javascript:;``)."""
    def button(label: str, target: int, enabled: bool) -> str:
        href = listing_url(category, target) if enabled else "javascript:;"
        return f'<li class="{"" if enabled else "disabled"}"><a href="{href}">{label}</a></li>'

    if pages <= 1:
        return ""
    return f"""<div class="taglib-page-iterator"><div class="clearfix lfr-pagination">
<div class="lfr-pagination-config"><div class="current-page-menu">Trang {page_number} của {pages}</div></div>
<ul class="lfr-pagination-buttons pager">
{button("Đầu", 1, page_number > 1)}{button("&larr; Trước", page_number - 1, page_number > 1)}
{button("Tiếp &rarr;", page_number + 1, page_number < pages)}{button("Cuối", pages, page_number < pages)}
</ul></div></div>"""


def article_body(site: Site, article: dict, locale: str = "vi", date_html: str | None = None) -> str:
    """The article template's markup: date line, sapo, paragraphs, images, credits.

    ``date_html`` replaces the Liferay date line (other families print their own).
    """
    parts = [_date_line(article, locale, site.key) if date_html is None else date_html]
    if article["title_repeated"]:
        parts.append(f"<p><strong>{escape(article['title'])}</strong></p>")
    lead, *paragraphs = legacy_paragraphs(article)
    parts += _lead(lead, article["lead_style"])
    parts += _images_after(site, article, 0)
    for number, paragraph in enumerate(paragraphs, start=1):
        parts.append(f'<p style="text-align: justify;">{escape(paragraph)}</p>')
        if number == len(paragraphs):
            parts += [_attachment(site, a) for a in article["attachments"]]
        parts += _images_after(site, article, number)
    parts += _credits(article)
    return "\n".join(parts)


def _date_parts(article: dict, locale: str) -> tuple[str, str | None]:
    """The date (with its label) and the view count, as the template prints them."""
    date = printed_date(article)
    if locale == "en":
        date = f"Publish date {date}"
    elif article["date_label"]:
        date = f"{article['date_label']} {date}"
    views = printed_views(article)
    if views and locale == "en":
        views = views.replace("Lượt xem", "View count")
    return date, views


def date_text(article: dict, locale: str = "vi") -> str:
    """The date line's text: label, ``dd/mm/yyyy | HH:mm`` and view count, as the template prints it."""
    date, views = _date_parts(article, locale)
    return f"{date}  | {views}" if views else date


def _date_line(article: dict, locale: str, theme: str) -> str:
    """The template's date line, its labels in English on locale copies."""
    date, views = _date_parts(article, locale)
    tail = f"  | {escape(views)}" if views else ""
    if theme == "longbien":
        return f'<div class="time-news"><span>{escape(date)}</span>{tail}</div>'
    return f'<div class="date-view">{escape(date)}{tail}</div>'


def _lead(text: str, style: str) -> list[str]:
    """The sapo: plain, bold, or bold and repeated as the first paragraph."""
    lead = escape(text)
    if style == "plain":
        return [f'<p style="text-align: justify;">{lead}</p>']
    bold = f'<p style="text-align: justify;"><strong>{lead}</strong></p>'
    if style == "repeated":
        return [bold, f'<p style="text-align: justify;">{lead}</p>']
    return [bold]


def _images_after(site: Site, article: dict, paragraph_number: int) -> list[str]:
    """Markup of the images placed after paragraph ``paragraph_number`` (0 = the lead)."""
    return [
        _image(image_path(site, article, n), image)
        for n, image in enumerate(article["images"])
        if image["after"] == paragraph_number
    ]


def _image(src: str, image: dict) -> str:
    """One image with its caption in the requested style."""
    img = f'<img alt="{escape(image["alt"])}" src="{src}" style="width: 600px; height: 400px;">'
    caption, style = image["caption"], image["caption_style"]
    if caption is None:
        return f'<p style="text-align: center;">{img}</p>'
    if style == "table":
        return (f'<table align="center" class="image-table"><tbody><tr><td>{img}</td></tr>'
                f'<tr><td style="text-align: center;">{escape(caption)}</td></tr></tbody></table>')
    if style == "bullet":
        return f'<p style="text-align: center;">{img}</p><ul><li>{escape(caption)}</li></ul>'
    lines = _wrap(caption) if style == "wrapped" else [caption]
    captions = "".join(f'<p style="text-align: center;"><em>{escape(line)}</em></p>' for line in lines)
    return f'<p style="text-align: center;">{img}</p>{captions}'


def _wrap(caption: str) -> list[str]:
    """Split a caption over two lines at a word boundary where the first line ends unfinished."""
    words = caption.split()
    middle = len(words) // 2
    while middle < len(words) - 1 and words[middle - 1][-1] in ".!?…:;,":
        middle += 1
    return [" ".join(words[:middle]), " ".join(words[middle:])]


def _attachment(site: Site, attachment: dict) -> str:
    """A paragraph linking an attached document."""
    href = document_path(site, attachment)
    return (f'<p style="text-align: justify;">{escape(attachment["text"])}'
            f'<a href="{href}" target="_blank">{escape(attachment["label"])}</a></p>')


def _credits(article: dict) -> list[str]:
    """Credit line and issuing office, right-aligned at the end."""
    parts = []
    if article["credit"]:
        parts.append(f'<p style="text-align: right;"><strong>{escape(article["credit"])}</strong></p>')
    office = printed_office(article)
    if office and article["office_style"] == "paren":
        parts.append(f'<p style="text-align: right;"><em>({escape(office)})</em></p>')
    elif office:
        parts.append(f'<p style="text-align: right;">{escape(office)}</p>')
    return parts


def decompose(markup: str) -> str:
    """The page in decomposed Unicode (NFD), as some editors save it."""
    return unicodedata.normalize("NFD", markup)
