"""Weighted reciprocal-rank fusion: the one joiner of ranked lists (Cormack et al., 2009).

A passage at rank ``r`` of a list with weight ``w`` scores ``w / (k + r)``; its fused score is the sum
over the lists. ``k`` is ``Settings.rrf_k`` (60, the paper's value; not tuned here).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.store import Passage


@dataclass
class Hit:
    """A retrieved passage with the evidence for its rank (``dense``/``lexical``: the score and rank it had in
    the dense and BM25 lists, where it was in them)."""

    passage: Passage
    score: float
    dense: float | None = None
    lexical: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None

    def to_json(self) -> dict[str, Any]:
        return self.passage.to_json(self.score)


@dataclass(frozen=True)
class RankedList:
    """One retriever's output as the joiner takes it."""

    name: str
    weight: float
    ranking: list[tuple[str, float]]


@dataclass(frozen=True)
class WeightedRRF:
    """Join ranked lists into hits, best first; ids not in ``passages`` are dropped.

    >>> from indexer.store import Passage
    >>> ps = {i: Passage(i, "d", i, {}) for i in "ab"}
    >>> hits = WeightedRRF(60).run([RankedList("dense", 1, [("a", .9), ("b", .8)]),
    ...                             RankedList("lexical", 2, [("b", 3.0)])], ps)
    >>> [(h.passage.id, round(h.score, 4), h.dense_rank, h.lexical_rank) for h in hits]
    [('b', 0.0489, 2, 1), ('a', 0.0164, 1, None)]
    """

    k: int

    def run(self, lists: list[RankedList], passages: dict[str, Passage]) -> list[Hit]:
        fused: dict[str, Hit] = {}
        for ranked in lists:
            for rank, (pid, score) in enumerate(ranked.ranking, start=1):
                if pid not in passages:
                    continue
                hit = fused.setdefault(pid, Hit(passages[pid], 0.0))
                if ranked.name == "dense":
                    hit.dense, hit.dense_rank = score, rank
                elif ranked.name == "lexical":
                    hit.lexical, hit.lexical_rank = score, rank
                hit.score += ranked.weight / (self.k + rank)
        return sorted(fused.values(), key=lambda h: -h.score)
