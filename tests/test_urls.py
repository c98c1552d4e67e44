"""Article identity from every URL form, and the links never to follow."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.pages.registry import article_id, parse_article_ref
from crawler.urls import (
    ArticleRef,
    absolute_url,
    is_document,
    is_listing_page,
    never_follow,
    normalize_url,
)

HOST = "https://hoankiem.hanoi.gov.vn"
TITLE = "quan-hoan-kiem-chu-trong-boi-duong-nghiep-vu-cong-tac-tuyen-giao-cho-oi-ngu-can-bo-co-so"
FRIENDLY = f"{HOST}/thong-tin-hoi-dong-nhan-dan/-/asset_publisher/8vTKwGMeQ3j1/content/{TITLE}"
QUERY = (f"{HOST}/tin-tuc?p_p_id=101&p_p_lifecycle=0&p_p_state=maximized&p_p_mode=view"
         f"&_101_struts_action=%2Fasset_publisher%2Fview_content&_101_assetEntryId=31415926"
         f"&_101_type=content&_101_groupId=20182&_101_urlTitle={TITLE}")


@pytest.mark.parametrize(("url", "expected"), [
    (FRIENDLY, ArticleRef(TITLE, None, None, "8vTKwGMeQ3j1")),
    (FRIENDLY + "/20182", ArticleRef(TITLE, 20182, None, "8vTKwGMeQ3j1")),
    (FRIENDLY + "/maximized", ArticleRef(TITLE, None, None, "8vTKwGMeQ3j1")),
    (FRIENDLY + "?redirect=%2Ftin-tuc", ArticleRef(TITLE, None, None, "8vTKwGMeQ3j1")),
    (QUERY, ArticleRef(TITLE, 20182, 31415926, None)),
    (f"{HOST}/x?p_p_id=101_INSTANCE_abc&_101_INSTANCE_abc_urlTitle=-bai-1"
     f"&_101_INSTANCE_abc_struts_action=%2Fasset_publisher%2Fview_content",
     ArticleRef("-bai-1", None, None, "abc")),
    ("https://caugiay.hanoi.gov.vn/tin-tuc/-/view_content/154201-hoi-nghi-so-ket.html",
     ArticleRef("hoi-nghi-so-ket", family="view_content", number="154201")),
    ("https://badinh.hanoi.gov.vn/web/guest/tin-tuc/-/asset_publisher/Ab12Cd34Ef56/content/id/4123456",
     ArticleRef(None, None, 4123456, "Ab12Cd34Ef56", family="liferay7")),
    ("https://duongnoi.hanoi.gov.vn/tin-tuc/phuong-duong-noi-ra-mat-202507151030451234.htm",
     ArticleRef("phuong-duong-noi-ra-mat", family="cms2025", number="202507151030451234")),
])
def test_article_ref_from_every_form(url, expected):
    assert expected == parse_article_ref(url)


@pytest.mark.parametrize("url", [
    f"{HOST}/thong-tin-hoi-dong-nhan-dan",
    f"{HOST}/tin-tuc?p_p_id=101_INSTANCE_x&_101_INSTANCE_x_cur=2",
    f"{HOST}/tin-tuc/-/view_content/abc-khong-so.html",
    "https://hanoi.gov.vn/tin-tuc/bai-viet-12345.htm",
    f"{HOST}/documents/20182/0/a.pdf",
])
def test_other_pages_are_not_articles(url):
    assert parse_article_ref(url) is None


@pytest.mark.parametrize("url", [
    FRIENDLY, FRIENDLY + "/maximized", f"{HOST}/en{FRIENDLY[len(HOST):]}",
    f"{HOST}/en_US{FRIENDLY[len(HOST):]}", f"{HOST}/web/guest{FRIENDLY[len(HOST):]}",
    f"{HOST}/tin-tuc/-/asset_publisher/Other1/content/{TITLE}", QUERY, FRIENDLY + "/20182",
])
def test_every_copy_of_one_article_has_one_id(url):
    assert f"hoankiem:{TITLE}" == article_id("hoankiem", parse_article_ref(normalize_url(url)), 20182)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://caugiay.hanoi.gov.vn/a/-/view_content/154201-x.html", "s:view_content:154201"),
    ("https://caugiay.hanoi.gov.vn/en/b/-/view_content/154201-y.html", "s:view_content:154201"),
    ("https://badinh.hanoi.gov.vn/a/-/asset_publisher/I1/content/id/4123456/maximized", "s:asset:4123456"),
    ("https://badinh.hanoi.gov.vn/b/-/asset_publisher/I2/content/id/4123456", "s:asset:4123456"),
    ("https://duongnoi.hanoi.gov.vn/tin-tuc/ra-mat-202507151030451234.htm", "s:cms:202507151030451234"),
])
def test_other_families_are_identified_by_their_numeric_id(url, expected):
    assert expected == article_id("s", parse_article_ref(normalize_url(url)))


def test_another_groups_article_keeps_its_group_in_the_id():
    ref = parse_article_ref(FRIENDLY + "/10136")
    assert f"hoankiem:{TITLE}:10136" == article_id("hoankiem", ref, 20182)


@pytest.mark.parametrize(("url", "expected"), [
    (f"{HOST}/en_US/tin-tuc/-/asset_publisher/a/content/b/maximized?redirect=%2F",
     f"{HOST}/tin-tuc/-/asset_publisher/a/content/b"),
    (f"{HOST}/vi/web/guest/tin-tuc?p_p_id=101&p_p_col_id=column-1&_101_urlTitle=b",
     f"{HOST}/tin-tuc?p_p_id=101&_101_urlTitle=b"),
    ("https://HOANKIEM.hanoi.gov.vn/", "https://hoankiem.hanoi.gov.vn/"),
])
def test_normalize_url(url, expected):
    assert expected == normalize_url(url)


@pytest.mark.parametrize("url", [
    f"{HOST}/c/portal/update_language?p_l_id=1&redirect=%2F&languageId=en_US",
    f"{HOST}/trang-chu?languageId=vi_VN",
    f"{HOST}/c/portal/login?p_l_id=10139",
    f"{HOST}/tin-tuc/-/asset_publisher/abc/rss",
    f"{HOST}/c/journal/get_latest_articles?groupId=1",
    f"{HOST}/tin-tuc?p_p_state=pop_up&viewMode=print",
    f"{HOST}/tin-tuc?p_p_id=59&p_p_lifecycle=1",
    f"{HOST}/tin-tuc?p_p_id=101&p_p_lifecycle=2&p_p_resource_id=x",
    f"{HOST}/tin-tuc?p_p_state=exclusive",
    "javascript:;", "javascript:void(0);", "mailto:a@b.c",
    f"{HOST}/vi/tin-tuc-su-kien/-/view_content/vi/tin-tuc-su-kien/-/view_content/1083028-le-ket-nap.html",
    f"{HOST}/en/en/tin-tuc-su-kien",
    f"{HOST}/en/en/en/tin-tuc-su-kien/-/view_content/1083028-le-ket-nap.html",
    f"{HOST}/vi/tin-tuc-su-kien/-/view_content/pop_up/1083028-le-ket-nap.html?_101_viewMode=print",
])
def test_never_follow(url):
    assert never_follow(url)


LISTING = f"{HOST}/tin-tuc?p_p_id=101_INSTANCE_x&_101_INSTANCE_x_cur=3"


@pytest.mark.parametrize("url", [FRIENDLY, QUERY, LISTING, f"{HOST}/en/tin-tuc-su-kien",
                                 f"{HOST}/vi/tin-tuc-su-kien/-/view_content/1083028-le-ket-nap.html"])
def test_pages_worth_following(url):
    assert not never_follow(url)


def test_listing_and_document_urls():
    assert is_listing_page(f"{HOST}/tin-tuc?p_p_id=101_INSTANCE_x&_101_INSTANCE_x_cur=3")
    assert not is_listing_page(FRIENDLY)
    assert is_listing_page("https://duongnoi.hanoi.gov.vn/tin-tuc/trang-2.htm")
    assert is_listing_page("https://caugiay.hanoi.gov.vn/tin-tuc?page=3")
    assert is_listing_page("https://badinh.hanoi.gov.vn/tin?_com_liferay_asset_publisher_web_portlet_"
                           "AssetPublisherPortlet_INSTANCE_Ab12_cur=2")
    assert is_document(f"{HOST}/documents/20182/0/ke-hoach.pdf")
    assert is_document("https://example.org/files/van-ban.docx")
    assert not is_document(FRIENDLY)


PAGE_URLS = st.sampled_from([
    "http://127.0.0.1:8000/tin-tuc/-/asset_publisher/abc/content/x?p=1#f", "http://h/", "http://h",
    "https://H.vn:80/x/y/", "http://h?q", "http://h#frag", "http://u@h/p", "http://h/a;p?q",
])
HREFS = st.text(alphabet="/.?#=&a:b%;", max_size=12)
HREF_STARTS = ["/", "//", "http://", "https://", "HTTP://", "http:///", "ftp://", "http:", "//h",
               "http://h", "h://u@h", "javascript:", "MailTo:", "tel:"]


@settings(max_examples=500, deadline=None)
@given(PAGE_URLS, st.one_of(HREFS, st.tuples(st.sampled_from(HREF_STARTS), HREFS).map("".join)))
def test_absolute_url_resolves_as_urljoin_does(page_url, href):
    assert urljoin(page_url, href) == absolute_url(page_url, href)
