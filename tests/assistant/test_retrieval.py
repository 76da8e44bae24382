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


def test_a_summary_question_gathers_the_section_of_its_best_passage(paper_store):
    # "summarise": the passages under the parent of the best passage's section join the ranking, so
    # the top 5 cover the section instead of the abstract and neighbouring sections that mention the theme
    question = "Summarise the paper's discussion of smart executive operations in crisis management."

    def inside(settings):
        hits = [h for h in HybridRetriever(settings).retrieve(question, 5) if h.passage.metadata["kind"] == "body"]
        parent = hits[0].passage.metadata["section_path"].split("\n")[:-1]
        return sum(h.passage.metadata["section_path"].split("\n")[:len(parent)] == parent for h in hits)

    assert inside(paper_store) >= 4 > inside(paper_store.replace(summary_section_weight=0))


def test_acknowledgements_answer_only_questions_about_thanks(paper_store):
    # the funding note names «منابع» (sources) and «مرکز» (centre); it used to rank first for questions
    # about the sources cited on health centres
    retriever = HybridRetriever(paper_store)

    def headings(question):
        return [h.passage.metadata["heading"] for h in retriever.retrieve(question, 5)]

    assert "تقدیر و تشکر" not in headings("Which sources does the paper cite on remote medical consultation in health centres?")
    assert headings("نویسنده از کدام مرکز برای حمایت مالی قدردانی کرده است؟")[0] == "تقدیر و تشکر"
