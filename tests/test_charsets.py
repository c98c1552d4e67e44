"""Pages parsed from their bytes: the same tree as Scrapy's decoded text, whatever the charset."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from scrapy.http import HtmlResponse

from crawler.charsets import decoded, page_selector
from helpers import FIXTURES, fixture_response

PAGES = sorted(FIXTURES.glob("*/*/page.html"))
CONTENT_TYPES = ["text/html; charset=utf-8", "text/html; charset=windows-1258", "text/html",
                 "text/html; charset=latin-1"]
# Pieces of pages: markup, Vietnamese in both charsets, a BOM, NUL, Unicode spaces, bad bytes.
PIECES = st.sampled_from([
    b"<html>", b"<body>", b"<p>", b"</p>", b"</html>", "Lượt xem: 5".encode(),
    "Lượt xem: 5".encode("cp1258", "replace"), b"\xef\xbb\xbf", b"\x00", "\xa0".encode(),
    "\u2028".encode(), b" ", b"\n", b"\x0c", b"\x1c", b"\xff", b"&#1;",
    b'<meta charset="windows-1258">', b'<meta charset="utf-8">',
])


def tree(selector) -> str:
    """The whole parsed document as markup."""
    return etree.tostring(selector.root, encoding="unicode")


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in PAGES])
def test_every_fixture_page_parses_to_scrapys_tree(page):
    page_response = fixture_response(page.parent)
    assert tree(decoded(page_response).selector) == tree(page_selector(page_response))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.binary(max_size=4)), max_size=12), st.sampled_from(CONTENT_TYPES))
def test_any_bytes_parse_to_scrapys_tree(pieces, content_type):
    page_response = HtmlResponse("http://127.0.0.1/x", body=b"".join(pieces),
                                 headers={"Content-Type": content_type})
    assert tree(decoded(page_response).selector) == tree(page_selector(page_response))


def test_a_windows_1258_page_declared_utf8_is_read_in_its_charset():
    body = "<html><body><p>Đơn Ưu Đăng tin</p></body></html>".encode("cp1258")
    page_response = HtmlResponse("http://127.0.0.1/x", body=body,
                                 headers={"Content-Type": "text/html; charset=utf-8"})
    assert ["Đơn Ưu Đăng tin"] == page_selector(page_response).root.xpath("//p/text()")


@pytest.mark.parametrize("body", [b"", b"\xef\xbb\xbf", "\xa0<p>x</p>\xa0".encode(),
                                  b"\xef\xbb\xbf<p>x</p>\n"])
def test_edges_of_a_body_parse_as_scrapy_parses_them(body):
    page_response = HtmlResponse("http://127.0.0.1/x", body=body,
                                 headers={"Content-Type": "text/html; charset=utf-8"})
    assert tree(page_response.selector) == tree(page_selector(page_response))
