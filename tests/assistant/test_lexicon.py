"""Word-by-word translation of English questions (assistant/lexicon.py) and its use in retrieval."""
from __future__ import annotations

import json

from assistant.lexicon import LEXICON_FILE, Lexicon, fold_english, lexicon
from indexer.normalize import lexical_tokens
from indexer.settings import PROJECT_ROOT

PROOFREAD = PROJECT_ROOT / "corpus" / "smart-statesmanship" / "smart-statesmanship.clean.jsonl"


def test_longest_phrase_wins_and_plurals_fold():
    lex = Lexicon.from_lines(["block\tبلوک", "building blocks|pillar\tارکان", "policy\tخط‌مشی"])
    assert lex.persian_words("Which building blocks and policies?") == ["ارکان", "خط‌مشی"]
    assert lex.persian_words("one block") == ["بلوک"]


def test_stopwords_are_not_translated_alone_but_inside_a_phrase():
    lex = Lexicon.from_lines(["what\tچه", "state of the art\tپیشرفته"])
    assert lex.persian_words("what is the state of the art?") == ["پیشرفته"]


def test_fold_english_keeps_words_that_only_look_plural():
    assert [fold_english(w) for w in ("bus", "analysis", "access", "cities")] == ["bus", "analysis", "access", "city"]


def test_shipped_lexicon_renders_words_of_the_paper():
    lines = [line for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) > 1000
    assert all(line.count("\t") == 1 for line in lines)
    body = " ".join(json.loads(line)["clean"] for line in PROOFREAD.read_text(encoding="utf-8").splitlines())
    tokens = set(lexical_tokens(body))
    persian = {p for line in lines for p in line.split("\t")[1].split("|")}
    missing = sorted(p for p in persian if not set(lexical_tokens(p)) & tokens)
    assert not missing, f"lexicon words the paper does not contain: {missing[:10]}"
    assert "موانع" in lexicon().persian_words("What obstacles remain?")


def test_lexicon_gaps_lists_nothing_for_the_paper(paper_store, capsys, tmp_path):
    # every content word of the paper has a rendering or is marked as left out on purpose
    from assistant.__main__ import main

    assert main(["lexicon-gaps", "--store", str(paper_store.store_dir)]) == 0
    assert capsys.readouterr().out.startswith("no gaps:")
    assert main(["lexicon-gaps", "--store", str(tmp_path / "none")]) == 1
