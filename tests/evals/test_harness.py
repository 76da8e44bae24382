"""Harness plumbing without models: question subsets, aggregation, PersianQA loading, report output."""
from __future__ import annotations

from collections import Counter

import pytest

from evals import persianqa as pqa
from evals import report
from evals.__main__ import main
from evals.paper_eval import breakdown, evaluate_questions, load_questions


def test_subsets():
    assert len(load_questions("all")) == len(load_questions("dev")) + len(load_questions("test"))
    fast = load_questions("fast")
    assert len(fast) == 24
    assert set(Counter((q["lang"], q["type"]) for q in fast).values()) == {2}
    with pytest.raises(ValueError):
        load_questions("nope")


def _fake_system():
    """Retrieval returns the gold evidence for 'fa' questions only; ask abstains on 'en'."""
    qs = {q["question"]: q for q in load_questions("fast")}

    def retrieve(question, k):
        q = qs[question]
        if q["lang"] == "fa" and q["gold_evidence"]:
            return [{"id": "x", "doc_id": "d", "text": "noise"}, {"id": "p", "doc_id": "d", "text": " ".join(q["gold_evidence"])}]
        return [{"id": "x", "doc_id": "d", "text": "noise"}]

    def ask(question):
        q = qs[question]
        if q["lang"] == "en":
            return {"abstained": True, "sentences": [], "passages": [], "citations": []}
        text = " ".join(q["gold_evidence"]) or "پاسخی بی‌پشتوانه"
        return {"abstained": False, "answer": text,
                "sentences": [{"text": text, "passage_ids": ["p"]}],
                "passages": [{"id": "p", "text": text}],
                "citations": [{"key": c, "reference": None} for c in q["expected_citations"]]}
    return retrieve, ask


def test_evaluate_and_breakdown():
    retrieve, ask = _fake_system()
    recs = evaluate_questions(load_questions("fast"), retrieve, ask)
    b = breakdown(recs)
    fa, en = b["by_lang"]["fa"], b["by_lang"]["en"]
    assert fa["recall@1"] == 0 and fa["recall@5"] == 1.0 and fa["mrr"] == pytest.approx(0.5)
    assert en["recall@10"] == 0
    assert fa["citation_recall"] == 1.0 and fa["sentence_support"] == 1.0
    assert en["false_abstention"] == 1.0 and en["abstain_recall"] == 1.0
    assert fa["false_abstention"] == 0.0 and fa["abstain_recall"] == 0.0
    assert b["overall"]["abstention_accuracy"] == pytest.approx(0.5)


def test_persianqa_loader_and_rank():
    paragraphs, qs = pqa.load()
    assert len(paragraphs) == 93
    assert sum(q.answerable for q in qs) == 651 and sum(not q.answerable for q in qs) == 279
    assert list(paragraphs)[0] == "pqa-0001"
    assert pqa.doc_rank([{"doc_id": "a"}, {"doc_id": "b"}], "b") == 2
    assert pqa.doc_rank([{"doc_id": "a"}], "b") is None
    few, few_qs = pqa.load(paragraphs_limit=3)
    assert list(few) == ["pqa-0001", "pqa-0002", "pqa-0003"] and {q.doc_id for q in few_qs} == set(few)
    sample = [q for q in qs if q.doc_id == "pqa-0001"]
    res = pqa.evaluate(sample, lambda question, k: [{"doc_id": "pqa-0001"}],
                       ask=lambda question: {"abstained": True}, ask_answerable=2)
    assert res["recall@1"] == 1.0 and res["mrr"] == 1.0
    assert res["abstained_on_unanswerable"] == 1.0 and res["n_answerable_asked"] == 2


def test_persianqa_corpus_folders(tmp_path):
    paragraphs = {"pqa-0001": "متن یک", "pqa-0002": "متن دو"}
    folder = pqa.write_corpus(tmp_path / "c", paragraphs)
    assert sorted(p.name for p in folder.iterdir()) == ["pqa-0001.txt", "pqa-0002.txt"]
    src = tmp_path / "corpus"
    (src / "paper").mkdir(parents=True)
    (src / "manifest.json").write_text("{}")
    (src / "paper" / "a.jsonl").write_text("{}")
    mixed = pqa.make_mixed_corpus(tmp_path / "m", src, paragraphs)
    assert (mixed / "manifest.json").is_file() and (mixed / "paper" / "a.jsonl").is_file()
    assert (mixed / "persianqa" / "pqa-0002.txt").read_text(encoding="utf-8") == "متن دو\n"


def test_report_markdown_and_chart(tmp_path):
    retrieve, ask = _fake_system()
    recs = evaluate_questions(load_questions("fast"), retrieve, ask)
    results = {"date": "2000-01-01", "command": "python -m evals run --subset fast", "subset": "fast",
               "git_commit": "abc", "machine": "test", "n_questions": 24, "seconds": 1.0,
               "paper": {"ours": breakdown(recs), "baseline": breakdown(evaluate_questions(load_questions("fast"), retrieve))},
               "persianqa": {}}
    md = report.markdown(results, chart="c.png")
    assert "| Recall@5 | 0.500 | 0.500 |" in md and "llama-index baseline" in md and "![evaluation chart](c.png)" in md
    png = report.write_chart(results, tmp_path / "c.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ours Recall@5 0.500" in report.headline(results)


def test_cli_rejects_unknown_subset():
    with pytest.raises(SystemExit):
        main(["run", "--subset", "everything"])
