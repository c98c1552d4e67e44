"""Re-reading kept pages without the network: re-extraction from captures, import of WARC/WACZ.

``reextract`` rebuilds every article row from the newest capture of each article URL with the
current extractors. ``import_archives`` indexes the responses of WARC or WACZ files made elsewhere
(web-archive downloads of portals that no longer exist) as captures with origin ``import`` and the
file they came from, and archives the articles among them through the same extractors.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from crawler.charsets import page_selector
from crawler.dates import utc_now
from crawler.items import NotAnArticle
from crawler.pages import extract_article
from crawler.pages.registry import original_of, parse_article_ref
from crawler.sites import SiteConfig, adhoc_site
from pipelines import storage, warc
from pipelines.reread import reread

BATCH = 50
IMPORTED = "imported"  # where imported files are kept, under the archive's captures folder


def reextract(db, captures_folder: Path, sites: list[SiteConfig],
              progress: Callable[[list], Iterable] = iter,
              workers: int = 1) -> tuple[Counter, dict[str, int]]:
    """Rebuild article rows from their captures; returns outcome counts (``changed`` etc.) and
    the capture files that have gone missing, with how many captures each held (those captures
    are left out; every other one is re-extracted).

    ``sites`` are the site configurations (family, groupId) to extract with; ``progress`` wraps
    the list of captures (a progress bar); ``workers`` processes read and extract the captures
    (see :mod:`pipelines.reread`), this one writes the archive.
    """
    records, outcomes, missing = [], Counter(), Counter()
    captures = [c for c in storage.article_captures(db) if parse_article_ref(c["url"])]
    jobs = [(capture, storage.payload_capture(db, capture)) for capture in captures]
    for _, result in zip(progress(jobs), reread(jobs, captures_folder, sites, workers), strict=True):
        if result.missing:
            missing[result.missing] += 1
        elif result.record is None:
            outcomes["not_article"] += 1
        else:
            records.append(result.record)
        if len(records) >= BATCH:
            outcomes += storage.save_articles(db, records, change="reextracted")
            records = []
    outcomes += storage.save_articles(db, records, change="reextracted")
    storage.link_copies(db)
    return outcomes, dict(missing)


class OpenWarcFiles:
    """Reads captures one after another, keeping each WARC file open for the next capture in it.

    A context manager; files inside a WACZ are opened for each read.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.handles: dict[str, object] = {}
        self.stack = ExitStack()

    def __enter__(self) -> OpenWarcFiles:
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def read(self, capture: dict) -> warc.StoredResponse:
        """The stored response of a capture (``warc_file`` and ``offset``)."""
        location = capture["warc_file"]
        if warc.WACZ_SEPARATOR in location:
            return warc.read_capture(self.folder, capture)
        if location not in self.handles:
            handle = open(self.folder / location, "rb")  # noqa: SIM115 (closed by the stack)
            self.handles[location] = self.stack.enter_context(handle)
        return warc.response_at(self.handles[location], capture["offset"])


def import_archives(db, paths: list[Path], sites: list[SiteConfig], captures_folder: Path,
                    progress: Callable[[list], Iterable] = iter) -> tuple[Counter, list[str]]:
    """Index and extract the responses of WARC, ARC and WACZ files.

    Each file is first copied into the archive's own captures (``imported/`` under
    ``captures_folder``), so re-extraction never depends on where the user keeps it. Returns
    outcome counts (``new``, ``changed``, ``imported`` records …) and one line per file that could
    not be read in full, naming it and what is wrong; the records read before the problem, and
    every other file, are imported all the same.
    """
    outcomes, problems = Counter(), []
    for path in progress([Path(p).resolve() for p in paths]):
        records, kept, read = [], None, 0
        try:
            kept = keep_copy(path, Path(captures_folder))
            for location, stored, offset in _responses(kept, Path(captures_folder)):
                records += _import_record(db, location, stored, offset, sites, outcomes)
                read += 1
        except (warc.UnreadableArchive, zipfile.BadZipFile, OSError, EOFError) as error:
            problems.append(f"{path.name}: {_problem(error)}")
            if kept is not None and not read:  # nothing of it was imported: keep no copy
                kept.unlink(missing_ok=True)
        outcomes += _save_newest(db, records)
    outcomes["revisits_unresolved"] = storage.resolve_revisits(db)
    outcomes += _save_newest(db, _revisited_articles(db, sites, Path(captures_folder)))
    storage.link_copies(db)
    return outcomes, problems


def _save_newest(db, records: list[dict]) -> Counter:
    """Save the article records of imported captures that are newer than what is archived (see
    :func:`newest_records`); the outcomes, with ``older_than_archived`` for the rest."""
    fresh, older = newest_records(db, records)
    outcomes = storage.save_articles(db, fresh, change="reextracted")
    outcomes["older_than_archived"] += older
    return outcomes


def newest_records(db, records: list[dict]) -> tuple[list[dict], int]:
    """Of article records read from captures made elsewhere (``fetched_at``: the capture's time),
    per article the newest, and only when newer than the archived row: a capture older than what a
    later fetch archived never replaces it (it stays a capture, for re-extraction). Returns the
    records to save and how many were passed over."""
    newest: dict[str, dict] = {}
    for record in records:
        kept = newest.get(record["id"])
        if kept is None or _moment(record) >= _moment(kept):
            newest[record["id"]] = record
    fresh = [record for record in newest.values() if newer_than_archived(db, record)]
    return fresh, len(records) - len(fresh)


def newer_than_archived(db, record: dict) -> bool:
    """Whether an article record was captured after the archived row was fetched (or nothing is
    archived under its id)."""
    archived = storage.article_fetched_at(db, record["id"])
    return archived is None or _moment(record) > datetime.fromisoformat(archived)


