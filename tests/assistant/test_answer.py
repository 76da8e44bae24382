"""The extractive composer over the real paper: verbatim, cited, typed by question, language-aware."""
from __future__ import annotations

import re

from assistant.answer import (
    PERSIAN_SOURCE_NOTE,
    TRANSLATION_NOTE,
    AnswerSentence,
    glosses_for,
    looks_like_reference,
    question_type,
    render_answer,
)
from assistant.sentences import near_duplicate
from evals.metrics import support_counts


def _check_extractive(result):
    by_id = {p["id"]: p["text"] for p in result["passages"]}
    for s in result["sentences"]:
        assert s["passage_ids"] and all(pid in by_id for pid in s["passage_ids"])
        # verbatim in every cited passage (a translated sentence: its Persian original)
        assert all((s.get("original") or s["text"]) in by_id[pid] for pid in s["passage_ids"]), s


def test_question_types():
    assert question_type("دموکراسی دیجیتال چیست؟") == "definition"
    assert question_type("What is smart public administration?") == "definition"
    assert question_type("سه ساحت کشورداری هوشمند کدام‌اند؟") == "list"
    assert question_type("What are the challenges of smart statesmanship?") == "list"
    assert question_type("چرا حکمرانی هوشمند بدون عملیات اجرایی محقق نمی‌شود؟") == "overview"
    assert question_type("Which source does the paper cite for telemedicine?") == "citation"
    assert question_type("What do smart buildings do for energy sources?") != "citation"


def test_reference_records_and_near_duplicates():
    assert looks_like_reference("Heeks, R. (2003). Most eGovernment-for-development projects fail. "
                                "Manchester: IDPM, University of Manchester, pp. 1-19.")
    assert not looks_like_reference("دولت الکترونیک در دهه 2000 آغاز شد (Heeks, 2003).")
    a = {"حکمرانی", "هوشمند", "شفافیت", "داده"}
    assert near_duplicate(a, a | {"مشارکت"}, set(), set())
    assert not near_duplicate(a, {"بارسلونا", "پسماند", "پارکینگ"}, set(), set())


def test_glosses_and_persian_source_note():
    glossary = [{"fa": "رایانش ابری", "en": "Cloud computing"}, {"fa": "ابری", "en": "cloudy"}]
    text = "رایانش ابری همکاری میان وزارتخانه‌ها را آسان می‌کند."
    assert glosses_for(text, glossary) == [{"fa": "رایانش ابری", "en": "Cloud computing"}]
    s = AnswerSentence(text, ["doc:0001"], language="fa", glosses=glosses_for(text, glossary))
    answer = render_answer([s], "en")
    assert answer.startswith(PERSIAN_SOURCE_NOTE) and "رایانش ابری = Cloud computing" in answer
    assert answer.endswith(text)
    assert render_answer([s], "fa") == text


def test_persian_list_question(paper_assistant):
    result = paper_assistant.ask("سه ساحت کشورداری هوشمند کدام‌اند؟").to_json()
    assert not result["abstained"] and 2 <= len(result["sentences"]) <= 6
    _check_extractive(result)
    assert all(s["language"] == "fa" for s in result["sentences"])
    joined = " ".join(s["text"] for s in result["sentences"])
    assert "حکمرانی" in joined and "عملیات اجرایی" in joined
    supported, total = support_counts(result)
    assert supported == total > 0


def test_definition_is_short_and_best_first(paper_assistant):
    result = paper_assistant.ask("دموکراسی دیجیتال چیست؟").to_json()
    assert 1 <= len(result["sentences"]) <= 2
    assert "دموکراسی دیجیتال" in result["sentences"][0]["text"]
    _check_extractive(result)


def test_english_question_gets_english(paper_assistant):
    """An English reader reads English: the paper's sentences in its English edition, originals beside them."""
    result = paper_assistant.ask("What is smart public administration?", k=10).to_json()
    assert result["sentences"] and all(s["language"] == "en" for s in result["sentences"])
    assert not any(re.search("[\u0600-\u06FF]", s["text"]) for s in result["sentences"])
    assert "public administration" in result["answer"].lower() and PERSIAN_SOURCE_NOTE not in result["answer"]
    translated = [s for s in result["sentences"] if s.get("translated")]
    assert translated and all(re.search("[\u0600-\u06FF]", s["original"]) for s in translated)
    assert result["answer"].startswith(TRANSLATION_NOTE)
    _check_extractive(result)


def test_english_citation_question_keeps_the_originals_citations(paper_assistant):
    result = paper_assistant.ask("Which source does the paper cite for telemedicine easing the load on health centres?").to_json()
    assert result["sentences"] and all(s["language"] == "en" for s in result["sentences"])
    _check_extractive(result)
    # a citation question is answered by claims that name their works, not by bibliography records
    assert result["citations"] and any(s["citations"] for s in result["sentences"])
    assert not any(looks_like_reference(s["text"]) for s in result["sentences"])
    keys = {c["key"] for c in result["citations"]}
    assert all(k in keys for s in result["sentences"] for k in s["citations"])


def test_signposting_never_answers(paper_assistant):
    """«در این بخش … خواهیم کرد» announces; the answer leads with what was asked."""
    from assistant.signposting import is_signposting

    for question in ["کشورداری هوشمند چیست و چه ارکانی دارد؟", "چالش‌های کشورداری هوشمند چیست؟",
                     "What are the main pillars of smart statesmanship?"]:
        result = paper_assistant.ask(question).to_json()
        assert result["sentences"], question
        assert not any(is_signposting(s.get("original") or s["text"]) for s in result["sentences"]), question
        assert len(result["sentences"]) <= 4


def test_no_bibliography_records_for_non_citation_questions(paper_assistant):
    for question in ["دولت الکترونیک چیست؟", "What is e-government?", "حکمرانی هوشمند در بارسلونا"]:
        result = paper_assistant.ask(question).to_json()
        kinds = {p["id"]: p for p in result["passages"]}
        for s in result["sentences"]:
            assert not any(kinds[pid]["doc_id"] == "cited-works" for pid in s["passage_ids"]), s
            assert not looks_like_reference(s["text"]), s
