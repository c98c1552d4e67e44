"""Choosing the page family: from the URL, from the markup, fixed by the registry, or generic."""

from __future__ import annotations

import json

import pytest
from parsel import Selector

from crawler.charsets import page_selector
from crawler.items import NotAnArticle
from crawler.pages import detect_family, extract_article
from crawler.pages.base import ERROR_SELECTORS, raise_if_error_page
from helpers import FIXTURES, fixture_response


def page(case: str) -> tuple[Selector, str]:
    """A golden fixture page as a selector, with its URL."""
    response = fixture_response(FIXTURES / case)
    return page_selector(response), response.url


@pytest.mark.parametrize(("case", "family"), [
    ("liferay6/seed_article", "liferay6"),
    ("liferay6/query_string_form", "liferay6"),
    ("view_content/title_repeated", "view_content"),
    ("liferay7/article", "liferay7"),
    ("cms2025/time_first_date", "cms2025"),
    ("generic/handmade_unknown_template", "generic"),
])
def test_family_is_read_from_the_url(case, family):
    assert family == detect_family(*reversed(page(case)))


@pytest.mark.parametrize(("case", "family"), [
    ("liferay6/seed_article", "liferay6"),
    ("view_content/title_repeated", "view_content"),
    ("cms2025/time_first_date", "cms2025"),
])
def test_family_is_read_from_the_markup_when_the_url_says_nothing(case, family):
    selector, _ = page(case)
    assert family == detect_family("https://example.gov.vn/bai-viet?id=1", selector)


def test_registry_can_fix_the_family():
    selector, url = page("liferay6/seed_article")
    assert "generic/2" == extract_article(selector, url, "hk", family="generic").extractor
    assert "liferay6/2" == extract_article(selector, url, "hk", family="auto").extractor


def test_generic_takes_over_only_when_the_template_is_not_found():
    selector, url = page("liferay6/handmade_template_changed")
    assert "generic/2" == extract_article(selector, url, "hk").extractor
    selector, url = page("liferay6/error_page_200")
    with pytest.raises(NotAnArticle) as raised:
        extract_article(selector, url, "hk")
    assert "error_page" == raised.value.kind


def test_windows_1258_page_decodes_to_nfc_vietnamese():
    folder = FIXTURES / "view_content" / "windows_1258_repeated_sapo"
    raw = (folder / "page.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    selector, url = page("view_content/windows_1258_repeated_sapo")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert expected["title"] == extract_article(selector, url, "caugiay").title


@pytest.mark.parametrize("css", ERROR_SELECTORS)
def test_every_kind_of_error_box_stops_extraction(css):
    markup = (f'<html><body><div class="portlet-body"><div class="{css.lstrip(".")} box">'
              "Bài viết không tồn tại hoặc đã bị xoá</div></div></body></html>")
    with pytest.raises(NotAnArticle) as raised:
        raise_if_error_page(Selector(text=markup).root)
    assert "error_page" == raised.value.kind
    assert "không tồn tại" in str(raised.value)


def with_paragraphs_before(case: str, anchor: str, paragraphs: list[str]) -> tuple[Selector, str]:
    """A golden fixture page with ``paragraphs`` inserted before the paragraph starting ``anchor``."""
    from scrapy.http import HtmlResponse

    response = fixture_response(FIXTURES / case)
    inserted = "".join(f'<p style="text-align: justify;">{text}</p>' for text in paragraphs)
    marker = f'<p style="text-align: justify;">{anchor}'
    body = response.text.replace(marker, inserted + marker, 1)
    changed = HtmlResponse(response.url, body=body.encode("utf-8"), encoding="utf-8")
    return page_selector(changed), changed.url


def test_a_paragraph_opening_with_a_button_word_is_kept_and_a_button_line_is_not():
    sentence = ("Chia sẻ kinh nghiệm tại lớp học, các đồng chí báo cáo viên đã trao đổi về cách nắm bắt "
                "dư luận xã hội ở cơ sở.")
    selector, url = with_paragraphs_before("liferay6/seed_article", "Phát biểu khai mạc",
                                           [sentence, "Quay lại trang trước"])
    body = extract_article(selector, url, "hk").body.split("\n\n")
    assert sentence in body
    assert "Quay lại trang trước" not in body
