"""Articles in the archive: upserts with their children, history, search index and copies.

Articles are keyed by ``id``; images, authors and attachments hang off them by foreign key and
are replaced together with their article in one transaction. A re-crawl never adds a duplicate;
a worse extraction never overwrites a better archived one; an edit keeps the previous version in
``article_versions``; every observed view count goes to ``view_counts``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from pipelines.storage.captures import link_files
from pipelines.storage.facets import facet_keys
from pipelines.storage.people import add_people, person_id
from pipelines.storage.schema import ARTICLE_COLUMNS, FTS_COLUMNS, FTS_TABLE, TABLES, fetch_rows
from vntext import fold, is_relative_time

CHILD_TABLES = ("images", "authors", "attachments")
EXTRACTED_CHILD_COLUMNS = {table: [c for c in TABLES[table]["columns"] if c != "capture_id"]
                           for table in CHILD_TABLES}
# Fields that say how complete an extraction is; a new one with fewer of them is not stored.
QUALITY_FIELDS = ("title", "published_at", "category", "lead", "body", "source", "views")
# What counts as an edit of the article (view counts never do).
VERSIONED_FIELDS = ("title", "lead", "body", "source", "captions", "credits")
UNCOMPARED = ("fetched_at", "first_seen_at", "url", "views", "views_raw", "capture_id", "gone_at",
              "gone_reason", "extractor", "has_views", "state", "recovered_from")
COMPARED_FIELDS = tuple(c for c in ARTICLE_COLUMNS if c not in UNCOMPARED)


def save_articles(db: sqlite_utils.Database, records: list[dict], change: str = "edited") -> Counter:
    """Store article records (``Article.to_dict()`` shape) in one transaction.

    Returns counts of outcomes: ``new``, ``changed``, ``unchanged`` and ``kept`` (an archived
    version with more fields was kept instead of a worse extraction). ``change`` labels the
    versions a change leaves behind: ``edited`` by the portal, or ``reextracted`` by us.
    """
    outcomes: Counter = Counter()
    search_rows: list[SearchRow] = []
    with db.atomic():
        for record in records:
            outcomes[_save_article(db, record, change, search_rows)] += 1
        _index_for_search(db, search_rows)
    return outcomes


def _save_article(db: sqlite_utils.Database, record: dict, change: str,
                  search_rows: list[SearchRow]) -> str:
    """Upsert one article with its children and history, add its full-text row to
    ``search_rows``; return the outcome."""
    existing = _existing(db, record["id"])
    known = existing is not None
    row = {column: record.get(column) for column in ARTICLE_COLUMNS}
    row["gone_at"] = row["gone_reason"] = None
    if known:
        if quality(record) < _archived_quality(db, existing):
            _observe_views(db, record)
            return "kept"
        _keep_archived_facts(existing, row)
    else:
        row["first_seen_at"] = record.get("fetched_at")
    children = _child_rows(record)
    _derive(db, row, record, archived_before=known)
    archived = _archived_children(db, record["id"]) if known else None
    outcome = _outcome(existing, archived, row, children)
    if outcome == "changed" and _versioned(existing, archived) != _versioned(row, children):
        _keep_version(db, existing, row, change, archived)
        row["state"] = "edited"
    rowid = _upsert_article(db, row)
    for table, rows in children.items():
        if known:
            db.execute(f"delete from {table} where article_id = ?", [record["id"]])
        _insert(db, table, rows)
    link_files(db, record["id"])
    _observe_views(db, record)
    _save_mentions(db, record, row, replace=known)
    search_rows.append(_search_row(rowid, record, replace=known))
    return outcome


def _derive(db: sqlite_utils.Database, row: dict, record: dict, archived_before: bool) -> None:
    """Fill the columns kept for facets: year, month, has_views, state, author_names, and the
    case-folded office_key and category_key (an article not ``archived_before`` has no versions
    yet)."""
    date = row.get("published_date") or ""
    row["published_year"] = int(date[:4]) if date[:4].isdigit() else None
    row["published_month"] = date[:7] or None
    row["has_views"] = int(row.get("views") is not None)
    versions = db.execute("select 1 from article_versions where article_id = ? limit 1",
                          [row["id"]]).fetchone() if archived_before else None
    row["state"] = "edited" if versions else "current"
    names = list(dict.fromkeys(author["name"] for author in record.get("authors", [])))
    row["author_names"] = json.dumps(names, ensure_ascii=False)
    row.update(facet_keys(row))


def _save_mentions(db: sqlite_utils.Database, record: dict, row: dict, replace: bool) -> None:
    """Store the mentions of officials the record carries (found at extraction: ``name``,
    ``position``, ``found_in``), replacing the archived ones when ``replace``, and add new
    people. The person is the exact name, tones kept (``storage.people.person_id``); a
    ``person_id`` in the record is not used."""
    mentions = record.get("mentions") or []
    add_people(db, [mention["name"] for mention in mentions])
    if replace:
        db.execute("delete from mentions where article_id = ?", [row["id"]])
    rows = {}
    for mention in mentions:
        key = (person_id(mention["name"]), mention["position"], mention["found_in"])
        rows.setdefault(key, {"article_id": row["id"], "person_id": key[0], "position": key[1],
                              "found_in": key[2], "published_date": row.get("published_date")})
    _insert(db, "mentions", list(rows.values()))


def _keep_archived_facts(existing: dict, row: dict) -> None:
    """Carry over what the archive knows better than a new fetch of the same article.

    The first archived URL and time stay, and where the article was first archived from
    (``recovered_from``); a copy link found earlier stays; and a publish time
    resolved from a relative date (``17 giờ trước``) is not moved by a later fetch that still
    prints a relative date, since each fetch resolves it against its own clock.
    """
    row["url"] = existing["url"]
    row["first_seen_at"] = existing["first_seen_at"]
    row["recovered_from"] = existing.get("recovered_from")
    row["duplicate_of"] = row.get("duplicate_of") or existing.get("duplicate_of")
    if is_relative_time(row.get("published_raw")) and existing.get("published_at"):
        for field in ("published_at", "published_date", "published_raw"):
            row[field] = existing[field]


def _existing(db: sqlite_utils.Database, article_id: str) -> dict | None:
    """The archived row for ``article_id`` or ``None``."""
    rows = fetch_rows(db, "select * from articles where id = ?", [article_id])
    return rows[0] if rows else None


def quality(record: dict) -> int:
    """How many of the core fields (and images/authors) an article record has filled."""
    filled = sum(1 for name in QUALITY_FIELDS if record.get(name) not in (None, ""))
    return filled + (1 if record.get("images") else 0) + (1 if record.get("authors") else 0)


def _archived_quality(db: sqlite_utils.Database, existing: dict) -> int:
    """:func:`quality` of an archived article, its images and authors counted as a record's are."""
    children = {table: bool(db.execute(f"select 1 from {table} where article_id = ? limit 1",
                                       [existing["id"]]).fetchone()) for table in ("images", "authors")}
    return quality({**existing, **children})


