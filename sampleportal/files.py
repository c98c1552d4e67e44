"""The files the sample portal's articles link: photographs (small real JPEGs kept in ``static/``)
and attached documents (one-page PDFs naming their file), as Liferay serves ``/documents/…``."""

from __future__ import annotations

import zlib
from functools import cache
from importlib import resources
from pathlib import PurePosixPath

PHOTOS = tuple(f"anh-{n}.jpg" for n in range(1, 7))
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip")


def file_of(path: str) -> tuple[str, bytes] | None:
    """``(content type, bytes)`` of a ``/documents/<group>/<folder>/<file>[/<version>]`` path,
    or ``None`` for a path that names no file. A photograph is one of the six sample JPEGs, chosen
    by its file name (the same name, the same picture); a document is a PDF naming its file."""
    name = _file_name(path)
    if name is None:
        return None
    if name.endswith(DOCUMENT_SUFFIXES):
        return "application/pdf", document_pdf(name)
    return "image/jpeg", photo(PHOTOS[zlib.crc32(name.encode()) % len(PHOTOS)])


def _file_name(path: str) -> str | None:
    """The file name in a ``/documents/…`` path: the segment after the folder id."""
    parts = PurePosixPath(path).parts  # ("/", "documents", group, folder, name, [version])
    return parts[4] if len(parts) >= 5 else None


@cache
def photo(name: str) -> bytes:
    """The bytes of one of the sample JPEGs (480×320 px, 14–19 KB)."""
    return resources.files("sampleportal").joinpath("static", name).read_bytes()


def document_pdf(name: str) -> bytes:
    """A one-page PDF 1.4 whose page prints ``name`` (ASCII), with a correct cross-reference."""
    text = name.encode("ascii", errors="replace").replace(b"(", b"").replace(b")", b"")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
