"""The blind set: pages per family written without reading the extractor, one test per (page, field).

Its pages (``fixtures/blind/<family>/<case>/``) use theme markup, wrappers and chrome of their own,
with expected values taken from the content the writer put in (see the README beside them). The
fields bantin still reads differently are listed as strict expected failures, so the list shrinks
as reading improves and never hides a new miss.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.charsets import page_selector
from crawler.items import NotAnArticle
from crawler.pages import extract_article

BLIND = Path(__file__).parent / "fixtures" / "blind"
CASES = sorted(p for p in BLIND.glob("*/*") if (p / "expected.json").exists())
KNOWN_MISSES = {
    ("inline_photo_credit_prose_views", "images"),
    ("inline_related_box_views", "authors"),
    ("inline_related_box_views", "body"),
    ("inline_related_box_views", "images"),
    ("joomla_date_only_nguon_base_href", "category"),
    ("joomla_date_only_nguon_base_href", "images"),
    ("lead_repeated_bai_anh_two_names", "category"),
    ("photo_credit_lines_nguon", "body"),
    ("photo_credit_lines_nguon", "category"),
    ("photo_credit_lines_nguon", "source"),
    ("sharepoint_like_xlsx", "attachments"),
    ("stray_labels_time_first", "body"),
    ("stray_labels_time_first", "lead"),
    ("summary_lead_wrapped_figcaption", "category"),
    ("table_layout_time_first_files", "attachments"),
    ("table_layout_time_first_files", "authors"),
    ("table_layout_time_first_files", "body"),
    ("table_layout_time_first_files", "category"),
    ("table_layout_time_first_files", "images"),
    ("uppercase_title_multi_credit_docx", "category"),
    ("utc_jsonld_ogtitle_suffix", "authors"),
    ("video_embed_pdf_date_modified", "category"),
}


def _load(case: Path) -> tuple[dict, dict]:
    """The case's meta and expected JSON."""
    return (json.loads((case / "meta.json").read_text(encoding="utf-8")),
            json.loads((case / "expected.json").read_text(encoding="utf-8")))


@cache
def extracted(case: Path) -> dict | NotAnArticle:
    """The page extracted as in production, or the NotAnArticle it raised."""
    meta, _ = _load(case)
    response = HtmlResponse(meta["url"], body=(case / "page.html").read_bytes(), request=Request(meta["url"]))
    try:
        return extract_article(page_selector(response), meta["url"], meta["site"],
                               home_group_id=meta.get("home_group_id"),
                               fetched_at=meta.get("fetched_at")).to_dict()
    except NotAnArticle as error:
        return error


def _case(case: Path, field: str):
    """A (page, field) parameter, a strict expected failure when it is a known miss."""
    miss = (case.name, field) in KNOWN_MISSES
    marks = [pytest.mark.xfail(reason="read differently today", strict=True)] if miss else []
    return pytest.param(case, field, marks=marks, id=f"{case.parent.name}/{case.name}:{field}")


ARTICLE_FIELDS = [_case(case, field) for case in CASES if "error_kind" not in _load(case)[1]
                  for field in _load(case)[1]]
NOT_ARTICLES = [case for case in CASES if "error_kind" in _load(case)[1]]


def test_every_family_is_in_the_set():
    assert {"liferay6", "view_content", "liferay7", "cms2025", "generic"} == {c.parent.name for c in CASES}
    assert len(CASES) >= 30 and len(NOT_ARTICLES) >= 3
    assert len(KNOWN_MISSES) * 10 < len(ARTICLE_FIELDS)


@pytest.mark.parametrize(("case", "field"), ARTICLE_FIELDS)
def test_field(case, field):
    record = extracted(case)
    assert not isinstance(record, NotAnArticle), record
    assert _load(case)[1][field] == record[field]


@pytest.mark.parametrize("case", NOT_ARTICLES, ids=[f"{c.parent.name}/{c.name}" for c in NOT_ARTICLES])
def test_not_an_article(case):
    error = extracted(case)
    assert isinstance(error, NotAnArticle)
    assert _load(case)[1]["error_kind"] == error.kind
    assert "\n" not in error.reason
