"""Character n-gram matching: the normalisation and 4-grams both the evaluation scorer (:mod:`evals.metrics`,
DESIGN §6) and the product's support checks (:mod:`assistant.llm`) use.

>>> normalise("كشورداري  هوشمند‌ (۱۴۰۳)")
'کشورداریهوشمند1403'
>>> sorted(ngrams("abcde"))
['abcd', 'bcde']
"""
from __future__ import annotations

import unicodedata

NGRAM = 4                 # character n-gram size
PASSAGE_CHARS = 2000      # each passage counts up to its first 2,000 characters

_CHAR_MAP = {
    "ي": "ی", "ى": "ی",             # Arabic yeh / alef maksura → Persian yeh
    "ك": "ک",
    "ة": "ه", "ۀ": "ه", "ە": "ه",  # teh marbuta, heh with yeh above (and its NFKC base) → heh
    "أ": "ا", "إ": "ا", "ٱ": "ا",
    "ـ": "",                        # tatweel: a letter by category, decoration in fact
}
_DIGITS = {**{ord("۰") + i: str(i) for i in range(10)}, **{ord("٠") + i: str(i) for i in range(10)}}
_TRANS = str.maketrans({**{ord(k): v for k, v in _CHAR_MAP.items()}, **_DIGITS})


def normalise(text: str) -> str:
    """Canonical letters-and-digits form used for every match (see module docstring)."""
    if not text:
        return ""
    text = text.translate(_TRANS)           # before NFKC: ۀ would otherwise decompose
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TRANS).lower()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Mn":                     # diacritics (harakat, hamza above, …)
            continue
        if cat[0] == "L" or cat == "Nd":    # letters and decimal digits only
            out.append(ch)
    return "".join(out)


def ngrams(norm: str, n: int = NGRAM) -> set[str]:
    """Set of character n-grams of an already normalised string (a short string is its own gram)."""
    if not norm:
        return set()
    if len(norm) < n:
        return {norm}
    return {norm[i:i + n] for i in range(len(norm) - n + 1)}


class GramPool:
    """Character 4-grams of a growing concatenation of passages (each cut to its first 2,000 chars).

    Adding passages one by one gives exactly the grams of ``"".join(normalise(p[:2000]) …)``,
    including those spanning a boundary, so ranks can be computed incrementally.
    """

    def __init__(self, max_chars: int | None = PASSAGE_CHARS) -> None:
        self.grams: set[str] = set()
        self._tail = ""
        self.max_chars = max_chars

    def add(self, text: str) -> None:
        raw = text or ""
        if self.max_chars is not None:
            raw = raw[: self.max_chars]
        joined = self._tail + normalise(raw)
        if len(joined) >= NGRAM:
            self.grams.update(joined[i:i + NGRAM] for i in range(len(joined) - NGRAM + 1))
        self._tail = joined[-(NGRAM - 1):]

    def coverage(self, evidence_grams: set[str]) -> float:
        if not evidence_grams:
            return 0.0
        return len(evidence_grams & self.grams) / len(evidence_grams)