def _moment(record: dict) -> datetime:
    """When a record's page was captured (its ``fetched_at``, ISO 8601)."""
    return datetime.fromisoformat(record["fetched_at"])


def _revisited_articles(db, sites: list[SiteConfig], folder: Path) -> list[dict]:
    """Article records of imported revisits of article pages, read from the records holding
    their payloads (in this archive, from any file, of any URL with the same payload)."""
    records = []
    revisits = db.query("select * from captures where origin = 'import' and record_type = 'revisit' "
                        "and refers_to is not null and status = 200")
    with OpenWarcFiles(folder) as files:
        for capture in revisits:
            if not parse_article_ref(capture["url"]):
                continue
            stored = files.read(storage.payload_capture(db, capture))
            record = article_record(capture["url"], stored, capture, sites)
            if record is not None:
                records.append(record)
    return records


def _import_record(db, location: str, stored: warc.StoredResponse, offset: int,
                   sites: list[SiteConfig], outcomes: Counter) -> list[dict]:
    """Index one imported record; the article record it holds, if any (as a one-item list).

    Records of no web page (a crawler's own log or manifest as ``metadata://`` or ``urn:``
    resources, ``dns:`` lookups, local files) are counted and left out.
    """
    if urlsplit(stored.url or "").scheme not in ("http", "https"):
        outcomes["not_web_pages"] += 1
        return []
    capture = _index_import(db, location, stored, offset, sites)
    if capture is None:
        outcomes["already_imported"] += 1
        return []
    outcomes["imported"] += 1
    if stored.record_type == "revisit":
        outcomes["revisits"] += 1  # read once the record holding its payload is known
        return []
    record = article_record(stored.url, stored, capture, sites) \
        if parse_article_ref(stored.url) and stored.status == 200 else None
    return [record] if record is not None else []


def _problem(error: Exception) -> str:
    """One line for a file that could not be read."""
    if isinstance(error, warc.UnreadableArchive):
        return str(error)
    if isinstance(error, zipfile.BadZipFile):
        return f"not a readable WACZ ({error})"
    return f"cannot be read ({type(error).__name__}: {str(error)[:120]})"


def article_record(url: str, stored: warc.StoredResponse, capture: dict,
                   sites: list[SiteConfig]) -> dict | None:
    """The article record of a stored page, or ``None`` when it is not an article."""
    site = site_for(url, sites, capture.get("site"))
    selector = page_selector(HtmlResponse(url, body=stored.body, headers=stored.headers))
    try:
        article = extract_article(selector, url, site.name, home_group_id=site.group_id,
                                  fetched_at=capture["fetched_at"], family=site.family)
    except (NotAnArticle, AttributeError):
        return None
    article.capture_id = capture["id"]
    article.duplicate_of = original_of(article, {s.group_id: s.name for s in sites if s.group_id})
    return article.to_dict()


def site_for(url: str, sites: list[SiteConfig], name: str | None = None) -> SiteConfig:
    """The site named ``name``, else the site serving ``url``, else one named after its host."""
    by_name = {site.name: site for site in sites}
    if name in by_name:
        return by_name[name]
    return next((site for site in sites if site.owns(url)), None) or adhoc_site([url])


def keep_copy(path: Path, captures_folder: Path) -> Path:
    """``path`` copied into ``captures_folder/imported/`` as ``<sha256 prefix>-<name>`` (once:
    the same file imported again is the same copy); the copy's path."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    kept = captures_folder / IMPORTED / f"{digest.hexdigest()[:16]}-{path.name}"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(kept.name + ".part")
        shutil.copyfile(path, partial)
        partial.replace(kept)
    return kept


def _responses(path: Path, folder: Path) -> Iterator[tuple[str, warc.StoredResponse, int]]:
    """``(location, response, offset)`` of every response in a WARC, or in each WARC of a WACZ;
    locations are relative to the captures ``folder``."""
    relative = str(path.relative_to(folder))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as package:
            members = [n for n in package.namelist() if n.endswith((".warc", ".warc.gz"))]
        for member in members:
            location = f"{relative}{warc.WACZ_SEPARATOR}{member}"
            with warc.open_warc(folder, location) as handle:
                for stored, offset in warc.iter_responses(handle):
                    yield location, stored, offset
        return
    with open(path, "rb") as handle:
        for stored, offset in warc.iter_responses(handle):
            yield relative, stored, offset


def _index_import(db, location: str, stored: warc.StoredResponse, offset: int,
                  sites: list[SiteConfig]) -> dict | None:
    """Index an imported response as a capture; ``None`` if it was imported before."""
    seen = list(db.query("select 1 from captures where warc_file = ? and offset = ?", [location, offset]))
    if seen:
        return None
    fetched_at = _iso(stored.warc_date)
    text = None if stored.record_type == "revisit" else stored.body.decode("utf-8", errors="replace")
    capture = {
        "url": stored.url, "site": site_for(stored.url, sites).name, "status": stored.status,
        "fetched_at": fetched_at, "record_type": stored.record_type, "digest": stored.payload_digest,
        "content_digest": warc.content_digest(text) if text is not None else None,
        "warc_file": location, "offset": offset, "length": None, "origin": "import",
    }
    capture["id"] = storage.add_capture(db, capture)
    return capture


def _iso(warc_date: str | None) -> str:
    """A WARC-Date as ISO 8601 UTC (now, when the record has none)."""
    if not warc_date:
        return utc_now()
    return datetime.fromisoformat(warc_date.replace("Z", "+00:00")).replace(microsecond=0).isoformat()
