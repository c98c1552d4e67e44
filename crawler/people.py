"""Officials named in articles: "đồng chí <Name> - <Position>" and "<Position> <Name>".

A pure scanner over words: a full name is a run of 2 to 4 capitalised words opening with a
Vietnamese family name; a position opens with a title word (``Bí thư``, ``Chủ tịch`` …) and runs
until punctuation or a verb. Word lists are data below.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from vntext import clean_text, normalise_name

SURNAMES = frozenset((
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Từ", "Trịnh", "Đào", "Mai", "Cao", "Lương", "Tạ", "Hà",
    "Lâm", "Chu", "Kiều", "Đoàn", "Trương", "Vương", "Tô", "Lại", "Nghiêm", "Khổng", "Quách", "Thái",
    "Triệu", "Lưu", "Đàm", "Phùng", "Hứa", "Tăng", "Lục", "Mạc", "Đồng", "Thân", "Khúc", "Viên",
    "Ninh", "Tống", "Kim", "Bạch", "Văn", "Giang", "Quan", "Nông", "Lò", "Lã", "Đàm", "Doãn", "Âu",
    "Yên",
))
TITLE_HEADS = tuple(sorted((
    "Bí thư", "Phó Bí thư", "Chủ tịch", "Phó Chủ tịch", "Trưởng ban", "Trưởng Ban", "Phó Trưởng ban",
    "Phó Trưởng Ban", "Phó trưởng ban", "Giám đốc", "Phó Giám đốc", "Trưởng phòng", "Trưởng Phòng",
    "Phó Trưởng phòng", "Phó trưởng phòng", "Phó Trưởng Phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng",
    "Chánh án", "Viện trưởng", "Trưởng Công an", "Phó Trưởng Công an", "Chỉ huy trưởng",
    "Đại biểu Quốc hội", "Ủy viên", "Uỷ viên", "Đại tá", "Thượng tá", "Trung tá", "Thiếu tướng",
    "Trung tướng", "Bộ trưởng", "Thứ trưởng", "Tổng Bí thư", "Thủ trưởng", "Hiệu trưởng",
    "Tổ trưởng", "Trưởng khu dân cư", "Trưởng thôn", "Chủ nhiệm", "Phó Chủ nhiệm", "Tư lệnh",
), key=len, reverse=True))
# Words that end a position: a verb or a joining word that starts what the person did.
STOP_WORDS = tuple(sorted((
    "nhấn mạnh", "phát biểu", "chủ trì", "trao", "đề nghị", "yêu cầu", "cho biết", "khẳng định",
    "đã", "truyền đạt", "tặng", "thăm", "chúc mừng", "chúc", "biểu dương", "ghi nhận", "báo cáo",
    "kiểm tra", "dự", "tham dự", "cùng", "và", "đánh giá", "trình bày", "quán triệt", "chỉ đạo",
    "giao", "lưu ý", "mong", "gửi", "tiếp", "làm việc", "trực tiếp", "thông tin", "nêu", "phát động",
    "tuyên bố", "đọc", "công bố", "điều hành", "trả lời", "giải trình", "khai mạc", "bế mạc",
    "tổng kết", "kết luận", "chia sẻ", "động viên", "dâng", "thắp", "cắt băng", "ký", "nhận",
    "đến", "tới", "tại", "trong", "với", "của", "cho", "là", "được", "đang", "sẽ", "vừa", "có",
    "phụ trách", "hướng dẫn", "cảm ơn", "bày tỏ", "thay mặt", "nhấn", "đồng chí", "ông", "bà",
    "dẫn đầu", "làm trưởng đoàn", "mong muốn", "cam kết", "thăm hỏi", "nhận định", "lưu ý",
), key=len, reverse=True))
# After one of these words, a run of just two capitalised words is a place name.
PLACE_WORDS = frozenset(("phường", "quận", "huyện", "xã", "phố", "tỉnh", "thị", "trấn", "thôn"))
def _by_first_word(phrases) -> dict[str, tuple[str, ...]]:
    """Phrases grouped by their first word (lower case), longest first, for a quick lookup."""
    grouped: dict[str, list[str]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase.split()[0].lower(), []).append(phrase)
    return {word: tuple(sorted(group, key=len, reverse=True)) for word, group in grouped.items()}


HEADS_BY_WORD = _by_first_word(TITLE_HEADS)
STOPS_BY_WORD = _by_first_word(STOP_WORDS)
POSITION_MAX_WORDS = 32  # tokens, dashes of title chains included
NAME_WORDS = (2, 4)
TOKEN = re.compile(r"\w+|[^\w\s]")
DASHES = ("-", "–", "—")
# Where a mention can begin: a title or "đồng chí", searched for in the lower-cased text; the
# scanner checks each place found with the word rules, so this only has to miss none.
OPENINGS = re.compile("|".join(r"\s+".join(map(re.escape, phrase.lower().split()))
                               for phrase in (*TITLE_HEADS, "đồng chí")))
WORD_CHARACTER = re.compile(r"\w")
CLOSING = frozenset(",.;:()!?\"“”")


@dataclass(frozen=True)
class Mention:
    """A person named with a position: ``name`` normalised, ``position`` as printed."""

    name: str
    position: str


def mentions_of(body: str | None, captions: list[str]) -> list[dict]:
    """The officials an article names, as archive rows: ``[{"name" (normalised, tones kept),
    "position" (as printed), "found_in": "body" | "caption"}]``, each (name, position, place)
    once, in reading order. Names differing only in tones are different people."""
    found: dict[tuple, dict] = {}
    texts = [("body", body or ""), *(("caption", caption) for caption in captions if caption)]
    for where, text in texts:
        for mention in find_mentions(text):
            found.setdefault((mention.name, mention.position, where), {
                "name": mention.name, "position": mention.position, "found_in": where})
    return list(found.values())


def find_mentions(text: str) -> list[Mention]:
    """Every official named with a position in ``text``, in order, without repeats.

    Only where a title or "đồng chí" begins is the text cut into words (a regular expression
    finds those places), and a place inside a mention already found is not looked at again.
    """
    text = unicodedata.normalize("NFC", text)
    found: list[Mention] = []
    resume = 0  # character offset where the last mention found ends
    for start in _openings(text):
        if start < resume:
            continue
        words = Words(text, start)
        mention, next_index = _mention_at(words, 0, text)
        if mention:
            if mention not in found:
                found.append(mention)
            resume = words[next_index - 1][2]
    return found


def _openings(text: str) -> Iterator[int]:
    """Character offsets, in order, of the word starts in ``text`` where a title or "đồng chí"
    may begin (every word start when lower-casing changes the text's length)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        yield from (match.start() for match in TOKEN.finditer(text) if match[0][0].isalnum())
        return
    position = 0
    while match := OPENINGS.search(lowered, position):
        start = match.start()
        if not start or not WORD_CHARACTER.match(text, start - 1):
            yield start
        position = start + 1


class Words:
    """The words and punctuation of ``text`` from character ``start`` on, as
    ``(token, start, end)``, cut only as far as they are asked for."""

    __slots__ = ("_cut", "_matches")

    def __init__(self, text: str, start: int = 0):
        self._matches = TOKEN.finditer(text, start)
        self._cut: list[tuple[str, int, int]] = []

    def has(self, index: int) -> bool:
        """True when there is a word at ``index`` (cutting up to it if needed)."""
        cut = self._cut
        while len(cut) <= index:
            match = next(self._matches, None)
            if match is None:
                return False
            cut.append((match[0], match.start(), match.end()))
        return True

    def __getitem__(self, index: int) -> tuple[str, int, int]:
        self.has(index)
        return self._cut[index]


def _mention_at(words, index: int, text: str) -> tuple[Mention | None, int]:
    """A mention starting at ``words[index]``, and the index after it."""
    if _starts(words, index, "đồng chí"):
        after = index + 2
        name_end = _name_end(words, after)
        if name_end and words.has(name_end) and words[name_end][0] in DASHES:
            return _after_dash(words, after, name_end, text)
        return _titled(words, after, text)
    return _titled(words, index, text)


def _after_dash(words, name_start: int, name_end: int, text: str) -> tuple[Mention | None, int]:
    """Form "đồng chí <Name> - <Position>"."""
    position_end = _position_end(words, name_end + 1)
    if position_end == name_end + 1:
        return None, name_start
    name = _span(words, name_start, name_end, text)
    position = _span(words, name_end + 1, position_end, text)
    return Mention(normalise_name(name), position), position_end


def _titled(words, index: int, text: str) -> tuple[Mention | None, int]:
    """Form "<Position> <Name>": a title word, position words, then a full name."""
    if not words.has(index):
        return None, index  # "đồng chí" ends the text
    heads = HEADS_BY_WORD.get(words[index][0].lower(), ())
    if not any(_starts(words, index, head) for head in heads):
        return None, index
    end = index + 1
    while end < index + POSITION_MAX_WORDS and words.has(end):
        token = words[end][0]
        if token in CLOSING or (token not in DASHES and _stop_at(words, end)):
            return None, index
        run_end = _run_end(words, end)
        start = _name_start(words, end, run_end) if run_end > end else None
        if start is not None and start > index + 1:
            name = _span(words, start, run_end, text)
            return Mention(normalise_name(name), _span(words, index, start, text)), run_end
        end = max(run_end, end + 1)
    return None, index


def _run_end(words, start: int) -> int:
    """End index of the run of capitalised name-like words starting at ``start``."""
    end = start
    while words.has(end) and _name_word(words[end][0]):
        end += 1
    return end


def _name_start(words, run_start: int, run_end: int) -> int | None:
    """Where the full name begins inside a run of capitalised words ending the position.

    The name opens with a family name and has 2 to 4 words; three-word names are the rule, so a
    start leaving three words is preferred ("quận Hoàng Mai Nguyễn Văn Hùng" → Nguyễn Văn Hùng).
    """
    after_place = run_start > 0 and words[run_start - 1][0].lower() in PLACE_WORDS
    if after_place and run_end - run_start == 2:
        return None  # "phường Dương Nội": a place, not a two-word name
    starts = [s for s in range(run_start, run_end)
              if _family_name(words[s][0]) and NAME_WORDS[0] <= run_end - s <= NAME_WORDS[1]]
    for length in (3, 4, 2):
        for start in starts:
            if run_end - start == length:
                return start
    return None


def _name_end(words, start: int) -> int | None:
    """End index of a full name starting at ``start`` (family name + 1 to 3 words), or None."""
    if not words.has(start) or not _family_name(words[start][0]):
        return None
    end = _run_end(words, start)
    return end if NAME_WORDS[0] <= end - start <= NAME_WORDS[1] else None


def _position_end(words, start: int) -> int:
    """End index of a position starting at ``start``: before punctuation or a stop word."""
    end = start
    while end - start < POSITION_MAX_WORDS and words.has(end):
        token = words[end][0]
        if token in CLOSING or (end > start and _stop_at(words, end)):
            break
        end += 1
    while end > start and words[end - 1][0] in DASHES:
        end -= 1
    return end


def _stop_at(words, index: int) -> bool:
    """True when a stop word (or phrase) starts at ``words[index]``; "và" joining two capitalised
    parts of one name ("Lao động - Thương binh và Xã hội") does not stop."""
    word = words[index][0]
    if word == "và" and words.has(index + 1) and words[index + 1][0][:1].isupper():
        return False
    stops = STOPS_BY_WORD.get(word, ())
    return word[:1].islower() and any(_starts(words, index, stop) for stop in stops)


def _starts(words, index: int, phrase: str) -> bool:
    """True when the words from ``index`` spell ``phrase`` (case-insensitive)."""
    parts = phrase.split()
    return words.has(index + len(parts) - 1) and all(
        words[index + n][0].lower() == part.lower() for n, part in enumerate(parts))


def _family_name(word: str) -> bool:
    """True for a capitalised Vietnamese family name (any case)."""
    return normalise_name(word) in SURNAMES


def _name_word(word: str) -> bool:
    """True for a capitalised word that can be part of a name (not an acronym such as UBND)."""
    return word[:1].isupper() and word.isalpha() and len(word) > 1 and not word.isupper()


def _span(words, start: int, end: int, text: str) -> str:
    """The text (NFC, as tokenised) from ``words[start]`` to ``words[end - 1]``, cleaned."""
    return clean_text(text[words[start][1]:words[end - 1][2]])
