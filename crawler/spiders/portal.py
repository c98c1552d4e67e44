"""The ``portal`` spider: crawling decisions only (what to fetch next), extraction lives in pages/.

From each site's start pages it follows Asset Publisher pagination and article links in every URL
form, fetches each article once per crawl under its normalised URL, and turns pages that are not
articles into PageFailure records with a one-line reason.

    scrapy crawl portal -a site=hoankiem
    scrapy crawl portal -a site=hoankiem -a mode=full
    scrapy crawl portal -a start_url=https://example.gov.vn/tin-tuc -s BANTIN_DB=x.db
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse

from crawler.charsets import page_selector
from crawler.config import archive_session, read_settings
from crawler.dates import utc_now
from crawler.items import Article, NotAnArticle, PageFailure, SiteCheck
from crawler.pages import extract_article
from crawler.pages.listing import ListingPage
from crawler.pages.registry import article_id, original_of, parse_article_ref
from crawler.sites import SiteConfig, adhoc_site, load_registry, select_sites
from crawler.spiders.files import FileFetches, unusable
from crawler.spiders.forms import ArticleForms
from crawler.spiders.plan import FetchPlan
from crawler.urls import normalize_url


class PortalSpider(scrapy.Spider):
    """Crawl the portals of every page family into Article records."""

    name = "portal"

    def __init__(self, site: str | None = None, start_url: str | None = None,
                 sites_file: str | None = None, sites: list[SiteConfig] | None = None,
                 registry: list[SiteConfig] | None = None, mode: str = "incremental", **kwargs):
        super().__init__(**kwargs)
        self.sites = sites or _sites_from_arguments(site, start_url, sites_file)
        known = registry or list(load_registry(*([sites_file] if sites_file else [])).values())
        self.group_owner = {s.group_id: s.name for s in [*known, *self.sites] if s.group_id}
        self.mode = mode
        self.plan = FetchPlan(mode=mode)
        self.seen_articles: set[str] = set()
        self.listing_pages: Counter = Counter()
        self.listings_seen: set = set()
        self.listings_requested: set[str] = set()  # Scrapy's duplicate filter would drop them anyway
        self.asset_entry_ids: dict[str, int] = {}  # article id -> assetEntryId seen in any link
        self.forms = ArticleForms()  # every URL form an article was linked under
        self.session = None  # the crawl's archive session, from start()
        self.config = None
        self.files: FileFetches | None = None  # images and documents to keep, when captures are on
        self.start_pages_failed: Counter = Counter()  # per site: start pages that got no answer

    @classmethod
    def update_settings(cls, settings) -> None:
        """Name the project and its contact in the User-Agent (``-s USER_AGENT=…`` still wins)."""
        super().update_settings(settings)
        config = read_settings(settings)
        settings.set("USER_AGENT", f"bantin/{config.version} (+{config.contact})", priority="spider")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Requests for every start page of every site."""
        config = self.config = read_settings(self.crawler.settings)
        self.session = archive_session(self.crawler)
        archived = self.session.plan_state if self.session else {}
        self.plan = FetchPlan(
            mode=self.mode, state=archived.get("state", {}),
            failed_urls=archived.get("failed_urls", set()),
            complete_sites=archived.get("complete_sites", set()),
            stop_after_known=config.stop_after_known,
            refresh_days=config.refresh_days,
            refresh_min_hours=config.refresh_min_hours,
        )
        if config.files and config.captures and self.session is not None:
            self.files = FileFetches(kept=archived.get("kept_files", set()))
        for site in self.sites:
            for url in site.start_urls:
                request = self._request(url, self.parse_listing, site)
                request.meta.update(home=urlsplit(url).path in ("", "/"), start=True)
                yield request
        for request in self._archived_requests():
            yield request

    def _archived_requests(self) -> Iterator[scrapy.Request]:
        """Archived articles due again, fetched at their archived URL even when no listing links
        them any more (so edits are seen and deletions marked): every one in full mode, the
        recent ones in incremental mode."""
        sites = {site.name: site for site in self.sites}
        for key, archived in self.plan.state.items():
            site = sites.get(key.split(":", 1)[0])
            if site and archived.get("url") and site.owns(archived["url"]) and self.plan.wanted(key):
                self.seen_articles.add(key)
                yield self._request(archived["url"], self.parse_article, site)

    def parse_listing(self, response, site: SiteConfig) -> Iterator:
        """Follow a listing page's article links and, unless paging may stop, its further pages."""
        if response.meta.get("start"):
            yield _site_check(site, response)
        if response.status >= 400 or not isinstance(response, TextResponse):
            yield self._failure(response, site, f"http_{response.status}", "listing page unavailable")
            return
        page = ListingPage(page_selector(response), response.url)
        known_in_a_row = response.meta.get("known_in_a_row", 0)
        links = page.article_links()
        for request, known in self._article_requests(links, site):
            known_in_a_row = known_in_a_row + 1 if known else 0
            if request is not None:
                yield request
        further = page.menu_links() if response.meta.get("home") else []
        if self._keep_paging(site, response, known_in_a_row, links):
            further = page.page_links() + further
        for url in further:
            if site.owns(url) and url not in self.listings_requested:
                self.listings_requested.add(url)
                request = self._request(url, self.parse_listing, site)
                request.meta["known_in_a_row"] = known_in_a_row
                yield request

    def parse_article(self, response, site: SiteConfig) -> Iterator:
        """Extract the article (or record why the page is not one) and follow related articles."""
        if response.status >= 400 or not isinstance(response, TextResponse):
            kind = f"http_{response.status}" if response.status >= 400 else "not_html"
            key = response.meta.get("article_key")
            alternate = self.forms.after_missing(key) if key and response.status in (404, 410) else None
            # a form the portal lacks while another is still to be asked for: this URL failed,
            # the article is not gone
            yield self._failure(response, site, kind, f"HTTP {response.status} for article page",
                                names_article=alternate is None)
            if alternate:
                yield self._article_request(alternate, site, key)
            return
        if _redirected_away(response):
            reason = f"redirected to {response.url}, not an article"
            yield self._failure(response, site, "redirected_away", reason)
            return
        if b"\x00" in response.body[:2048]:
            yield self._failure(response, site, "binary", "binary content served as a web page")
            return
        selector = page_selector(response)
        try:
            article = extract_article(selector, response.url, site.name,
                                      home_group_id=site.group_id, fetched_at=utc_now(),
                                      family=site.family)
        except NotAnArticle as error:
            yield self._failure(response, site, error.kind, error.reason)
        else:
            if article.asset_entry_id is None:
                article.asset_entry_id = self.asset_entry_ids.get(article.id)
            article.duplicate_of = original_of(article, self.group_owner)
            captured = self.session.captured_for(response.url) if self.session else None
            article.capture_id = captured.capture_id if captured else None
            yield article
            yield from self._file_requests(article, site)
        related = ListingPage(selector, response.url).article_links()
        yield from (request for request, _ in self._article_requests(related, site) if request)

    def parse_file(self, response, site: SiteConfig, kind: str) -> None:
        """Count a fetched image or document as kept (and link it to its rows), or as skipped
        with the reason it is not the file it should be; its capture is kept either way."""
        reason = unusable(kind, response.status, _header(response, "Content-Type"), response.body)
        if reason:
            self._file_skipped(response.url, reason)
            return
        stats = self.crawler.stats
        stats.inc_value("bantin/files_kept")
        stats.inc_value(f"bantin/files_kept/{kind}")
        stats.inc_value("bantin/files_bytes", len(response.body))
        captured = self.session.captured_for(response.url)
        if captured and captured.revisit:
            stats.inc_value("bantin/files_kept/same_as_earlier")
        self.session.keep_file(response.url)

    def on_file_error(self, failure) -> None:
        """Count an image or document that could not be fetched (too large, refused, timeout)."""
        kind = failure_kind(failure.type.__name__, failure.getErrorMessage())
        self._file_skipped(failure.request.url, kind)

    def _file_skipped(self, url: str, reason: str) -> None:
        """Log and count a file not kept, by reason."""
        self.logger.warning("file not kept: %s (%s)", url, reason)
        self.crawler.stats.inc_value(f"bantin/files_skipped/{reason}")

    def _file_requests(self, article: Article, site: SiteConfig) -> Iterator[scrapy.Request]:
        """Requests for the article's images and attached documents not kept yet (after the
        pages: lower priority), each capped at ``BANTIN_FILE_MAX_BYTES``."""
        if self.files is None:
            return
        wanted, passed = self.files.wanted(article.images, article.attachments, site.owns)
        for reason, count in passed.items():
            self.crawler.stats.inc_value(f"bantin/files_{reason}", count)
        for file in wanted:
            yield scrapy.Request(file.url, callback=self.parse_file, errback=self.on_file_error,
                                 cb_kwargs={"site": site, "kind": file.kind}, priority=-10,
                                 meta={"download_maxsize": self.config.file_max_bytes,
                                       "download_warnsize": 0, "bantin_file": file.kind})

    def on_error(self, failure) -> Iterator[PageFailure]:
        """Record a request that got no response (robots.txt, DNS, refused, timeout)."""
        request = failure.request
        site = request.cb_kwargs["site"]
        kind = failure_kind(failure.type.__name__, failure.getErrorMessage())
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:200]
        requested = (request.meta.get("redirect_urls") or [request.url])[0]
        self.crawler.stats.inc_value(f"bantin/failed/{kind}")
        if request.meta.get("start") and kind in ("connection", "timeout", "fetch_error"):
            self._start_page_failed(site, requested, reason)
            yield SiteCheck(site.name, urlsplit(request.url).netloc, "dead", reason, utc_now())
        else:
            self.logger.warning("not fetched: %s (%s)", requested, reason)
        yield PageFailure(site=site.name, url=requested, kind=kind, reason=reason, fetched_at=utc_now())

    def _start_page_failed(self, site: SiteConfig, url: str, reason: str) -> None:
        """Log one line for a start page that got no answer: the site is named dead when this was
        the last of its start pages and none answered."""
        self.start_pages_failed[site.name] += 1
        if self.start_pages_failed[site.name] < len(site.start_urls):
            self.logger.warning("start page not fetched: %s (%s)", url, reason)
        else:
            self.logger.warning("site %s is dead: no start page answered (%s)", site.name, reason)

    def closed(self, reason: str) -> None:
        """Log the crawl's closing summary: articles stored and pages that failed, by kind."""
        stats = self.crawler.stats.get_stats()
        self.logger.info("bantin summary: %s", format_summary(stats))

    def _keep_paging(self, site: SiteConfig, response, known_in_a_row: int, links: list[str]) -> bool:
        """Whether to follow a listing page's paging links: not past the listing-page cap, not
        from a page listing exactly what an earlier listing page listed (a page number past the
        end answered with page 1 again, a calendar trap), and as the fetch plan says (which
        stops at a page unchanged since the last run whose articles are all known)."""
        self.listing_pages[site.name] += 1
        if self.listing_pages[site.name] > self.config.max_listing_pages:
            return False
        # the same list under another locale or page path is a copy, not a trap: only a listing
        # of one path repeating an earlier page of that path stops the paging
        listed = frozenset(normalize_url(link) for link in links)
        fingerprint = (site.name, urlsplit(response.url).path, listed)
        repeated = fingerprint in self.listings_seen and not response.meta.get("start")
        self.listings_seen.add(fingerprint)
        captured = self.session.captured_for(response.url) if self.session else None
        unchanged = bool(captured and captured.unchanged) and known_in_a_row >= len(links)
        return not repeated and self.plan.keep_paging(site.name, known_in_a_row, unchanged)

    def _article_requests(self, urls: list[str], site: SiteConfig):
        """``(request or None, already archived)`` for each article link, in order.

        An article is requested at its normalised URL, once per crawl, when the fetch plan wants
        it. An assetEntryId shown by any of its links is remembered for its record.
        """
        for linked in urls:
            if not site.owns(linked):
                continue
            url = normalize_url(linked)
            ref = parse_article_ref(url)
            key = article_id(site.name, ref, site.group_id)
            if ref.asset_entry_id is not None:
                self.asset_entry_ids.setdefault(key, ref.asset_entry_id)
            known = self.plan.known(key, url)
            # the normal form is asked for first; the form as linked (its locale, its state) is
            # kept in case the portal does not answer the normal one
            retry = self.forms.link(key, url) or self.forms.link(key, linked)
            if key in self.seen_articles or not self.plan.wanted(key, url):
                self.seen_articles.add(key)
                yield (self._article_request(retry, site, key) if retry else None), known
                continue
            self.seen_articles.add(key)
            archived_url = self.plan.state.get(key, {}).get("url")
            if archived_url and site.owns(archived_url):
                url = archived_url  # the same URL as before, so unchanged pages become revisits
            yield self._article_request(self.forms.request(key, url), site, key), known

    def _article_request(self, url: str, site: SiteConfig, key: str) -> scrapy.Request:
        """The request of one URL form of the article ``key``."""
        request = self._request(url, self.parse_article, site)
        request.meta["article_key"] = key
        return request

    def _request(self, url: str, callback, site: SiteConfig) -> scrapy.Request:
        """A request carrying its site, with failures routed to :meth:`on_error`."""
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs={"site": site})

    def _failure(self, response, site: SiteConfig, kind: str, reason: str,
                 names_article: bool = True) -> PageFailure:
        """Log, count and return a PageFailure for ``response`` (naming the article it was, so a
        gone article is marked, unless ``names_article`` is False)."""
        self.logger.warning("not archived: %s (%s)", response.url, reason)
        self.crawler.stats.inc_value(f"bantin/failed/{kind}")
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        ref = parse_article_ref(requested) if names_article else None
        return PageFailure(site=site.name, url=requested, kind=kind, reason=reason,
                           status=response.status, fetched_at=utc_now(),
                           article_id=article_id(site.name, ref, site.group_id) if ref else None)


