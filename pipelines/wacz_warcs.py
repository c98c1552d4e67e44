"""Which WARC files go into a WACZ package's ``archive/`` folder, and the bytes of each.

An export of the whole archive copies each WARC file of the captures folder byte for byte (a
WARC file inside an imported WACZ is copied out of it); an ARC file is rewritten as WARC records.
An export of some sites or dates writes one new gzip WARC file with just their records: each
WARC record's bytes as stored (gzip-compressed on its own when stored plain), the request records
that go with them, and ARC records rewritten as WARC.
"""

from __future__ import annotations

import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from pipelines import warc

SELECTION = "bantin-selection.warc.gz"  # the one WARC file of an export of some captures
HEAD_BYTES = 4096  # read to tell WARC from ARC
CHUNK = 1 << 20
ENDING = b"\r\n\r\n"  # after each WARC record; part of a gzip member, not of a plain record's length
SUFFIXES = (".warc.gz", ".arc.gz", ".warc", ".arc", ".gz", ".wacz")


def _software() -> str:
    """``bantin <version>``, as packages and WARC files made here name their maker."""
    try:
        return f"bantin {version('bantin')}"
    except PackageNotFoundError:
        return "bantin"


SOFTWARE = _software()


class ExportError(ValueError):
    """Why the captures cannot be packaged, in one line."""


@dataclass(frozen=True)
class Part:
    """One WARC file of ``archive/``: its ``name`` there and what it is made of.

    ``sources`` maps each capture location (``warc_file`` of the ``captures`` table) to the
    offsets (bytes) of the records wanted from it, or to ``None`` for all of them; ``copy`` says
    the file is its one source's bytes as they are.
    """

    name: str
    sources: dict[str, frozenset[int] | None]
    copy: bool = False


def plan_parts(folder: Path, records: dict[str, set[int]], whole: bool) -> list[Part]:
    """The WARC files of ``archive/`` for the captures ``records`` (capture location → offsets)
    under the captures ``folder``: each of their files whole, or (when not ``whole``) one file of
    just those records."""
    locations = sorted(records)
    if not whole:
        return [Part(SELECTION, {location: frozenset(records[location]) for location in locations})]
    parts, names = [], set()
    for location in locations:
        compressed, is_warc = source_format(folder, location)
        name = _unique(_member_name(location, compressed or not is_warc), names)
        parts.append(Part(name, {location: None}, copy=is_warc))
    return parts


def source_format(folder: Path, location: str) -> tuple[bool, bool]:
    """Whether the file at ``location`` is gzip-compressed, and whether it is WARC (else ARC),
    read from its first bytes (names lie: some ``.warc`` files are gzip)."""
    with reading(location), warc.open_warc(folder, location) as stream:
        head = stream.read(HEAD_BYTES)
    compressed = head[:2] == b"\x1f\x8b"
    if compressed:
        with reading(location):
            head = zlib.decompressobj(31).decompress(head)
    return compressed, head.lstrip().startswith(b"WARC/")


def source_size(folder: Path, location: str) -> int:
    """The size in bytes of the file (or WACZ member) at ``location``."""
    name, _, member = location.partition(warc.WACZ_SEPARATOR)
    if not member:
        return (folder / name).stat().st_size
    with zipfile.ZipFile(folder / name) as package:
        return package.getinfo(member).file_size


def write_records(part: Part, folder: Path, out) -> None:
    """Write ``part`` to the binary stream ``out`` as a gzip WARC file (one gzip member per
    record): a warcinfo record, then the wanted records of each source in file order."""
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(
        part.name, {"software": SOFTWARE, "format": "WARC File Format 1.1"}))
    for location, offsets in part.sources.items():
        compressed, is_warc = source_format(folder, location)
        with reading(location):
            if is_warc:
                _copy_records(folder, location, offsets, compressed, out)
            else:
                _rewrite_arc(folder, location, offsets, writer)


