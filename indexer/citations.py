"""In-text citations: find author–year citations in Latin and Persian text and normalise their keys.

The paper cites in two scripts:

- Latin: ``(Giffinger et al., 2007)``, ``Gil-Garcia & Pardo, 2005``, ``(Pina, Torres, & Royo, 2010)``,
  several works in one parenthesis separated by ``;`` or ``,`` (``Keta, 2015, Decastri, et al., 2020``),
  nested parentheses (``(این مآخذ را ببینید (Ruderman, 1997; …))``);
- Persian: ``(دانائی‌فرد، 1402)``, ``قیروانی و همکاران 1403`` (with or without the comma),
  ``بهدادفر و سمائی، 1402``, solar Hijri years (13xx/14xx) and the odd Gregorian one.

A citation is an author part followed by a year *inside parentheses* (depth ≥ 1), so running text
such as «دهه 2010» is never taken for one. Keys are normalised to one form per work:

- Latin: ``Family, YYYY`` · ``A & B, YYYY`` · ``Family et al., YYYY`` (3+ authors or ``et al``);
- Persian: ``X، YYYY`` · ``X و Y، YYYY`` · ``X و همکاران، YYYY``.

:func:`extract_citations` works on any text (a paragraph, a passage, one answer sentence);
:func:`normalise_key` turns a raw citation string (e.g. a user's ``cited "Bertot et al, 2010"``)
into the same key.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZWNJ = "\u200c"
_YEAR = r"(?:1[3-4]\d\d|19\d\d|20\d\d)[a-z]?|forthcoming|fortcoming|n\.d\.|در دست انتشار"
_YEAR_RE = re.compile(rf"(?<![\d\w])({_YEAR})(?![\d\w])")
_PERSIAN = re.compile(r"[\u0600-\u06FF]")
_LATIN_NAME = re.compile(r"^[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*$")
_INITIALS = re.compile(r"^(?:[A-Z]\.\s*)+$")
_PERSIAN_ET_AL = "و همکاران"
# words that never begin a Persian author part (they are prose inside a parenthesis)
_PERSIAN_PROSE = {"در", "سال", "دهه", "از", "به", "با", "که", "این", "آن", "تا", "برای", "مانند",
                  "نظیر", "یعنی", "حدود", "قرن", "تاریخ", "ببینید", "نمونه", "مثال", "کووید"}
_MAX_PERSIAN_AUTHOR_WORDS = 7
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


@dataclass
class Citation:
    """One work cited at one place: ``raw`` is the text as written, ``key`` its normalised form."""

    key: str
    raw: str
    start: int  # character span of ``raw`` in the text searched
    end: int
    authors: list[str]
    year: str
    et_al: bool
    script: str  # "latin" | "persian"


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
            out.append(depth)
        elif ch == ")":
            out.append(depth)
            depth = max(0, depth - 1)
        else:
            out.append(depth)
    return out


def _clean_year(year: str) -> str:
    year = year.translate(_DIGITS)
    if year in ("fortcoming", "در دست انتشار"):
        return "forthcoming"
    return year


def _latin_authors(part: str) -> tuple[list[str], bool] | None:
    part = part.strip(" ,;:").replace("&amp;", "&")
    et_al = bool(re.search(r"\bet\.?\s*al\b\.?", part))
    part = re.sub(r",?\s*\bet\.?\s*al\b\.?,?", "", part)
    pieces = [p.strip() for p in re.split(r",|&|\band\b", part) if p.strip()]
    names = [p for p in pieces if not _INITIALS.match(p)]
    if not names or not all(_LATIN_NAME.match(n) for n in names):
        return None
    if any(len(n.split()) > 3 for n in names):
        return None
    return names, et_al


def _persian_authors(part: str) -> tuple[list[str], bool] | None:
    part = part.strip(" ،,؛;:").replace(ZWNJ + " ", " ")
    words = part.split()
    if not words or len(words) > _MAX_PERSIAN_AUTHOR_WORDS or words[0] in _PERSIAN_PROSE:
        return None
    if not all(_PERSIAN.search(w) for w in words):
        return None
    et_al = part.endswith(_PERSIAN_ET_AL)
    if et_al:
        part = part[: -len(_PERSIAN_ET_AL)].strip()
    names = [n.strip(" ،,") for n in re.split(r"،|\sو\s", part) if n.strip(" ،,")]
    if not names:
        return None
    return names, et_al


def make_key(authors: list[str], year: str, et_al: bool, script: str) -> str:
    """The normalised key of a work from its author list and year."""
    if script == "persian":
        if et_al or len(authors) > 2:
            who = f"{authors[0]} {_PERSIAN_ET_AL}"
        else:
            who = " و ".join(authors)
        return f"{who}، {year}"
    if et_al or len(authors) > 2:
        who = f"{authors[0]} et al."
    else:
        who = " & ".join(authors)
    return f"{who}, {year}"


def _parse_item(part: str, year: str) -> tuple[list[str], bool, str] | None:
    if _PERSIAN.search(part):
        parsed = _persian_authors(part)
        script = "persian"
    else:
        parsed = _latin_authors(part)
        script = "latin"
    if parsed is None:
        return None
    return parsed[0], parsed[1], script


def extract_citations(text: str) -> list[Citation]:
    """Every author–year citation inside parentheses of ``text``, in reading order.

    >>> [c.key for c in extract_citations("… (Pina, Torres, & Royo, 2010; Bertot et al, 2010).")]
    ['Pina et al., 2010', 'Bertot et al., 2010']
    >>> [c.key for c in extract_citations("(برای نمونه ببینید: (معدنی 1401، قیروانی و همکاران 1403))")]
    ['معدنی، 1401', 'قیروانی و همکاران، 1403']
    """
    depths = _depths(text)
    out: list[Citation] = []
    for m in _YEAR_RE.finditer(text):
        if depths[m.start()] < 1:
            continue
        # the author part runs back to the previous separator: a bracket, ; ؛ : or the end of the
        # previous citation's year (its comma)
        begin = m.start()
        i = m.start() - 1
        while i >= 0:
            ch = text[i]
            if ch in "();؛:":
                break
            if ch.isdigit() and _YEAR_RE.match(text, _year_start(text, i)) and \
                    depths[i] >= 1:
                break
            i -= 1
        begin = i + 1
        part = text[begin:m.start()]
        part = re.sub(r"\s+", " ", part).strip(" ,،")
        if not part:
            continue
        parsed = _parse_item(part, m.group(1))
        if parsed is None:
            continue
        authors, et_al, script = parsed
        year = _clean_year(m.group(1))
        raw_start = begin + (len(text[begin:m.start()]) - len(text[begin:m.start()].lstrip(" ,،")))
        raw = text[raw_start:m.end()]
        out.append(Citation(make_key(authors, year, et_al, script), raw, raw_start, m.end(),
                            authors, year, et_al, script))
    return out


def _year_start(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    return i


def normalise_key(raw: str) -> str:
    """The normalised key of a citation string such as ``Bertot et al, 2010`` or ``(حسینی 1402)``.

    >>> normalise_key("Bertot et al, 2010")
    'Bertot et al., 2010'
    >>> normalise_key("Giffinger et al. (2007)")
    'Giffinger et al., 2007'
    >>> normalise_key("Janssen, et al, 2012")
    'Janssen et al., 2012'
    >>> normalise_key("دانائی‌فرد، 1402")
    'دانائی‌فرد، 1402'
    """
    raw = unicodedata.normalize("NFC", raw.strip())
    # narrative form «Giffinger et al. (2007)» / «حسینی (1402)»
    raw = re.sub(rf"\s*\(\s*({_YEAR})\s*\)\s*$", r", \1", raw)
    if not raw.startswith("("):
        raw = f"({raw})"
    found = extract_citations(raw)
    if found:
        return found[0].key
    return re.sub(r"\s+", " ", raw.strip("() "))
