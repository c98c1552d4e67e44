"""Search queries in Vietnamese, with or without diacritics: the FTS5 queries, the tone score,
the message for a query that cannot be searched as typed, and the snippet.

The full-text index holds each article's text folded (tones removed, đ → d) in one column. A query
is folded the same way and matched against it, so ``dinh hong phong``, ``Đinh Hồng Phong`` and the
same typed in decomposed Unicode all find the same articles. Phrases (``"hội nghị"``), prefixes
(``tuyen*``) and ``OR`` / ``NOT`` keep their FTS5 meaning. Ranking asks the index for the words as
a phrase and near each other too, and compares the tones typed with the text as printed.
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
NEAR_WORDS = 10  # words apart that still count as "near each other"
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


def fts_query(query: str | None, together: str = "") -> str:
    """An FTS5 MATCH expression over the folded column for what a person typed.

    ``together``: ``""`` for every term anywhere (with the operators typed), ``"phrase"`` for the
    words as one phrase, ``"near"`` for the words within NEAR_WORDS of each other; those two
    match nothing unless the query is two or more words without operators.
    """
    if together:
        return _together_query(query, together)
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


def _together_query(query: str | None, together: str) -> str:
    """The words of ``query`` as one phrase (``"phrase"``) or near each other (``"near"``)."""
    terms = parse_query(query)
    if len(terms) < 2 or any(text in OPERATORS for text, _ in terms):
        return NO_MATCH
    if together == "phrase":
        last_prefix = terms[-1][1]
        return f'folded : "{" ".join(text for text, _ in terms)}"' + ("*" if last_prefix else "")
    phrases = " ".join(f'"{text}"' + ("*" if prefix else "") for text, prefix in terms)
    return f"folded : NEAR({phrases}, {NEAR_WORDS})"


def typed_words(query: str | None) -> tuple[str, ...]:
    """The words of ``query`` as typed (NFC, lower case), when any carries a tone or đ; empty
    when the query has none (then tones cannot rank)."""
    text = unicodedata.normalize("NFC", query or "")
    words = tuple(word.lower() for word in re.findall(r"\w+", text) if word not in OPERATORS)
    return words if any(fold(word) != word for word in words) else ()


@lru_cache(maxsize=256)
def _tone_patterns(query: str) -> tuple[re.Pattern, re.Pattern] | None:
    """Whole-word patterns over lower-case text: any typed word, and the typed words in order."""
    words = typed_words(query)
    if not words:
        return None
    anyword = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, set(words))) + r")(?!\w)")
    phrase = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
    return anyword, phrase


def tone_score(query: str | None, *texts: str | None) -> int:
    """How well ``texts`` match ``query`` with its tones as typed: the number of distinct typed
    words found exactly, plus the number of words again when all are found in order; 0 when the
    query was typed without tones."""
    patterns = _tone_patterns(unicodedata.normalize("NFC", query or ""))
    if patterns is None:
        return 0
    anyword, phrase = patterns
    text = unicodedata.normalize("NFC", " \n".join(t for t in texts if t)).lower()
    found = set(anyword.findall(text))
    bonus = len(typed_words(query)) if len(found) > 1 and phrase.search(text) else 0
    return len(found) + bonus


def query_problem(query: str | None) -> str | None:
    """One readable line when ``query`` cannot be searched as typed (an unclosed quote, nothing
    but operators or marks), saying what was searched instead; ``None`` when it is fine."""
    query = unicodedata.normalize("NFC", query or "").strip()
    if not query:
        return None
    terms = [text for text, _ in parse_query(query) if text not in OPERATORS]
    if not terms:
        return (f"Không có từ nào để tìm trong «{query}»: hãy gõ ít nhất một từ "
                "(NOT, OR, AND, dấu \" và dấu * không tự tìm được).")
    if query.count('"') % 2:
        return "Dấu ngoặc kép chưa đóng: đã tìm các từ như không có ngoặc."
    words = query.split()
    if words[0] in OPERATORS or words[-1] in OPERATORS:
        return (f"{words[0] if words[0] in OPERATORS else words[-1]} cần một từ ở mỗi bên "
                "(ví dụ: hội nghị NOT trực tuyến); đã tìm các từ còn lại.")
    return None


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
