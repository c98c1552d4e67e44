"""What web-archive servers say, read by pure functions: CDX answers, replayed headers, waits.

The Internet Archive's Wayback Machine and pywb speak the same CDX API (``url``, ``matchType``,
``from``, ``to``, ``filter``, ``output=json``) and replay a capture as archived, unrewritten, at
``{replay}/{timestamp}id_/{url}``, its original headers renamed ``X-Archive-Orig-*`` (pywb renames
some of them, the Internet Archive nearly all). Nothing here touches the network:
``pipelines/wayback.py`` does the fetching.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlencode, urlsplit

from media import HTML_TYPES
from pipelines import warc

ORIG_PREFIX = "x-archive-orig-"
REVISIT = "warc/revisit"  # the CDX type of a revisit record: its status is known once replayed
# Left out by the CDX server itself (a regular expression on the type; ``!`` negates it): most
# captures of a portal are its images. IA's ``collapse=digest`` is not asked for: it folds
# neighbouring lines of different URLs with one digest (identical redirects) into one.
SERVER_FILTER = "!mimetype:(image|video|audio|font)/.*"
# IA's JSON header and plain CDX lines name fields as on the left, pywb's JSON objects as on the right.
FIELD_NAMES = {"original": "url", "mimetype": "mime", "statuscode": "status"}
# Headers an archive server adds of its own (unprefixed); ``x-archive-*`` other than the
# ``x-archive-orig-*`` ones are its own too. An original header of the same name comes prefixed.
ARCHIVE_HEADERS = frozenset({
    "memento-datetime", "content-location", "date", "server", "via", "server-timing",
    "x-app-server", "x-ts", "x-tr", "x-location", "x-cache-key", "x-rl", "x-na", "x-page-cache",
    "x-nid", "permissions-policy", "referrer-policy", "strict-transport-security"})
MEMENTO_LINK = re.compile(r'rel="?(?:original|timegate|timemap|memento)', re.I)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                        "trailer", "transfer-encoding", "upgrade", "content-length"})
REPLAYED = re.compile(r"^/\d{1,14}(?:[a-z]{2}_)?/(?P<url>.+)$")
TIMESTAMP = re.compile(r"^\d{4}(?:\d{2}){0,5}$")
TIMESTAMP_FLOOR = "19700101000000"  # completes a partial timestamp with its earliest instant
DIGEST_PREFIX = re.compile(r"^sha1:", re.I)
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"  # left as they are when a URL is put in a replay address


# The CDX API: pure functions


@dataclass(frozen=True)
class CdxCapture:
    """One capture the CDX API lists.

    ``url`` as archived; ``timestamp`` UTC as 14 digits ``YYYYMMDDhhmmss``; ``mime`` the archived
    Content-Type (``warc/revisit`` for a revisit); ``status`` the HTTP status, ``None`` when not
    given (revisits); ``digest`` the payload's SHA-1 in base 32 as the server gives it; ``urlkey``
    the server's canonical (SURT) form of the URL, or ``""``.
    """

    url: str
    timestamp: str
    mime: str = ""
    status: int | None = None
    digest: str = ""
    urlkey: str = ""

    @property
    def fetched_at(self) -> str:
        """The capture time as ISO 8601 UTC to the second (``2022-08-27T05:26:00+00:00``)."""
        return timestamp_iso(self.timestamp)

    @property
    def payload_digest(self) -> str | None:
        """The digest as WARC-Payload-Digest writes it (``sha1:`` and base 32), or ``None``."""
        return "sha1:" + DIGEST_PREFIX.sub("", self.digest).upper() if self.digest else None


def cdx_query(cdx: str, host: str, start: str | None = None, end: str | None = None) -> str:
    """The CDX API URL listing every capture of ``host`` (``name[:port]``; ``www.`` included, as
    the canonical form drops it) from ``start`` to ``end`` inclusive (UTC timestamps of 4 to 14
    digits, ``None`` for no bound) as JSON, images, video, audio and fonts left out."""
    params = {"url": host, "matchType": "host", "output": "json", "filter": SERVER_FILTER}
    params.update({name: value for name, value in (("from", start), ("to", end)) if value})
    return f"{cdx}?{urlencode(params)}"


def parse_cdx(text: str) -> list[CdxCapture]:
    """The captures of a CDX answer given with ``output=json``: the Internet Archive's one JSON
    array of arrays whose first row names the fields, or pywb's one JSON object per line. An empty
    answer lists none; a line without URL or timestamp is left out; ``ValueError`` for anything
    that is not CDX JSON."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        rows = _named_rows(json.loads(text))
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not all(isinstance(row, dict) for row in rows):
        raise ValueError("expected JSON objects or arrays")
    return [capture for capture in map(_capture, rows) if capture is not None]


def _named_rows(table: list) -> list[dict]:
    """Rows of the Internet Archive's JSON table as dicts keyed by its header row; rows of another
    length (the blank row and resume key that may end it) are left out."""
    if not table:
        return []
    header = table[0]
    return [dict(zip(header, row, strict=True)) for row in table[1:] if len(row) == len(header)]