@contextmanager
def reading(location: str):
    """Turn a capture file that cannot be read into one :class:`ExportError` line naming it."""
    try:
        yield
    except (ArchiveLoadFailed, warc.UnreadableArchive, zipfile.BadZipFile, EOFError, zlib.error,
            KeyError) as error:
        first = (str(error).splitlines() or [type(error).__name__])[0][:160]
        raise ExportError(f"capture file {location} cannot be read: {first}") from None


def _copy_records(folder: Path, location: str, offsets: frozenset[int], compressed: bool,
                  out) -> None:
    """Copy the records at ``offsets`` of a WARC file, with their request records, as stored
    (a plain record is gzip-compressed on its own, as a gzip WARC file holds it)."""
    spans = _wanted_spans(folder, location, offsets)
    with warc.open_warc(folder, location) as stream:
        for start, length in spans:
            stream.seek(start)
            if compressed:
                _copy_span(stream, length, out.write)
                continue
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            _copy_span(stream, length, lambda data, p=packer: out.write(p.compress(data)))
            out.write(packer.compress(ENDING) + packer.flush())


def _copy_span(stream, length: int, write) -> None:
    """Pass the next ``length`` bytes of ``stream`` to ``write``, a chunk at a time."""
    while length > 0:
        data = stream.read(min(CHUNK, length))
        if not data:
            raise EOFError("the file ends inside a record")
        write(data)
        length -= len(data)


def _wanted_spans(folder: Path, location: str, offsets: frozenset[int]) -> list[tuple[int, int]]:
    """``(offset, length)`` in bytes of the records at ``offsets`` and of the request records
    concurrent to them, in file order."""
    records = []  # (offset, type, concurrent-to id, length)
    chosen = set()  # record ids of the records at ``offsets``
    with warc.open_warc(folder, location) as stream:
        iterator = ArchiveIterator(stream, no_record_parse=True)
        for record in iterator:
            start, headers = iterator.offset, record.rec_headers
            iterator.read_to_end()
            records.append((start, record.rec_type, headers.get_header("WARC-Concurrent-To"),
                            iterator.get_record_length()))
            if start in offsets:
                chosen.add(headers.get_header("WARC-Record-ID"))
    _check_found(location, offsets, {r[0] for r in records})
    chosen.discard(None)
    return [(start, length) for start, kind, to, length in records
            if start in offsets or (kind == "request" and to in chosen)]


def _rewrite_arc(folder: Path, location: str, offsets: frozenset[int] | None, writer) -> None:
    """Write the ARC records at ``offsets`` (all when ``None``) of an ARC file as WARC records."""
    found = set()
    with warc.open_warc(folder, location) as stream:
        iterator = ArchiveIterator(stream, arc2warc=True)
        for record in iterator:
            found.add(iterator.offset)
            if offsets is None or iterator.offset in offsets:
                writer.write_record(record)
    _check_found(location, offsets, found)


def _check_found(location: str, offsets: frozenset[int] | None, found: set[int]) -> None:
    """:class:`ExportError` when a capture's record is not where the archive says it is."""
    lost = sorted((offsets or set()) - found)
    if lost:
        raise ExportError(f"capture file {location} has no record at offset {lost[0]}: it has "
                          f"changed since it was archived ({len(lost)} records not found)")


def _member_name(location: str, gzip_warc: bool) -> str:
    """The name under ``archive/`` of a whole capture file: its own name (with the WACZ it came
    from, for a member), lower case, ``.warc.gz`` or ``.warc`` as its content is."""
    name, _, member = location.partition(warc.WACZ_SEPARATOR)
    stems = [_stem(PurePosixPath(name).name)] + ([_stem(PurePosixPath(member).name)] if member else [])
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in "-".join(stems))
    return safe.lower() + (".warc.gz" if gzip_warc else ".warc")


def _stem(name: str) -> str:
    """``name`` without its archive suffixes (``.warc.gz``, ``.arc``, ``.wacz`` …)."""
    lowered = name.lower()
    for suffix in SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name`` with ``-2``, ``-3`` … before its suffix when it is taken; noted."""
    stem, dot, suffix = name.partition(".")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}"
    taken.add(candidate)
    return candidate
