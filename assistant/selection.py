"""Choosing sentences: unit vectors and maximal marginal relevance (MMR) with a near-duplicate filter.

One selection for answers (:mod:`assistant.answer`) and summaries (:mod:`assistant.summary`): the next
sentence is the one with the best ``relevance_weight × relevance − redundancy_weight × (cosine to the
closest sentence already chosen)`` (Carbonell & Goldstein, 1998); a sentence that nearly repeats a chosen
one (:func:`assistant.sentences.near_duplicate`) is dropped, not chosen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from assistant.sentences import near_duplicate


def unit(vectors) -> np.ndarray:
    """Rows (or one vector) scaled to length 1, as float32.

    >>> [round(float(x), 3) for x in unit([3.0, 4.0])]
    [0.6, 0.8]
    """
    v = np.asarray(vectors, dtype=np.float32)
    return v / (np.linalg.norm(v, axis=-1, keepdims=True) + 1e-9)


@dataclass(frozen=True)
class MMR:
    """Maximal marginal relevance over precomputed unit ``vectors``; ``n`` sentences at most.

    >>> vecs = unit([[1, 0], [1, 0.01], [0, 1]])
    >>> MMR(0.7, 0.3).select([0.9, 0.89, 0.5], vecs, n=2)
    [0, 2]
    """

    relevance_weight: float
    redundancy_weight: float

    def select(self, relevance: Sequence[float], vectors: np.ndarray, n: int,
               candidates: Sequence[int] | None = None,
               tokens: Sequence[set[str]] | None = None, grams: Sequence[set[str]] | None = None,
               first: int | None = None) -> list[int]:
        """Indices chosen, in the order chosen; ``candidates``: the indices allowed (default all);
        ``tokens``/``grams``: each sentence's content tokens and character grams for the duplicate filter;
        ``first``: an index chosen before the others (allowed or not), which they must not repeat.

        >>> MMR(0.7, 0.3).select([0.9, 0.89, 0.5], unit([[1, 0], [1, 0.01], [0, 1]]), n=2, first=2)
        [2, 0]
        """
        chosen: list[int] = [] if first is None or n < 1 else [first]
        remaining = [i for i in (range(len(relevance)) if candidates is None else candidates) if i not in chosen]

        def score(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return self.relevance_weight * relevance[i] - self.redundancy_weight * redundancy

        while remaining and len(chosen) < n:
            i = max(remaining, key=score)
            remaining.remove(i)
            if tokens is not None and grams is not None and \
                    any(near_duplicate(tokens[i], tokens[j], grams[i], grams[j]) for j in chosen):
                continue
            chosen.append(i)
        return chosen
