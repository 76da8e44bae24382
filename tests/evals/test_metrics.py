"""The §6 scorer on hand-made cases."""
from __future__ import annotations

import math

import pytest

from evals import metrics as m


def test_normalise_maps_letters_digits_and_drops_marks():
    assert m.normalise("كتاب ي") == "کتابی"
    assert m.normalise("مدرسة") == "مدرسه"
    assert m.normalise("خانۀ") == "خانه"
    assert m.normalise("أإٱ") == "ااا"
    assert m.normalise("۱۴۰۳ ٢٠٢٤") == "14032024"
    assert m.normalise("Smart\u200cCity!") == "smartcity"          # ZWNJ, punctuation, case
    assert m.normalise("\u200fمَدْرَسَه\u202c") == "مدرسه"           # bidi marks, harakat
    assert m.normalise("مـــدرسه") == "مدرسه"                     # tatweel
    assert m.normalise("ﻛﺸﻮﺭ") == "کشور"                         # presentation forms via NFKC


def test_spacing_and_zwnj_never_matter():
    ev = "حکمرانی هوشمند مبتنی بر داده"
    assert m.coverage(ev, ["حکمرانی‌هوشمند مبتنی‌بر  داده‌"]) == 1.0


def test_ngrams_of_short_strings():
    assert m.ngrams("abc") == {"abc"}
    assert m.ngrams("") == set()
    assert m.ngrams("abcde") == {"abcd", "bcde"}


def test_threshold_is_sixty_percent():
    ev = "abcdefghijklm"                 # 10 grams
    grams = sorted(m.ngrams(ev))
    assert len(grams) == 10
    six = "abcdefghi"                    # holds abcd..fghi = 6 grams
    five = "abcdefgh"                    # 5 grams
    assert m.coverage(ev, [six]) == pytest.approx(0.6)
    assert m.is_found(ev, [six])
    assert not m.is_found(ev, [five])


def test_passages_count_only_first_2000_chars():
    ev = "evidence string far away"
    late = "x" * 2000 + ev
    assert not m.is_found(ev, [late])
    assert m.is_found(ev, ["x" * 1900 + ev])


def test_concatenation_matches_across_passages():
    ev = "alpha beta gamma delta"
    # half in each passage: only their concatenation holds it
    assert m.evidence_rank(ev, ["alphabeta", "zzzz", "gammadelta"]) == 3
    assert m.evidence_rank(ev, ["nothing here"]) is None


def test_gram_pool_equals_plain_concatenation():
    parts = ["abc", "de", "fghij", "k"]
    pool = m.GramPool()
    for p in parts:
        pool.add(p)
    assert pool.grams == m.ngrams("abcdefghijk")


def test_ranks_recall_mrr_ndcg():
    passages = ["one two three", "four five six", "seven eight nine"]
    ev = ["four five six", "seven eight nine", "never present text"]
    ranks = m.evidence_ranks(ev, passages)
    assert ranks == [2, 3, None]
    assert m.recall_at(ranks, 1) == 0
    assert m.recall_at(ranks, 2) == pytest.approx(1 / 3)
    assert m.recall_at(ranks, 10) == pytest.approx(2 / 3)
    assert m.reciprocal_rank(ranks) == pytest.approx((1 / 2 + 1 / 3) / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m.ndcg(ranks) == pytest.approx(dcg / idcg)
    assert m.ndcg([1]) == 1.0
    assert m.ndcg([1, 1]) == 1.0                 # one passage holding both: capped at 1
    assert m.ndcg([11]) == 0.0                  # beyond @10


def test_retrieval_summary_averages_questions():
    s = m.retrieval_summary([[1], [None], [3, None]])
    assert s["n"] == 3
    assert s["recall@1"] == pytest.approx(1 / 3)
    assert s["recall@5"] == pytest.approx((1 + 0 + 0.5) / 3)
    assert s["mrr"] == pytest.approx((1 + 0 + (1 / 3) / 2) / 3)


def test_citation_precision_recall_is_format_tolerant():
    p, r = m.citation_pr(["Chun et al., 2010", "Heeks, 2003"], ["Chun et al, 2010", "Komninos, 2013"])
    assert (p, r) == (0.5, 0.5)
    p, r = m.citation_pr(["زوارتربتی، 1401"], ["زوار‌تربتی، ۱۴۰۱"])
    assert (p, r) == (1.0, 1.0)
    assert m.citation_pr([], ["x, 1"]) == (0.0, None)
    assert m.citation_pr(["x, 1"], []) == (None, 0.0)


def test_abstention_stats():
    s = m.abstention([(True, True), (True, False), (False, False), (False, True), (False, False)])
    assert s.accuracy == pytest.approx(3 / 5)
    assert s.false_abstention == pytest.approx(1 / 3)
    assert s.abstain_recall == pytest.approx(1 / 2)


def test_sentence_support_needs_one_cited_passage():
    result = {
        "abstained": False,
        "passages": [{"id": "p1", "text": "شبکه‌های هوشمند قیمت‌گذاری پویای برق را ممکن می‌کنند"},
                     {"id": "p2", "text": "متنی بی‌ربط درباره چیز دیگری"}],
        "sentences": [
            {"text": "شبکه‌های هوشمند قیمت‌گذاری پویای برق را ممکن می‌کنند.", "passage_ids": ["p1"]},
            {"text": "شبکه‌های هوشمند قیمت‌گذاری پویای برق را ممکن می‌کنند.", "passage_ids": ["p2"]},
            {"text": "جمله‌ای بدون ارجاع", "passage_ids": []},
        ],
    }
    assert m.support_counts(result) == (1, 3)
    assert m.support_counts({"abstained": True, "sentences": [{"text": "x"}]}) == (0, 0)


def test_sentence_split_across_two_passages_is_not_supported():
    a, b = "the first half of a long claim", "and the second half of that claim"
    assert not m.sentence_supported(a + " " + b, [a, b])
    assert m.sentence_supported(a + " " + b, [a + " " + b])


def test_percentile():
    assert m.percentile([3, 1, 2, 4], 0.5) == 2
    assert m.percentile([], 0.5) is None