def _child_rows(record: dict) -> dict[str, list[dict]]:
    """Rows of the child tables for one article record."""
    article_id = record["id"]
    authors = {(a["name"], role) for a in record.get("authors", []) for role in a["roles"]}
    return {
        "images": [{"article_id": article_id, "position": n, **image}
                   for n, image in enumerate(record.get("images", []))],
        "authors": [{"article_id": article_id, "name": name, "role": role}
                    for name, role in sorted(authors)],
        "attachments": [{"article_id": article_id, "position": n, **attachment}
                        for n, attachment in enumerate(record.get("attachments", []))],
    }


def _archived_children(db: sqlite_utils.Database, article_id: str) -> dict[str, list[dict]]:
    """The child rows archived for an article, as extraction gives them (without the capture
    an image or attachment was kept in, which is the archive's, not the page's)."""
    return {table: fetch_rows(db, f"select {', '.join(EXTRACTED_CHILD_COLUMNS[table])} from {table} "
                                  "where article_id = ?", [article_id])
            for table in CHILD_TABLES}


def _outcome(existing: dict | None, archived: dict | None, row: dict, children: dict) -> str:
    """``new``, ``changed`` or ``unchanged`` for a row about to be written."""
    if existing is None:
        return "new"
    if any(existing.get(field) != row.get(field) for field in COMPARED_FIELDS):
        return "changed"
    if any(_canonical(archived[t]) != _canonical(children[t]) for t in CHILD_TABLES):
        return "changed"
    return "unchanged"


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert rows (all with the same keys) with one prepared statement."""
    if rows:
        columns = list(rows[0])
        db.conn.executemany(
            f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            [[row[c] for c in columns] for row in rows])


UPSERT_ARTICLE = (
    f"insert into articles ({', '.join(ARTICLE_COLUMNS)}) values ({', '.join('?' for _ in ARTICLE_COLUMNS)}) "
    f"on conflict(id) do update set {', '.join(f'{c} = excluded.{c}' for c in ARTICLE_COLUMNS if c != 'id')} "
    "returning rowid")


def _upsert_article(db: sqlite_utils.Database, row: dict) -> int:
    """Insert an article row (all of ARTICLE_COLUMNS) or update it in place, keeping its rowid
    (the search index's link); return that rowid."""
    return db.conn.execute(UPSERT_ARTICLE, [row[c] for c in ARTICLE_COLUMNS]).fetchone()[0]


def _canonical(rows: list[dict]) -> list[str]:
    """Order-free comparable form of child rows."""
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows)


