"""Vietnamese typed in legacy font encodings (TCVN3 ".VnTime", VNI): detection and conversion.

Before Unicode, Vietnamese was typed in fonts that drew accented letters in place of Latin-1
characters: TCVN3 ``B¶o Th¾ng`` and VNI ``Baûo Thaéng`` are both "Bảo Thắng". Pages pasted from old
documents still carry such text. The tables below are the encodings as data; detection asks
whether converting makes the text read as Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (TCVN 5712 VN3, the .VnTime fonts): one Latin-1 character per Vietnamese letter.
TCVN3_LETTERS = {
    "µ": "à", "¶": "ả", "·": "ã", "¸": "á", "¹": "ạ",
    "¨": "ă", "»": "ằ", "¼": "ẳ", "½": "ẵ", "¾": "ắ", "Æ": "ặ",
    "©": "â", "Ç": "ầ", "È": "ẩ", "É": "ẫ", "Ê": "ấ", "Ë": "ậ",
    "®": "đ",
    "Ì": "è", "Î": "ẻ", "Ï": "ẽ", "Ð": "é", "Ñ": "ẹ",
    "ª": "ê", "Ò": "ề", "Ó": "ể", "Ô": "ễ", "Õ": "ế", "Ö": "ệ",
    "×": "ì", "Ø": "ỉ", "Ü": "ĩ", "Ý": "í", "Þ": "ị",
    "ß": "ò", "á": "ỏ", "â": "õ", "ã": "ó", "ä": "ọ",
    "«": "ô", "å": "ồ", "æ": "ổ", "ç": "ỗ", "è": "ố", "é": "ộ",
    "¬": "ơ", "ê": "ờ", "ë": "ở", "ì": "ỡ", "í": "ớ", "î": "ợ",
    "ï": "ù", "ñ": "ủ", "ò": "ũ", "ó": "ú", "ô": "ụ",
    "­": "ư", "õ": "ừ", "ö": "ử", "÷": "ữ", "ø": "ứ", "ù": "ự",
    "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "ý": "ý", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
}

# VNI Windows: a base letter followed by a mark character (two characters per accented letter).
VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
VNI_CIRCUMFLEX_TONES = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303",
                        "ä": "\u0323"}
VNI_BREVE_TONES = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303",
                   "ë": "\u0323"}
VNI_SINGLE = {"ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "í": "í", "ì": "ì",
              "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ",
              "Ò": "Ị", "Î": "Ỵ"}
VNI_MARKS = "ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË"
VNI_PAIR = re.compile(rf"([aeouyAEOUYôöÔÖ])([{VNI_MARKS}])")

VIETNAMESE_LETTERS = re.compile(r"[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")  # letters Latin-1 lacks
# TCVN3 characters that Vietnamese Unicode text never uses (its own Latin-1 letters excluded).
TCVN3_ONLY = "".join(k for k in TCVN3_LETTERS if k not in "áâãäéêíóôõöùúüý")
TCVN3_HINT = re.compile(f"[{re.escape(TCVN3_ONLY)}]")
MIN_EVIDENCE = 3


def detect(text: str) -> str | None:
    """``"tcvn3"`` or ``"vni"`` when ``text`` is Vietnamese typed in that legacy encoding, else None.

    Text that already holds Vietnamese Unicode letters is never legacy; otherwise the encoding whose
    tell-tale characters appear at least three times, and whose conversion yields Vietnamese
    letters, wins.
    """
    if VIETNAMESE_LETTERS.search(text):
        return None
    vni, tcvn3 = evidence(text, "vni"), evidence(text, "tcvn3")
    if max(vni, tcvn3) < MIN_EVIDENCE:
        return None
    return "vni" if vni > tcvn3 else "tcvn3"


def evidence(text: str, encoding: str) -> int:
    """How many tell-tale characters (or VNI letter pairs) of ``encoding`` ``text`` holds."""
    if encoding == "vni":
        return len(VNI_PAIR.findall(text)) + text.count("ñ") + text.count("Ñ")
    return len(TCVN3_HINT.findall(text))


def to_unicode(text: str, encoding: str) -> str:
    """Convert ``text`` typed in ``encoding`` (``"tcvn3"`` or ``"vni"``) to NFC Unicode."""
    if encoding == "tcvn3":
        return "".join(TCVN3_LETTERS.get(ch, ch) for ch in text)
    if encoding == "vni":
        return unicodedata.normalize("NFC", VNI_PAIR.sub(_vni_letter, text).translate(_VNI_TABLE))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def _vni_letter(match: re.Match) -> str:
    """One VNI base + mark pair as a decomposed Unicode letter."""
    base, mark = match.group(1), match.group(2).lower()
    base = VNI_SINGLE.get(base, base)
    if mark in VNI_TONES:
        return base + VNI_TONES[mark]
    if mark in VNI_CIRCUMFLEX_TONES and base.lower() in "aeo":
        return base + "\u0302" + VNI_CIRCUMFLEX_TONES[mark]
    if mark in VNI_BREVE_TONES and base.lower() == "a":
        return base + "\u0306" + VNI_BREVE_TONES[mark]
    return match.group(0)


_VNI_TABLE = str.maketrans(VNI_SINGLE)


def from_unicode(text: str, encoding: str) -> str:
    """Write Unicode ``text`` in a legacy ``encoding``, as an old document would hold it.

    Letters the encoding cannot hold (TCVN3 has no capitals with tone marks) are left as they are.
    """
    if encoding == "tcvn3":
        reverse = {v: k for k, v in TCVN3_LETTERS.items()}
        return "".join(reverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    if encoding == "vni":
        return "".join(_vni_from_letter(ch) for ch in unicodedata.normalize("NFC", text))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def _vni_from_letter(letter: str) -> str:
    """One Unicode letter in VNI: base (ơ ư đ as their single characters) plus a mark."""
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], decomposed[1:]
    upper = base.isupper()
    if base.lower() == "đ":
        return "Ñ" if upper else "ñ"
    if "\u031b" in marks:  # horn: ơ ư
        base = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}[base]
        marks = marks.replace("\u031b", "")
    tone = next((m for m in marks if m in "\u0301\u0300\u0309\u0303\u0323"), "")
    if base.lower() == "i" and tone:
        return next(k for k, v in VNI_SINGLE.items() if v == unicodedata.normalize("NFC", base + tone))
    if base.lower() == "y" and tone == "\u0323":
        return "Î" if upper else "î"
    if "\u0302" in marks:
        table = VNI_CIRCUMFLEX_TONES
    elif "\u0306" in marks:
        table = VNI_BREVE_TONES
    else:
        table = {mark: combining for mark, combining in VNI_TONES.items()} if tone else {}
    if not table:
        return base
    mark = next(k for k, v in table.items() if v == tone)
    return base + (mark.upper() if upper else mark)


def repair(text: str) -> tuple[str, str | None]:
    """``(unicode_text, encoding)``: ``text`` converted when it is legacy-encoded, else unchanged."""
    encoding = detect(text)
    return (to_unicode(text, encoding), encoding) if encoding else (text, None)
