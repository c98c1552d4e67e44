"""The ``portal`` spider: crawling decisions only (what to fetch next), extraction lives in pages/.

From each site's start pages it follows Asset Publisher pagination and article links in every URL
form, fetches each article once per crawl under its normalised URL, and turns pages that are not
articles into PageFailure records with a one-line reason.

    scrapy crawl portal -a site=hoankiem
    scrapy crawl portal -a start_url=https://example.gov.vn/tin-tuc -s ARCHIVE_DB=x.db
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler.items import Article, NotAnArticle, PageFailure
from crawler.pages import extract_article
from crawler.pages.listing import ListingPage
from crawler.sites import SiteConfig, adhoc_site, load_registry, select_sites
from crawler.urls import ArticleRef, article_id, normalize_url, parse_article_ref


class PortalSpider(scrapy.Spider):
    """Crawl Liferay 6 Asset Publisher portals into Article records."""

    name = "portal"

    def __init__(self, site: str | None = None, start_url: str | None = None,
                 sites_file: str | None = None, sites: list[SiteConfig] | None = None,
                 registry: list[SiteConfig] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sites = sites or _sites_from_arguments(site, start_url, sites_file)
        known = registry or list(load_registry(*([sites_file] if sites_file else [])).values())
        self.group_owner = {s.group_id: s.name for s in [*known, *self.sites] if s.group_id}
        self.seen_articles: set[str] = set()
        self.asset_entry_ids: dict[str, int] = {}  # article id -> assetEntryId seen in any link

    @classmethod
    def update_settings(cls, settings) -> None:
        """Name the project and its contact in the User-Agent (``-s USER_AGENT=…`` still wins)."""
        super().update_settings(settings)
        agent = (f"bantin/{settings.get('BANTIN_VERSION', '0')} "
                 f"(+{settings.get('BANTIN_CONTACT', 'no contact set')})")
        settings.set("USER_AGENT", agent, priority="spider")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Requests for every start page of every site."""
        for site in self.sites:
            for url in site.start_urls:
                request = self._request(url, self.parse_listing, site)
                request.meta["home"] = urlsplit(url).path in ("", "/")
                yield request

    def parse_listing(self, response, site: SiteConfig) -> Iterator:
        """Follow a listing page's article links and its further listing pages."""
        if response.status >= 400 or not isinstance(response, TextResponse):
            yield self._failure(response, site, f"http_{response.status}", "listing page unavailable")
            return
        page = ListingPage(response.selector, response.url)
        yield from self._article_requests(page.article_links(), site)
        further = page.page_links() + (page.menu_links() if response.meta.get("home") else [])
        for url in further:
            if site.owns(url):
                yield self._request(url, self.parse_listing, site)

    def parse_article(self, response, site: SiteConfig) -> Iterator:
        """Extract the article (or record why the page is not one) and follow related articles."""
        if response.status >= 400 or not isinstance(response, TextResponse):
            kind = f"http_{response.status}" if response.status >= 400 else "not_html"
            yield self._failure(response, site, kind, f"HTTP {response.status} for article page")
            return
        try:
            article = extract_article(response.selector, response.url, site.name,
                                      home_group_id=site.group_id, fetched_at=_now(),
                                      family=site.family)
        except NotAnArticle as error:
            yield self._failure(response, site, error.kind, error.reason)
        else:
            if article.asset_entry_id is None:
                article.asset_entry_id = self.asset_entry_ids.get(article.id)
            article.duplicate_of = self._original_of(article)
            yield article
        yield from self._article_requests(ListingPage(response.selector, response.url).article_links(), site)

    def on_error(self, failure) -> Iterator[PageFailure]:
        """Record a request that got no response (robots.txt, DNS, refused, timeout)."""
        request = failure.request
        kind = "disallowed" if failure.check(IgnoreRequest) else "fetch_error"
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:200]
        self.logger.warning("not fetched: %s (%s)", request.url, reason)
        self.crawler.stats.inc_value(f"bantin/failed/{kind}")
        yield PageFailure(site=request.cb_kwargs["site"].name, url=request.url, kind=kind,
                          reason=reason, fetched_at=_now())

    def closed(self, reason: str) -> None:
        """Log the crawl's closing summary: articles stored and pages that failed, by kind."""
        stats = self.crawler.stats.get_stats()
        self.logger.info("bantin summary: %s", format_summary(stats))

    def _original_of(self, article) -> str | None:
        """Id of the original when the article belongs to another known site's Liferay group."""
        owner = self.group_owner.get(article.group_id) if article.group_id else None
        if owner is None or owner == article.site:
            return None
        return article_id(owner, ArticleRef(url_title=article.url_title))

    def _article_requests(self, urls: list[str], site: SiteConfig) -> Iterator[scrapy.Request]:
        """One request per article not yet requested in this crawl, at its normalised URL.

        An assetEntryId shown by any of an article's links is remembered for its record.
        """
        for url in urls:
            if not site.owns(url):
                continue
            url = normalize_url(url)
            ref = parse_article_ref(url)
            key = article_id(site.name, ref, site.group_id)
            if ref.asset_entry_id is not None:
                self.asset_entry_ids.setdefault(key, ref.asset_entry_id)
            if key not in self.seen_articles:
                self.seen_articles.add(key)
                yield self._request(url, self.parse_article, site)

    def _request(self, url: str, callback, site: SiteConfig) -> scrapy.Request:
        """A request carrying its site, with failures routed to :meth:`on_error`."""
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs={"site": site})

    def _failure(self, response, site: SiteConfig, kind: str, reason: str) -> PageFailure:
        """Log, count and return a PageFailure for ``response``."""
        self.logger.warning("not archived: %s (%s)", response.url, reason)
        self.crawler.stats.inc_value(f"bantin/failed/{kind}")
        return PageFailure(site=site.name, url=response.url, kind=kind, reason=reason,
                           status=response.status, fetched_at=_now())


def _sites_from_arguments(site: str | None, start_url: str | None,
                          sites_file: str | None) -> list[SiteConfig]:
    """Sites named by ``-a site=a,b`` or made from ``-a start_url=u1,u2``."""
    if start_url:
        return [adhoc_site([u.strip() for u in start_url.split(",") if u.strip()])]
    if site:
        registry = load_registry(*([sites_file] if sites_file else []))
        return select_sites(registry, [s.strip() for s in site.split(",")])
    raise ValueError("portal spider needs -a site=NAME or -a start_url=URL")


def format_summary(stats: dict) -> str:
    """One line: pages fetched, articles by outcome, failed pages by kind."""
    outcomes = {k.removeprefix("bantin/articles_"): v for k, v in stats.items()
                if k.startswith("bantin/articles_")}
    failed = {k.removeprefix("bantin/failed/"): v for k, v in stats.items()
              if k.startswith("bantin/failed/")}
    articles = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "none"
    failures = ", ".join(f"{k} {v}" for k, v in sorted(failed.items())) or "none"
    return (f"pages fetched {stats.get('downloader/response_count', 0)}; "
            f"articles: {articles}; failed pages {sum(failed.values())} ({failures})")


def _now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


__all__ = ["Article", "PortalSpider", "format_summary"]