def _versioned(row: dict, children: dict) -> dict:
    """The fields whose change makes a new version: text, captions and credits."""
    captions = [image["caption"] for image in children["images"]]
    credits = sorted((author["name"], author["role"]) for author in children["authors"])
    return {"title": row.get("title"), "lead": row.get("lead"), "body": row.get("body"),
            "source": row.get("source"), "captions": json.dumps(captions, ensure_ascii=False),
            "credits": json.dumps(credits, ensure_ascii=False)}


def _keep_version(db: sqlite_utils.Database, existing: dict, row: dict, change: str,
                  archived: dict) -> None:
    """Store the archived text of an article as a version, before it is replaced."""
    number = db.execute("select count(*) from article_versions where article_id = ?",
                        [existing["id"]]).fetchone()[0] + 1
    version = _versioned(existing, archived)
    db.table("article_versions").insert({
        "article_id": existing["id"], "version": number, **version,
        "extractor": existing.get("extractor"), "first_seen_at": existing.get("first_seen_at"),
        "last_seen_at": existing.get("fetched_at"), "replaced_at": row.get("fetched_at"),
        "change": change, "capture_id": existing.get("capture_id"),
    }, pk=("article_id", "version"))


def _observe_views(db: sqlite_utils.Database, record: dict) -> None:
    """Record the view count seen at this fetch, with the URL of the copy it was read on (one
    row per observation; copies of one article print counts of their own)."""
    if record.get("views") is not None and record.get("fetched_at"):
        db.execute("insert or replace into view_counts (article_id, observed_at, views, url) "
                   "values (?, ?, ?, ?)",
                   [record["id"], record["fetched_at"], record["views"], record.get("url")])


@dataclass(frozen=True)
class SearchRow:
    """An article's row of the full-text index: the article's ``rowid``, the column values
    (``folded``: the searchable text), and whether an archived row is replaced."""

    rowid: int
    values: dict[str, str]
    replace: bool


def _search_row(rowid: int, record: dict, replace: bool) -> SearchRow:
    """The full-text row of an article (``rowid``: the article's rowid).

    Title, lead, body, captions, credited names and office, folded as a query is (no tones,
    đ → d), so "dinh hong phong" and "Đinh Hồng Phong" find the same; the text as printed stays
    in the articles and images tables for snippets.
    """
    parts = [record.get("title") or "", record.get("lead") or "", record.get("body") or "",
             "\n".join(i["caption"] for i in record.get("images", []) if i.get("caption")),
             ", ".join(a["name"] for a in record.get("authors", [])), record.get("source") or ""]
    return SearchRow(rowid, {"folded": fold(" \n".join(parts))}, replace)


