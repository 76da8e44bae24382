"""Cross-lingual query expansion through the paper's fa↔en glossary and curated term lists.

An English question about «مدیریت دولتی هوشمند» shares no token with the Persian body; its terms,
looked up in the glossary (from the index) and in ``data/*.tsv``, give BM25 something to match and
give the dense retriever a second, Persian phrasing of the question. The same lists let abstention
ask whether a named entity or field term occurs in the corpus in either language (:class:`TermIndex`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from indexer.normalize import ZWNJ, fold, words

DATA = Path(__file__).parent / "data"
TERMS_FILE = DATA / "terms_fa_en.tsv"        # the field's vocabulary as the paper uses it
ENTITIES_FILE = DATA / "entities_fa_en.tsv"  # countries, cities, organisations, products
FIELD_FILE = DATA / "field_terms_fa_en.tsv"  # technologies, public-sector domains, research methods

# Persian endings a name or term takes in running text (ZWNJ removed): ژاپنی, شبکه‌های, ایرانیان.
_FA_SUFFIXES = ("ی", "یی", "ایی", "ها", "های", "هایی", "ای", "یان", "یها", "یهای")


@dataclass(frozen=True)
class TermPair:
    """One concept in both languages. ``exact``: case-sensitive English forms (acronyms: US, VR)."""

    en: tuple[str, ...]
    fa: tuple[str, ...]
    exact: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return (self.exact or self.en or self.fa)[0]


def _read(path: Path) -> tuple[TermPair, ...]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, fa = line.split("\t")
        variants = [e.strip() for e in en.split("|") if e.strip()]
        pairs.append(TermPair(tuple(e.lower() for e in variants if e == e.lower()),
                              tuple(f.strip() for f in fa.split("|") if f.strip()),
                              tuple(e for e in variants if e != e.lower())))
    return tuple(pairs)


@functools.lru_cache(maxsize=1)
def curated_terms() -> tuple[TermPair, ...]:
    """The field's vocabulary as the paper uses it (``data/terms_fa_en.tsv``)."""
    return _read(TERMS_FILE)


@functools.lru_cache(maxsize=1)
def entity_terms() -> tuple[TermPair, ...]:
    """Named entities in both languages (``data/entities_fa_en.tsv``)."""
    return _read(ENTITIES_FILE)


@functools.lru_cache(maxsize=1)
def field_terms() -> tuple[TermPair, ...]:
    """Technologies, domains and methods a question may name (``data/field_terms_fa_en.tsv``)."""
    return _read(FIELD_FILE)


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


@functools.lru_cache(maxsize=4096)
def _english_pattern(term: str) -> re.Pattern:
    """An English term whose words may have one modifier between them: "smart (electricity) grids"."""
    return re.compile(r"(?<!\w)" + r"\s+(?:[\w-]+\s+)?".join(map(re.escape, term.split())) + r"(?!\w)")


def expand(query: str, language: str, pairs: Iterable[TermPair]) -> list[str]:
    """Terms of the other language for the terms found in ``query`` (longest matches first).

    >>> expand("Which cities run smart electricity grids?", "en", [TermPair(("smart grids",), ("شبکه‌های هوشمند",))])
    ['شبکه‌های هوشمند']
    """
    out: list[str] = []
    if language == "en":
        text = " " + re.sub(r"[^\w\s-]", " ", query.lower()) + " "
        for pair in sorted(pairs, key=lambda p: -max(len(e) for e in (*p.en, *p.exact))):
            hit = next((m for e in pair.en if (m := _english_pattern(e).search(text))), None)
            if hit or any(_contains(query, e) for e in pair.exact):
                out.extend(f for f in pair.fa if f not in out)
                if hit:
                    text = text[:hit.start()] + " " + text[hit.end():]
    else:
        text = fold(query)
        for pair in sorted(pairs, key=lambda p: -max(len(f) for f in p.fa)):
            if any(_contains(text, fold(f)) for f in pair.fa):
                out.extend(e for e in pair.en if e not in out)
    return out


def _tokens(text: str) -> list[str]:
    return [w.replace(ZWNJ, "") for w in words(text)]


@functools.lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern | None:
    """A phrase as a token sequence; Persian tokens may carry a plural/adjective ending."""
    toks = _tokens(phrase)
    if not toks:
        return None
    suffix = "(?:" + "|".join(_FA_SUFFIXES) + ")?"
    parts = [re.escape(t) + ("" if t.isascii() else suffix) for t in toks]
    return re.compile(" " + " ".join(parts) + " ")


class TermIndex:
    """A text prepared for asking which term pairs it mentions, in either language.

    >>> pair = TermPair(("japan", "japanese"), ("ژاپن",))
    >>> TermIndex("تجربه ژاپنی‌ها در مدیریت بحران").mentions([pair]) == [pair]
    True
    >>> TermIndex("Japanese cities").has(pair), TermIndex("چین").has(pair)
    (True, False)
    """

    def __init__(self, text: str | Iterable[str]) -> None:
        texts = [text] if isinstance(text, str) else list(text)
        # passages are kept apart ("|") so that a phrase never spans two of them
        self._tokens = " " + " | ".join(" ".join(_tokens(t)) for t in texts) + " "
        self._raw = "\n".join(texts)

    def has(self, pair: TermPair) -> bool:
        """Does the text mention the concept (any English or Persian form, or an acronym)?"""
        for phrase in (*pair.en, *pair.fa):
            pattern = _phrase_pattern(phrase)
            if pattern is not None and pattern.search(self._tokens):
                return True
        return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(a)}(?![A-Za-z0-9])", self._raw) for a in pair.exact)

    def mentions(self, pairs: Iterable[TermPair]) -> list[TermPair]:
        """The pairs this text mentions."""
        return [p for p in pairs if self.has(p)]
