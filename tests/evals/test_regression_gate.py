"""CI regression gate: build the real index once and hold the fast subset to its measured figures.

The fast subset is 24 test questions (2 per language × type, ``python -m evals run --subset fast``).
Floors sit a little under the figures measured on it (see MEASURED) so that noise of one question
passes but a real regression fails; with 20 answerable questions one item moves Recall by 0.05.
Raise the floors when the system improves; never lower them to make a change pass.
"""
from __future__ import annotations

import pytest

from evals.paper_eval import Ours, evaluate_questions, load_questions, summarise

# measured by `python -m evals run` (fast-subset records of the full run, see evals/results/)
MEASURED = {"recall@5": 0.975, "recall@10": 1.0, "mrr": 0.665, "ndcg@10": 0.773, "citation_recall": 0.667, "abstention_accuracy": 0.958, "sentence_support": 1.0, "false_abstention": 0.05}  # 2026-11-29, commit f649741 (evals/results/2026-11-29.json)
FLOORS = {"recall@5": 0.9, "recall@10": 0.9, "mrr": 0.6, "ndcg@10": 0.71, "citation_recall": 0.6, "abstention_accuracy": 0.87, "sentence_support": 0.95}
CEILINGS = {"false_abstention": 0.1}


@pytest.fixture(scope="module")
def fast(paper_store):
    ours = Ours(paper_store.store_dir)  # the session's store of the default corpus (an up-to-date build is a no-op)
    records = evaluate_questions(load_questions("fast"), ours.retrieve, ours.ask)
    return summarise(records)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(fast, metric):
    assert fast[metric] is not None and fast[metric] >= FLOORS[metric], (metric, fast[metric], FLOORS[metric])


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_ceiling(fast, metric):
    assert fast[metric] is not None and fast[metric] <= CEILINGS[metric], (metric, fast[metric], CEILINGS[metric])
