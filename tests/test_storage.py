"""The archive on a real SQLite file: upserts, children, no worse overwrite, search, WAL."""

from __future__ import annotations

import copy

import pytest

from datasette_bantin.search import fts_query
from pipelines import storage

RECORD = {
    "id": "hoankiem:lop-boi-duong",
    "site": "hoankiem",
    "url": "https://hoankiem.hanoi.gov.vn/a/-/asset_publisher/x/content/lop-boi-duong",
    "title": "Quận Hoàn Kiếm chú trọng bồi dưỡng nghiệp vụ công tác tuyên giáo",
    "category": "Thông tin hoạt động Đảng",
    "published_at": "2022-09-09T17:14:00+07:00",
    "published_date": "2022-09-09",
    "published_raw": "09/09/2022 | 17:14",
    "views": 5,
    "views_raw": "Lượt xem: 5",
    "lead": "Ngày 30/8/2022, Quận ủy Hoàn Kiếm tổ chức lớp bồi dưỡng.",
    "body": "Ngày 30/8/2022, Quận ủy Hoàn Kiếm tổ chức lớp bồi dưỡng.\n\nĐồng chí Đinh Hồng Phong phát biểu.",
    "source": "Ban Tuyên giáo Quận ủy",
    "url_title": "lop-boi-duong",
    "group_id": None,
    "asset_entry_id": None,
    "images": [{"src": "https://h/1.jpg", "caption": "Đại biểu dự lớp.", "alt": None}],
    "authors": [{"name": "Kiều Trang", "roles": ["text", "photo"]}],
    "attachments": [{"url": "https://h/k.pdf", "label": "xem chi tiết tại đây"}],
    "fetched_at": "2026-01-01T00:00:00+00:00",
    "extractor": "liferay6/1",
}


@pytest.fixture
def db(tmp_path):
    archive = storage.open_archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def test_new_then_unchanged_then_updated(db):
    assert {"new": 1} == dict(storage.save_articles(db, [RECORD]))
    later = {**RECORD, "fetched_at": "2026-02-01T00:00:00+00:00"}
    assert {"unchanged": 1} == dict(storage.save_articles(db, [later]))
    edited = {**RECORD, "title": RECORD["title"] + " năm 2022"}
    assert {"changed": 1} == dict(storage.save_articles(db, [edited]))
    assert 1 == db.table("articles").count


def test_children_are_replaced_not_duplicated(db):
    storage.save_articles(db, [RECORD, RECORD])
    assert [("photo",), ("text",)] == [tuple(r.values()) for r in db.query(
        "select role from authors order by role")]
    assert 1 == db.table("images").count
    assert 1 == db.table("attachments").count


def test_worse_extraction_does_not_overwrite_the_archive(db):
    storage.save_articles(db, [RECORD])
    worse = {**RECORD, "body": None, "lead": None, "images": [], "source": None}
    assert {"kept": 1} == dict(storage.save_articles(db, [worse]))
    row = db.table("articles").get(RECORD["id"])
    assert RECORD["body"] == row["body"]
    assert 1 == db.table("images").count


def test_every_copy_s_view_count_is_an_observation_of_its_own(db):
    en_copy = {**RECORD, "url": RECORD["url"].replace(".vn/", ".vn/en/"), "views": 675,
               "fetched_at": "2026-01-01T00:05:00+00:00"}
    bare_copy = {**en_copy, "url": RECORD["url"].replace(".vn/a/", ".vn/b/"), "views": None,
                 "views_raw": None, "fetched_at": "2026-01-01T00:09:00+00:00"}
    worse_copy = {**en_copy, "views": 676, "body": None, "images": [],
                  "fetched_at": "2026-01-01T00:10:00+00:00"}
    storage.save_articles(db, [RECORD, en_copy, bare_copy, worse_copy])
    assert [(RECORD["url"], 5), (en_copy["url"], 675), (en_copy["url"], 676)] == [
        (r["url"], r["views"]) for r in db.query("select url, views from view_counts order by observed_at")]
    assert 675 == db.table("articles").get(RECORD["id"])["views"]


def test_storage_writes_the_mentions_the_record_carries_and_finds_none_itself(db):
    mention = {"name": "Đinh Hồng Phong", "position": "Phó Bí thư", "found_in": "body"}
    storage.save_articles(db, [{**RECORD, "mentions": [mention]}])
    assert [("đinh-hồng-phong", "Phó Bí thư", "body", "2022-09-09")] == [tuple(r.values()) for r in db.query(
        "select person_id, position, found_in, published_date from mentions")]
    assert [{"id": "đinh-hồng-phong", "name": "Đinh Hồng Phong", "folded": "dinh hong phong"}] == list(
        db.query("select * from people"))
    storage.save_articles(db, [{**RECORD, "title": "Sửa", "mentions": []}])  # the body still names him
    assert 0 == db.table("mentions").count


