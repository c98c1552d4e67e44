"""Pages recovered from a web archive (the Internet Archive's Wayback Machine, or any pywb).

The CDX API lists a host's captures; the replay gives each one as archived (``id_`` mode). Each
capture kept is written as WARC records under its original URL and capture time, indexed in
``captures`` with origin ``wayback``, and its article, if it is one, archived through the
extractors ``import-warc`` uses, with ``recovered_from = wayback``. What the servers say is read
by the pure functions of ``pipelines/cdx.py``; :class:`ArchiveClient` does the fetching, one
request at a time, backing off on 429 and gateway errors as the server asks (``Retry-After``).
"""

from __future__ import annotations

import io
import os
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from crawler.config import WaybackSettings
from crawler.dates import utc_now
from crawler.pages.registry import parse_article_ref
from crawler.sites import RegistryError, SiteConfig, select_sites
from media import HTML_TYPES
from pipelines import replay, storage, warc
from pipelines.cdx import (
    CdxCapture,
    backoff_delay,
    cdx_query,
    collapse,
    parse_cdx,
    replay_url,
    restored_headers,
    retry_after,
    timestamp_iso,
    wanted,
)
from pipelines.replay import newer_than_archived

ORIGIN = "wayback"  # captures.origin and articles.recovered_from of what this module keeps
RETRYABLE = frozenset({429, 502, 503, 504})
MAX_ARCHIVE_REDIRECTS = 3  # the archive's own redirects to a nearby timestamp, followed


class WaybackError(RuntimeError):
    """The CDX or replay server cannot be used (unreachable, refusing, not speaking CDX); one line."""


class NotArchived(RuntimeError):
    """The replay has no capture at a URL and time the CDX listed; one line naming them."""


# Fetching, one request at a time


@dataclass(frozen=True)
class Answer:
    """An answer of the archive server: ``status``, ``reason``, ``headers`` as ``(name, value)``
    pairs in order, ``body`` as received (any Content-Encoding left as it is)."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or ``None``."""
        return warc.header(self.headers, name)


