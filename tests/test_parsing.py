"""Parser tables: each row is an input as printed on a portal and the value it must give."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

import vntext
from crawler import dates, parsing


@pytest.mark.parametrize(("text", "published_raw", "views_raw"), [
    ("09/09/2022 | 17:14  | Lượt xem: 5", "09/09/2022 | 17:14", "Lượt xem: 5"),
    ("Ngày đăng 09/09/2022 | 17:14", "09/09/2022 | 17:14", None),
    ("Ngày đăng: 1/2/2023 | 08:05 | View count: 13.733", "1/2/2023 | 08:05", "View count: 13.733"),
    ("Publish date 05/09/2022 | 00:00  | View Count: 7", "05/09/2022 | 00:00", "View Count: 7"),
    ("05/09/2022", "05/09/2022", None),
])
def test_date_line_is_read_by_its_text(text, published_raw, views_raw):
    assert dates.DateLine(published_raw, views_raw) == dates.parse_date_line(text)


@pytest.mark.parametrize("text", [
    "Ngày 30/8/2022, Quận ủy Hoàn Kiếm tổ chức lớp bồi dưỡng",
    "Tin khác (12/08/2022)",
    "",
])
def test_lines_that_only_contain_a_date_are_not_date_lines(text):
    assert dates.parse_date_line(text) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("09/09/2022 | 17:14", "2022-09-09T17:14:00+07:00"),
    ("05/09/2022", "2022-09-05T00:00:00+07:00"),
    ("5/9/2022 | 7:05", "2022-09-05T07:05:00+07:00"),
    ("Ngày đăng 09/09/2022 | 17:14 | Lượt xem: 5", "2022-09-09T17:14:00+07:00"),
    ("(17:14 09/09/2022)", "2022-09-09T17:14:00+07:00"),
    ("17:14 09/09/2022", "2022-09-09T17:14:00+07:00"),
    ("không rõ", None),
    (None, None),
])
def test_published_is_day_first_in_hanoi_time(raw, expected):
    assert expected == dates.parse_published(raw)


def test_relative_times_resolve_against_the_fetch_time():
    now = datetime(2025, 3, 10, 5, 0, tzinfo=UTC)  # 12:00 in Hanoi
    assert "2025-03-09T19:00:00+07:00" == dates.parse_published("17 giờ trước", now=now)


@pytest.mark.parametrize("raw", [
    "17 giờ trước", "5 phút trước", "30 giây trước", "3 ngày trước", "2 tuần trước", "17giờ trước",
    "0 giờ trước", "100 ngày trước", "1 GIỜ TRƯỚC", "2 Ngày trước", "1 tháng trước",
])
def test_relative_times_read_without_dateparser_agree_with_it(raw):
    now = datetime(2026, 3, 31, 3, 20, 30, 123456, tzinfo=UTC)
    assert dates._dateparser(raw, now) == dates.parse_published(raw, now=now)


@pytest.mark.parametrize(("published_at", "expected"), [
    ("2022-09-09T17:14:00+07:00", "2022-09-09"),
    ("2022-09-09T02:00:00+07:00", "2022-09-09"),
    ("2022-09-08T20:00:00+00:00", "2022-09-09"),
    (None, None),
])
def test_local_date_is_the_hanoi_calendar_day(published_at, expected):
    assert expected == dates.local_date(published_at)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Lượt xem: 5", 5), ("View count: 13.733", 13733), ("View Count: 1,204", 1204),
    ("Lượt xem:", None), (None, None),
])
def test_views(raw, expected):
    assert expected == parsing.parse_views(raw)


@pytest.mark.parametrize(("line", "expected"), [
    ("Tin, ảnh: Kiều Trang", [{"name": "Kiều Trang", "roles": ["text", "photo"]}]),
    ("Tin: Minh Anh - Ảnh: Quốc Khánh",
     [{"name": "Minh Anh", "roles": ["text"]}, {"name": "Quốc Khánh", "roles": ["photo"]}]),
    ("Bài, ảnh: Hồng Nhung và Thu Hà",
     [{"name": "Hồng Nhung", "roles": ["text", "photo"]}, {"name": "Thu Hà", "roles": ["text", "photo"]}]),
    ("Nhóm PV", [{"name": "Nhóm PV", "roles": ["text"]}]),
    ("Tác giả: Nguyễn Lan.", [{"name": "Nguyễn Lan", "roles": ["text"]}]),
    ("Tin: Hà Linh - Ảnh: Hà Linh", [{"name": "Hà Linh", "roles": ["text", "photo"]}]),
    ("Nguồn: Báo Hànộimới", None),
    ("Tin tức hoạt động của Quận ủy trong tháng qua đã được tổng hợp đầy đủ", None),
])
def test_credits(line, expected):
    assert expected == parsing.parse_credit(line)


@pytest.mark.parametrize(("line", "expected"), [
    ("(Ban Tuyên giáo Quận ủy)", "Ban Tuyên giáo Quận ủy"),
    ("Ban Tuyên giáo Quận ủy", "Ban Tuyên giáo Quận ủy"),
    ("BAN TUYÊN GIÁO QUẬN ỦY", "BAN TUYÊN GIÁO QUẬN ỦY"),
    ("Văn phòng HĐND - UBND quận", "Văn phòng HĐND - UBND quận"),
    ("Ban Thường vụ Quận ủy đã chỉ đạo tổ chức lớp bồi dưỡng nghiệp vụ cho cán bộ cơ sở.", None),
    ("Đại biểu dự lớp bồi dưỡng", None),
])
def test_office_lines(line, expected):
    assert expected == parsing.parse_office(line)


def test_source_line():
    assert "Báo Hànộimới" == parsing.parse_source_line("Nguồn: Báo Hànộimới.")
    assert parsing.parse_source_line("Tin, ảnh: Kiều Trang") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Thông tin hoạt động Đảng Thông tin hoạt động Đảng", "Thông tin hoạt động Đảng"),
    ("TIN TỨC TIN TỨC", "TIN TỨC"),
    ("Tin tức - Sự kiện", "Tin tức - Sự kiện"),
])
def test_category_printed_twice_is_read_once(text, expected):
    assert expected == parsing.undouble(text)


def test_clean_text_makes_nfc_and_folds_spaces():
    decomposed = unicodedata.normalize("NFD", "Quận  Hoàn\u00a0Kiếm ")
    assert "Quận Hoàn Kiếm" == parsing.clean_text(decomposed)
    assert unicodedata.is_normalized("NFC", parsing.clean_text(decomposed))


@pytest.mark.parametrize(("text", "expected"), [
    ("Đinh Hồng Phong", "dinh hong phong"),
    ("tuyên giáo", "tuyen giao"),
    (unicodedata.normalize("NFD", "Đội ngũ"), "doi ngu"),
])
def test_fold_diacritics_for_search(text, expected):
    assert expected == vntext.fold(text)


def test_strip_site_suffix():
    page_title = "Tiêu đề - phụ - Cổng thông tin điện tử Quận Hoàn Kiếm"
    assert "Tiêu đề - phụ" == parsing.strip_site_suffix(page_title)
    assert "Tiêu đề" == parsing.strip_site_suffix("Tiêu đề")
