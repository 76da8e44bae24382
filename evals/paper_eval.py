"""The paper questions: loading a subset, the project's system (:class:`Ours`), per-question records and
their aggregates (Recall@k, MRR, citations, abstention, support, latency) with the scorer of
:mod:`evals.metrics`."""
from __future__ import annotations

import json
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Sequence

from evals import metrics as m

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = PROJECT_ROOT / "evals" / "questions.jsonl"
CALIBRATION = PROJECT_ROOT / "evals" / "data" / "calibration.jsonl"  # written blind: docs/evals.md
WORK_DIR = PROJECT_ROOT / ".kb-evals"          # stores and generated corpora (gitignored: .kb-*/)
DEFAULT_OUT = PROJECT_ROOT / "evals" / "results"
K = 10
TYPES = ("concept", "detail", "citation", "crosslingual", "summary", "unanswerable")


# --------------------------------------------------------------------------- questions
def load_questions(subset: str = "all", path: Path = QUESTIONS) -> list[dict]:
    """``dev`` | ``test`` | ``all`` | ``fast`` (two test items per language×type: 24, for CI)
    | ``calibration`` (36 questions written blind for tuning weights the dev split cannot decide: 24
    English, 12 summary requests; not part of ``all``)."""
    if subset == "calibration":
        path = CALIBRATION
    qs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    if subset == "calibration":
        return qs
    if subset in ("dev", "test"):
        return [q for q in qs if q["split"] == subset]
    if subset == "all":
        return qs
    if subset == "fast":
        picked: list[dict] = []
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for q in qs:
            key = (q["lang"], q["type"])
            if q["split"] == "test" and seen[key] < 2:
                seen[key] += 1
                picked.append(q)
        return picked
    raise ValueError(f"unknown subset {subset!r} (dev, test, all, fast, calibration)")


class Ours:
    """The project's public API over one store (built incrementally first)."""

    name = "ours"

    def __init__(self, store_dir: Path, corpus_dir: Path | None = None, build: bool = True) -> None:
        from indexer.settings import Settings

        overrides: dict = {"store_dir": Path(store_dir)}
        if corpus_dir is not None:
            overrides["corpus_dir"] = Path(corpus_dir)
        self.settings = Settings.load(overrides=overrides)
        self.build_seconds = 0.0
        self.build_summary = "not built"
        if build:
            from indexer.pipeline import build_index

            t0 = time.perf_counter()
            report = build_index(self.settings, progress=None)
            self.build_seconds = time.perf_counter() - t0
            self.build_summary = report.summary()
            if not report.ok:
                raise RuntimeError(f"index build failed: {report.failed}")
        from assistant import Assistant

        self.assistant = Assistant(self.settings)

    def retrieve(self, question: str, k: int) -> list[dict]:
        """The passages in the JSON form every system of the harness returns (the baseline's too)."""
        return [h.to_json() for h in self.assistant.retrieve(question, k)]

    def ask(self, question: str) -> dict:
        """``ask --json``: the form the scorer reads for every system."""
        return self.assistant.ask(question).to_json()


# --------------------------------------------------------------------------- paper questions
def evaluate_questions(questions: Sequence[dict], retrieve: Callable[[str, int], list[dict]],
                       ask: Callable[[str], dict] | None = None, k: int = K) -> list[dict]:
    """One record per question: evidence ranks (answerable only) and, with ``ask``, answer metrics."""
    records = []
    for q in questions:
        rec: dict = {"id": q["id"], "lang": q["lang"], "type": q["type"], "split": q["split"],
                     "should_abstain": bool(q["should_abstain"])}
        t0 = time.perf_counter()
        passages = retrieve(q["question"], k)
        rec["retrieve_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if q["gold_evidence"]:
            rec["ranks"] = m.evidence_ranks(q["gold_evidence"], [p.get("text", "") for p in passages])
        if ask is not None:
            t0 = time.perf_counter()
            res = ask(q["question"])
            rec["ask_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            rec["abstained"] = bool(res.get("abstained"))
            keys = [c.get("key", "") for c in res.get("citations", []) or []]
            rec["citations"] = keys
            if not q["should_abstain"]:
                rec["cit_precision"], rec["cit_recall"] = m.citation_pr(q["expected_citations"], keys)
                if not q["expected_citations"]:
                    rec["cit_recall"] = None
            rec["supported"], rec["sentences"] = m.support_counts(res)
            rec["answer"] = res.get("answer", "")[:400]
        records.append(rec)
    return records


def summarise(records: Sequence[dict]) -> dict:
    """Aggregate records: retrieval over answerable items; answers over all items that were asked."""
    answerable = [r for r in records if "ranks" in r]
    out = m.retrieval_summary([r["ranks"] for r in answerable])
    out["n_questions"] = len(records)
    out["retrieve_ms_p50"] = m.percentile([r["retrieve_ms"] for r in records], 0.5)
    asked = [r for r in records if "abstained" in r]
    if asked:
        ab = m.abstention((r["should_abstain"], r["abstained"]) for r in asked)
        sup = sum(r["supported"] for r in asked)
        tot = sum(r["sentences"] for r in asked)
        out.update({
            "citation_precision": m.mean(r.get("cit_precision") for r in asked
                                         if r.get("cit_recall") is not None),
            "citation_recall": m.mean(r.get("cit_recall") for r in asked),
            "abstention_accuracy": ab.accuracy,
            "false_abstention": ab.false_abstention,
            "abstain_recall": ab.abstain_recall,
            "sentence_support": (sup / tot) if tot else None,
            "n_sentences": tot,
            "ask_ms_mean": m.mean(r["ask_ms"] for r in asked),
            "ask_ms_p50": m.percentile([r["ask_ms"] for r in asked], 0.5),
            "ask_ms_p95": m.percentile([r["ask_ms"] for r in asked], 0.95),
        })
    return out


def breakdown(records: Sequence[dict]) -> dict:
    """Summaries overall, by language, by type and by split."""
    groups: dict[str, dict] = {"overall": summarise(records)}
    for field, values in (("lang", ("fa", "en")), ("type", TYPES), ("split", ("dev", "test"))):
        groups[f"by_{field}"] = {v: summarise([r for r in records if r[field] == v])
                                 for v in values if any(r[field] == v for r in records)}
    return groups



def git_commit() -> str:
    """The checked-out commit (short), for the results' provenance."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip() or "unknown"
    except Exception:  # pragma: no cover - git missing
        return "unknown"


def embedding_cache(work_dir: Path):
    """The baseline's embedding cache in ``work_dir`` (its vectors are reused between runs)."""
    from evals.baseline import EmbeddingCache

    return EmbeddingCache(work_dir / "baseline-embeddings.json")
