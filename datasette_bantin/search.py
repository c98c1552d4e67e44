"""Search queries in Vietnamese, with or without diacritics: the FTS5 query and the snippet.

The full-text index holds a ``folded`` copy of every article (tones removed, đ → d). A query is
folded the same way and matched against that column, so ``dinh hong phong``, ``Đinh Hồng Phong``
and the same typed in decomposed Unicode all find the same articles. Phrases (``"hội nghị"``),
prefixes (``tuyen*``) and ``OR`` / ``NOT`` keep their FTS5 meaning.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html import escape

from crawler.parsing import fold_diacritics

TERM = re.compile(r'"([^"]*)"(\*?)|(\S+)')
OPERATORS = frozenset(("OR", "NOT", "AND"))
NO_MATCH = 'folded : "\u2400"'  # a token no article holds: an empty query finds nothing
SNIPPET_WORDS = 36


@cache
def fold_char(char: str) -> str:
    """One character folded for search, keeping length: ``Ệ`` → ``e``, ``Đ`` → ``d``."""
    base = unicodedata.normalize("NFD", char)[0].lower()
    return "d" if base == "đ" else base


def fold_aligned(text: str) -> str:
    """``text`` (NFC) folded character by character, so positions match the original.

    Each distinct character is folded once (``fold_char`` remembers); ``str.translate`` does the rest.
    """
    return text.translate({ord(char): fold_char(char) for char in set(text)})


def parse_query(query: str | None) -> list[tuple[str, bool]]:
    """The query's terms as ``(folded text, is_prefix)``; operators come back as themselves."""
    terms = []
    for phrase, star, word in TERM.findall(unicodedata.normalize("NFC", query or "")):
        if word in OPERATORS:
            terms.append((word, False))
            continue
        text, prefix = (phrase, bool(star)) if phrase or star else (word.rstrip("*"), word.endswith("*"))
        folded = " ".join(re.findall(r"\w+", fold_diacritics(text)))
        if folded:
            terms.append((folded, prefix))
    return terms


def fts_query(query: str | None) -> str:
    """An FTS5 MATCH expression over the folded column for what a person typed."""
    parts = []
    for text, prefix in parse_query(query):
        if text in OPERATORS:
            if parts and parts[-1] not in OPERATORS:
                parts.append(text)
            continue
        parts.append(f'"{text}"' + ("*" if prefix else ""))
    while parts and parts[-1] in OPERATORS:
        parts.pop()
    return f"folded : ({' '.join(parts)})" if parts else NO_MATCH


def snippet(text: str | None, query: str | None) -> str:
    """HTML: the passage of ``text`` around the first match, matches in ``<mark>``, rest escaped."""
    text = unicodedata.normalize("NFC", text or "")
    folded = fold_aligned(text)
    spans = _match_spans(folded, [t for t in parse_query(query) if t[0] not in OPERATORS])
    if not spans:
        return escape(" ".join(text.split()[:SNIPPET_WORDS]))
    start, end = _window(text, spans[0][0])
    out, cursor = [], start
    for left, right in spans:
        if left < cursor or right > end:
            continue
        out += [escape(text[cursor:left]), "<mark>", escape(text[left:right]), "</mark>"]
        cursor = right
    out.append(escape(text[cursor:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _match_spans(folded: str, terms: list[tuple[str, bool]]) -> list[tuple[int, int]]:
    """Character spans where the folded terms occur as whole words (prefix terms as word starts),
    neighbours separated by a space merged into one span."""
    spans = []
    for text, prefix in terms:
        pattern = r"\b" + r"\W+".join(map(re.escape, text.split())) + (r"\w*" if prefix else r"\b")
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, folded)]
    merged: list[tuple[int, int]] = []
    for left, right in sorted(spans):
        if merged and left <= merged[-1][1] + 1 and not folded[merged[-1][1]:left].strip():
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return merged


def _window(text: str, position: int) -> tuple[int, int]:
    """A passage of about SNIPPET_WORDS words around ``position``, cut at spaces."""
    before = text.rfind(" ", 0, max(0, position - 80)) + 1 if position > 80 else 0
    words = text[before:].split(" ")
    end = before + len(" ".join(words[:SNIPPET_WORDS]))
    return before, max(end, position)
