"""WARC writing with warcio: rotation, revisits, reading back, and the content digest."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from pipelines import warc

PAGE = "<p>Quận Hoàn Kiếm</p><div>09/09/2022 | 17:14 | Lượt xem: {views}</div><p>Đang online: {online}</p>"


def fetch(url: str, body: bytes) -> warc.Fetch:
    return warc.Fetch(url=url, status=200, reason="OK",
                      headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "3")],
                      body=body, request_headers=[("User-Agent", "bantin")],
                      fetched_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_content_digest_ignores_visit_counters_only():
    first = warc.content_digest(PAGE.format(views=5, online=27))
    assert first == warc.content_digest(PAGE.format(views="13.733", online=4))
    assert first != warc.content_digest(PAGE.format(views=5, online=27).replace("Hoàn Kiếm", "Ba Đình"))


# Pieces of pages near counters: labels in any case, the letters re folds specially, digits, tags.
COUNTER_PIECES = st.sampled_from([
    "Lượt xem", "LƯỢT XEM", "lượt truy cập trong ngày", "Tổng ſố truy cập", "VİEW COUNT", "vıew count",
    "Đang online", "hôm nay", "Trong tháng", ": ", " ", "<b>", "</span>", "5", "13.733", "1,2", "x",
    "lượt", "truy cập hôm nay", "\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(COUNTER_PIECES, max_size=25).map("".join))
def test_mask_counters_is_the_counters_pattern_applied_everywhere(text):
    assert warc.COUNTERS.sub(r"\1#", text) == warc.mask_counters(text)


def test_records_are_written_read_back_and_rotated(tmp_path):
    writer = warc.RotatingWarcWriter(tmp_path, "test", max_bytes=600)
    written = [writer.write_fetch(fetch(f"http://127.0.0.1/a{n}", f"<p>{n}</p>".encode() * 40))
               for n in range(4)]
    revisit = writer.write_fetch(fetch("http://127.0.0.1/a0", b"<p>0</p>" * 40),
                                 revisit_of={"digest": written[0].payload_digest,
                                             "uri": "http://127.0.0.1/a0",
                                             "warc_date": "2026-01-01T00:00:00Z"})
    writer.close()
    assert len({w.warc_file for w in written}) > 1
    stored = warc.read_response(tmp_path / written[2].warc_file, written[2].offset)
    assert ("http://127.0.0.1/a2", 200, b"<p>2</p>" * 40) == (stored.url, stored.status, stored.body)
    assert ("Content-Length", str(len(stored.body))) in stored.headers
    with open(tmp_path / revisit.warc_file, "rb") as handle:
        handle.seek(revisit.offset)
        record = next(iter(ArchiveIterator(handle)))
    assert "revisit" == record.rec_type
    assert written[0].payload_digest == record.rec_headers.get_header("WARC-Payload-Digest")
    types = []
    for name in sorted({w.warc_file for w in [*written, revisit]}):
        with open(tmp_path / name, "rb") as handle:
            types += [r.rec_type for r in ArchiveIterator(handle)]
    assert 5 == types.count("request")
    assert types.count("warcinfo") == len({w.warc_file for w in [*written, revisit]})
