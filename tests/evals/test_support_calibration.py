"""The support threshold of the generative backend is the one its measurement chooses."""
from __future__ import annotations

from assistant.llm_support import SUPPORT_NGRAM, SUPPORT_SIMILARITY
from evals.support_calibration import LabelledCheck, choose, load_labels, measure, sweep


def _check(supported: bool, similarity: float, ngram: float = 0.0, missing=()) -> LabelledCheck:
    return LabelledCheck("x", "paraphrase-en" if supported else "altered-en", supported, ngram, similarity,
                         list(missing))


def test_choose_prefers_true_minus_false_support_then_strictness():
    checks = [_check(True, 0.95), _check(True, 0.92), _check(False, 0.90), _check(False, 0.85, ngram=0.7),
              _check(False, 0.99, missing=["1850"])]
    best = choose(sweep(checks, grid=[0.85, 0.90, 0.91, 0.92, 0.93], ngram_grid=[0.6, 1.0]))
    # 0.91 and 0.92 both keep both paraphrases and reject every claim: the stricter wins; a 4-gram share of
    # 0.6 would let the altered claim through; a missing number fails whatever the cosine
    assert (best.threshold, best.ngram, best.true_support, best.false_support) == (0.92, 1.0, 1.0, 0.0)


def test_labels_are_balanced_and_name_real_passages():
    labels = load_labels()
    assert len(labels) >= 50 and sum(x["supported"] for x in labels) * 2 == len(labels)
    assert {x["kind"] for x in labels} == {"paraphrase-en", "paraphrase-fa", "altered-en", "altered-fa",
                                          "wrong-passage-en"}


def test_constants_are_the_measured_choice(paper_store):
    best = choose(sweep(measure(paper_store, load_labels())))
    assert (best.threshold, best.ngram) == (SUPPORT_SIMILARITY, SUPPORT_NGRAM)
