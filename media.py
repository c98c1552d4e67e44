"""What a file's bytes are: the raster images the archive keeps and shows.

A bottom module (no project imports), shared by the crawler, which keeps only real images for an
article's pictures, and the Datasette plugin, which serves only those from the captures.
"""

from __future__ import annotations

# Raster formats a browser shows and never runs; SVG (which may carry script) is not among them.
IMAGE_TYPES = frozenset({"image/jpeg", "image/pjpeg", "image/png", "image/gif", "image/webp",
                         "image/bmp", "image/avif", "image/x-icon", "image/vnd.microsoft.icon"})
# The bytes each format starts with, so a mislabelled answer is recognised.
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM",
                    b"\x00\x00\x01\x00")


# The media types of a web page.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header value, lower case, without parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def is_image(content_type: str | None, body: bytes) -> bool:
    """True when ``content_type`` names a raster image type and ``body`` starts like such an
    image (WebP and AVIF by their RIFF and ISO-BMFF containers)."""
    if media_type(content_type) not in IMAGE_TYPES:
        return False
    return body.startswith(IMAGE_SIGNATURES) or (body[:4] == b"RIFF" and body[8:12] == b"WEBP") \
        or body[4:12] in (b"ftypavif", b"ftypavis")
