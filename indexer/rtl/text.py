"""Character classes and small text helpers shared by detection, repair and the statistics builder."""
from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"
YEH = "ی"
BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_RE = re.compile("[" + BIDI_MARKS + "]")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_DIACRITICS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel
PERSIAN_LETTERS = (set("ءآأؤإئابتثجحخدذرزسشصضطظعغفقلمنهوپچژکگیةۀك ي".replace(" ", ""))
                   | {chr(c) for c in range(0x064B, 0x0656)})
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PUNCT = set("،؛؟.,;:!?()«»[]{}\"'-–—/…*")
MIRROR = {"(": ")", ")": "(", "«": "»", "»": "«", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<"}

_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_PERSIAN_RANGE_RE = re.compile("[\u0600-\u06ff]")
_LATIN_RE = re.compile("[A-Za-z]")


def is_fa_letter(ch: str) -> bool:
    return ch in PERSIAN_LETTERS


def has_bidi_marks(text: str) -> bool:
    return bool(_BIDI_RE.search(text))


_EMBED_RE = re.compile("[\u202a-\u202e]")


def has_embedding_marks(text: str) -> bool:
    """pdftotext wraps text in U+202A–U+202E; RLM/LRM (U+200E/F) are legitimate in clean text."""
    return bool(_EMBED_RE.search(text))


def strip_embedding_marks(text: str) -> str:
    return _EMBED_RE.sub("", text)


def strip_bidi(text: str) -> str:
    return _BIDI_RE.sub("", text)


def has_presentation_forms(text: str) -> bool:
    return bool(_PRESENTATION_RE.search(text))


def fix_presentation_forms(text: str) -> str:
    """NFKC only on the presentation-form characters (keeps everything else byte-identical)."""
    return _PRESENTATION_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def fa_count(text: str) -> int:
    return len(_PERSIAN_RANGE_RE.findall(text))


def latin_count(text: str) -> int:
    return len(_LATIN_RE.findall(text))


def key(word: str) -> str:
    """Lookup key of a word: Persian yeh/kaf, no diacritics, no ZWNJ."""
    return _DIACRITICS_RE.sub("", word.translate(_ARABIC_TO_PERSIAN)).replace(ZWNJ, "")


def to_persian_letters(text: str) -> str:
    return text.translate(_ARABIC_TO_PERSIAN)


_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0629\u200c]+")


def fa_words(text: str) -> list[str]:
    """Arabic-script words (ZWNJ kept inside words), punctuation and digits dropped."""
    return [w.strip(ZWNJ) for w in _WORD_RE.findall(to_persian_letters(_DIACRITICS_RE.sub("", text))) if w.strip(ZWNJ)]
