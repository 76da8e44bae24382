"""Conversations kept beside the store: the one format `ask --session` and the app share, restored answers."""
from __future__ import annotations

import json

import pytest

from assistant.answer import AnswerSentence
from assistant.conversations import MAX_TURNS, Conversation, list_conversations, restore_result
from assistant.fusion import Hit
from assistant.llm import Generation
from assistant.result import AskResult, CitedWork, Decline, OriginalWork
from indexer.store import Passage

P = Passage("d:1", "d", "کشورداری هوشمند سه ساحت دارد.", {"section": "مقدمه", "page": 1, "line_start": 3,
                                                          "line_end": 4, "language": "fa", "text_en": "Three domains."})


def _result(question: str, offtopic: bool = False) -> AskResult:
    if offtopic:
        return AskResult(question, question, "en", "", [], [], [], Decline("offtopic", "far from the corpus"), 12.0)
    sentence = AnswerSentence("Smart statesmanship has three domains.", ["d:1"], language="en",
                              original="کشورداری هوشمند سه ساحت دارد.", section="مقدمه", page=1)
    return AskResult(question, question, "en", sentence.text, [sentence], [Hit(P, 0.5)],
                     [CitedWork("Heeks, 2003", "Heeks, R. (2003).", "verified")], None, 3400.0,
                     note="(English rendering)")


def test_turns_are_kept_with_their_answers_and_restored(tmp_path):
    c = Conversation(tmp_path, "app-1")
    c.add(_result("What are the domains of smart statesmanship?"))
    c.add(_result("Who painted the Mona Lisa?", offtopic=True))
    c.add(_result("and what are its risks?"))
    again = Conversation(tmp_path, "app-1")
    assert [t["question"] for t in again.turns] == ["What are the domains of smart statesmanship?", "Who painted the Mona Lisa?",
                                 "and what are its risks?"]
    # the follow-up context: the last two questions not off topic, as `ask --session` reads them
    assert again.context() == "What are the domains of smart statesmanship? and what are its risks?"
    first = restore_result(again.turns[0]["result"], {P.id: P})
    assert first.sentences[0].original == "کشورداری هوشمند سه ساحت دارد." and first.note == "(English rendering)"
    assert first.passages[0].passage is P and first.citations[0].key == "Heeks, 2003"
    assert first.to_json() == _result("What are the domains of smart statesmanship?").to_json()
    off = restore_result(again.turns[1]["result"], {})
    assert off.decline == Decline("offtopic", "far from the corpus")
    # a passage the store no longer holds is shown as it was kept
    gone = restore_result(again.turns[0]["result"], {})
    assert gone.passages[0].passage.text == P.text and gone.passages[0].passage.metadata["page"] == 1


def test_old_question_only_files_fresh_starts_bad_names_and_the_history_list(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "s1.json").write_text(json.dumps([{"question": "How does blockchain support transparency?"}]),
                                    encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    old = Conversation(tmp_path, "s1")
    assert old.context() == "How does blockchain support transparency?"
    assert Conversation(tmp_path, "s1", fresh=True).turns == []
    assert Conversation(tmp_path, "broken").turns == []
    with pytest.raises(ValueError, match="bad conversation name"):
        Conversation(tmp_path, "../../etc/passwd")
    new = Conversation(tmp_path, Conversation.new_name())
    for i in range(MAX_TURNS + 3):
        new.add(_result(f"question {i}?"))
    assert len(Conversation(tmp_path, new.name).turns) == MAX_TURNS
    listed = list_conversations(tmp_path)
    assert [c.name for c in listed] == [new.name, "s1"]  # newest first; the damaged file is left out
    assert listed[0].first_question == "question 3?" and listed[0].n_questions == MAX_TURNS


def test_two_writers_of_one_conversation_keep_each_others_turns(tmp_path):
    """Two tabs on one ?c= link: each appends to the file as it is now, not to the turns it read when it opened."""
    tab1, tab2 = Conversation(tmp_path, "app-shared"), Conversation(tmp_path, "app-shared")
    tab1.add(_result("first question from tab 1?"))
    tab2.add(_result("first question from tab 2?"))
    tab1.add(_result("second question from tab 1?"))
    kept = [t["question"] for t in Conversation(tmp_path, "app-shared").turns]
    assert kept == ["first question from tab 1?", "first question from tab 2?", "second question from tab 1?"]
    assert [t["question"] for t in tab1.turns] == kept
    assert not [p.name for p in (tmp_path / "sessions").iterdir() if p.name.endswith(".tmp")
                or p.name.startswith(".app-shared")]
    # a fresh start (ask --session NAME --new-conversation) replaces the kept turns on its first answer only
    fresh = Conversation(tmp_path, "app-shared", fresh=True)
    fresh.add(_result("a new start?"))
    fresh.add(_result("and then?"))
    assert [t["question"] for t in Conversation(tmp_path, "app-shared").turns] == ["a new start?", "and then?"]


def test_a_restored_answer_keeps_its_provenance_and_generation():
    """What the page's notes and captions read: who rendered a sentence, its glosses, what the model did."""
    machine = AnswerSentence("Data guides decisions.", ["d:1"], language="en", original="داده راهنمای تصمیم است.",
                             translated_by="qwen2.5-1.5b")
    glossed = AnswerSentence("کشورداری هوشمند سه ساحت دارد.", ["d:1"], language="fa",
                             glosses=[{"fa": "کشورداری هوشمند", "en": "smart statesmanship"}])
    written = AnswerSentence("Smart statesmanship has three domains.", ["d:1"], language="en", generated=True,
                             supported=True, support="e5", support_similarity=0.93)
    gen = Generation("qwen2.5-1.5b", [written], seconds=2.5, dropped=1, replaced=0)
    work = CitedWork("Jalali et al., 1400 [2021]", "Jalali, S. (1400 [2021]). A model.", "verified",
                     OriginalWork("جلالی و همکاران، 1400", "جلالی، سلمان (1400). ارائه مدل."))
    result = AskResult("q?", "q?", "en", "…", [machine, glossed, written], [Hit(P, 0.5)], [work], None, 10.0,
                       note=gen.note("en"), generation=gen)
    back = restore_result(result.to_json() | {"note": result.note}, {P.id: P})
    assert back.sentences[0].translated_by == "qwen2.5-1.5b"
    assert back.sentences[1].glosses == [{"fa": "کشورداری هوشمند", "en": "smart statesmanship"}]
    assert back.generation is not None and back.generation.model == "qwen2.5-1.5b"
    assert back.generation.note("en") == gen.note("en") and "1 unsupported sentence(s) left out" in back.note
    assert back.citations == [work]   # an English reader's Persian work keeps its original
    assert back.to_json() == result.to_json()
