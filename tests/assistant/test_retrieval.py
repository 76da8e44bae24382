"""Hybrid retrieval over the real paper store: the cross-language dense view."""
from __future__ import annotations

from assistant.retrieval import HybridRetriever
from indexer.settings import PROJECT_ROOT

FIT = PROJECT_ROOT / "assistant" / "data" / "fusion_weights.json"   # fitted, off by default


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
    fitted_store = paper_store.replace(fusion_weights=FIT)
    # "summarise": the passages under the parent of the best passage's section join the ranking, so
    # the top 5 cover the section instead of the abstract and neighbouring sections that mention the theme
    question = "Summarise the paper's discussion of smart executive operations in crisis management."

    def inside(settings):
        hits = [h for h in HybridRetriever(settings).retrieve(question, 5) if h.passage.metadata["kind"] == "body"]
        parent = hits[0].passage.metadata["section_path"].split("\n")[:-1]
        return sum(h.passage.metadata["section_path"].split("\n")[:len(parent)] == parent for h in hits)

    # the lift gathers it over the (default) hand weights, and without it they do not (in the fused order; the
    # learned passage order after it keeps them). (The fitted English summary profile chose no lift out of fold: its
    # lists bring 3 of the section's passages here, more than without the lift)
    hand = paper_store.replace(fusion_weights="", rerank_depth=0)
    assert inside(hand) >= 4 > inside(hand.replace(summary_section_weight=0))
    assert inside(fitted_store.replace(rerank_depth=0)) > inside(hand.replace(summary_section_weight=0))
    assert inside(paper_store) >= 4   # as shipped


def test_the_fitted_weights_decide_and_the_settings_fill_in(paper_store, caplog):
    fitted_store = paper_store.replace(fusion_weights=FIT)
    # each list the pipeline fuses carries the fitted profile's weight for the question's language and kind; a
    # list the profile lacks (citation: too few training questions) keeps the setting's; "" turns the profiles off
    from assistant.retrieval import list_weight
    from assistant.retrievers import Query

    fitted = HybridRetriever(fitted_store)
    profiles = fitted.pipeline.fitted.profiles
    assert set(profiles) == {"en", "en-summary"}   # the Persian ones: not better than the hand weights out of fold
    for question, key in (("How does Estonia use digital identity?", "en"),
                          ("Summarise the part on smart leadership.", "en-summary")):
        query = Query.of(question, fitted)
        used = {ranked.name: ranked.weight for ranked in fitted.pipeline.lists(query, 10)}
        assert used and all(w == profiles[key].weights[name] for name, w in used.items()
                            if name in profiles[key].weights)
        assert all(profiles[key].weights.get(name, 1.0) > 0 for name in used)   # a list fitted to 0 is not run
    citation = next(r for r in fitted.pipeline.retrievers if r.name == "citation")
    query = Query.of("How does Estonia use digital identity?", fitted)
    assert "citation" not in profiles["en"].weights
    assert list_weight(paper_store, citation, query, fitted.pipeline.fitted) == paper_store.citation_weight
    persian = Query.of("استونی چگونه از هویت دیجیتال استفاده می‌کند؟", fitted)   # no Persian profile: the settings
    assert all(list_weight(paper_store, r, persian, fitted.pipeline.fitted) == list_weight(paper_store, r, persian)
               for r in fitted.pipeline.retrievers)
    with caplog.at_level("WARNING"):
        unfitted = HybridRetriever(paper_store.replace(fusion_weights=""))
    assert unfitted.pipeline.fitted is None and "fusion weights" not in caplog.text
    used = {ranked.name: ranked.weight for ranked in unfitted.pipeline.lists(Query.of("What is X-Road?", unfitted), 10)}
    assert used["english-dense"] == paper_store.english_dense_weight and used["dense"] == paper_store.dense_weight


def test_a_fit_file_that_is_missing_malformed_or_names_unknown_lists_leaves_the_settings_weights(tmp_path, caplog):
    import json

    from assistant.fusion import FittedFusion
    from assistant.retrievers import RETRIEVERS

    files = {"malformed": {"profiles": {"en": {"weights": {"dense": "x"}}}},
             "unknown": {"profiles": {"en": {"weights": {"lexicl": 1.0}}}},
             "negative": {"profiles": {"en-summary": {"weights": {"dense": 1.0}, "summary_lift": -1}}}}
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content), encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert all(FittedFusion.load(tmp_path / f"{name}.json", RETRIEVERS) is None for name in [*files, "absent"])
    for said in ("unreadable fusion weights", "unknown lists ['lexicl']", "not finite and >= 0", "no fitted fusion"):
        assert said in caplog.text
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"profiles": {"en": {"weights": {"dense": 2}}}}), encoding="utf-8")
    assert FittedFusion.load(good, RETRIEVERS).weight("en", False, "dense") == 2.0
