"""The archive's captures as one WACZ 1.1.1 package, for pywb, ReplayWeb.page and the wacz tools.

A WACZ is a ZIP file whose members are all stored (not deflated), so a reader can seek into them:

- ``archive/*.warc.gz``: the WARC records (see :mod:`pipelines.wacz_warcs` for which bytes);
- ``indexes/index.cdx.gz``: the CDXJ index of those records (``SURT timestamp {json}``), sorted,
  in gzip blocks of 300 lines; ``indexes/index.idx``: the first key and byte range of each block;
- ``pages/pages.jsonl``: a header line, then one line per archived article page (url, ts, title);
- ``datapackage.json``: every other member with its sha256 and size in bytes;
  ``datapackage-digest.json``: the sha256 of ``datapackage.json``.

The package is written in a temporary folder beside the output and renamed only when complete.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import sqlite_utils
from cdxj_indexer.main import CDXJIndexer, CompressedWriter, SortingWriter

from pipelines import storage, warc
from pipelines.wacz_warcs import SOFTWARE, ExportError, Part, plan_parts, reading, source_size, write_records

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
INDEX, BLOCK_INDEX, PAGES = "indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl"
EXPORTED = "record_type in ('response', 'revisit') and warc_file is not null"

__all__ = ["ExportError", "Summary", "export_archive", "page_entries", "select_captures",
           "write_package"]


@dataclass(frozen=True)
class Summary:
    """A written package: CDXJ records, pages listed, its size in bytes, and its path."""

    records: int
    pages: int
    bytes: int
    path: Path

    def line(self) -> str:
        """The one-line report of ``bantin export --format wacz``."""
        return f"export: {self.records} records, {self.pages} pages, {self.bytes} bytes to {self.path}"


def export_archive(db_path: Path, output: Path, sites: tuple[str, ...] = (),
                   since: str | None = None) -> Summary:
    """Package the captures of the archive at ``db_path`` as the WACZ file ``output``: all of
    them, or those of ``sites`` fetched on or after ``since`` (``YYYY-MM-DD``, UTC).

    The archive is only read. :class:`ExportError` (one line) when there is nothing to package,
    a capture file is missing or unreadable, or the output cannot be written.
    """
    db_path, output = Path(db_path), Path(output)
    if not db_path.is_file():
        raise ExportError(f"no archive at {db_path}")
    folder = warc.captures_folder(db_path)
    db = open_read_only(db_path)
    try:
        captures = select_captures(db, sites, since)
        if not captures:
            raise ExportError(_nothing_message(db_path, sites, since))
        check_files(folder, Counter(c["warc_file"] for c in captures))
        pages = page_entries(db, {c["id"] for c in captures})
    except sqlite3.Error as error:
        raise ExportError(f"{db_path} cannot be read: {error}") from None
    finally:
        db.close()
    records = defaultdict(set)
    for capture in captures:
        records[capture["warc_file"]].add(capture["offset"])
    parts = plan_parts(folder, records, whole=not (sites or since))
    return write_package(output, folder, parts, pages, _title(sites, since))


def open_read_only(path: Path) -> sqlite_utils.Database:
    """The SQLite archive at ``path``, opened read-only (nothing in it is changed)."""
    return sqlite_utils.Database(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True))


def select_captures(db: sqlite_utils.Database, sites: tuple[str, ...] = (),
                    since: str | None = None) -> list[dict]:
    """The captures to package, as ``captures`` rows: every response and revisit kept in a WARC
    file (error captures have none) of ``sites``, fetched on or after ``since`` (``YYYY-MM-DD``,
    UTC), plus the captures that hold the payloads of the revisits among them."""
    if not db["captures"].exists():
        return []
    where, params = [EXPORTED], []
    if sites:
        where.append(f"site in ({', '.join('?' for _ in sites)})")
        params += list(sites)
    if since:
        where.append("fetched_at >= ?")
        params.append(since)
    chosen = {row["id"]: row for row in db.query(
        f"select * from captures where {' and '.join(where)} order by id", params)}
    for row in [r for r in chosen.values() if r["record_type"] == "revisit"]:
        payload = storage.payload_capture(db, row)
        if payload["warc_file"]:
            chosen.setdefault(payload["id"], payload)
    return list(chosen.values())


def page_entries(db: sqlite_utils.Database, capture_ids: set[int]) -> list[dict]:
    """The article pages among the captures ``capture_ids``, each URL once (its earliest capture),
    oldest first: ``id`` (the article id), ``url``, ``ts`` (capture time, ISO 8601 UTC ending in
    ``Z``) and ``title``."""
    pages, seen = [], set()
    rows = db.query("select a.id, a.title, c.id as capture_id, c.url, c.fetched_at from articles a "
                    "join captures c on c.id = a.capture_id order by c.fetched_at, c.url, a.id")
    for row in rows:
        if row["capture_id"] in capture_ids and row["url"] not in seen:
            seen.add(row["url"])
            pages.append({"id": row["id"], "url": row["url"], "ts": warc.warc_date(row["fetched_at"]),
                          "title": row["title"]})
    return pages


def check_files(folder: Path, locations: Counter) -> None:
    """:class:`ExportError` naming every capture file (or WACZ member) that is missing, with how
    many captures it holds; ``locations`` counts captures by ``warc_file``."""
    missing = Counter()
    for location, count in locations.items():
        name, _, member = location.partition(warc.WACZ_SEPARATOR)
        if not (folder / name).is_file():
            missing[str(folder / name)] += count
        elif member:
            with reading(location), zipfile.ZipFile(folder / name) as package:
                if member not in package.namelist():
                    missing[f"{folder / name} member {member}"] += count
    if missing:
        listed = "; ".join(f"{name} ({count} captures)" for name, count in sorted(missing.items()))
        raise ExportError(f"capture file{'s' if len(missing) > 1 else ''} missing: {listed}")


def write_package(output: Path, folder: Path, parts: list[Part], pages: list[dict],
                  title: str) -> Summary:
    """Write the WACZ file ``output`` from the WARC ``parts`` (read from the captures ``folder``)
    and ``pages`` (see :func:`page_entries`); nothing is left behind if it fails."""
    output = Path(output)
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}.") as staging:
            partial = Path(staging) / "package.wacz"
            records = _write_zip(partial, Path(staging), folder, parts, pages, title)
            partial.replace(output)
    except OSError as error:
        raise ExportError(_os_error_message(error, folder, output)) from None
    return Summary(records, len(pages), output.stat().st_size, output)


def _write_zip(path: Path, staging: Path, folder: Path, parts: list[Part], pages: list[dict],
               title: str) -> int:
    """Every member of the package, in order; how many records its index holds."""
    lines_path = staging / "index.cdxj"
    with zipfile.ZipFile(path, "w", allowZip64=True) as package:
        with open(lines_path, "w", encoding="utf-8") as lines:
            resources = [_add_part(package, part, folder, staging, lines) for part in parts]
        blocks, records, block_index = _add_index(package, lines_path)
        resources += [blocks, _add_bytes(package, BLOCK_INDEX, block_index.encode("utf-8")),
                      _add_bytes(package, PAGES, pages_jsonl(pages))]
        description = datapackage(resources, title)
        _add_bytes(package, "datapackage.json", description)
        _add_bytes(package, "datapackage-digest.json", datapackage_digest(description))
    return records


def _add_part(package: zipfile.ZipFile, part: Part, folder: Path, staging: Path, lines) -> dict:
    """Store one WARC file under ``archive/`` and append its CDXJ lines to ``lines``."""
    if part.copy:
        [location] = part.sources
        with reading(location):
            with warc.open_warc(folder, location) as stream:
                index_records(stream, part.name, lines)
            with warc.open_warc(folder, location) as stream:
                return _add_stream(package, f"archive/{part.name}", stream,
                                   source_size(folder, location))
    built = staging / "part.warc.gz"
    with open(built, "wb") as out:
        write_records(part, folder, out)
    with open(built, "rb") as stream:
        index_records(stream, part.name, lines)
    with open(built, "rb") as stream:
        resource = _add_stream(package, f"archive/{part.name}", stream, built.stat().st_size)
    built.unlink()
    return resource


def index_records(stream, name: str, lines) -> None:
    """Append to the text stream ``lines`` the CDXJ line (``SURT timestamp {json}``, unsorted;
    offsets and lengths in bytes) of every record of the WARC ``stream``, whose file is ``name``."""
    CDXJIndexer(lines, [stream], filename=name).process_all()


class _Blocks(CompressedWriter):
    """cdxj-indexer's block writer, without the empty block it adds after a full last block."""

    def flush(self):
        if self.block:
            super().flush()


