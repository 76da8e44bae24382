"""The lead-sentence model: the shipped file, its checks, and the composer leading with its choice."""
from __future__ import annotations

import json

import numpy as np

from assistant.answer import compose, measure_candidates
from assistant.lead import FEATURES, MODEL_FILE, LeadModel, shipped


def test_the_shipped_model_reads_e5_small_vectors_and_beat_the_composer_out_of_fold():
    model = shipped()
    assert model is not None and model.applies(384) and not model.applies(768)
    figures = model.figures["first_sentence_holds_evidence"]
    for lang in ("all", "fa", "en"):
        assert figures[lang]["lead_model_out_of_fold"] > figures[lang]["composer"], lang
    assert "heldout11" not in model.figures["sets"]


def test_a_missing_or_malformed_file_is_no_model(tmp_path):
    assert LeadModel.load(tmp_path / "none.json") is None
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    for broken in ({**data, "weights": data["weights"][:-1]}, {**data, "scale": [0.0] * len(data["scale"])},
                   {**data, "dims": "many"}):
        (tmp_path / "m.json").write_text(json.dumps(broken), encoding="utf-8")
        assert LeadModel.load(tmp_path / "m.json") is None
    (tmp_path / "m.json").write_text("{not json", encoding="utf-8")
    assert LeadModel.load(tmp_path / "m.json") is None


def _ask_parts(bot, question):
    hits = bot.retrieve(question)
    return hits, measure_candidates(question, hits, bot.embedder, bot.tables, "fa" if "ک" in question else "en")


def test_the_answer_leads_with_the_models_choice_then_its_support(paper_assistant):
    model = shipped()
    for question in ("چالش‌های کشورداری هوشمند چیست؟", "How does blockchain support transparency in government?"):
        hits, measured = _ask_parts(paper_assistant, question)
        choice = measured.sentences[measured.pool[model.best(*measured.lead_rows())]]
        language = measured.sentences[measured.pool[0]].language
        answer = compose(question, hits, paper_assistant.embedder, tables=paper_assistant.tables, language=language)
        assert answer[0].text == choice.text, question
        assert len({s.text for s in answer}) == len(answer) <= 4
        # the rest of the answer follows the paper's reading order
        assert [s.order for s in answer[1:]] == sorted(s.order for s in answer[1:])


def test_without_a_model_for_these_vectors_the_best_scored_sentence_leads(paper_assistant):
    question = "What does the paper say about Estonia?"
    hits, measured = _ask_parts(paper_assistant, question)
    n = len(FEATURES) + 2
    other = LeadModel([1.0] * n, [0.0] * n, [1.0] * n, dims=2)   # a model of another embedding's vectors
    bot = paper_assistant
    plain = compose(question, hits, bot.embedder, tables=bot.tables, language="en", use_lead=False)
    assert compose(question, hits, bot.embedder, tables=bot.tables, language="en", lead=other)[0].text == plain[0].text
    best = max((measured.sentences[i] for i in measured.pool), key=lambda s: s.score)
    assert plain[0].text == best.text and np.isfinite(best.score)
