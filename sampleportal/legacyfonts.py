"""The sample portal's own writer of legacy Vietnamese font encodings (TCVN3, VNI).

The portal is the oracle the crawler's converter is tested against, so it encodes with tables of
its own, laid out as the encodings are taught: a vowel's six tones (none, sắc, huyền, hỏi, ngã,
nặng) in TCVN3's single characters, and VNI's base letter followed by a mark character.
"""

from __future__ import annotations

import unicodedata

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
# TCVN3: each lower-case vowel with each tone, in the order of TONES.
TCVN3_VOWELS = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË", "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ", "i": "iÝ×ØÜÞ",
    "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî", "u": "uóïñòô", "ư": "­øõö÷ù", "y": "yýúûüþ",
}
TCVN3_OTHERS = {"đ": "®", "Đ": "§", "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}
# VNI: the mark written after a plain vowel for each tone; after â ê ô (circumflex) and ă (breve)
# one mark carries both the hat and the tone.
VNI_TONE_MARKS = ("", "ù", "ø", "û", "õ", "ï")
VNI_CIRCUMFLEX_MARKS = ("â", "á", "à", "å", "ã", "ä")
VNI_BREVE_MARKS = ("ê", "é", "è", "ú", "ü", "ë")
VNI_I = ("i", "í", "ì", "æ", "ó", "ò")  # i with a tone is one character
VNI_HORN = {"o": "ô", "u": "ö"}  # ơ and ư are single characters, tones follow them
VNI_D = "ñ"  # đ


def to_legacy(text: str, encoding: str) -> str:
    """Unicode ``text`` written in ``encoding`` (``tcvn3`` or ``vni``), letter by letter; a
    letter the encoding has no character for (TCVN3's toned capitals) stays as it is."""
    write = {"tcvn3": _tcvn3, "vni": _vni}[encoding]
    return "".join(write(letter) for letter in unicodedata.normalize("NFC", text))


def _parts(letter: str) -> tuple[str, str, int]:
    """A letter as (base with its hat or horn, in NFC; its lower-case flag; its tone's index)."""
    decomposed = unicodedata.normalize("NFD", letter)
    tone = next((i for i, mark in enumerate(TONES) if mark and mark in decomposed), 0)
    base = unicodedata.normalize("NFC", decomposed.replace(TONES[tone], "") if tone else decomposed)
    return base, base.islower(), tone


def _tcvn3(letter: str) -> str:
    """One letter in TCVN3."""
    if letter in TCVN3_OTHERS:
        return TCVN3_OTHERS[letter]
    base, lower, tone = _parts(letter)
    if lower and base in TCVN3_VOWELS:
        return TCVN3_VOWELS[base][tone]
    return letter


def _vni(letter: str) -> str:
    """One letter in VNI."""
    if letter in "đĐ":
        return VNI_D if letter == "đ" else VNI_D.upper()
    base, lower, tone = _parts(letter)
    plain = unicodedata.normalize("NFD", base)[0]
    hat = unicodedata.normalize("NFD", base)[1:]
    case = str.lower if lower else str.upper
    if plain.lower() == "i":
        return case(VNI_I[tone])
    if plain.lower() == "y" and tone == 5:
        return case("î")
    if hat == "\u031b":  # horn
        return case(VNI_HORN[plain.lower()]) + case(VNI_TONE_MARKS[tone])
    if hat == "\u0302":
        return plain + case(VNI_CIRCUMFLEX_MARKS[tone])
    if hat == "\u0306":
        return plain + case(VNI_BREVE_MARKS[tone])
    return plain + case(VNI_TONE_MARKS[tone]) if plain.lower() in "aeiouy" else letter
