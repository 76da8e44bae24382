"""Hybrid retrieval over the real paper store: the cross-language dense view."""
from __future__ import annotations

from assistant.retrieval import HybridRetriever


def test_cross_language_view_ranks_only_passages_of_ideas_in_the_other_language(paper_store):
    retriever = HybridRetriever(paper_store)
    ranked = retriever.dense("Which cities run smart electricity grids?", 20, other_language="en")
    assert len(ranked) == 20
    kinds = {retriever.passages[pid].metadata["kind"] for pid, _ in ranked}
    languages = {retriever.passages[pid].metadata["language"] for pid, _ in ranked}
    assert languages == {"fa"} and not kinds & {"reference", "card"}
    # the Persian passage that names the smart-grid cities is among the view's first three
    assert any(retriever.passages[pid].text.startswith("شبکه‌های هوشمند") for pid, _ in ranked[:3])



def test_large_store_path_widens_instead_of_filtering(paper_store):
    # above cross_language_filter_limit the view asks for a wide unfiltered list and keeps the other
    # language's passages: the same passages in the same order as the filtered query, as far as it reaches
    question = "Which cities run smart electricity grids?"
    filtered = HybridRetriever(paper_store).dense(question, 20, other_language="en")
    widened = HybridRetriever(paper_store.replace(cross_language_filter_limit=10, cross_language_widen=2)) \
        .dense(question, 20, other_language="en")
    assert 0 < len(widened) <= 20
    assert [pid for pid, _ in widened] == [pid for pid, _ in filtered[:len(widened)]]
