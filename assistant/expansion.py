"""Cross-lingual query expansion through the paper's fa↔en glossary and a curated term list.

An English question about «مدیریت دولتی هوشمند» shares no token with the Persian body; its terms,
looked up in the glossary (from the index) and in ``data/terms_fa_en.tsv``, give BM25 something to
match and give the dense retriever a second, Persian phrasing of the question.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from indexer.normalize import fold

TERMS_FILE = Path(__file__).parent / "data" / "terms_fa_en.tsv"


@dataclass(frozen=True)
class TermPair:
    en: tuple[str, ...]
    fa: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def curated_terms() -> tuple[TermPair, ...]:
    pairs = []
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, fa = line.split("\t")
        pairs.append(TermPair(tuple(e.strip().lower() for e in en.split("|")),
                              tuple(f.strip() for f in fa.split("|"))))
    return tuple(pairs)


def glossary_terms(tables: dict[str, dict[str, Any]]) -> list[TermPair]:
    """Term pairs from the footnote glossaries of indexed documents."""
    out = []
    for table in tables.values():
        for entry in table.get("glossary", []):
            fa, en = (entry.get("fa") or "").strip(), (entry.get("en") or "").strip()
            if fa and en:
                out.append(TermPair((en.lower(),), (fa,)))
    return out


def _contains(haystack: str, needle: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def expand(query: str, language: str, pairs: Iterable[TermPair]) -> list[str]:
    """Terms of the other language for the terms found in ``query`` (longest matches first)."""
    out: list[str] = []
    if language == "en":
        text = " " + re.sub(r"[^\w\s-]", " ", query.lower()) + " "
        for pair in sorted(pairs, key=lambda p: -max(len(e) for e in p.en)):
            hit = next((e for e in pair.en if _contains(text, e)), None)
            if hit:
                out.extend(f for f in pair.fa if f not in out)
                text = text.replace(hit, " ")
    else:
        text = fold(query)
        for pair in sorted(pairs, key=lambda p: -max(len(f) for f in p.fa)):
            if any(_contains(text, fold(f)) for f in pair.fa):
                out.extend(e for e in pair.en if e not in out)
    return out
