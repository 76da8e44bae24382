"""The learned passage order: the shipped models, the stored vectors they read, and the rank step on the paper."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.rerank import FEATURES, LearnedRerank, RerankModel, model_file, passage_features, reorderable, shipped
from assistant.retrieval import HybridRetriever
from assistant.retrievers import Query
from indexer.store import ENGLISH_VIEW

QUESTIONS = ("How does blockchain support transparency in government?", "What does the paper say about Estonia?",
             "Why do governments need cloud computing for smart governance?",
             "چالش‌های کشورداری هوشمند چیست؟", "نقش اینترنت اشیا در مدیریت پسماند شهری چیست؟",
             "کدام کشورها نمونه‌های موفق دولت هوشمند هستند؟")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_each_languages_model_reads_e5_small_vectors_and_beat_fusion_out_of_fold(language):
    model = shipped(language)
    assert model is not None and model.applies(384) and not model.applies(768)
    assert "heldout12" not in model.figures["sets"] and model.figures["depth"] == 20
    figures = model.figures["out_of_fold"][language]
    assert figures["reranked_mrr"] > figures["fused_mrr"] and figures["reranked_first"] > figures["fused_first"]
    assert shipped("de") is None   # a language without a model keeps the fused order


def test_a_malformed_file_is_no_model(tmp_path):
    data = json.loads(model_file("en").read_text(encoding="utf-8"))
    swapped = [data["features"][1], data["features"][0], *data["features"][2:]]
    for broken in ({**data, "weights": data["weights"][len(FEATURES):]}, {**data, "features": swapped}):
        (tmp_path / "m.json").write_text(json.dumps(broken), encoding="utf-8")
        assert RerankModel.load(tmp_path / "m.json") is None
    (tmp_path / "m.json").write_text(json.dumps(data), encoding="utf-8")
    assert RerankModel.load(tmp_path / "m.json") is not None


def test_the_features_read_the_stored_vectors_of_both_views(paper_store):
    store = HybridRetriever(paper_store)
    query = Query.of("How does blockchain support transparency in government?", store)
    hits = store.pipeline.before_rerank(query, 20)[:20]
    ids = [h.passage.id for h in hits]
    main, english = store.vectors(ids), store.vectors(ids, ENGLISH_VIEW)
    assert set(main) == set(ids) and english and set(english) <= set(ids)
    assert all(pid in english for pid, h in zip(ids, hits) if h.passage.metadata.get("text_en"))
    # the model re-orders only what it learned from: Persian passages, with a rendering for an English reader
    chosen = reorderable(query, hits)
    assert chosen and all(ids[i] in english and hits[i].passage.metadata["language"] == "fa" for i in chosen)
    assert all(hits[i].passage.metadata["language"] == "en" or ids[i] not in english for i in set(range(20)) - set(chosen))
    passage_rows = passage_features(query, hits, chosen)
    assert passage_rows is not None
    rows, matches = passage_rows.features, passage_rows.matches
    assert rows.shape == (len(chosen), len(FEATURES)) and matches.shape == (len(chosen), 384)
    cosine, reader = rows[:, FEATURES.index("cosine")], rows[:, FEATURES.index("reader_cosine")]
    # the match features sum to the reader's cosine; an English reader meets the rendering, not the Persian
    assert np.allclose(matches.sum(axis=1), reader) and (reader > cosine).mean() > 0.8


def test_the_step_re_orders_the_fused_top_and_keeps_its_passages(paper_store):
    store = HybridRetriever(paper_store)
    step, moved = LearnedRerank(20), 0
    for question in QUESTIONS:
        query = Query.of(question, store)
        before = store.pipeline.before_rerank(query, 30)
        ids, scores = [h.passage.id for h in before], [h.score for h in before]
        chosen = set(reorderable(query, before[:20]))
        after = step.run(query, before, 30)
        assert sorted(h.passage.id for h in after[:20]) == sorted(ids[:20]), question
        # the others (English passages) keep their places, the scores still fall with rank, the input is untouched
        assert [h.passage.id for h in after[20:]] == ids[20:]
        assert all(after[i].passage.id == ids[i] for i in range(20) if i not in chosen)
        assert [h.score for h in after] == scores == [h.score for h in before]
        moved += [h.passage.id for h in after[:5]] != ids[:5]
    assert moved >= len(QUESTIONS) // 2   # the model is not the fused order under another name
    # and the pipeline runs it: its top 4 is the step's (the 5th slot may go to an English passage:
    # assistant.rank_steps.OwnLanguageSlot); without it, the fused order
    query = Query.of(QUESTIONS[0], store)
    assert [h.passage.id for h in store.retrieve(QUESTIONS[0], 5)][:4] == \
        [h.passage.id for h in step.run(query, store.pipeline.before_rerank(query, 30), 30)[:4]]
    assert [h.passage.id for h in store.retrieve(QUESTIONS[0], 5, learned_order=False)][:4] == \
        [h.passage.id for h in store.pipeline.before_rerank(query, 30)[:4]]


def test_a_follow_up_reads_its_own_question_in_the_learned_order(paper_assistant):
    """In a conversation the question's own list keeps the learned order (the app passes context on every turn
    after the first); only the list read in context, two questions run together, is in the fused order."""
    question = "Why do governments need cloud computing for smart governance?"
    alone = [h.passage.id for h in paper_assistant.retriever.retrieve(question, 10)]
    fused = [h.passage.id for h in paper_assistant.retriever.retrieve(question, 10, learned_order=False)]
    assert alone != fused
    # a context that adds nothing: the two lists fused are the learned and the fused order, not the fused one twice
    in_conversation = [h.passage.id for h in paper_assistant._hits_in_context(question, question, 5)]
    assert in_conversation != fused[:5] and in_conversation[0] in alone[:2]
