"""Golden fixtures: saved pages against expected JSON, one test per (page, field)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.charsets import page_selector
from crawler.items import NotAnArticle
from crawler.pages import extract_article
from helpers import FIXTURES, fixture_response

CASES = sorted(p for p in FIXTURES.glob("*/*") if (p / "expected.json").exists())


def _load(case: Path) -> tuple[dict, dict]:
    """The case's meta and expected JSON."""
    return (json.loads((case / "meta.json").read_text(encoding="utf-8")),
            json.loads((case / "expected.json").read_text(encoding="utf-8")))


@cache
def extracted(case: Path) -> dict:
    """Extract a saved page as in production: bytes through Scrapy's response and charset detection."""
    meta, _ = _load(case)
    response = fixture_response(case)
    article = extract_article(page_selector(response), meta["url"], meta["site"],
                              home_group_id=meta.get("home_group_id"), fetched_at=meta.get("fetched_at"))
    return article.to_dict()


ARTICLE_FIELDS = [(case, field) for case in CASES if "error_kind" not in _load(case)[1]
                  for field in _load(case)[1]]
FAILURE_CASES = [case for case in CASES if "error_kind" in _load(case)[1]]


def test_fixture_set_covers_the_variants():
    assert len(ARTICLE_FIELDS) >= 25 * 12
    assert len(FAILURE_CASES) >= 3


@pytest.mark.parametrize(("case", "field"), ARTICLE_FIELDS,
                         ids=[f"{c.parent.name}/{c.name}:{f}" for c, f in ARTICLE_FIELDS])
def test_field(case, field):
    _, expected = _load(case)
    assert expected[field] == extracted(case)[field]


@pytest.mark.parametrize("case", FAILURE_CASES, ids=[c.name for c in FAILURE_CASES])
def test_not_an_article(case):
    meta, expected = _load(case)
    response = HtmlResponse(meta["url"], body=(case / "page.html").read_bytes())
    with pytest.raises(NotAnArticle) as raised:
        extract_article(response.selector, meta["url"], meta["site"])
    assert expected["error_kind"] == raised.value.kind
    assert "\n" not in raised.value.reason


def test_records_are_plain_copies_of_the_article():
    from dataclasses import asdict

    case = next(c for c in CASES if _load(c)[1].get("authors") and _load(c)[1].get("images"))
    meta, _ = _load(case)
    response = HtmlResponse(meta["url"], body=(case / "page.html").read_bytes())
    article = extract_article(response.selector, meta["url"], meta["site"])
    assert article.authors and article.images
    record = article.to_dict()
    assert record == asdict(article)
    record["authors"][0]["roles"].append("edited")
    record["images"][0]["caption"] = "edited"
    assert asdict(article) != record and article.to_dict() == asdict(article)
