"""Synthetic garblers, written from the measurements in DESIGN §4, for tests and the held-out evaluation.

``seed_garble`` imitates the extractor that delivered the paper: the logical line is cut into chunks
(both sides of ی, lost ZWNJ, some spaces, after punctuation, rarely between letters), the chunks are emitted
in reverse order keeping their internal order, a chunk's leading space moves to its end, brackets are mirrored
and every ZWNJ is lost. The other garblers imitate pypdf/pdftotext behaviours on generated PDFs.
"""
from __future__ import annotations

import random
import re
from typing import Sequence

from indexer.rtl.text import BIDI_MARKS, MIRROR, PUNCT, YEH, ZWNJ, is_fa_letter

_LATIN_CITE = re.compile(r"\(([A-Z][^()]*?\d{4}[a-z]?)\)\.")


def _cut_probability(flat: Sequence[str], i: int, zwnj_cuts: set[int], yeh_space_pending: bool,
                     rng: random.Random) -> float:
    a, b = flat[i - 1], flat[i]
    if i in zwnj_cuts:
        return 0.94
    if (a.isdigit() and b.isdigit()) or (a.isascii() and a.isalpha() and b.isascii() and (b.isalpha() or b in " .,&")):
        return 0.0
    if a == YEH or b == YEH:
        return 0.987
    if b == " ":
        return 0.85 if yeh_space_pending else rng.uniform(0.04, 0.23)
    if a in PUNCT:
        return 0.45
    if is_fa_letter(a) and is_fa_letter(b):
        return 0.008
    return 0.1


def seed_garble(line: str, rng: random.Random | None = None) -> str:
    rng = rng or random.Random(0)
    # Latin citations travel as one unit with their punctuation moved: "(Heeks, 2003)." -> "(. Heeks, 2003)"
    units: list[str] = []
    pos = 0
    for m in _LATIN_CITE.finditer(line):
        units.extend(line[pos:m.start()])
        units.append("(. " + m.group(1) + ")")
        pos = m.end()
    units.extend(line[pos:])
    # drop ZWNJ, remember where it was
    flat: list[str] = []
    zwnj_cuts: set[int] = set()
    for u in units:
        if u == ZWNJ:
            zwnj_cuts.add(len(flat))
        else:
            flat.append(u)
    chunks: list[list[str]] = [[flat[0]]] if flat else []
    yeh_pending = False
    for i in range(1, len(flat)):
        a, b = flat[i - 1], flat[i]
        if a == " ":
            yeh_pending = False
        if a == YEH and i >= 2 and is_fa_letter(flat[i - 2]) and is_fa_letter(b):
            yeh_pending = True
        p = _cut_probability(flat, i, zwnj_cuts, yeh_pending and b == " ", rng) if len(a) == 1 and len(b) == 1 else 0.5
        if rng.random() < p:
            chunks.append([b])
        else:
            chunks[-1].append(b)
    out = []
    for ch in reversed(chunks):
        s = "".join(MIRROR.get(c, c) if len(c) == 1 else c for c in ch)
        if s.startswith(" ") and len(s) > 1:
            s = s[1:] + " "
        out.append(s)
    return "".join(out)


def reverse_garble(line: str) -> str:
    """pypdf ``extraction_mode="layout"``: the line in visual order — Persian characters reversed, Latin and
    digit runs kept left to right (as measured on fpdf2 and LibreOffice PDFs)."""
    return re.sub(r"[A-Za-z0-9][A-Za-z0-9 ,.&'\-]*[A-Za-z0-9]", lambda m: m.group()[::-1], line[::-1])


def zwnj_swap_garble(line: str) -> str:
    """pypdf on LibreOffice PDFs: ZWNJ dropped and the pieces around it swapped (می‌کند → کندمی)."""
    def swap(m: re.Match) -> str:
        return "".join(reversed(m.group().split(ZWNJ)))
    return re.sub(r"\S*" + ZWNJ + r"\S*", swap, line)


def digits_garble(line: str) -> str:
    return re.sub(r"\d{2,}", lambda m: m.group()[::-1], line)


def bidi_garble(line: str) -> str:
    return "\u202b" + line + "\u202c"


__all__ = ["BIDI_MARKS", "bidi_garble", "digits_garble", "reverse_garble", "seed_garble", "zwnj_swap_garble"]
