"""The chunk repair's search: ی kept with one neighbour, Latin typography, ZWNJ after می, the n-best readings."""
from __future__ import annotations

import pytest

import indexer  # noqa: F401
from indexer.rtl import chunks, classify_line, repair_line
from indexer.rtl.lm import get_lm
from indexer.rtl.zwnj import spell

# seed-garbled lines of text-dev (TICO-19 / NTREX-128 sentences, docs/repair.md)
YEH_ONE_SIDE = "شود.یم یرساختاریغ یهانیپروتئ یلباعث تشک نیپروتئیپل پتازیکاز/ترانسکریشدن رپل سوراخ"
LATIN_FIRST = "در ایتانیاست که اگر بر نیامن  دگاهیBurnaston، گفت: »ددر  وتایتو رعاملیمدMarvin Cooke "
GLUED_END = "اند.فرستاده شود،یم Kurzarbeit شناخته"


def test_a_yeh_kept_with_one_neighbour_is_read():
    # «تشکیل» was cut تشک|یل: the chunk «یل» starts with its ی
    assert "باعث تشکیل پروتئین" in repair_line(YEH_ONE_SIDE)
    saved = chunks.YEH_EDGE
    chunks.YEH_EDGE = 1  # no ی-edge chunks: the reading cannot be built
    chunks.unchunk.cache_clear()
    try:
        assert "تشکیل" not in repair_line(YEH_ONE_SIDE)
    finally:
        chunks.YEH_EDGE = saved
        chunks.unchunk.cache_clear()


def test_a_latin_word_is_not_glued_to_persian():
    assert repair_line(LATIN_FIRST).startswith("Marvin Cooke مدیرعامل تویوتا در Burnaston، گفت:")


def test_a_glued_sentence_end_marks_a_garbled_line():
    assert classify_line(GLUED_END) == "garbled_chunks"
    assert repair_line(GLUED_END) == "Kurzarbeit شناخته می‌شود، فرستاده‌اند."
    clean = "صادقی، معصومه، خسروی، سامیه، عباسی، کلثوم (1389). چارچوب تعامل‌پذیری دولت"  # the paper's references
    assert classify_line(clean) == "clean_fa"


@pytest.mark.parametrize("word, spelled", [("میزان", "میزان"), ("میلیون", "میلیون"), ("میان", "میان"),
                                           ("میکند", "می\u200cکند"), ("میشود", "می\u200cشود")])
def test_no_zwnj_after_mi_in_words_the_running_text_writes_whole(word, spelled):
    assert spell(word, set(), get_lm()) == spelled


def test_nbest_readings_carry_the_score_terms():
    readings = chunks.nbest(YEH_ONE_SIDE)
    texts = [t for t, _ in readings]
    assert len(texts) == len(set(texts)) > 1
    assert texts[0] == chunks.unchunk(YEH_ONE_SIDE)
    w = chunks.load_weights()
    scores = [sum(a * b for a, b in zip(w, f)) for _, f in readings]
    assert all(len(f) == len(chunks.FEATURES) for _, f in readings)
    assert scores[0] == pytest.approx(max(scores))  # the weighted terms are the search's own score


def test_weights_must_match_the_features(tmp_path):
    p = tmp_path / "w.json"
    p.write_text('{"features": ["cut"], "weights": [1.0]}', encoding="utf-8")
    with pytest.raises(ValueError, match="refit"):
        chunks.load_weights(p)
    assert chunks.load_weights(tmp_path / "absent.json") == chunks.DEFAULT_WEIGHTS
    with pytest.raises(ValueError):
        chunks.set_weights((1.0,))
