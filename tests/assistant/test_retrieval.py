"""Hybrid retrieval over the real paper store: the cross-language dense view."""
from __future__ import annotations

from assistant.retrieval import HybridRetriever, list_weight


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

    # the shipped (fitted) weights gather it; so does the lift alone over the hand weights, and without it they do not
    hand = paper_store.replace(fusion_weights="")
    assert inside(paper_store) >= 4
    assert inside(hand) >= 4 > inside(hand.replace(summary_section_weight=0))


def test_the_fitted_weights_decide_and_the_settings_fill_in(paper_store):
    # each list's weight is the fitted profile's for the question's language and kind; a list the profile
    # lacks (citation: too few training questions) keeps the setting's weight; no file: the settings alone
    from assistant.retrievers import Query

    fitted = HybridRetriever(paper_store)
    profiles = fitted.pipeline.fitted.profiles
    assert set(profiles) == {"en", "en-summary", "fa", "fa-summary"}
    weights = {}
    for question in ("How does Estonia use digital identity?", "Summarise the part on smart leadership.",
                     "استونی چگونه از هویت دیجیتال استفاده می‌کند؟"):
        query = Query.of(question, fitted)
        weights[question] = {r.name: list_weight(paper_store, r, query, fitted.pipeline.fitted)
                             for r in fitted.pipeline.retrievers}
    english, summary, persian = weights.values()
    assert english["english-dense"] == profiles["en"].weights["english-dense"]
    assert summary["english-dense"] == profiles["en-summary"].weights["english-dense"]
    assert persian["dense"] == profiles["fa"].weights["dense"]
    assert english["citation"] == paper_store.citation_weight
    unfitted = HybridRetriever(paper_store.replace(fusion_weights=""))
    assert unfitted.pipeline.fitted is None
    assert list_weight(paper_store, fitted.pipeline.retrievers[0], Query.of("x", unfitted)) == paper_store.dense_weight


def test_acknowledgements_answer_only_questions_about_thanks(paper_store):
    # the funding note names «منابع» (sources) and «مرکز» (centre); it used to rank first for questions
    # about the sources cited on health centres
    retriever = HybridRetriever(paper_store)

    def headings(question):
        return [h.passage.metadata["heading"] for h in retriever.retrieve(question, 5)]

    assert "تقدیر و تشکر" not in headings("Which sources does the paper cite on remote medical consultation in health centres?")
    assert headings("نویسنده از کدام مرکز برای حمایت مالی قدردانی کرده است؟")[0] == "تقدیر و تشکر"


def test_a_missing_or_malformed_fit_file_leaves_the_settings_weights(tmp_path, caplog):
    from assistant.fusion import FittedFusion

    bad = tmp_path / "fusion.json"
    bad.write_text('{"profiles": {"en": {"weights": {"dense": "x"}}}}', encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert FittedFusion.load(bad) is None and FittedFusion.load(tmp_path / "absent.json") is None
    assert "unreadable fusion weights" in caplog.text and "no fitted fusion weights" in caplog.text
