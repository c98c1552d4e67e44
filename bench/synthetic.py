"""A synthetic archive for the scale benchmark: N articles over 30 sites and 10 years.

Texts are drawn from the sample portal's paragraphs, so lengths and vocabulary are realistic; rows
go straight into the archive's own schema (``storage.open_archive``) in large batches, with the
same full-text rows (the folded text) the crawler writes.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta
from pathlib import Path

from crawler.sites import load_registry
from pipelines import storage
from pipelines.storage.schema import ARTICLE_COLUMNS
from sampleportal.content import SITE_KEYS, load_site
from vntext import fold

BATCH = 20_000
FIRST_DAY = date(2015, 7, 1)
DAYS = 3650


def _pools(rng: random.Random) -> dict:
    """Paragraphs, titles, offices, authors and captions of the sample portal."""
    articles = [a for key in SITE_KEYS for a in load_site(key).articles]
    return {
        "paragraphs": [p for a in articles for p in [a["lead"], *a["paragraphs"]]],
        "titles": [a["title"] for a in articles],
        "offices": sorted({a["office"] for a in articles if a["office"]}),
        "authors": sorted({au["name"] for a in articles for au in a["authors"]}),
        "captions": [i["caption"] for a in articles for i in a["images"] if i["caption"]],
        "categories": ["Tin tức - Sự kiện", "Xây dựng Đảng", "Chính quyền", "An sinh xã hội",
                       "Cải cách hành chính"],
    }


def build(path: Path, count: int, seed: int = 7) -> dict:
    """Write ``count`` synthetic articles to a new archive at ``path``; return build figures."""
    rng = random.Random(seed)
    pools = _pools(rng)
    sites = [name for name, site in load_registry().items() if site.level][:30]
    db = storage.open_archive(path)
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        rows = [_article(n, rng, pools, sites) for n in range(first, min(first + BATCH, count))]
        _insert(db, rows)
    db.execute("analyze")
    seconds = time.perf_counter() - started
    db.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return {"articles": count, "seconds": seconds, "bytes": size, "sites": len(sites)}


def _article(n: int, rng: random.Random, pools: dict, sites: list[str]) -> dict:
    """One synthetic article record with its images and authors."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    paragraphs = rng.sample(pools["paragraphs"], rng.randint(3, 8))
    site = sites[n % len(sites)]
    authors = rng.sample(pools["authors"], rng.randint(0, 2))
    views = rng.randint(1, 20000) if rng.random() < 0.85 else None
    return {
        "id": f"{site}:bai-viet-{n}", "site": site, "url": f"https://{site}.hanoi.gov.vn/a/{n}",
        "title": f"{rng.choice(pools['titles'])} ({n})", "category": rng.choice(pools["categories"]),
        "published_at": f"{day.isoformat()}T{rng.randrange(7, 18):02d}:{rng.randrange(60):02d}:00+07:00",
        "published_date": day.isoformat(), "published_raw": day.strftime("%d/%m/%Y"),
        "published_year": day.year, "published_month": day.isoformat()[:7],
        "views": views, "views_raw": None if views is None else f"Lượt xem: {views}",
        "has_views": int(views is not None), "lead": paragraphs[0], "body": "\n\n".join(paragraphs),
        "source": rng.choice(pools["offices"]), "extractor": "liferay6/1", "state": "current",
        "author_names": json.dumps(authors, ensure_ascii=False),
        "fetched_at": "2025-06-30T00:00:00+00:00", "first_seen_at": "2025-06-30T00:00:00+00:00",
        "_captions": rng.sample(pools["captions"], rng.randint(0, 3)), "_authors": authors,
    }


def _insert(db, rows: list[dict]) -> None:
    """Insert a batch of articles, their images, authors and full-text rows in one transaction."""
    columns = list(ARTICLE_COLUMNS)
    with db.atomic():
        db.conn.executemany(
            f"insert into articles ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            [[row.get(c) for c in columns] for row in rows])
        db.conn.executemany(
            "insert into images (article_id, position, src, caption) values (?, ?, ?, ?)",
            [(row["id"], n, f"{row['url']}/anh-{n}.jpg", caption)
             for row in rows for n, caption in enumerate(row["_captions"])])
        db.conn.executemany(
            "insert into authors (article_id, name, role) values (?, ?, 'text')",
            [(row["id"], name) for row in rows for name in row["_authors"]])
        rowids = dict(db.execute(
            f"select id, rowid from articles where id in ({', '.join('?' for _ in rows)})",
            [row["id"] for row in rows]).fetchall())
        db.conn.executemany("insert into articles_fts (rowid, folded) values (?, ?)",
                            [_search_row(rowids[row["id"]], row) for row in rows])


def _search_row(rowid: int, row: dict) -> tuple:
    """The full-text row of an article, as storage writes it: its rowid and its folded text."""
    values = [row["title"], row["lead"], row["body"], "\n".join(row["_captions"]),
              ", ".join(row["_authors"]), row["source"]]
    return rowid, fold(" \n".join(values))
