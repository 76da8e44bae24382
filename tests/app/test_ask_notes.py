"""The Ask page's notes and translation captions: every note but the edition notice is shown, and machine
renderings (``indexer translate``) are credited to their model."""
from __future__ import annotations

from app_ui.ask_page import Evidence, page_notes, translation_caption
from assistant.answer import AnswerSentence, answer_note
from assistant.fusion import Hit
from assistant.result import AskResult, Decline
from indexer.store import Passage

P = Passage("d:1", "d", "داده راهنمای تصمیم است.", {"language": "fa", "text_en": "Data guides decisions."})
WORK_NOTE = "(Answered from the full text of Heeks (2003), linked to the paper's reference.)"


def _result(sentences, extra_notes=(), decline=None) -> AskResult:
    notes = [*extra_notes, answer_note(sentences, "en")] if sentences else list(extra_notes)
    return AskResult("What guides decisions?", "What guides decisions?", "en", "", sentences, [Hit(P, 0.5)], [],
                     decline, 10.0, note="\n".join(n for n in notes if n) or None)


def test_machine_rendered_sentences_are_credited_to_their_model_and_other_notes_are_shown():
    machine = AnswerSentence("Data guides decisions.", ["d:1"], language="en", original=P.text,
                             translated_by="qwen2.5-1.5b")
    result = _result([machine], [WORK_NOTE])
    assert page_notes(result) == [WORK_NOTE]  # the translation notice is the caption's, the work note stays
    caption = translation_caption(result.sentences, "en")
    assert "qwen2.5-1.5b" in caption and "prepared for this knowledge base" not in caption
    assert "qwen2.5-1.5b" in translation_caption(result.sentences, "fa")
    ev = Evidence(result, result.passages[0], {}, "en")
    assert "qwen2.5-1.5b" in ev.rendering_note() and "qwen2.5-1.5b" in ev.body()


def test_the_editions_sentences_keep_the_editions_caption_and_a_declined_question_keeps_its_note():
    edition = AnswerSentence("Data guides decisions.", ["d:1"], language="en", original=P.text)
    result = _result([edition])
    assert page_notes(result) == []
    assert "prepared for this knowledge base" in translation_caption(result.sentences, "en")
    assert "prepared for this knowledge base" in Evidence(result, result.passages[0], {}, "en").body()
    absent = "(The full text of Heeks (2003) is not in the knowledge base.)"
    declined = _result([], [absent], Decline("unanswerable", "no answer sentence found"))
    assert page_notes(declined) == [absent]
