"""Weighted reciprocal-rank fusion: the one joiner of ranked lists (Cormack et al., 2009).

A passage at rank ``r`` of a list with weight ``w`` scores ``w / (k + r)``; its fused score is the sum
over the lists. ``k`` is ``Settings.rrf_k`` (60, the paper's value; not tuned here). The weights come from a
:class:`FittedFusion` (``assistant/data/fusion_weights.json``, ``python -m evals fit-fusion``): one profile per
question language and kind (a summary request or not), learned from the blind-written question sets.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping

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


@dataclass(frozen=True, eq=False)
class FusionProfile:
    """The weight of each ranked list (by retriever name) for one kind of question, and for a summary request
    the weight of the summary lift (:class:`assistant.rank_steps.SummarySectionLift`)."""

    weights: Mapping[str, float]
    summary_lift: float = 0.0


@dataclass(frozen=True, eq=False)
class FittedFusion:
    """Fusion profiles fitted on the blind-written question sets (``python -m evals fit-fusion``), keyed
    ``"<language>"`` and ``"<language>-summary"`` (a summary request, :func:`assistant.rank_steps.is_summary_request`).

    >>> f = FittedFusion({"en": FusionProfile({"dense": 1.0, "english-dense": 3.0})})
    >>> f.weight("en", False, "english-dense"), f.weight("en", True, "english-dense"), f.weight("fa", False, "dense")
    (3.0, None, None)
    """

    profiles: Mapping[str, FusionProfile]

    def profile(self, language: str, summary: bool) -> FusionProfile | None:
        return self.profiles.get(f"{language}-summary" if summary else language)

    def weight(self, language: str, summary: bool, retriever: str) -> float | None:
        """The fitted weight of one list for this kind of question; None where no profile has it."""
        profile = self.profile(language, summary)
        return None if profile is None else profile.weights.get(retriever)

    @classmethod
    def load(cls, path: Path, retrievers: Collection[str]) -> "FittedFusion | None":
        """The profiles of a fit file, whose lists must be among ``retrievers`` and whose weights finite and
        ≥ 0; None, with a warning in the log, when the file is missing or is not such a file."""
        log = logging.getLogger(__name__)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            profiles = {key: FusionProfile({k: float(v) for k, v in p["weights"].items()},
                                           float(p.get("summary_lift", 0.0)))
                        for key, p in data["profiles"].items()}
        except FileNotFoundError:
            log.warning("no fitted fusion weights at %s: using the settings' weights", path)
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("unreadable fusion weights %s (%s): using the settings' weights", path, exc)
            return None
        for key, profile in profiles.items():
            unknown = set(profile.weights) - set(retrievers)
            values = [*profile.weights.values(), profile.summary_lift]
            if unknown or not all(math.isfinite(v) and v >= 0 for v in values):
                log.warning("fusion weights %s, profile %s: %s; using the settings' weights", path, key,
                            f"unknown lists {sorted(unknown)}" if unknown else "a weight that is not finite and >= 0")
                return None
        return cls(profiles)
