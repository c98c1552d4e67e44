"""Legacy Vietnamese font encodings (TCVN3, VNI): conversion both ways and detection."""

from __future__ import annotations

import pytest

from crawler import fonts

SENTENCE = ("đồng chí Nguyễn Văn Bình - Bí thư Quận ủy phát biểu tại hội nghị tổng kết năm 2012, "
            "ưu tiên ổn định đời sống nhân dân và xây dựng Đảng")
ALL_LOWER = ("à ả ã á ạ ă ằ ẳ ẵ ắ ặ â ầ ẩ ẫ ấ ậ đ è ẻ ẽ é ẹ ê ề ể ễ ế ệ ì ỉ ĩ í ị "
             "ò ỏ õ ó ọ ô ồ ổ ỗ ố ộ ơ ờ ở ỡ ớ ợ ù ủ ũ ú ụ ư ừ ử ữ ứ ự ỳ ỷ ỹ ý ỵ")


@pytest.mark.parametrize(("legacy", "encoding", "expected"), [
    ("B¶o Th¾ng", "tcvn3", "Bảo Thắng"),
    ("Baûo Thaéng", "vni", "Bảo Thắng"),
    ("Xin chaøo caùc baïn", "vni", "Xin chào các bạn"),
    ("§¶ng bé quËn", "tcvn3", "Đảng bộ quận"),
    ("Ñaûng boä quaän", "vni", "Đảng bộ quận"),
])
def test_known_spellings_convert(legacy, encoding, expected):
    assert expected == fonts.to_unicode(legacy, encoding)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("text", [SENTENCE, ALL_LOWER])
def test_every_letter_round_trips(encoding, text):
    assert text == fonts.to_unicode(fonts.from_unicode(text, encoding), encoding)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_is_detected_and_repaired(encoding):
    legacy = fonts.from_unicode(SENTENCE, encoding)
    assert encoding == fonts.detect(legacy)
    assert (SENTENCE, encoding) == fonts.repair(legacy)


@pytest.mark.parametrize("text", [
    SENTENCE,
    "Xin chào các bạn, hôm nay trời đẹp.",
    "Paris, café résumé naïve, à la carte, être ô",
    "Hội nghị 2012",
    "",
])
def test_unicode_and_foreign_text_is_left_alone(text):
    assert fonts.detect(text) is None
    assert (text, None) == fonts.repair(text)
