"""The mention scanner looks only where a title or "đồng chí" opens: it must find exactly what a
scan trying the word rules at every word finds, on the sample portal's texts and on made-up ones."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler import people
from crawler.people import find_mentions, normalise_name
from helpers import FIXTURES
from sampleportal.content import SITE_KEYS, load_site


def every_word_scan(text: str) -> list[people.Mention]:
    """The reference: the word rules tried at every word of the text, left to right."""
    text = unicodedata.normalize("NFC", text)
    words = people.Words(text)
    found, index = [], 0
    while words.has(index):
        mention, next_index = people._mention_at(words, index, text)
        if mention and mention not in found:
            found.append(mention)
        index = next_index if mention else index + 1
    return found


def portal_texts() -> list[str]:
    texts = []
    for key in SITE_KEYS:
        for article in load_site(key).articles:
            texts.append("\n\n".join([article["lead"], *article["paragraphs"]]))
            texts += [image["caption"] for image in article["images"] if image["caption"]]
    return texts


def test_the_portal_texts_give_what_every_word_scan_gives():
    texts = portal_texts()
    mentions = [people.find_mentions(text) for text in texts]
    assert sum(map(len, mentions)) >= 100
    assert mentions == [every_word_scan(text) for text in texts]


PIECES = [
    "Phó Bí thư", "Bí thư", "Chủ tịch", "CHỦ TỊCH", "phó chủ tịch", "Trưởng ban", "Ủy viên",
    "đồng chí", "Đồng chí", "ĐỒNG CHÍ", "Thường trực", "Quận ủy", "UBND", "quận", "phường",
    "Hoàng Mai", "Nguyễn Văn Hùng", "Đinh Hồng Phong", "Lê Thị", "Trần", "phát biểu", "và",
    "Lao động", "Xã hội", "-", "–", ",", ".", "(", ")", "\n", "  ", "chủ", "đồng", "thưa",
    "Bí thưa", "_Bí thư", "x", "İstanbul", "ß", "2025", "\u0301",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.lists(st.sampled_from([" ", "", "\n"]),
                                                                 min_size=60, max_size=60))
def test_made_up_texts_give_what_every_word_scan_gives(pieces, joints):
    text = "".join(piece + joint for piece, joint in zip(pieces, joints, strict=False))
    assert people.find_mentions(text) == every_word_scan(text)


def test_a_title_inside_a_longer_one_is_still_tried():
    text = "Phó Bí thư, Bí thư Quận ủy Nguyễn Văn Hùng phát biểu"
    assert people.find_mentions(text) == [people.Mention("Nguyễn Văn Hùng", "Bí thư Quận ủy")]


def test_a_title_opening_one_word_into_another_is_tried_on_its_own():
    # From "Phó" the position may run 32 words, one short of the name; from "Chủ tịch" it reaches it.
    text = "Phó Chủ tịch " + "ban ngành " * 14 + "khối Nguyễn Văn Hùng."
    found = people.find_mentions(text)
    assert [mention.name for mention in found] == ["Nguyễn Văn Hùng"]
    assert found[0].position.startswith("Chủ tịch ban ngành") and found == every_word_scan(text)


def test_a_text_whose_lower_case_is_longer_is_scanned_word_by_word():
    text = "İ Chủ tịch UBND phường Đinh Hồng Phong phát biểu"
    assert len(text.lower()) != len(text)
    assert people.find_mentions(text) == [people.Mention("Đinh Hồng Phong", "Chủ tịch UBND phường")]


@pytest.mark.parametrize("labels", ["labelled.json", "heldout.json"])
def test_mention_extraction_precision_and_recall(labels):

    data = json.loads((FIXTURES.parent / "mentions" / labels).read_text(encoding="utf-8"))
    found = gold = hits = 0
    for item in data["articles"]:
        article = next(a for a in load_site(item["site"]).articles if a["key"] == item["key"])
        texts = [("body", "\n\n".join([article["lead"], *article["paragraphs"]]))]
        texts += [("caption", i["caption"]) for i in article["images"] if i["caption"]]
        predicted = {(m.name, m.position, where) for where, text in texts
                     for m in find_mentions(unicodedata.normalize("NFC", text))}
        expected = {(normalise_name(m["name"]), m["position"], m["where"]) for m in item["mentions"]}
        found, gold, hits = found + len(predicted), gold + len(expected), hits + len(predicted & expected)
    assert gold >= 30
    assert hits / found >= 0.9, f"precision {hits / found:.3f}"
    assert hits / gold >= 0.9, f"recall {hits / gold:.3f}"


@pytest.mark.parametrize("text", ["Xin cảm ơn đồng chí", "đồng chí", "Bí thư", "đồng chí Nguyễn Văn Hùng -"])
def test_a_text_ending_inside_a_mention_has_none(text):
    assert find_mentions(text) == []
