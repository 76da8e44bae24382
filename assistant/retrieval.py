"""Hybrid retrieval as a pipeline: retrievers → weighted RRF → rank steps.

::

    Query ─┬─ dense ───────────┐
           ├─ sentence-dense ──┤
           ├─ lexical (BM25) ──┤
           ├─ cross-language ──┤
           ├─ english-dense ───┤
           ├─ english-lexical ─┤
           ├─ gloss ───────────┼─ WeightedRRF ─ RecordPenalty ─ SummarySectionLift ─ LearnedRerank
           ├─ translated ──────┤                                ─ LinkedWorkFirst ─ OwnLanguageSlot ─ top k
           ├─ section ─────────┤
           ├─ citation ────────┤
           └─ linked-work ─────┘

Which retrievers run is ``Settings.retrievers``; each list's weight is the fitted profile's for the question's
language and kind (:class:`assistant.fusion.FittedFusion`, ``Settings.fusion_weights``), else the setting
``<name>_weight`` (``translated`` has one per question language); a retriever whose weight is 0, or that does not
apply to the question (:meth:`assistant.retrievers.Retriever.applies`), adds no list. The fused top
``Settings.rerank_depth`` passages are then re-ordered by the learned passage model of the question's language
(:class:`assistant.rerank.LearnedRerank`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.fusion import FittedFusion, Hit, RankedList, WeightedRRF
from assistant.rank_steps import (
    LinkedWorkFirst,
    OwnLanguageSlot,
    RankStep,
    RecordPenalty,
    SummarySectionLift,
    is_bibliographic,
    is_summary_request,
)
from assistant.rerank import LearnedRerank
from assistant.retrievers import RETRIEVERS, YEAR, Query, Retriever, citation_matches
from assistant.store_view import EmptyStoreError, Ranking, StoreView
from indexer.embedding import get_embedding
from indexer.settings import Settings

__all__ = ["YEAR", "EmptyStoreError", "Hit", "HybridRetriever", "RetrievalPipeline", "is_bibliographic",
           "is_summary_request"]


def list_weight(settings: Settings, retriever: Retriever, query: Query,
                fitted: FittedFusion | None = None) -> float:
    """The weight of ``retriever``'s list for this question: the fitted profile's for its language and kind,
    else a field of :class:`Settings`."""
    if fitted is not None:
        weight = fitted.weight(query.language, is_summary_request(query.text), retriever.name)
        if weight is not None:
            return weight
    key = getattr(retriever, "weight_key", None)
    name = key(query) if key else retriever.name.replace("-", "_") + "_weight"
    return float(getattr(settings, name))


@dataclass(frozen=True)
class RetrievalPipeline:
    """Retrievers joined by a :class:`WeightedRRF`, then the rank steps in order."""

    settings: Settings
    retrievers: tuple[Retriever, ...]
    joiner: WeightedRRF
    steps: tuple[RankStep, ...]
    fitted: FittedFusion | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "RetrievalPipeline":
        names = [n.strip() for n in settings.retrievers.split(",") if n.strip()]
        unknown = [n for n in names if n not in RETRIEVERS]
        if unknown:
            raise ValueError(f"unknown retrievers {unknown} in settings.retrievers (known: {', '.join(RETRIEVERS)})")
        off = settings.fusion_weights == Path("")   # "" in a setting: the settings' weights alone
        fitted = None if off else FittedFusion.load(settings.fusion_weights, RETRIEVERS)
        return cls(settings, tuple(RETRIEVERS[n]() for n in names), WeightedRRF(settings.rrf_k),
                   (RecordPenalty(settings.reference_penalty),
                    SummarySectionLift(settings.summary_section_weight, settings.rrf_k, fitted),
                    LearnedRerank(settings.rerank_depth),
                    LinkedWorkFirst(settings.linked_work_slots),
                    OwnLanguageSlot(settings.own_language_dense_rank)), fitted)

    def lists(self, query: Query, n: int) -> list[RankedList]:
        """Each applicable retriever's ranked list (``n`` candidates) with its weight."""
        out = []
        for retriever in self.retrievers:
            weight = list_weight(self.settings, retriever, query, self.fitted)
            if weight > 0 and retriever.applies(query):
                ranking = retriever.run(query, n)
                if ranking:
                    out.append(RankedList(retriever.name, weight, ranking))
        return out

    def run(self, query: Query, k: int, learned_order: bool = True) -> list[Hit]:
        """The top ``k``; ``learned_order`` False: without :class:`LearnedRerank` (the fused order)."""
        hits = self.before_rerank(query, k)
        for step in self.steps[self._rerank_at:]:
            if learned_order or not isinstance(step, LearnedRerank):
                hits = step.run(query, hits, k)
        return hits[:k]

    def before_rerank(self, query: Query, k: int) -> list[Hit]:
        """The hits as :class:`LearnedRerank` receives them (all of them, not the top ``k``): what its models are
        fitted on (:mod:`evals.fit_rerank`)."""
        hits = self.joiner.run(self.lists(query, max(self.settings.candidate_k, k)), query.store.passages)
        for step in self.steps[:self._rerank_at]:
            hits = step.run(query, hits, k)
        return hits

    @property
    def _rerank_at(self) -> int:
        return next((i for i, step in enumerate(self.steps) if isinstance(step, LearnedRerank)), len(self.steps))


class HybridRetriever(StoreView):
    """The store (:class:`StoreView`) and the retrieval pipeline over it.

    >>> from indexer.settings import Settings
    >>> HybridRetriever(Settings.load()).retrieve("سه ساحت کشورداری هوشمند")[0].passage.id  # doctest: +SKIP
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, get_embedding(settings))
        self.pipeline = RetrievalPipeline.from_settings(settings)

    def retrieve(self, query: str, k: int | None = None, learned_order: bool = True) -> list[Hit]:
        """Ranking of passages for a question (best first); ``learned_order`` False: the fused order alone."""
        return self.pipeline.run(Query.of(query, self), k or self.settings.top_k, learned_order)

    def citation_matches(self, query: str) -> Ranking:
        """Passages that cite a work named in the question («Zhao et al. (2012)»), in reading order."""
        return citation_matches(query, self.passages)
