"""PersianQA (test split) as an external retrieval benchmark, alone and mixed with the paper.

The 93 Wikipedia paragraphs are written as ``pqa-0001.txt`` … into a corpus folder and indexed as
ordinary documents (doc_id = file stem).  A question's paragraph is *retrieved at rank r* when the
r-th passage comes from its own document (``doc_id`` match), as ``benchmarks/persianqa/SOURCE.md``
prescribes.  Recall@1/5 and MRR (@10) are over the 651 answerable questions; the 279 impossible ones
(on-topic paragraph, no answer) show what the abstention rule does.
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from evals.metrics import mean, percentile

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PQA_FILE = PROJECT_ROOT / "benchmarks" / "persianqa" / "pqa_test.json"


@dataclass(frozen=True)
class PqaQuestion:
    qid: str
    question: str
    doc_id: str
    answerable: bool
    answers: tuple[str, ...]


def load(path: Path = PQA_FILE, paragraphs_limit: int | None = None) -> tuple[dict[str, str], list[PqaQuestion]]:
    """(paragraphs by doc_id, questions) in file order; doc ids are ``pqa-0001`` …

    ``paragraphs_limit`` keeps only the first N paragraphs and their questions (a smaller, faster
    benchmark; the default is all 93).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    paragraphs: dict[str, str] = {}
    questions: list[PqaQuestion] = []
    for article in data:
        for para in article["paragraphs"]:
            doc_id = f"pqa-{len(paragraphs) + 1:04d}"
            paragraphs[doc_id] = para["context"]
            for qa in para["qas"]:
                answers = tuple(a["text"] for a in qa.get("answers", []) if a.get("text"))
                questions.append(PqaQuestion(str(qa["id"]), qa["question"], doc_id,
                                             not qa.get("is_impossible", False), answers))
    if paragraphs_limit is not None:
        keep = set(list(paragraphs)[:paragraphs_limit])
        paragraphs = {d: t for d, t in paragraphs.items() if d in keep}
        questions = [q for q in questions if q.doc_id in keep]
    return paragraphs, questions


def write_corpus(folder: Path, paragraphs: dict[str, str]) -> Path:
    """Write each paragraph as ``<doc_id>.txt``; leaves other files in ``folder`` alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, text in paragraphs.items():
        path = folder / f"{doc_id}.txt"
        if not path.is_file() or path.read_text(encoding="utf-8") != text + "\n":
            path.write_text(text + "\n", encoding="utf-8")
    return folder


def make_mixed_corpus(folder: Path, paper_corpus: Path, paragraphs: dict[str, str]) -> Path:
    """The default corpus (manifest, paper, cited works) plus the 93 paragraphs in one folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in paper_corpus.iterdir():
        if item.name.startswith("."):
            continue
        target = folder / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        elif not target.exists() or target.read_bytes() != item.read_bytes():
            shutil.copy2(item, target)
    write_corpus(folder / "persianqa", paragraphs)
    return folder


def doc_rank(passages: Sequence[dict], doc_id: str) -> int | None:
    """First rank (1-based) whose passage comes from ``doc_id``."""
    for r, p in enumerate(passages, start=1):
        if p.get("doc_id") == doc_id:
            return r
    return None