def test_first_url_and_first_seen_are_kept(db):
    storage.save_articles(db, [RECORD])
    moved = {**RECORD, "url": RECORD["url"] + "/maximized", "fetched_at": "2026-03-01T00:00:00+00:00"}
    storage.save_articles(db, [moved])
    row = db.table("articles").get(RECORD["id"])
    assert (RECORD["url"], RECORD["fetched_at"]) == (row["url"], row["first_seen_at"])


def found(db, query: str, limit: int = 20) -> list[str]:
    """Ids of the articles the archive's search (as Datasette asks it) finds for ``query``."""
    sql = ("select articles.id from articles_fts join articles on articles.rowid = articles_fts.rowid "
           "where articles_fts match ? order by rank limit ?")
    return [row["id"] for row in db.query(sql, [fts_query(query), limit])]


@pytest.mark.parametrize("query", ["dinh hong phong", "Đinh Hồng Phong", "tuyen giao", "kieu trang",
                                   "Ban Tuyên giáo", "dai bieu"])
def test_search_with_and_without_diacritics(db, query):
    storage.save_articles(db, [RECORD])
    assert [RECORD["id"]] == found(db, query)


def test_search_index_follows_edits(db):
    storage.save_articles(db, [RECORD])
    edited = copy.deepcopy(RECORD)
    edited["body"] = "Nội dung mới về chuyển đổi số."
    storage.save_articles(db, [edited])
    assert [] == found(db, "Đinh Hồng Phong")
    assert [RECORD["id"]] == found(db, "chuyen doi so")


def test_one_batch_of_articles_is_one_full_text_segment(db):
    batch = [{**copy.deepcopy(RECORD), "id": f"hoankiem:bai-{n}", "url": f"{RECORD['url']}-{n}",
              "body": f"{RECORD['body']} Bài số {n}."} for n in range(40)]
    assert {"new": 40} == dict(storage.save_articles(db, batch))
    segments = db.execute("select count(distinct segid) from articles_fts_idx").fetchone()[0]
    assert 1 == segments
    again = [{**record, "body": record["body"] + " Cập nhật."} for record in batch]
    assert {"changed": 40} == dict(storage.save_articles(db, again))
    assert 40 == len(found(db, "cap nhat", limit=100))
    assert 40 == db.execute("select count(*) from articles_fts").fetchone()[0]


def test_archive_is_in_wal_mode_with_foreign_keys(db):
    assert "wal" == db.execute("pragma journal_mode").fetchone()[0]
    keys = {fk.other_table for fk in db.table("images").foreign_keys}
    assert {"articles"} == keys


def test_failures_keep_the_latest_per_url(db):
    failure = {"url": "u", "site": "s", "kind": "no_date", "reason": "no date", "status": 200,
               "fetched_at": "t1"}
    storage.save_failures(db, [failure])
    storage.save_failures(db, [{**failure, "kind": "http_404", "fetched_at": "t2"}])
    assert [("u", "http_404")] == [(r["url"], r["kind"]) for r in db.table("page_failures").rows]


BROWSING = [
    "select id from articles where {where} order by published_at desc, id limit 101",
    # the next page, as Datasette asks for it after an article of 2022-09-09
    "select id from articles where {where} and (published_at < :at or published_at is null or "
    "(published_at = :at and ((id > :id)))) order by published_at desc, id limit 101",
]


@pytest.mark.parametrize("column", [None, "site", "category", "source", "published_year",
                                    "published_month", "has_views", "state"])
@pytest.mark.parametrize("sql", BROWSING, ids=["first page", "next page"])
def test_browsing_newest_first_reads_an_index_without_sorting(db, column, sql):
    for n in range(40):
        db.table("articles").insert({**{k: v for k, v in RECORD.items() if not isinstance(v, list)},
                                     "id": f"a{n}", "site": f"s{n % 4}",
                                     "published_at": f"2022-09-{n % 28 + 1:02d}T10:00:00+07:00"})
    db.execute("analyze")
    where = f"{column} = :value" if column else "1"
    params = {"value": "x", "at": "2022-09-09T17:14:00+07:00", "id": "a9"}
    plan = " ".join(row[3] for row in db.execute("explain query plan " + sql.format(where=where), params))
    assert "TEMP B-TREE" not in plan, plan
    assert "MULTI-INDEX" not in plan, plan