class _Unfollowed(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to keep, never followed by the HTTP client."""

    def redirect_request(self, *args, **kwargs):
        """Follow nothing."""
        return None


class ArchiveClient:
    """GET requests to an archive server, one at a time, at least ``config.delay`` seconds apart.

    A 429, 502, 503 or 504 answer, a failed connection or a timeout is retried up to
    ``config.retries`` times after :func:`backoff_delay` seconds; after the last,
    :class:`WaybackError`. ``sleep`` waits a number of seconds (tests pass their own).
    """

    def __init__(self, config: WaybackSettings, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self.sleep = sleep
        self.opener = urllib.request.build_opener(_Unfollowed)
        self.last_request = None  # time.monotonic() of the last request sent

    def get(self, url: str) -> Answer:
        """The answer to ``GET url`` (a redirect or an error status included), retried as above."""
        config = self.config
        for attempt in range(1, config.retries + 2):
            self._pause()
            try:
                answer = self._once(url)
            except (OSError, HTTPException) as error:
                problem, asked = _failure(error), 0.0
            else:
                if answer.status not in RETRYABLE:
                    return answer
                problem, asked = f"answered HTTP {answer.status}", retry_after(answer.header("Retry-After"))
            if attempt > config.retries:
                break
            self.sleep(backoff_delay(attempt, config.backoff_base, config.backoff_max, asked))
        raise WaybackError(f"{_server(url)} {problem} ({attempt} tries)")

    def _pause(self) -> None:
        """Wait until ``config.delay`` seconds have passed since the last request."""
        if self.last_request is not None:
            wait = self.config.delay - (time.monotonic() - self.last_request)
            if wait > 0:
                self.sleep(wait)
        self.last_request = time.monotonic()

    def _once(self, url: str) -> Answer:
        """One GET; an HTTP error status is an answer like any other."""
        request = urllib.request.Request(url, headers={"User-Agent": self.config.user_agent})
        try:
            with self.opener.open(request, timeout=self.config.timeout) as response:
                return Answer(response.status, response.reason, list(response.headers.items()),
                              response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, str(error.reason), list(error.headers.items()), error.read())


def _failure(error: Exception) -> str:
    """What went wrong with a request, in a few words."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError):
        return "did not answer in time"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return f"could not be reached: {text}"


def _server(url: str) -> str:
    """``scheme://host[:port]/path`` of a request URL, for messages (no query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def list_captures(client: ArchiveClient, cdx: str, host: str, start: str | None,
                  end: str | None) -> list[CdxCapture]:
    """Every capture the CDX server lists for ``host`` between ``start`` and ``end`` (see
    :func:`cdx_query`); :class:`WaybackError` when it cannot be asked or does not answer CDX."""
    url = cdx_query(cdx, host, start, end)
    answer = client.get(url)
    if answer.status != 200:
        raise WaybackError(f"CDX server {_server(url)} answered HTTP {answer.status} for {host}")
    try:
        return parse_cdx(warc.decoded(answer.body, answer.header("Content-Encoding")).decode("utf-8"))
    except (ValueError, TypeError) as error:
        raise WaybackError(f"CDX server {_server(url)} did not answer CDX JSON for {host} "
                           f"({str(error)[:80]})") from None


def fetch_capture(client: ArchiveClient, replay: str, capture: CdxCapture) -> tuple[Answer, str]:
    """The archived answer of a capture (replayed in ``id_`` mode) and the 14-digit timestamp it
    was archived at (its ``Memento-Datetime``, else the CDX's). The archive's own redirects to
    another timestamp are followed; :class:`NotArchived` when the replay does not hold it."""
    url = replay_url(replay, capture.timestamp, capture.url)
    for _ in range(MAX_ARCHIVE_REDIRECTS + 1):
        answer = client.get(url)
        memento = answer.header("Memento-Datetime")
        if memento:
            return answer, _memento_timestamp(memento) or capture.timestamp
        target = urljoin(url, answer.header("Location") or "")
        if 300 <= answer.status < 400 and target.startswith(replay.rstrip("/") + "/"):
            url = target
            continue
        if answer.status >= 400:
            break
        return answer, capture.timestamp
    raise NotArchived(f"{capture.url} ({capture.timestamp}): the replay answered HTTP {answer.status}")


def _memento_timestamp(value: str) -> str | None:
    """A ``Memento-Datetime`` (an HTTP date) as a 14-digit UTC timestamp; ``None`` if unreadable."""
    try:
        return parsedate_to_datetime(value).astimezone(UTC).strftime("%Y%m%d%H%M%S")
    except (TypeError, ValueError, IndexError):
        return None


# Keeping the captures


@dataclass(frozen=True)
class RecoveredFetch(warc.Fetch):
    """A capture as a web archive replayed it: ``via`` the replay address it was read from,
    ``retrieved_at`` when (ISO 8601 UTC)."""

    via: str = ""
    retrieved_at: str = ""


class RecoveredWarcWriter(warc.RotatingWarcWriter):
    """WARC files of recovered captures: each response record, dated when the web archive captured
    it, is followed by a ``metadata`` record naming the replay it was read from and when, in place
    of the request record a crawl writes (the original request is not known)."""

    def _request_record(self, fetch: RecoveredFetch, date: str, concurrent_to: str):
        """The ``metadata`` record (``application/warc-fields``) concurrent to the response."""
        fields = f"via: {fetch.via}\r\nretrieved: {fetch.retrieved_at}\r\n".encode()
        return self.writer.create_warc_record(
            fetch.url, "metadata", payload=io.BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to})


@dataclass(frozen=True)
class Source:
    """What to recover: the captures of ``host`` (``name[:port]``) for ``site``, from ``start`` to
    ``end`` (CDX timestamps, ``None`` for no bound)."""

    site: SiteConfig
    host: str
    start: str | None = None
    end: str | None = None


def sources_for(sites: list[SiteConfig], names: list[str], hosts: list[str],
                start: str | None = None, end: str | None = None) -> list[Source]:
    """One Source per host of each named site, and per ``--host`` (the registered site serving it,
    else one named after it); ``RegistryError`` for an unknown name or nothing to recover."""
    chosen = select_sites({site.name: site for site in sites}, names)
    sources = [Source(site, host, start, end) for site in chosen for host in site.hosts]
    for host in hosts:
        host = urlsplit(host).netloc if "//" in host else host.strip("/")
        url = f"http://{host}/"
        site = replay.site_for(url, sites)
        sources.append(Source(site, host, start, end))
    if not sources:
        raise RegistryError("name a site (see `bantin sites`) or give --host HOST")
    return sources


@dataclass
class Report:
    """What an import did: ``counts`` (``listed``, ``to_import``, ``imported_before``,
    ``fetched``, ``pages``, ``redirects``, ``other_statuses``, ``not_in_archive`` and the article
    outcomes ``new``, ``changed``, ``unchanged``, ``kept``), one line per capture the replay did not
    hold, and why the run ``stopped`` early (``None`` when it did not)."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    stopped: str | None = None


def import_wayback(db, sources: list[Source], sites: list[SiteConfig], folder: Path,
                   client: ArchiveClient, progress: Callable[[list], Iterable] = iter) -> Report:
    """List the captures of every source, then fetch and keep each one not imported before.

    The servers are the client's (``config.cdx``, ``config.replay``); captures are written under
    ``folder`` (the archive's captures folder); the sources' sites are kept in the archive, for
    re-extraction. A listing that fails raises :class:`WaybackError` before anything is fetched;
    a server lost while fetching stops the run (``Report.stopped``), keeping everything imported
    so far. ``progress`` wraps the list of captures to fetch (a progress bar).
    """
    report = Report()
    todo = []
    recovered_sites = {source.site.name: source.site for source in sources}
    storage.save_sites(db, [asdict(site) for site in recovered_sites.values()])
    sites = list({**{site.name: site for site in sites}, **recovered_sites}.values())
    for source in sources:
        listed = list_captures(client, client.config.cdx, source.host, source.start, source.end)
        chosen = collapse(capture for capture in listed if wanted(capture))
        fresh = [capture for capture in chosen if not imported_before(db, capture)]
        report.counts.update(listed=len(listed), to_import=len(fresh),
                             imported_before=len(chosen) - len(fresh))
        todo += [(source.site, capture) for capture in fresh]
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    writer = RecoveredWarcWriter(folder, f"wayback-{stamp}-{os.getpid()}")
    try:
        for site, capture in progress(todo):
            _import_one(db, writer, client, site, capture, sites, report)
    except WaybackError as error:
        report.stopped = str(error)
    finally:
        writer.close()
        storage.link_copies(db)
    return report


def imported_before(db, capture: CdxCapture) -> bool:
    """Whether the archive holds a capture already: one of its URL recovered at its time, or any
    capture of its URL with its payload digest."""
    return storage.holds_capture(db, capture.url, ORIGIN, capture.fetched_at, capture.payload_digest)


def _import_one(db, writer: RecoveredWarcWriter, client: ArchiveClient, site: SiteConfig,
                capture: CdxCapture, sites: list[SiteConfig], report: Report) -> None:
    """Fetch one capture, write it, index it and archive its article, counting what happened."""
    replay = client.config.replay
    try:
        answer, timestamp = fetch_capture(client, replay, capture)
    except NotArchived as error:
        report.counts["not_in_archive"] += 1
        report.problems.append(str(error))
        return
    stored, written = _write(writer, capture.url, answer, timestamp, replay)
    report.counts["fetched"] += 1
    report.counts[_kind(answer.status)] += 1
    with db.atomic():
        row = _capture_row(site, capture.url, timestamp, stored, written)
        row["id"] = storage.add_capture(db, row)
        record = _article(stored, row, sites)
        if record is not None and newer_than_archived(db, record):
            report.counts.update(storage.save_articles(db, [record], change="reextracted"))
        elif record is not None:
            report.counts["older_than_archived"] += 1


def _write(writer: RecoveredWarcWriter, url: str, answer: Answer, timestamp: str,
           replay: str) -> tuple[warc.StoredResponse, warc.Written]:
    """Write a replayed capture under its original URL and time (``timestamp``, 14 digits UTC)
    with its original headers; the response as stored (payload decoded) and where it went."""
    headers = restored_headers(answer.headers, answer.body, replay)
    written = writer.write_fetch(RecoveredFetch(
        url=url, status=answer.status, reason=answer.reason, headers=headers, body=answer.body,
        request_headers=[], fetched_at=datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC),
        via=replay_url(replay, timestamp, url), retrieved_at=utc_now()))
    body = warc.decoded(answer.body, warc.header(headers, "Content-Encoding"))
    stored = warc.StoredResponse(url=url, status=answer.status, headers=headers, body=body,
                                 warc_date=timestamp_iso(timestamp), payload_digest=written.payload_digest)
    return stored, written


def _kind(status: int) -> str:
    """The count a fetched capture goes to: ``pages``, ``redirects`` or ``other_statuses``."""
    if status == 200:
        return "pages"
    return "redirects" if 300 <= status < 400 else "other_statuses"


def _capture_row(site: SiteConfig, url: str, timestamp: str, stored: warc.StoredResponse,
                 written: warc.Written) -> dict:
    """The ``captures`` row of a recovered capture (its time the archive's, its origin ``wayback``)."""
    html = (stored.header("Content-Type") or "").lower().startswith(HTML_TYPES)
    text = stored.body.decode("utf-8", errors="replace") if html else None
    return {"url": url, "site": site.name, "status": stored.status, "fetched_at": timestamp_iso(timestamp),
            "record_type": "response", "digest": written.payload_digest,
            "content_digest": warc.content_digest(text) if text is not None else None,
            "warc_file": written.warc_file, "offset": written.offset, "length": written.length,
            "origin": ORIGIN}


def _article(stored: warc.StoredResponse, capture: dict, sites: list[SiteConfig]) -> dict | None:
    """The article record of a recovered page, marked ``recovered_from``; ``None`` when the page
    is no article (the extraction ``import-warc`` uses)."""
    if stored.status != 200 or not parse_article_ref(stored.url):
        return None
    record = replay.article_record(stored.url, stored, capture, sites)
    if record is not None:
        record["recovered_from"] = ORIGIN
    return record
