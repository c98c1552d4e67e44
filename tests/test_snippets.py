"""Search snippets: folding only the top of a long text gives the passage a fold of all of it gives."""

from __future__ import annotations

import re
import unicodedata
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vntext
from datasette_bantin import search
from sampleportal.content import SITE_KEYS, load_site

QUERIES = ["hội nghị", "hoi nghi", "Đinh Hồng Phong", "tuyen*", '"ban chấp hành"', "phường OR quận",
           "nhân dân NOT hội", "xyzzy", ""]
WORDS = ["Hội", "nghị", "hoi", "nghi", "Đinh", "Hồng", "Phong", "tuyên", "truyền", "ban", "chấp",
         "hành", "phường", "quận", "nhân", "dân", "-", ",", "\n\n", "đồng", "chí"]


def reference_snippet(text: str, query: str) -> str:
    """The snippet by folding the whole text and finding every match first."""
    text = unicodedata.normalize("NFC", text)
    folded = vntext.fold_aligned(text)
    spans = sorted((m.start(), m.end()) for pattern in search._term_patterns(query)
                   for m in pattern.finditer(folded))
    merged = []
    for left, right in spans:
        if merged and left <= merged[-1][1] + 1 and not folded[merged[-1][1]:left].strip():
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    if not merged:
        return escape(" ".join(text.split()[:search.SNIPPET_WORDS]))
    before = text.rfind(" ", 0, max(0, merged[0][0] - 80)) + 1 if merged[0][0] > 80 else 0
    end = max(before + len(" ".join(text[before:].split(" ")[:search.SNIPPET_WORDS])), merged[0][0])
    out, cursor = [], before
    for left, right in merged:
        if left >= cursor and right <= end:
            out += [escape(text[cursor:left]), "<mark>", escape(text[left:right]), "</mark>"]
            cursor = right
    out.append(escape(text[cursor:end]))
    return ("…" if before else "") + "".join(out) + ("…" if end < len(text) else "")


def _long_texts() -> list[str]:
    """Sample bodies, and bodies joined four at a time (longer than the folded top)."""
    bodies = ["\n\n".join([a["lead"], *a["paragraphs"]]) for key in SITE_KEYS
              for a in load_site(key).articles]
    return bodies[::4] + [" ".join(bodies[n:n + 4]) for n in range(0, len(bodies), 9)]


@pytest.mark.parametrize("query", QUERIES)
def test_snippet_agrees_with_folding_everything(query):
    texts = _long_texts()
    assert any(len(text) > search.SNIPPET_PREFIX for text in texts)
    for text in texts:
        assert search.snippet(text, query) == reference_snippet(text, query)


def test_a_first_match_past_the_folded_top_is_found():
    text = "Mở đầu. " * 600 + "Hội nghị tổng kết."
    assert len(text) > search.SNIPPET_PREFIX
    assert "<mark>Hội nghị</mark>" in search.snippet(text, "hoi nghi")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=1200).map(" ".join), st.sampled_from(QUERIES))
def test_snippet_agrees_on_generated_texts(text, query):
    assert search.snippet(text, query) == reference_snippet(text, query)


def test_snippet_marks_are_whole_words():
    html = search.snippet("Hội nghị và hoinghi", "hoi")
    assert re.findall(r"<mark>(.*?)</mark>", html) == ["Hội"]


def test_a_word_cut_at_the_end_of_the_folded_top_is_not_a_match():
    size = search.SNIPPET_PREFIX - 4
    filler = ("ab " * size)[:size].rstrip().ljust(size, "b")
    text = filler + " Hộinghị, rồi Hội nghị."  # the top ends with "Hội"
    assert text[:search.SNIPPET_PREFIX].endswith(" Hội")
    assert search.snippet(text, "hoi") == reference_snippet(text, "hoi")
    assert "<mark>Hội</mark> nghị" in search.snippet(text, "hoi")
