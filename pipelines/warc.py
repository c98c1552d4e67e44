"""WARC files through warcio: rotating gzip writers, reading one record back, and the content digest.

Every fetch is kept as a ``request`` and a ``response`` record, or a ``revisit`` record when the
page is unchanged since its last capture. "Unchanged" is judged by a content digest that masks the
counters portals print (``Lượt xem: 5``, ``Đang online: 27``): each visit raises the view count,
so the raw payload digest would differ every time and no revisit would ever be written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Counters that change on every visit; the content digest replaces their numbers with "#".
# Each starts with one of these labels (in lower case), some followed by a few more words.
COUNTER_LABELS = ("lượt xem", "view count", "lượt đọc", "lượt truy cập", "đang online",
                  "tổng số truy cập", "truy cập hôm nay", "hôm nay", "trong tuần", "trong tháng")
LABEL_TAILS = {"lượt truy cập": r"[^:<\d]{0,20}"}
COUNTERS = re.compile(
    "((?:" + "|".join(re.escape(label) + LABEL_TAILS.get(label, "") for label in COUNTER_LABELS)
    + r")\s*:?\s*(?:</?[a-z][^>]*>\s*)*)[\d.,]+",
    re.IGNORECASE,
)
# Letters that re's IGNORECASE matches with a label letter although str.lower() differs.
CASE_FOLDS = (("ı", "i"), ("ſ", "s"))
DROPPED_HEADERS = ("transfer-encoding", "content-length")
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
WACZ_SEPARATOR = "#"  # a capture inside a WACZ is located as ``file.wacz#archive/data.warc.gz``


def content_digest(text: str) -> str:
    """``sha1:`` digest of a page's text (NFC) with its visit counters masked."""
    return payload_digest(mask_counters(unicodedata.normalize("NFC", text)).encode("utf-8"))


def warc_date(moment: datetime | str) -> str:
    """A time (a datetime, or ISO 8601 text) as a WARC-Date: UTC, to the second, ending in ``Z``."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def header(pairs: list[tuple[str, str]], name: str) -> str | None:
    """The first value of header ``name`` (any case) among ``(name, value)`` pairs, or ``None``."""
    return next((value for key, value in pairs if key.lower() == name.lower()), None)


def payload_digest(body: bytes) -> str:
    """``sha1:`` digest (base 32) of a payload's bytes, as WARC-Payload-Digest writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def mask_counters(text: str) -> str:
    """``text`` with the number of every visit counter replaced by ``#``.

    The same string as ``COUNTERS.sub(r"\\1#", text)``, found faster: the pattern is only tried
    where a label starts (found with ``str.find`` in the lower-cased text), not at every character.
    """
    lowered = text.lower()
    for letter, plain in CASE_FOLDS:
        lowered = lowered.replace(letter, plain)
    if len(lowered) != len(text):  # a letter whose lower case is longer: positions would shift
        return COUNTERS.sub(r"\1#", text)
    pieces, done = [], 0
    for start in _label_starts(lowered):
        match = COUNTERS.match(text, start) if start >= done else None
        if match:
            pieces += [text[done:start], match.group(1), "#"]
            done = match.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _label_starts(lowered: str) -> list[int]:
    """Every position (ascending) where a counter label starts in lower-cased text."""
    starts = set()
    for label in COUNTER_LABELS:
        at = lowered.find(label)
        while at != -1:
            starts.add(at)
            at = lowered.find(label, at + 1)
    return sorted(starts)


@dataclass(frozen=True)
class Written:
    """Where a record went: file name (relative to the captures folder), offset and length."""

    warc_file: str
    offset: int
    length: int
    payload_digest: str | None


