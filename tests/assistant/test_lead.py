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


def _ask_parts(bot, question, language):
    hits = bot.retrieve(question)
    return hits, measure_candidates(question, hits, bot.embedder, bot.tables, language)


def test_the_answer_leads_with_the_models_choice_then_its_support(paper_assistant):
    model, bot = shipped(), paper_assistant
    differs = 0
    for question, language in (("چالش‌های کشورداری هوشمند چیست؟", "fa"),
                               ("How does blockchain support transparency in government?", "en"),
                               ("نقش اینترنت اشیا در مدیریت پسماند شهری چیست؟", "fa"),
                               ("Why does the paper recommend public-private partnerships?", "en")):
        hits, measured = _ask_parts(bot, question, language)
        choice = measured.sentences[measured.pool[model.best(*measured.lead_rows())]]
        answer = compose(question, hits, bot.embedder, tables=bot.tables, language=language)
        plain = compose(question, hits, bot.embedder, tables=bot.tables, language=language, use_lead=False)
        assert answer[0].text == choice.text and answer[0].language == language, question
        assert len({s.text for s in answer}) == len(answer) <= 4
        # the rest of the answer follows the paper's reading order
        assert [s.order for s in answer[1:]] == sorted(s.order for s in answer[1:])
        differs += plain[0].text != choice.text
    assert differs   # the model is not the composer's score under another name


def test_without_a_model_for_these_vectors_the_best_scored_sentence_leads(paper_assistant):
    question, bot = "What does the paper say about Estonia?", paper_assistant
    hits = bot.retrieve(question)
    n = len(FEATURES) + 2
    other = LeadModel([1.0] * n, [0.0] * n, [1.0] * n, dims=2)   # a model of another embedding's vectors
    plain = compose(question, hits, bot.embedder, tables=bot.tables, language="en", use_lead=False)
    assert [s.text for s in compose(question, hits, bot.embedder, tables=bot.tables, language="en", lead=other)] == \
        [s.text for s in plain]
    assert plain[0].score == max(s.score for s in plain) and np.isfinite(plain[0].score)   # the best-scored leads