# (words in the exception's name or message, failure kind), first match wins
FAILURE_KINDS = (
    ("Forbidden by robots.txt", "disallowed"),
    ("off-site", "offsite"),
    ("max redirections", "redirect_loop"),
    ("larger than", "too_large"),
    ("Ignored response", "too_large"),
    ("Timeout", "timeout"),
    ("DataLoss", "truncated"),
    ("Connection", "connection"),
    ("DNSLookup", "connection"),
    ("CannotResolveHost", "connection"),
)


def failure_kind(error_type: str, message: str) -> str:
    """Short label of a fetch that got no usable response, from its error type and message."""
    text = f"{error_type}: {message}"
    return next((kind for words, kind in FAILURE_KINDS if words in text), "fetch_error")


def _site_check(site: SiteConfig, response) -> SiteCheck:
    """How a start page answered: alive, or redirected to another host."""
    host = urlsplit((response.meta.get("redirect_urls") or [response.url])[0]).netloc
    if not site.owns(response.url):
        return SiteCheck(site.name, host, "redirected", f"redirects to {response.url}", utc_now())
    return SiteCheck(site.name, host, "alive", f"HTTP {response.status}", utc_now())


def _header(response, name: str) -> str | None:
    """A response header as text, or ``None``."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _redirected_away(response) -> bool:
    """True when an article URL was redirected to a page that is not an article."""
    return bool(response.meta.get("redirect_urls")) and parse_article_ref(response.url) is None


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
    """One line: pages fetched, articles by outcome, failed pages by kind, files kept (images,
    documents, bytes) and not kept, by reason."""
    failed = _by_kind(stats, "bantin/failed/")
    return (f"pages fetched {stats.get('downloader/response_count', 0)}; "
            f"articles: {_listed(_by_kind(stats, 'bantin/articles_'))}; "
            f"failed pages {sum(failed.values())} ({_listed(failed)}); "
            f"{_files_summary(stats)}")


def _files_summary(stats: dict) -> str:
    """``files kept N (I images, D documents, B bytes), skipped S (reasons), K kept before``."""
    kept = _by_kind(stats, "bantin/files_kept/")
    skipped = _by_kind(stats, "bantin/files_skipped/")
    if stats.get("bantin/files_offsite"):
        skipped["offsite"] = stats["bantin/files_offsite"]
    return (f"files kept {stats.get('bantin/files_kept', 0)} ({kept.get('image', 0)} images, "
            f"{kept.get('document', 0)} documents, {stats.get('bantin/files_bytes', 0)} bytes), "
            f"skipped {sum(skipped.values())} ({_listed(skipped)}), "
            f"{stats.get('bantin/files_kept_before', 0)} kept before")


def _by_kind(stats: dict, prefix: str) -> dict[str, int]:
    """The stats under ``prefix``, keyed by what follows it."""
    return {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}


def _listed(counts: dict[str, int]) -> str:
    """``kind n, kind n`` sorted by kind, or ``none``."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


__all__ = ["Article", "PortalSpider", "format_summary"]