@dataclass(frozen=True)
class Fetch:
    """One HTTP exchange to archive. ``headers`` are ``(name, value)`` pairs as received."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]
    fetched_at: datetime


class RotatingWarcWriter:
    """Append gzip WARC records to ``<folder>/<prefix>-NNNNN.warc.gz``, starting a new file
    past ``max_bytes``. Each record is flushed as soon as it is written."""

    def __init__(self, folder: Path, prefix: str, max_bytes: int = DEFAULT_MAX_BYTES,
                 software: str = "bantin"):
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.software = software
        self.number = 0
        self.handle = None
        self.writer = None

    def write_fetch(self, fetch: Fetch, revisit_of: dict | None = None) -> Written:
        """Write a response (or, given the earlier capture, a revisit) and its request record."""
        self._ensure_file()
        http_headers = StatusAndHeaders(f"{fetch.status} {fetch.reason}".strip(), _kept(fetch),
                                        protocol="HTTP/1.1")
        date = warc_date(fetch.fetched_at)
        if revisit_of:
            record = self.writer.create_revisit_record(
                fetch.url, digest=revisit_of["digest"], refers_to_uri=revisit_of["uri"],
                refers_to_date=revisit_of["warc_date"], http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date})
        else:
            record = self.writer.create_warc_record(  # a known length: no spooling to a temp file
                fetch.url, "response", payload=io.BytesIO(fetch.body), length=len(fetch.body),
                http_headers=http_headers, warc_headers_dict={"WARC-Date": date})
        written = self._write(record)
        self._write(self._request_record(fetch, date, record.rec_headers.get_header("WARC-Record-ID")))
        return written

    def close(self) -> None:
        """Close the current file."""
        if self.handle:
            self.handle.close()
            self.handle = None

    def _request_record(self, fetch: Fetch, date: str, concurrent_to: str):
        """The request record, linked to its response by ``WARC-Concurrent-To``."""
        path = fetch.url.split("//", 1)[-1].partition("/")[2]
        headers = StatusAndHeaders(f"GET /{path} HTTP/1.1", fetch.request_headers,
                                   is_http_request=True)
        return self.writer.create_warc_record(
            fetch.url, "request", payload=None, http_headers=headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to})

    def _write(self, record) -> Written:
        """Write one record and flush; report where it went."""
        offset = self.handle.tell()
        self.writer.write_record(record)
        self.handle.flush()
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        return Written(self.current_name, offset, self.handle.tell() - offset, digest)

    def _ensure_file(self) -> None:
        """Open the first file, or the next one once the current file is full."""
        if self.handle and self.handle.tell() < self.max_bytes:
            return
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.number += 1
        self.current_name = f"{self.prefix}-{self.number:05d}.warc.gz"
        self.handle = open(self.folder / self.current_name, "ab")  # noqa: SIM115 - kept open across records
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(
            self.current_name, {"software": self.software, "format": "WARC File Format 1.1"})
        self.writer.write_record(info)


def _kept(fetch: Fetch) -> list[tuple[str, str]]:
    """Response headers as stored: the payload arrives de-chunked, so its length is restated."""
    headers = [(k, v) for k, v in fetch.headers if k.lower() not in DROPPED_HEADERS]
    return [*headers, ("Content-Length", str(len(fetch.body)))]


@dataclass(frozen=True)
class StoredResponse:
    """A response read back from a WARC file."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    warc_date: str
    record_type: str = "response"  # or "revisit": no payload of its own, see payload_digest
    payload_digest: str | None = None  # WARC-Payload-Digest as written (``sha1:…``)

    def header(self, name: str) -> str | None:
        """The first value of the response header ``name`` (any case), or ``None``."""
        return header(self.headers, name)


def captures_folder(db_path: str | Path) -> Path:
    """Where the WARC files of the archive at ``db_path`` are: ``captures/`` beside it."""
    return Path(db_path).resolve().parent / "captures"


def read_capture(folder: Path, capture: dict) -> StoredResponse:
    """The stored response of a capture (a ``captures`` row: ``warc_file``, ``offset``), from a
    WARC file under ``folder`` or a WARC inside a WACZ."""
    with open_warc(Path(folder), capture["warc_file"]) as handle:
        return response_at(handle, capture["offset"])


def response_at(handle, offset: int) -> StoredResponse:
    """The response record at byte ``offset`` of an open WARC stream."""
    handle.seek(offset)
    return next(iter_responses(handle))[0]


@contextmanager
def open_warc(folder: Path, location: str):
    """An open binary stream of ``location``: a WARC path (relative to ``folder``) or
    ``file.wacz#archive/data.warc.gz``."""
    path, _, member = location.partition(WACZ_SEPARATOR)
    if not member:
        with open(folder / path, "rb") as handle:
            yield handle
        return
    with zipfile.ZipFile(folder / path) as package, package.open(member) as handle:
        yield handle


