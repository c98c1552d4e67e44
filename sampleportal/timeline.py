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

from sampleportal.content import Site, load_site

CHANGED_SITE = "hoankiem"
EDITED, DELETED, REDIRECTED = "hk-03", "hk-05", "hk-06"
EDIT_NOTE = " Nội dung bài viết đã được cơ quan soạn thảo cập nhật, bổ sung số liệu mới nhất."
VIEWS_PER_EPOCH = 7


def future_keys() -> list[str]:
    """The two newest Hoàn Kiếm articles: hidden at epoch 0, published from epoch 1."""
    articles = sorted(load_site(CHANGED_SITE).articles, key=lambda a: a["published"], reverse=True)
    return [a["key"] for a in articles[:2]]


@dataclasses.dataclass
class Timeline:
    """The portal's state at ``epoch`` (``None``: as written); ``live_views`` makes visits count."""

    epoch: int | None = None
    live_views: bool = False
    visits: Counter = dataclasses.field(default_factory=Counter)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def site(self, key: str) -> Site:
        """The site as it is at this epoch."""
        site = load_site(key)
        if self.epoch is None:
            return site
        if key != CHANGED_SITE:
            return self._with_views(site)
        hidden = set(future_keys()) if self.epoch == 0 else {DELETED}
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