def _capture(row: dict) -> CdxCapture | None:
    """A CdxCapture from one CDX row (either naming of fields), or ``None`` without URL or time."""
    fields = {FIELD_NAMES.get(name, name): str(value) for name, value in row.items()}
    if not fields.get("url") or not TIMESTAMP.match(fields.get("timestamp", "")):
        return None
    status = fields.get("status", "")
    return CdxCapture(url=fields["url"], timestamp=fields["timestamp"], mime=fields.get("mime", ""),
                      status=int(status) if status.isdigit() else None,
                      digest=fields.get("digest", ""), urlkey=fields.get("urlkey", ""))


def wanted(capture: CdxCapture) -> bool:
    """Whether a listed capture is imported: an HTML page answered 200 (or with no status given),
    a redirect (3xx, any type), or a revisit (whatever it replays as)."""
    if capture.mime == REVISIT:
        return True
    if capture.status is not None and 300 <= capture.status < 400:
        return True
    return capture.status in (200, None) and capture.mime.lower().startswith(HTML_TYPES)


def collapse(captures: Iterable[CdxCapture]) -> list[CdxCapture]:
    """One capture per URL (its canonical key when given) and payload digest, the earliest: later
    ones hold the same bytes again. Oldest first, so an article's newest capture is read last."""
    first: dict[tuple[str, str], CdxCapture] = {}
    for capture in sorted(captures, key=lambda c: (c.timestamp, c.url)):
        first.setdefault((capture.urlkey or capture.url, capture.digest or capture.timestamp), capture)
    return list(first.values())


def check_timestamp(value: str) -> str:
    """``value`` when it is a CDX timestamp of 4 to 14 digits (``YYYY[MM[DD[hh[mm[ss]]]]]``, UTC);
    ``ValueError`` otherwise."""
    if not TIMESTAMP.match(value) or not _valid(value):
        raise ValueError(f"expected YYYY, YYYYMM or YYYYMMDD (UTC), got {value!r}")
    return value


def _valid(timestamp: str) -> bool:
    """Whether a partial timestamp names a real instant (no month 13)."""
    try:
        timestamp_iso(timestamp)
    except ValueError:
        return False
    return True


def timestamp_iso(timestamp: str) -> str:
    """A CDX timestamp (4 to 14 digits, UTC; a partial one read as its earliest instant) as ISO
    8601 UTC to the second: ``20220827052600`` → ``2022-08-27T05:26:00+00:00``."""
    full = timestamp + TIMESTAMP_FLOOR[len(timestamp):]
    return datetime.strptime(full, "%Y%m%d%H%M%S").replace(tzinfo=UTC).isoformat()


def replay_url(replay: str, timestamp: str, url: str) -> str:
    """The replay address of a capture as archived, unrewritten: ``{replay}/{timestamp}id_/{url}``."""
    return f"{replay.rstrip('/')}/{timestamp}id_/{quote(url, safe=URL_SAFE)}"


# Headers as archived: pure functions


def restored_headers(headers: list[tuple[str, str]], body: bytes, replay: str) -> list[tuple[str, str]]:
    """The original response headers of a replayed capture, from the replay's ``(name, value)``
    pairs: ``X-Archive-Orig-*`` headers get their own names back and replace the archive's header
    of that name; the archive's own headers, hop-by-hop headers and ``Content-Length`` are dropped;
    a ``Content-Encoding`` is kept only if ``body`` (as received) is encoded so; a ``Location``
    into the replay is the URL it was."""
    originals = {name.lower()[len(ORIG_PREFIX):] for name, _ in headers
                 if name.lower().startswith(ORIG_PREFIX)}
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(ORIG_PREFIX):
            name, lower = name[len(ORIG_PREFIX):], lower[len(ORIG_PREFIX):]
        elif lower in originals or _archive_own(lower, value):
            continue
        if lower in HOP_BY_HOP or (lower == "content-encoding" and not _encoded(body, value)):
            continue
        kept.append((name, original_location(value, replay) if lower == "location" else value))
    return kept


def _archive_own(name: str, value: str) -> bool:
    """Whether an unprefixed header (lower-case ``name``) is the archive server's own."""
    if name == "link":
        return bool(MEMENTO_LINK.search(value))
    return name in ARCHIVE_HEADERS or name.startswith("x-archive-")


def _encoded(body: bytes, encoding: str) -> bool:
    """Whether ``body`` is encoded with ``encoding`` (``warc.decoded`` hands its input back when
    it cannot undo it)."""
    return bool(body) and warc.decoded(body, encoding, 64) is not body


def original_location(location: str, replay: str) -> str:
    """A redirect target as the archived site gave it: a replay address (``{replay}/{timestamp}
    [mod_]/{url}``, absolute or from the server's root) becomes ``url``; anything else is kept."""
    base = replay.rstrip("/")
    for prefix in (base, urlsplit(base).path):
        if prefix and location.startswith(prefix + "/"):
            match = REPLAYED.match(location[len(prefix):])
            if match:
                return match["url"]
    return location


# Waiting as the server asks


def backoff_delay(attempt: int, base: float, maximum: float, asked: float = 0.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first): ``base * 2**(attempt-1)``,
    or what the server ``asked`` if longer, never more than ``maximum``."""
    return min(max(base * 2 ** (attempt - 1), asked), maximum)


def retry_after(value: str | None, now: datetime | None = None) -> float:
    """Seconds a ``Retry-After`` header asks for: a number of seconds, or an HTTP date (counted
    from ``now``, the current time by default); 0 when absent, unreadable or past."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