def _add_index(package: zipfile.ZipFile, lines_path: Path) -> tuple[dict, int, str]:
    """Store the CDXJ lines at ``lines_path``, sorted, as ``index.cdx.gz``; its resource, how
    many lines it holds, and the text of ``index.idx`` (one line per block)."""
    block_index, count = io.StringIO(), 0

    def fill(member) -> None:
        nonlocal count
        blocks = _Blocks(block_index, data_out=member, data_out_name=PurePosixPath(INDEX).name,
                         digest_records=True)
        sorter = SortingWriter(blocks)
        with open(lines_path, encoding="utf-8") as lines:
            for line in lines:
                sorter.write(line)
                count += 1
        sorter.flush()

    resource = _add_member(package, INDEX, fill, lines_path.stat().st_size)
    return resource, count, block_index.getvalue()


def pages_jsonl(pages: list[dict]) -> bytes:
    """``pages/pages.jsonl`` (UTF-8 JSON Lines): the json-pages-1.0 header, then ``pages``."""
    return "".join(json.dumps(line, ensure_ascii=False) + "\n"
                   for line in [PAGES_HEADER, *pages]).encode("utf-8")


def datapackage(resources: list[dict], title: str) -> bytes:
    """``datapackage.json`` (UTF-8 JSON): the package's members (``resources``: name, path,
    ``sha256:`` hash, size in bytes) with its title, creation time (UTC) and WACZ version."""
    return json.dumps({
        "profile": "data-package", "resources": resources, "title": title,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wacz_version": WACZ_VERSION, "software": SOFTWARE,
    }, ensure_ascii=False, indent=2).encode("utf-8")


