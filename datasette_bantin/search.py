"""Search queries in Vietnamese, with or without diacritics: the FTS5 query and the snippet.

The full-text index holds a ``folded`` copy of every article (tones removed, đ → d). A query is
folded the same way and matched against that column, so ``dinh hong phong``, ``Đinh Hồng Phong``
and the same typed in decomposed Unicode all find the same articles. Phrases (``"hội nghị"``),
prefixes (``tuyen*``) and ``OR`` / ``NOT`` keep their FTS5 meaning.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape

from vntext import fold, fold_aligned

TERM = re.compile(r'"([^"]*)"(\*?)|(\S+)')
OPERATORS = frozenset(("OR", "NOT", "AND"))
NO_MATCH = 'folded : "\u2400"'  # a token no article holds: an empty query finds nothing
SNIPPET_WORDS = 36
SNIPPET_PREFIX = 3000  # characters folded first when looking for the first match
MATCH_REACH = 300  # characters past a match start that always hold its end (no word is longer)


def parse_query(query: str | None) -> list[tuple[str, bool]]:
    """The query's terms as ``(folded text, is_prefix)``; operators come back as themselves."""
    terms = []
    for phrase, star, word in TERM.findall(unicodedata.normalize("NFC", query or "")):
        if word in OPERATORS:
            terms.append((word, False))
            continue
        text, prefix = (phrase, bool(star)) if phrase or star else (word.rstrip("*"), word.endswith("*"))
        folded = " ".join(re.findall(r"\w+", fold(text)))
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
    """HTML: the passage of ``text`` around the first match, matches in ``<mark>``, rest escaped.

    Only the top of a long text is folded when the first match is there (it nearly always is).
    """
    text = unicodedata.normalize("NFC", text or "")
    patterns = _term_patterns(query or "")
    folded, first = _folded_to_first_match(text, patterns)
    if first is None:
        return escape(" ".join(text.split(None, SNIPPET_WORDS)[:SNIPPET_WORDS]))
    start, end = _window(text, first)
    if len(folded) < min(len(text), end + MATCH_REACH):
        folded = fold_aligned(text)
    out, cursor = [], start
    for left, right in _match_spans(folded, patterns, start, end + MATCH_REACH):
        if left < cursor or right > end:
            continue
        out += [escape(text[cursor:left]), "<mark>", escape(text[left:right]), "</mark>"]
        cursor = right
    out.append(escape(text[cursor:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


@lru_cache(maxsize=512)
def _term_patterns(query: str) -> tuple[re.Pattern, ...]:
    """One compiled pattern per query term, over folded text: whole words (a prefix term as a
    word start), the words of a phrase separated by anything that is not a word."""
    return tuple(
        re.compile(r"\b" + r"\W+".join(map(re.escape, text.split())) + (r"\w*" if prefix else r"\b"))
        for text, prefix in parse_query(query) if text not in OPERATORS)


def _folded_to_first_match(text: str, patterns: tuple[re.Pattern, ...]) -> tuple[str, int | None]:
    """The folded top of ``text`` and where the first match starts in it; all of ``text`` folded
    when the top holds no match far enough from where it is cut."""
    folded = fold_aligned(text[:SNIPPET_PREFIX])
    first = _first_match(folded, patterns)
    if len(folded) < len(text) and (first is None or first + MATCH_REACH > len(folded)):
        folded = fold_aligned(text)
        first = _first_match(folded, patterns)
    return folded, first


def _first_match(folded: str, patterns: tuple[re.Pattern, ...]) -> int | None:
    """Where the earliest match of any term starts in ``folded``, or ``None``."""
    starts = [match.start() for match in (pattern.search(folded) for pattern in patterns) if match]
    return min(starts) if starts else None


def _match_spans(folded: str, patterns: tuple[re.Pattern, ...], start: int,
                 stop: int) -> list[tuple[int, int]]:
    """Character spans in ``folded[start:stop]`` where the terms occur, neighbours separated by a
    space merged into one span."""
    spans = sorted((match.start(), match.end()) for pattern in patterns
                   for match in pattern.finditer(folded, start, stop))
    merged: list[tuple[int, int]] = []
    for left, right in spans:
        if merged and left <= merged[-1][1] + 1 and not folded[merged[-1][1]:left].strip():
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return merged


def _window(text: str, position: int) -> tuple[int, int]:
    """A passage of about SNIPPET_WORDS words around ``position``, cut at spaces."""
    before = text.rfind(" ", 0, max(0, position - 80)) + 1 if position > 80 else 0
    words = text[before:].split(" ", SNIPPET_WORDS)
    end = before + len(" ".join(words[:SNIPPET_WORDS]))
    return before, max(end, position)