def evaluate(questions: Sequence[PqaQuestion], retrieve: Callable[[str, int], list[dict]],
             ask: Callable[[str], dict] | None = None, ask_answerable: int | None = None,
             ask_unanswerable: int | None = None, k: int = 10) -> dict:
    """Recall@1/5/10 and MRR over answerable questions; abstention when ``ask`` is given.

    ``ask_unanswerable`` / ``ask_answerable`` limit how many questions of each kind are also *asked*
    (first N in file order; None = all) for the abstention and false-abstention rates.
    """
    answerable = [q for q in questions if q.answerable]
    impossible = [q for q in questions if not q.answerable]
    ranks: list[int | None] = []
    lat: list[float] = []
    for q in answerable:
        t0 = time.perf_counter()
        passages = retrieve(q.question, k)
        lat.append(time.perf_counter() - t0)
        ranks.append(doc_rank(passages, q.doc_id))
    out: dict = {
        "n_answerable": len(answerable),
        "recall@1": mean(1.0 if r == 1 else 0.0 for r in ranks),
        "recall@5": mean(1.0 if r is not None and r <= 5 else 0.0 for r in ranks),
        "recall@10": mean(1.0 if r is not None and r <= 10 else 0.0 for r in ranks),
        "mrr": mean(1.0 / r if r else 0.0 for r in ranks),
        "retrieve_ms_p50": _ms(percentile(lat, 0.5)),
    }
    if ask is not None:
        asked_ans = answerable if ask_answerable is None else answerable[:ask_answerable]
        ask_lat: list[float] = []

        def _abstained(q: PqaQuestion) -> bool:
            t0 = time.perf_counter()
            res = ask(q.question)
            ask_lat.append(time.perf_counter() - t0)
            return bool(res.get("abstained"))

        asked_imp = impossible if ask_unanswerable is None else impossible[:ask_unanswerable]
        declined = [_abstained(q) for q in asked_imp]
        false_abs = [_abstained(q) for q in asked_ans]
        out.update({
            "n_unanswerable": len(impossible),
            "n_unanswerable_asked": len(asked_imp),
            "abstained_on_unanswerable": mean(float(x) for x in declined),
            "n_answerable_asked": len(asked_ans),
            "false_abstention": mean(float(x) for x in false_abs),
            "ask_ms_p50": _ms(percentile(ask_lat, 0.5)),
        })
    return out


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --------------------------------------------------------------------------- harness parts
def prepare_corpora(work_dir: Path, paper_corpus: Path, paragraphs_limit: int | None = None) -> tuple[Path, Path]:
    """Write the PersianQA-only and the mixed corpus folders under ``work_dir/corpora``."""
    paragraphs, _ = load(paragraphs_limit=paragraphs_limit)
    for folder in (work_dir / "corpora" / "persianqa", work_dir / "corpora" / "mixed" / "persianqa"):
        if folder.is_dir():                      # drop paragraphs of a larger earlier run
            for f in folder.glob("pqa-*.txt"):
                if f.stem not in paragraphs:
                    f.unlink()
    alone = write_corpus(work_dir / "corpora" / "persianqa", paragraphs)
    mixed = make_mixed_corpus(work_dir / "corpora" / "mixed", paper_corpus, paragraphs)
    return alone, mixed


def run_part(part: str, questions: Sequence[dict], work_dir: Path, pqa_ask: int | None,
             pqa_ask_unanswerable: int | None, paragraphs_limit: int | None = None) -> dict:
    """One independent PersianQA part (run in its own process by ``python -m evals run``).

    ``ours-alone``: our store of the 93 paragraphs (retrieval + abstention);
    ``ours-mixed``: our store of paper + cited works + paragraphs (both question sets, retrieval);
    ``baseline``: the llama-index baseline over the paragraphs alone and over the mixed raw texts.
    Returns ``{"stores": {"alone"|"mixed": {...}}, "build": {...}}``.
    """
    from evals.paper_eval import Ours, embedding_cache, evaluate_questions, summarise

    paragraphs, pqs = load(paragraphs_limit=paragraphs_limit)
    corpora = Path(work_dir) / "corpora"
    if part == "ours-alone":
        ours = Ours(Path(work_dir) / "persianqa", corpus_dir=corpora / "persianqa")
        res = evaluate(pqs, ours.retrieve, ours.ask, ask_answerable=pqa_ask, ask_unanswerable=pqa_ask_unanswerable)
        return {"stores": {"alone": {"ours": res}},
                "build": {"persianqa": {"seconds": round(ours.build_seconds, 1), "summary": ours.build_summary}}}
    if part == "ours-mixed":
        ours = Ours(Path(work_dir) / "mixed", corpus_dir=corpora / "mixed")
        res = evaluate(pqs, ours.retrieve)
        paper = summarise(evaluate_questions(questions, ours.retrieve))
        return {"stores": {"mixed": {"ours": res, "ours_paper": paper}},
                "build": {"mixed": {"seconds": round(ours.build_seconds, 1), "summary": ours.build_summary}}}
    if part == "baseline":
        from evals.baseline import RAW_TEXT, LlamaIndexBaseline

        cache = embedding_cache(Path(work_dir))
        b_alone = LlamaIndexBaseline(raw_texts=paragraphs, cache=cache)
        alone = evaluate(pqs, b_alone.retrieve)
        raw = {"smart-statesmanship": RAW_TEXT.read_text(encoding="utf-8"),
               "cited-works": (PROJECT_ROOT / "corpus" / "cited_works.json").read_text(encoding="utf-8"),
               **paragraphs}
        b_mixed = LlamaIndexBaseline(embed_model=b_alone.embed_model, raw_texts=raw, cache=cache)
        mixed = evaluate(pqs, b_mixed.retrieve)
        paper = summarise(evaluate_questions(questions, b_mixed.retrieve))
        return {"stores": {"alone": {"baseline": alone}, "mixed": {"baseline": mixed, "baseline_paper": paper}}}
    raise ValueError(f"unknown PersianQA part {part!r}")
