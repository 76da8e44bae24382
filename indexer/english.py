"""The parallel English edition of a Persian document: English renderings aligned to source lines.

A document's manifest entry may name ``english_edition``: a ``.jsonl`` file with one object per
sentence segment of the proofread edition::

    {"seg": 3, "lines": [43, 44], "kind": "body|heading|footnote|acknowledgements|reference",
     "fa": "Persian sentence as indexed", "en": "its English rendering"}

It is *an English rendering prepared for this knowledge base, not the author's text*
(``corpus/PROVENANCE.md``). Every segment maps back to its Persian lines, so an English sentence
carries the page, section and passage of its original.

>>> edition = EnglishEdition([Rendering(1, 10, 11, "body", "دولت هوشمند از داده استفاده می‌کند.",
...                                     "Smart government uses data.")])
>>> edition.render("دولت هوشمند از داده استفاده می‌کند.", 10, 11)
'Smart government uses data.'
>>> edition.passage_text("دولت هوشمند از داده استفاده می‌کند.", 10, 11)
'Smart government uses data.'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from indexer.normalize import match_key, split_sentences

NOTICE_EN = "English rendering prepared for this knowledge base, not the author's text"
# a sentence split differently from its segment still matches when this share of its 4-grams is in one
MIN_OVERLAP = 0.6

# The invariants every rendering keeps (tests/indexer/test_english.py checks the shipped edition with them;
# ``python -m indexer translate`` checks each machine-translated segment with them):
PERSIAN = re.compile(r"[\u0600-\u06FF]")
# a number standing alone (a digit glued to a Persian word is a footnote marker, rendered as the gloss)
NUMBER = re.compile(r"(?<![\u0600-\u06FF\u200c\d.])\d+(?:\.\d+)?(?![\d])")
LATIN_CITATION = re.compile(r"[A-Z][A-Za-z\-'’]+(?:,? (?:et al\.?|& [A-Z][A-Za-z\-]+))?,? (?:19|20)\d\d")
PERSIAN_YEAR = re.compile(r"(?<!\d)(1[34]\d\d)(?!\d)")


def rendering_problems(fa: str, en: str) -> list[str]:
    """What a rendering of ``fa`` breaks: Persian left in the English, a number or Latin citation key lost.

    >>> rendering_problems("در سال 1399 (Heeks, 2003) دولت", "In 1399 the state (Heeks, 2003)")
    []
    >>> rendering_problems("در سال 1399 (Heeks, 2003) دولت", "In 1398 the دولت")
    ['Persian left in the English', 'number 1399 missing', 'number 2003 missing', 'citation Heeks, 2003 missing']
    """
    problems = ["Persian left in the English"] if PERSIAN.search(en) else []
    problems += [f"number {n} missing" for n in dict.fromkeys(NUMBER.findall(fa)) if n not in en]
    problems += [f"citation {k} missing" for k in dict.fromkeys(LATIN_CITATION.findall(fa)) if k not in en]
    return problems


@dataclass(frozen=True)
class Rendering:
    """One Persian segment and its English rendering, with the source lines it spans."""

    seg: int
    line_start: int
    line_end: int
    kind: str
    fa: str
    en: str
    by: str | None = None  # the model that wrote a machine rendering (``indexer translate``); None: the edition's

    def to_json(self) -> dict:
        out = {"seg": self.seg, "lines": [self.line_start, self.line_end], "kind": self.kind,
               "fa": self.fa, "en": self.en}
        return out | ({"by": self.by} if self.by else {})

    @classmethod
    def from_json(cls, rec: dict) -> "Rendering":
        lines = rec.get("lines") or [0, 0]
        return cls(int(rec.get("seg", 0)), int(lines[0]), int(lines[-1]), rec.get("kind", "body"),
                   rec["fa"], rec["en"], rec.get("by") or None)


def read_edition(path: Path) -> list[Rendering]:
    """The segments of an English edition file (one JSON object per line)."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Rendering.from_json(r) for r in rows if r.get("en")]


def _grams(key: str, n: int = 4) -> set[str]:
    return {key[i:i + n] for i in range(len(key) - n + 1)} if len(key) >= n else {key}


class EnglishEdition:
    """Look-ups from Persian sentences (with their passage's line span) to English renderings."""

    def __init__(self, renderings: Iterable[Rendering]) -> None:
        self.renderings = [r for r in renderings if r.kind != "footnote"]
        self._by_key = {match_key(r.fa): r for r in self.renderings}
        self._grams = [_grams(match_key(r.fa)) for r in self.renderings]

    def __len__(self) -> int:
        return len(self.renderings)

    def find(self, sentence: str, line_start: int | None = None, line_end: int | None = None) -> Rendering | None:
        """The segment a Persian sentence renders: the same text, else the best overlap within the lines."""
        key = match_key(sentence)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        grams = _grams(key)
        best, best_share = None, 0.0
        for r, r_grams in zip(self.renderings, self._grams):
            if line_start is not None and line_end is not None and (r.line_end < line_start or r.line_start > line_end):
                continue
            share = len(grams & r_grams) / len(grams)
            if share > best_share:
                best, best_share = r, share
        return best if best_share >= MIN_OVERLAP else None

    def render(self, sentence: str, line_start: int | None = None, line_end: int | None = None) -> str | None:
        found = self.find(sentence, line_start, line_end)
        return found.en if found else None

    def title(self, title: str) -> str | None:
        """A section title in English: its heading's rendering, or a run-in heading's («عنوان: …»).

        >>> EnglishEdition([Rendering(2, 5, 5, "body", "داده‌باز: درگاه‌ها داده می‌دهند.",
        ...                           "Open data: portals give data.")]).title("داده‌باز")
        'Open data'
        """
        key = match_key(title)
        if not key:
            return None
        for r in self.renderings:
            if r.kind == "heading" and match_key(r.fa) == key:
                return r.en
        for r in self.renderings:
            head, colon, _rest = r.fa.partition(":")
            if colon and match_key(head).rstrip("0123456789") == key and ":" in r.en:
                return r.en.split(":", 1)[0].strip()
        return None

    def passage_text(self, text: str, line_start: int | None = None, line_end: int | None = None) -> str:
        """The English rendering of a passage: its sentences' renderings, once each, in order."""
        out: list[str] = []
        for sentence in split_sentences(text):
            en = self.render(sentence, line_start, line_end)
            if en and en not in out:
                out.append(en)
        return " ".join(out)