INSERT_SEARCH_ROW = (f"insert into {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) "
                     f"values (?{', ?' * len(FTS_COLUMNS)})")


def _index_for_search(db: sqlite_utils.Database, rows: list[SearchRow]) -> None:
    """Write a batch's full-text rows, in order, after its other writes.

    FTS5 writes the rows it holds to disk as a new segment whenever another table's write
    opens a statement savepoint, so rows written one per article between other writes each
    became a segment to merge later; written together they make one segment per batch.
    """
    for row in rows:
        if row.replace:
            db.execute(f"delete from {FTS_TABLE} where rowid = ?", [row.rowid])
        db.execute(INSERT_SEARCH_ROW, [row.rowid, *(row.values[c] for c in FTS_COLUMNS)])


def archive_state(db: sqlite_utils.Database) -> dict[str, dict]:
    """What a crawl needs to know of archived articles: ``{id: {"url", "published_at",
    "fetched_at"}}``."""
    return {row.pop("id"): row
            for row in db.query("select id, url, published_at, fetched_at from articles")}


def article_fetched_at(db: sqlite_utils.Database, article_id: str) -> str | None:
    """When the archived row of ``article_id`` was fetched (ISO 8601), or ``None`` if none is."""
    row = db.execute("select fetched_at from articles where id = ?", [article_id]).fetchone()
    return row[0] if row else None


def failed_urls(db: sqlite_utils.Database) -> set[str]:
    """URLs of pages that were fetched but not archived (page_failures)."""
    return {row["url"] for row in db.query("select url from page_failures")}


def mark_gone(db: sqlite_utils.Database, article_id: str, reason: str, at: str) -> bool:
    """Mark an archived article as gone from its portal (never deleted); True if newly marked."""
    with db.atomic():
        cursor = db.execute(
            "update articles set gone_at = ?, gone_reason = ?, state = 'gone' "
            "where id = ? and gone_at is null", [at, reason, article_id])
    return cursor.rowcount > 0


def link_copies(db: sqlite_utils.Database) -> int:
    """Mark republished copies: an article with the same title as an earlier article of another
    site gets ``duplicate_of`` = that original's id. Returns how many rows were linked.

    Copies linked by Liferay group (a ward site showing a district's article) arrive already
    marked by the crawler; this catches a city portal republishing a district story.
    """
    match = """
        from articles original
        where original.title = articles.title and original.site != articles.site
          and original.published_at < articles.published_at and original.duplicate_of is null"""
    sql = f"""
        update articles set duplicate_of = (select original.id {match}
                                            order by original.published_at limit 1)
        where duplicate_of is null and exists (select 1 {match})
    """
    with db.atomic():
        return db.execute(sql).rowcount


def save_failures(db: sqlite_utils.Database, failures: list[dict]) -> None:
    """Record pages that yielded no article (latest failure per URL), in one transaction."""
    if not failures:
        return
    with db.atomic():
        db.table("page_failures").upsert_all(failures, pk="url")


def summary(db: sqlite_utils.Database) -> list[dict]:
    """Per-site counts ``[{"site", "articles", "copies", "images", "authors"}]`` sorted by site.

    ``articles`` leaves out copies of other sites' articles, counted apart in ``copies``.
    """
    sql = """
        select a.site, count(distinct a.id) filter (where a.duplicate_of is null) as articles,
          count(distinct a.id) filter (where a.duplicate_of is not null) as copies,
          (select count(*) from images i join articles x on x.id = i.article_id
             where x.site = a.site) as images,
          (select count(distinct au.name) from authors au join articles y on y.id = au.article_id
             where y.site = a.site) as authors
        from articles a group by a.site order by a.site
    """
    return list(db.query(sql))
