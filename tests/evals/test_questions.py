"""The curated question set: schema, balance, gold evidence against the proofread text, citations."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals import metrics as m

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "evals" / "questions.jsonl"
DEV = ROOT / "evals" / "data" / "dev_questions.jsonl"
CLEAN = ROOT / "corpus" / "smart-statesmanship" / "smart-statesmanship.clean.jsonl"
CITED = ROOT / "corpus" / "cited_works.json"
TYPES = {"concept", "detail", "citation", "crosslingual", "summary", "unanswerable"}
FIELDS = {"id", "lang", "type", "question", "gold_evidence", "gold_line_nos", "expected_citations",
          "answer_keywords_fa", "answer_keywords_en", "should_abstain", "split"}


def _load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


QS = _load(QUESTIONS)
LINES = {r["line_no"]: r for r in _load(CLEAN)}
TEST = [q for q in QS if q["split"] == "test"]


def test_schema_and_unique_ids():
    assert len(QS) >= 90
    assert len({q["id"] for q in QS}) == len(QS)
    for q in QS:
        assert set(q) == FIELDS, q["id"]
        assert q["lang"] in {"fa", "en"} and q["type"] in TYPES and q["split"] in {"dev", "test"}
        assert q["should_abstain"] == (q["type"] == "unanswerable"), q["id"]
        assert bool(q["gold_evidence"]) != q["should_abstain"], q["id"]
        assert q["answer_keywords_fa"] and q["answer_keywords_en"], q["id"]


def test_dev_split_is_the_dev_file_verbatim():
    dev = _load(DEV)
    mine = [{k: v for k, v in q.items() if k != "split"} for q in QS if q["split"] == "dev"]
    assert mine == dev


def test_test_split_balance():
    assert len(TEST) >= 66
    langs = Counter(q["lang"] for q in TEST)
    assert langs["fa"] == langs["en"]
    types = Counter(q["type"] for q in TEST)
    assert set(types) == TYPES
    assert 12 <= types["unanswerable"] <= 15
    for t in TYPES:
        assert Counter(q["lang"] for q in TEST if q["type"] == t).keys() == {"fa", "en"}, t


def test_question_language_matches_lang():
    from indexer.lang import detect_language
    for q in QS:
        assert detect_language(q["question"]) == q["lang"], q["id"]


# d18 (dev, copied as given): its gold lines are the 17 fragments of the shattered running header
# (kind page_furniture), which sit in the file in visual, not reading, order; read in line order they
# cover 0.53 of the evidence.  Every other item must reach the §6 figure of 0.76.
SHATTERED_HEADER = {"d18"}


@pytest.mark.parametrize("q", [q for q in QS if q["gold_evidence"]], ids=lambda q: q["id"])
def test_gold_evidence_covers_its_own_lines(q):
    """Every evidence string reaches >= 0.76 coverage against the proofread text of its gold lines."""
    text = [LINES[n]["clean"] for n in sorted(q["gold_line_nos"])]
    floor = 0.5 if q["id"] in SHATTERED_HEADER else 0.76
    for ev in q["gold_evidence"]:
        assert m.coverage(ev, text, max_chars=None) >= floor, (q["id"], ev[:50])
    if q["split"] == "test":      # ours are copied from the proofread edition: near-verbatim
        assert all(m.coverage(ev, text, max_chars=None) >= 0.9 for ev in q["gold_evidence"]), q["id"]


def test_crosslingual_items_cross_languages():
    """en cross-lingual questions are answered in the Persian body; fa ones by the English abstract."""
    for q in TEST:
        if q["type"] != "crosslingual":
            continue
        kinds = {LINES[n]["kind"] for n in q["gold_line_nos"]}
        if q["lang"] == "en":
            assert kinds <= {"body", "heading"}, q["id"]
        else:
            assert kinds == {"abstract_en"}, q["id"]


def test_expected_citations_are_known_keys():
    keys = {r["cite_as"] for r in json.loads(CITED.read_text(encoding="utf-8"))}
    for q in TEST:
        for c in q["expected_citations"]:
            assert c in keys, (q["id"], c)
    assert sum(1 for q in TEST if q["expected_citations"]) >= 30


def test_unanswerable_questions_name_nothing_the_paper_answers():
    body = m.normalise(" ".join(r["clean"] for r in LINES.values()))
    for term in ["X-Road", "Rwanda", "رواندا", "ژاپن", "امارات", "متاورس", "مصاحبه", "سازمان ملل", "دلار"]:
        assert m.normalise(term) not in body, term


def test_keyword_overlap_alone_misses_at_least_a_third():
    """Paraphrase check: BM25 over the proofread text finds no evidence in its top 5 for >= 1/3."""
    from evals.baseline import KeywordOverlap
    kw = KeywordOverlap()
    for lang in ("fa", None):
        sel = [q for q in TEST if not q["should_abstain"] and (lang is None or q["lang"] == lang)]
        missed = 0
        for q in sel:
            ranks = m.evidence_ranks(q["gold_evidence"], [p["text"] for p in kw.retrieve(q["question"], 5)])
            missed += m.recall_at(ranks, 5) == 0
        assert missed / len(sel) >= 1 / 3, (lang, missed, len(sel))


def test_calibration_set_quotes_the_paper():
    """The calibration set (evals/data/calibration.jsonl): 24 English questions on single passages and 12
    summary requests (6 English, 6 Persian) on sections, each evidence string verbatim from the
    proofread body (coverage >= 0.95), none repeating a question of the set."""
    from evals.paper_eval import load_questions
    from indexer.lang import detect_language

    cal = load_questions("calibration")
    assert len(cal) == 36 and len({q["id"] for q in cal}) == 36
    assert all(q["split"] == "calibration" and not q["should_abstain"] for q in cal)
    assert all(detect_language(q["question"]) == q["lang"] for q in cal)
    summaries = [q for q in cal if q["id"].startswith("s")]
    assert len(summaries) == 12 and all(q["type"] == "summary" and len(q["gold_evidence"]) >= 2 for q in summaries)
    assert sum(q["lang"] == "en" for q in cal) == 30
    body = [r["clean"] for r in LINES.values() if r["kind"] == "body"]
    joined = ["\n".join(body)]
    for q in cal:
        assert q["gold_evidence"], q["id"]
        for ev in q["gold_evidence"]:
            assert m.coverage(ev, joined, max_chars=None) >= 0.95, (q["id"], ev[:50])
    asked = {m.normalise(q["question"]) for q in QS}
    assert not any(m.normalise(q["question"]) in asked for q in cal)
