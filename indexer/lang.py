"""Language of a text: Persian, English, or mixed, by letter counts."""
from __future__ import annotations

import re

_PERSIAN = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """``"fa"`` when Arabic-script letters dominate, else ``"en"``.

    >>> detect_language("کشورداری هوشمند در ایران (Smart statesmanship)")
    'fa'
    >>> detect_language("What is smart governance?")
    'en'
    """
    fa = len(_PERSIAN.findall(text))
    en = len(_LATIN.findall(text))
    return "fa" if fa >= en and fa > 0 else "en"