def read_response(path: Path, offset: int) -> StoredResponse:
    """The response record at ``offset`` of the WARC file at ``path``."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return _stored(record)


def iter_responses(handle):
    """``(StoredResponse, offset)`` for every HTTP response record in an open WARC stream (ARC
    records read as WARC), every ``resource`` record (a page kept without HTTP headers) and every
    ``revisit`` record (no body: its payload is another record's, named by its payload digest).

    A record that cannot be read ends the stream with :class:`UnreadableArchive` naming what is
    wrong; the records before it have been yielded.
    """
    iterator = ArchiveIterator(handle, arc2warc=True)
    try:
        for record in iterator:
            if record.rec_type == "response" and record.http_headers is not None:
                yield _stored(record), iterator.get_record_offset()
            elif record.rec_type == "resource":
                yield _stored_resource(record), iterator.get_record_offset()
            elif record.rec_type == "revisit":
                yield _stored_revisit(record), iterator.get_record_offset()
    except ArchiveLoadFailed as error:
        raise UnreadableArchive(_why(error)) from None


class UnreadableArchive(ValueError):
    """A WARC/ARC stream that cannot be read (on), with a one-line reason."""


def _why(error: ArchiveLoadFailed) -> str:
    """One line saying what is wrong with an archive warcio refused, and what to do."""
    text = str(error)
    if "non-chunked gzip" in text:
        return ("compressed as a whole file, not record by record; recompress it with "
                "`warcio recompress FILE NEW_FILE` and import NEW_FILE")
    first = text.splitlines()[0] if text else type(error).__name__
    return f"a record cannot be read ({first[:120]})"


def _stored(record) -> StoredResponse:
    """A StoredResponse from a warcio response record (payload read in full and decoded)."""
    status = int(record.http_headers.get_statuscode() or 0)
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=status,
        headers=list(record.http_headers.headers),
        body=_payload(record),
        warc_date=record.rec_headers.get_header("WARC-Date"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


def _stored_revisit(record) -> StoredResponse:
    """A StoredResponse for a ``revisit`` record: its headers (if kept), no body, and the payload
    digest that names the record holding the payload."""
    headers = record.http_headers
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(headers.get_statuscode() or 0) if headers is not None else 0,
        headers=list(headers.headers) if headers is not None else [],
        body=b"",
        warc_date=record.rec_headers.get_header("WARC-Date"),
        record_type="revisit",
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


def _stored_resource(record) -> StoredResponse:
    """A StoredResponse from a ``resource`` record: status 200, its Content-Type as the header."""
    content_type = record.rec_headers.get_header("Content-Type") or "application/octet-stream"
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=200,
        headers=[("Content-Type", content_type)],
        body=record.raw_stream.read(),
        warc_date=record.rec_headers.get_header("WARC-Date"),
    )


def _payload(record) -> bytes:
    """The record's payload with its Content-Encoding undone (see :func:`decoded`)."""
    return decoded(record.raw_stream.read(), record.http_headers.get_header("Content-Encoding"))


def decoded(raw: bytes, encoding: str | None, max_bytes: int = 0) -> bytes:
    """``raw`` with its HTTP Content-Encoding (gzip, deflate, br) undone, at most ``max_bytes``
    bytes of it when given (a compression bomb stops there); the bytes as they are when the
    encoding is none, unknown, or cannot be undone (a damaged or mislabelled body is kept)."""
    encoding = (encoding or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip", "deflate"):
            try:
                return zlib.decompressobj(47).decompress(raw, max_bytes)  # gzip or zlib wrapper
            except zlib.error:
                return zlib.decompressobj(-15).decompress(raw, max_bytes)  # deflate, no wrapper
        if encoding == "br":
            import brotli

            if not max_bytes:
                return brotli.decompress(raw)
            return brotli.Decompressor().process(raw, output_buffer_limit=max_bytes)[:max_bytes]
    except Exception:  # zlib.error, brotli.error
        return raw
    return raw
