"""A sample portal that changes between crawls, as real portals do.

Without an epoch the portal serves its content as written. At epoch 0 it serves it less two
"future" Hoàn Kiếm articles. From
epoch 1 on those two are published, one article is edited, one deleted (404), one redirected to
the home page, and every view count has risen. With ``live_views`` each visit of an article page
also raises its counter, like the portals' own counters.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import datetime, timedelta

from sampleportal.content import Site, load_site

CHANGED_SITE = "hoankiem"
EDITED, DELETED, REDIRECTED = "hk-03", "hk-05", "hk-06"
EDIT_NOTE = " Nội dung bài viết đã được cơ quan soạn thảo cập nhật, bổ sung số liệu mới nhất."
VIEWS_PER_EPOCH = 7
PUBLISHED = "%Y-%m-%d %H:%M"  # how the content files write an article's publish time


def future_keys(count: int = 2) -> list[str]:
    """The newest Hoàn Kiếm articles: hidden at epoch 0, published from epoch 1."""
    articles = sorted(load_site(CHANGED_SITE).articles, key=lambda a: a["published"], reverse=True)
    return [a["key"] for a in articles[:count]]


@dataclasses.dataclass
class Timeline:
    """The portal's state at ``epoch`` (``None``: as written); ``live_views`` makes visits count."""

    epoch: int | None = None
    live_views: bool = False
    copies: int = 1  # benchmarks: every article served this many times under new identities
    future: int = 2  # how many of the newest Hoàn Kiếm articles appear only from epoch 1
    visits: Counter = dataclasses.field(default_factory=Counter)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    copied: dict = dataclasses.field(default_factory=dict)

    def site(self, key: str) -> Site:
        """The site as it is at this epoch."""
        site = self._copied(load_site(key))
        if self.epoch is None:
            return site
        if key != CHANGED_SITE:
            return self._with_views(site)
        hidden = set(future_keys(self.future)) if self.epoch == 0 else {DELETED}
        articles = [self._changed(a) for a in site.articles if a["key"] not in hidden]
        return self._with_views(dataclasses.replace(site, articles=articles))

    def redirect(self, key: str, url_title: str) -> str | None:
        """Where an article URL now redirects (the home page), or ``None``."""
        if not self.epoch or key != CHANGED_SITE:
            return None
        article = next(a for a in load_site(key).articles if a["key"] == REDIRECTED)
        return "/" if article["url_title"] == url_title else None

    def visit(self, key: str, article: dict) -> dict:
        """Count a visit of an article page; the article as shown (with a live counter)."""
        if not self.live_views or article["views"] is None:
            return article
        with self.lock:
            seen = self.visits[key, article["key"]]
            self.visits[key, article["key"]] += 1
        return {**article, "views": article["views"] + seen}

    def _copied(self, site: Site) -> Site:
        """The site with each article repeated ``copies`` times under new identities."""
        if self.copies <= 1:
            return site
        if site.key in self.copied:
            return self.copied[site.key]
        articles = list(site.articles)
        oldest = min(datetime.strptime(a["published"], PUBLISHED) for a in site.articles)
        for copy in range(1, self.copies):
            articles += [_copy(article, copy, oldest) for article in site.articles]
        self.copied[site.key] = dataclasses.replace(site, articles=articles)
        return self.copied[site.key]

    def _changed(self, article: dict) -> dict:
        """The article with this epoch's edit applied."""
        if self.epoch and article["key"] == EDITED:
            return {**article, "paragraphs": [article["paragraphs"][0] + EDIT_NOTE,
                                              *article["paragraphs"][1:]]}
        return article

    def _with_views(self, site: Site) -> Site:
        """The site with every view count raised by this epoch's rise."""
        if not self.epoch:
            return site
        rise = VIEWS_PER_EPOCH * self.epoch
        articles = [{**a, "views": a["views"] + rise} if a["views"] is not None else a
                    for a in site.articles]
        return dataclasses.replace(site, articles=articles)


def _copy(article: dict, copy: int, oldest: datetime) -> dict:
    """One more identity for an article: new key, urlTitle and ids, same text, published ``copy``
    days before the site's ``oldest`` article (so the originals stay the newest, as on a portal
    whose archive goes back years)."""
    def shifted(value, step):
        return None if value is None else type(value)(int(value) + copy * step)

    time_of_day = datetime.strptime(article["published"], PUBLISHED).time()
    published = datetime.combine((oldest - timedelta(days=copy)).date(), time_of_day)
    return {**article, "key": f"{article['key']}-c{copy}", "url_title": f"{article['url_title']}-c{copy}",
            "published": published.strftime(PUBLISHED),
            "asset_entry_id": shifted(article["asset_entry_id"], 10_000_000),
            "numeric_id": shifted(article["numeric_id"], 1_000_000),
            "cms_id": shifted(article["cms_id"], 10**12)}