def datapackage_digest(description: bytes) -> bytes:
    """``datapackage-digest.json`` (UTF-8 JSON): the ``sha256:`` hash of ``datapackage.json``."""
    digest = "sha256:" + hashlib.sha256(description).hexdigest()
    return json.dumps({"path": "datapackage.json", "hash": digest}, indent=2).encode("utf-8")


class _Hashing:
    """A writable binary stream that passes bytes on and keeps their sha256 and count."""

    def __init__(self, target):
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


def _add_member(package: zipfile.ZipFile, name: str, fill, size_hint: int) -> dict:
    """Store member ``name`` (not deflated; ZIP64 when ``size_hint`` bytes need it) with what
    ``fill(stream)`` writes; its datapackage resource."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.file_size = size_hint
    with package.open(info, "w") as member:
        hashing = _Hashing(member)
        fill(hashing)
    return {"name": PurePosixPath(name).name.lower(), "path": name,
            "hash": "sha256:" + hashing.digest.hexdigest(), "bytes": hashing.size}


def _add_stream(package: zipfile.ZipFile, name: str, stream, size: int) -> dict:
    """Store the bytes of ``stream`` (``size`` of them expected) as member ``name``."""
    return _add_member(package, name, lambda member: shutil.copyfileobj(stream, member), size)


def _add_bytes(package: zipfile.ZipFile, name: str, data: bytes) -> dict:
    """Store ``data`` as member ``name``."""
    return _add_member(package, name, lambda member: member.write(data), len(data))


def _os_error_message(error: OSError, folder: Path, output: Path) -> str:
    """One line for a file that could not be read (a capture file) or written (the output)."""
    reason = error.strerror or str(error)
    name = Path(error.filename) if error.filename else None
    if name and name.resolve().is_relative_to(folder.resolve()):
        return f"capture file {name} cannot be read: {reason}"
    return f"cannot write {output}: {reason}"


def _title(sites: tuple[str, ...], since: str | None) -> str:
    """The package's title: what of the archive it holds."""
    title = "bantin archive" + (f": {', '.join(sites)}" if sites else "")
    return title + (f", captures since {since}" if since else "")


def _nothing_message(db_path: Path, sites: tuple[str, ...], since: str | None) -> str:
    """Why there is nothing to export, in one line."""
    scope = (f" of {', '.join(sites)}" if sites else "") + (f" fetched since {since}" if since else "")
    return f"nothing to export: {db_path} holds no captures{scope}"
