"""The labelled real-world set: what a person read off each mirror page, against what bantin reads.

Labels live in ``fixtures/realworld/labels/*.json`` (see the README beside them); the pages stay in
``../shared/realworld``. Long text is labelled as a hash (:func:`text_hash`), so both sides of a
comparison are turned into the same short form here: ``expected(label)`` and ``observed(record,
label)`` give one value per field name.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

LABELS = Path(__file__).parent / "fixtures" / "realworld" / "labels"
FIELDS = ("title", "category", "published_raw", "published_at", "published_precision", "views",
          "lead", "body_first", "body_last", "captions", "authors", "source", "attachments",
          "cms_account_left_out")


def text_hash(text: str | None) -> str | None:
    """The labels' hash of a text: sha256 of its NFC form with whitespace runs folded to one
    space, first 16 hex digits (``None`` for no text)."""
    if text is None:
        return None
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def load_labels() -> list[dict]:
    """Every label, sorted by file name, with its ``name`` (the file's stem)."""
    labels = []
    for path in sorted(LABELS.glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        label["name"] = path.stem
        labels.append(label)
    return labels


def expected(label: dict) -> dict:
    """The value each field must have, from the label alone."""
    time = label["published_time"]
    return {
        "title": label["title"],
        "category": label["category"],
        "published_raw": label["published_raw"],
        "published_at": f"{label['published_date']}T{time or '00:00'}:00+07:00",
        "published_precision": "minute" if time else "day",
        "views": label["views"],
        "lead": label["sapo_sha"] or label["body_first_sha"],
        "body_first": label["body_first_sha"],
        "body_last": label["body_last_sha"],
        "captions": [image["caption_sha"] for image in label["images"]],
        "authors": _credited(label),
        "source": label["source"],
        "attachments": label["attachments"],
        "cms_account_left_out": True,
    }


def observed(record: dict, label: dict) -> dict:
    """The same fields read from an extracted article record (``Article.to_dict()``)."""
    paragraphs = (record.get("body") or "").split("\n\n")
    first = 1 if label["sapo_sha"] else 0
    images = record.get("images") or []
    if label["thumbnail"] and images:
        images = images[1:]  # the article's small image beside the lead, not a body image
    names = {author["name"] for author in record.get("authors") or []}
    account = label["cms_account"]
    return {
        "title": record.get("title"),
        "category": record.get("category"),
        "published_raw": record.get("published_raw"),
        "published_at": record.get("published_at"),
        "published_precision": record.get("published_precision"),
        "views": record.get("views"),
        "lead": text_hash(record.get("lead")),
        "body_first": text_hash(paragraphs[first]) if len(paragraphs) > first else None,
        "body_last": text_hash(paragraphs[-1]) if paragraphs != [""] else None,
        "captions": [text_hash(image.get("caption")) for image in images],
        "authors": sorted((a["name"], tuple(sorted(a["roles"]))) for a in record.get("authors") or []),
        "source": record.get("source"),
        "attachments": len(record.get("attachments") or []),
        "cms_account_left_out": not account or (account not in names
                                                and account not in (record.get("body") or "")),
    }


def _credited(label: dict) -> list[tuple[str, tuple[str, ...]]]:
    """Credited names with their roles (``text`` for closing credits, ``photo`` for photo
    credits), sorted."""
    roles: dict[str, set[str]] = {}
    for name in label["credits"]:
        roles.setdefault(name, set()).add("text")
    for name in label["photo_credits"]:
        roles.setdefault(name, set()).add("photo")
    return sorted((name, tuple(sorted(found))) for name, found in roles.items())
