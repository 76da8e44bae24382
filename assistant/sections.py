"""Section-aware retrieval: a question that names a part of the paper ("the English abstract",
«نتیجه‌گیری», a heading) should be answered from that part.
"""
from __future__ import annotations

import re
from typing import Any

from indexer.normalize import fold

# Common ways of naming the standard parts of a paper, in both languages → the outline title.
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "Abstract": ("english abstract", "abstract", "چکیده انگلیسی", "خلاصه انگلیسی", "نسخه انگلیسی چکیده",
                 "چکیده به انگلیسی", "چکیده لاتین"),
    "چکیده": ("persian abstract", "چکیده فارسی", "چکیده"),
    "مقدمه": ("introduction", "مقدمه"),
    "نتیجه‌گیری": ("conclusion", "concluding", "نتیجه‌گیری", "جمع‌بندی نهایی", "نتیجه گیری"),
    "مآخذ": ("reference list", "bibliography", "مآخذ", "فهرست منابع"),
}


def named_sections(query: str, tables: dict[str, dict[str, Any]]) -> list[str]:
    """Outline titles the question names (aliases and headings of ≥ 2 words), longest match first."""
    text = " " + re.sub(r"\s+", " ", fold(query)) + " "
    candidates: list[tuple[str, str]] = []
    for title, aliases in SECTION_ALIASES.items():
        candidates += [(fold(alias), title) for alias in aliases]
    for table in tables.values():
        for entry in table.get("outline", []):
            title = entry["title"]
            if len(title.split()) >= 2:
                candidates.append((fold(title), title))
    found: list[str] = []
    for needle, title in sorted(candidates, key=lambda c: -len(c[0])):
        pattern = rf"(?<!\w){re.escape(needle)}(?!\w)"
        if re.search(pattern, text):
            if title not in found:
                found.append(title)
            text = re.sub(pattern, " ", text)  # «چکیده انگلیسی» must not also name «چکیده»
    return found
