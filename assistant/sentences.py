"""Sentences of retrieved passages as answer/summary candidates, and when two of them say the same.

Answers (:mod:`assistant.answer`) and summaries (:mod:`assistant.summarize`) both pick whole sentences
of passages. Chunks overlap, so one sentence can occur in two passages: it becomes one candidate that
cites both, and near-duplicates (the same claim worded almost alike) are filtered when choosing.

>>> from indexer.store import Passage
>>> a = Passage("a", "doc", "دولت هوشمند از داده استفاده می‌کند. جمله دوم اینجاست و کوتاه نیست.", {})
>>> b = Passage("b", "doc", "جمله دوم اینجاست و کوتاه نیست. جمله سوم هم هست و ادامه دارد.", {})
>>> [(s.text.split()[1], s.passage_ids) for s in distinct_sentences([(0, a), (1, b)])]
[('هوشمند', ['a']), ('دوم', ['a', 'b']), ('سوم', ['b'])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from indexer.normalize import match_key, split_sentences
from indexer.store import Passage


@dataclass
class PassageSentence:
    """One distinct sentence: its text, every passage holding it, and where it first occurs."""

    text: str
    passage: Passage                  # the first (best-ranked) passage holding it: its metadata
    rank: int                         # that passage's rank among the retrieved ones
    position: int                     # the sentence's index inside that passage
    passage_ids: list[str] = field(default_factory=list)

    @property
    def page(self) -> int | None:
        return (self.passage.metadata or {}).get("page") or None

    @property
    def line_start(self) -> int | None:
        return (self.passage.metadata or {}).get("line_start")

    @property
    def line_end(self) -> int | None:
        return (self.passage.metadata or {}).get("line_end")

    @property
    def order(self) -> tuple:
        """Reading order in the corpus: (document, first line, chunk position, sentence)."""
        meta = self.passage.metadata or {}
        return (self.passage.doc_id, meta.get("line_start") or 0, meta.get("position") or 0, self.position)


def distinct_sentences(ranked_passages: Iterable[tuple[int, Passage]],
                       keep: Callable[[str, Passage], bool] = lambda sentence, passage: True) -> list[PassageSentence]:
    """Sentences of ``(rank, passage)`` pairs, once each, in first-occurrence order.

    ``keep(sentence, passage)`` drops fragments, headings or reference records as the caller
    needs; a sentence seen again in a later passage only adds that passage's id. A bibliography record
    (``Passage.is_record``) is one "sentence".
    """
    by_key: dict[str, PassageSentence] = {}
    for rank, passage in ranked_passages:
        # a bibliography record is one unit: its pieces ("(1400).", "[cited as: …]") are not sentences
        pieces = [passage.text] if passage.is_record else split_sentences(passage.text)
        for position, sentence in enumerate(pieces):
            sentence = sentence.strip()
            if not sentence or not keep(sentence, passage):
                continue
            key = match_key(sentence)
            if key in by_key:
                if passage.id not in by_key[key].passage_ids:
                    by_key[key].passage_ids.append(passage.id)
                continue
            by_key[key] = PassageSentence(sentence, passage, rank, position, [passage.id])
    return list(by_key.values())


def content_words(sentence: str) -> int:
    """Words of two letters or more: fragments and bare headings have few."""
    return len(re.findall(r"[\w\u0600-\u06FF\u200c]{2,}", sentence))


def char_grams(text: str, n: int = 4) -> set[str]:
    """Character n-grams of the sentence's match key (a short key is its own gram)."""
    s = match_key(text)
    return {s[i:i + n] for i in range(len(s) - n + 1)} if len(s) >= n else ({s} if s else set())


def near_duplicate(a_tokens: set[str], b_tokens: set[str], a_grams: set[str], b_grams: set[str]) -> bool:
    """Token overlap > 0.7 of the shorter, or > 0.8 of the shorter's 4-grams inside the other."""
    if a_tokens and b_tokens and len(a_tokens & b_tokens) / min(len(a_tokens), len(b_tokens)) > 0.7:
        return True
    if a_grams and b_grams and len(a_grams & b_grams) / min(len(a_grams), len(b_grams)) > 0.8:
        return True
    return False
