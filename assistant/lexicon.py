"""Word-by-word English renderings of the paper's Persian words, for glossing Persian passages in English.

Dictionary-based cross-language retrieval (Ballesteros & Croft 1997; Pirkola 1998): an English
question shares no token with the Persian body, and the field's term lists (:mod:`assistant.expansion`)
translate only its technical terms, which most passages of the paper share. The words that single out
one passage — *reflex*, *obstacles*, *laboratories*, *building blocks* — are ordinary words. The
lexicon (``data/lexicon_fa_en.tsv``) gives English renderings for the content words of the paper's
Persian body: every word outside hazm's stopwords, grouped by stem and ranked by frequency, chosen by
the corpus and not by any question. English words are matched after folding plural endings, longest
phrase first. :mod:`assistant.gloss` uses it to gloss the Persian passages in English for one BM25 list of
English questions. (Its rare Persian words also joined an English question's BM25 query until the parallel
English edition made that add nothing: docs/evals.md.) For a Persian document without an English
edition it is the English side's only word-level bridge; ``python -m assistant lexicon-gaps`` lists the
new words it lacks.

>>> lex = Lexicon.from_lines(["obstacle|barrier\\tموانع", "building blocks|pillar\\tارکان", "smart\\tهوشمند"])
>>> lex.persian_words("What barriers and building-blocks does a smart state face?")
['موانع', 'ارکان', 'هوشمند']
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from indexer.normalize import ZWNJ, english_stopwords, lexical_tokens, persian_stopwords, stem, words

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon_fa_en.tsv"


def fold_english(word: str) -> str:
    """A lowercased English word without its plural ending (policies → policy, barriers → barrier).

    Only plurals are folded: a full stemmer (Porter) also joins *public* with *publication* and
    *government* with *governance*, which the lexicon renders differently.

    >>> [fold_english(w) for w in ["Policies", "approaches", "barriers", "process", "status", "crisis"]]
    ['policy', 'approach', 'barrier', 'process', 'status', 'crisis']
    """
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _english_words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())  # hyphens and apostrophes split words


def english_question_words(question: str) -> list[str]:
    """The question's English content words, folded as the lexicon folds them.

    >>> english_question_words("Which barriers do the cities face?")
    ['barrier', 'city', 'face']
    """
    stop = english_stopwords()
    return [fold_english(w) for w in _english_words(question) if w not in stop]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Folded English word sequences → the Persian words they render."""

    entries: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    skipped: frozenset[str] = frozenset()  # Persian words left without a rendering on purpose

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Lexicon":
        """Parse ``english|variants<TAB>persian|variants`` lines (``#`` starts a comment).

        A line with no English marks a Persian word left out on purpose (a function word or a verb
        fragment): :func:`uncovered_words` does not list it again.
        """
        entries: dict[tuple[str, ...], list[str]] = {}
        skipped: set[str] = set()
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            english, persian = line.rstrip("\n").split("\t")
            targets = [p.strip() for p in persian.split("|") if p.strip()]
            if not english.strip():
                skipped.update(targets)
                continue
            for phrase in english.split("|"):
                key = tuple(fold_english(w) for w in _english_words(phrase))
                if key:
                    bucket = entries.setdefault(key, [])
                    bucket.extend(t for t in targets if t not in bucket)
        return cls({k: tuple(v) for k, v in entries.items()}, max(map(len, entries), default=0),
                   frozenset(skipped))

    @functools.cached_property
    def english_by_token(self) -> dict[str, tuple[str, ...]]:
        """BM25 token of a Persian word → the folded English words that render it."""
        out: dict[str, set[str]] = defaultdict(set)
        for key, targets in self.entries.items():
            for target in targets:
                for token in set(lexical_tokens(target)):
                    out[token].update(key)
        return {token: tuple(sorted(english)) for token, english in out.items()}

    def gloss(self, tokens: Iterable[str]) -> list[str]:
        """English words for a Persian passage's BM25 tokens: the passage "translated" for BM25."""
        table = self.english_by_token
        return [english for token in tokens for english in table.get(token, ())]

    @property
    def persian(self) -> set[str]:
        """Every Persian word the lexicon renders."""
        return {p for targets in self.entries.values() for p in targets}

    def persian_words(self, question: str) -> list[str]:
        """Persian renderings of the question's English words and phrases, in question order."""
        stop = english_stopwords()
        tokens = _english_words(question)
        folded = [fold_english(w) for w in tokens]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                if n == 1 and tokens[i] in stop:
                    continue
                found = self.entries.get(tuple(folded[i:i + n]))
                if found:
                    out.extend(f for f in found if f not in out)
                    i += n
                    break
            else:
                i += 1
        return out


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon (``data/lexicon_fa_en.tsv``)."""
    return Lexicon.from_lines(LEXICON_FILE.read_text(encoding="utf-8").splitlines())


def uncovered_words(texts: Iterable[str], lex: Lexicon, top: int = 50) -> list[tuple[str, int]]:
    """The most frequent Persian content words of ``texts`` that no lexicon line renders.

    Words are grouped by stem (the group's most frequent form stands for it), as when the lexicon was
    made; a maintainer who indexes new Persian documents adds lines for the first of these.

    >>> uncovered_words(["موانع و چالش‌ها و چالش‌ها"], Lexicon.from_lines(["obstacle\\tموانع"]))
    [('چالش\\u200cها', 2)]
    """
    covered = {t for word in lex.persian | lex.skipped for t in lexical_tokens(word)}
    stop = persian_stopwords()
    groups: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for word in words(text):
            joined = word.replace(ZWNJ, "")
            if joined.isascii() or joined in stop or word in stop or len(joined) < 3:
                continue
            groups[stem(word.split(ZWNJ)[0]) or joined][word] += 1
    out = [(forms.most_common(1)[0][0], sum(forms.values())) for forms in groups.values()
           if not any(set(lexical_tokens(form)) & covered for form in forms)]
    return sorted(out, key=lambda item: -item[1])[:top]
