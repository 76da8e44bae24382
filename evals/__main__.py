"""Evaluation harness: ``python -m evals run`` (and ``python -m evals repair``).

One run evaluates, on the same questions with the same scorer (``evals.metrics``, DESIGN §6):

* **ours** — the public API (``indexer.pipeline.build_index`` + ``assistant.Assistant``) over the
  default corpus, built incrementally into ``.kb-evals/paper``: retrieval (``retrieve(q, 10)``) and
  answers (``ask(q)``: citations, abstention, sentence support, latency);
* **llama-index baseline** — ``evals.baseline.LlamaIndexBaseline`` (raw extraction, default
  SentenceSplitter, same embedding, dense only): retrieval;
* **keyword overlap** — BM25 over the proofread text, a measure of how paraphrased the questions are;
* **PersianQA** — alone (its 93 paragraphs in ``.kb-evals/persianqa``) and mixed with the paper and the
  cited works (``.kb-evals/mixed``), ours and the baseline, plus the paper questions in the mixed store.

Writes ``<out>/<date>[-<subset>].json``, ``.md`` (tables) and ``.png`` (chart).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import shlex
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Sequence

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
    qs = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
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


# --------------------------------------------------------------------------- systems
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
        return self.assistant.retrieve(question, k)

    def ask(self, question: str) -> dict:
        return self.assistant.ask(question)


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


# --------------------------------------------------------------------------- the run
def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip() or "unknown"
    except Exception:  # pragma: no cover - git missing
        return "unknown"


def _say(msg: str) -> None:
    print(f"[evals {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(subset: str = "all", skip_baseline: bool = False, skip_persianqa: bool = False,
        out_dir: Path = DEFAULT_OUT, work_dir: Path = WORK_DIR, pqa_ask: int | None = 100,
        pqa_ask_unanswerable: int | None = None, command: str | None = None, write: bool = True,
        parallel: bool = True, pqa_paragraphs: int | None = None) -> dict:
    """Run the evaluation and (with ``write``) save json/md/png; returns the results dict.

    The PersianQA parts (ours alone, ours mixed, the baseline) run in worker processes beside the
    paper questions (``parallel``); each part builds and queries its own store.
    """
    started = time.perf_counter()
    questions = load_questions(subset)
    results: dict = {
        "date": _dt.date.today().isoformat(),
        "finished_at": None,
        "command": command or f"python -m evals run --subset {subset}",
        "subset": subset,
        "git_commit": _git_commit(),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
        "n_questions": len(questions),
        "paper": {},
        "persianqa": {},
        "per_question": {},
    }
    futures: dict = {}
    pool = None
    if not skip_persianqa:
        from evals import persianqa as pqa

        pqa.prepare_corpora(work_dir, PROJECT_ROOT / "corpus", pqa_paragraphs)
        parts = ["ours-alone", "ours-mixed"] + ([] if skip_baseline else ["baseline"])
        kwargs = dict(questions=questions, work_dir=work_dir, pqa_ask=pqa_ask,
                      pqa_ask_unanswerable=pqa_ask_unanswerable, paragraphs_limit=pqa_paragraphs)
        if parallel:
            import concurrent.futures as cf
            import multiprocessing as mp

            pool = cf.ProcessPoolExecutor(max_workers=len(parts), mp_context=mp.get_context("spawn"))
            futures = {p: pool.submit(pqa.run_part, p, **kwargs) for p in parts}
        else:
            futures = {p: _Done(lambda p=p: pqa.run_part(p, **kwargs)) for p in parts}

    _say(f"{len(questions)} questions ({subset}); building .kb-evals/paper")
    ours = Ours(work_dir / "paper")
    results["build"] = {"paper": {"seconds": round(ours.build_seconds, 1), "summary": ours.build_summary}}
    recs = evaluate_questions(questions, ours.retrieve, ours.ask)
    results["paper"]["ours"] = breakdown(recs)
    results["per_question"]["ours"] = recs
    _say(f"ours: R@5 {results['paper']['ours']['overall']['recall@5']:.3f}")

    if not skip_baseline:
        from evals.baseline import KeywordOverlap, LlamaIndexBaseline

        t0 = time.perf_counter()
        baseline = LlamaIndexBaseline(cache=_cache(work_dir))
        results["build"]["baseline"] = {"seconds": round(time.perf_counter() - t0, 1),
                                        "chunks": len(baseline.nodes)}
        brecs = evaluate_questions(questions, baseline.retrieve)
        results["paper"]["baseline"] = breakdown(brecs)
        results["per_question"]["baseline"] = brecs
        krecs = evaluate_questions(questions, KeywordOverlap().retrieve)
        results["paper"]["keyword"] = breakdown(krecs)
        _say(f"baseline: R@5 {results['paper']['baseline']['overall']['recall@5']:.3f}")

    if write and futures:   # a first write, so a long PersianQA part never leaves us with nothing
        write_results(results, out_dir)
    if futures:
        from evals import persianqa as pqa

        paragraphs, pqs = pqa.load(paragraphs_limit=pqa_paragraphs)
        out: dict = {"n_paragraphs": len(paragraphs), "n_answerable": sum(q.answerable for q in pqs),
                     "n_unanswerable": sum(not q.answerable for q in pqs), "alone": {}, "mixed": {},
                     "paper_alone_ours": summarise([{k: v for k, v in r.items() if k != "abstained"}
                                                    for r in recs])}
        for part, fut in futures.items():
            try:
                res = fut.result()
            except Exception as exc:  # report the failure in the results rather than lose the run
                results.setdefault("persianqa_errors", {})[part] = f"{type(exc).__name__}: {exc}"
                _say(f"PersianQA part {part} failed: {exc}")
                continue
            for store, vals in res.pop("stores").items():
                out[store].update(vals)
            results["build"].update(res.get("build", {}))
        results["persianqa"] = out
        if pool is not None:
            pool.shutdown()

    results["seconds"] = round(time.perf_counter() - started, 1)
    results["finished_at"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if write:
        write_results(results, out_dir)
    return results


class _Done:
    """A future-like wrapper that runs its job when asked for the result (no worker processes)."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def result(self):
        return self.fn()


def _cache(work_dir: Path):
    from evals.baseline import EmbeddingCache

    return EmbeddingCache(work_dir / "baseline-embeddings.json")


def write_results(results: dict, out_dir: Path) -> dict[str, Path]:
    from evals import report

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = results["date"] + ("" if results["subset"] == "all" else f"-{results['subset']}")
    paths = {"json": out_dir / f"{stem}.json", "md": out_dir / f"{stem}.md", "png": out_dir / f"{stem}.png"}
    paths["json"].write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report.write_chart(results, paths["png"])
    paths["md"].write_text(report.markdown(results, chart=paths["png"].name), encoding="utf-8")
    for kind, p in paths.items():
        _say(f"wrote {p.relative_to(PROJECT_ROOT) if p.is_relative_to(PROJECT_ROOT) else p}")
    return paths


# --------------------------------------------------------------------------- CLI
def main(argv: Iterable[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the evaluation and write results")
    r.add_argument("--subset", choices=["dev", "test", "all", "fast", "calibration"], default="all")
    r.add_argument("--skip-baseline", action="store_true")
    r.add_argument("--skip-persianqa", action="store_true")
    r.add_argument("--pqa-ask", type=int, default=100, metavar="N",
                   help="also ask the first N answerable PersianQA questions (false-abstention rate; "
                        "default 100, -1 = all 651)")
    r.add_argument("--pqa-ask-unanswerable", type=int, default=-1, metavar="N",
                   help="ask the first N unanswerable PersianQA questions (default -1 = all 279)")
    r.add_argument("--pqa-paragraphs", type=int, default=-1, metavar="N",
                   help="index only the first N PersianQA paragraphs and ask their questions "
                        "(default -1 = all 93)")
    r.add_argument("--out", type=Path, default=DEFAULT_OUT)
    sub.add_parser("repair", help="score the RTL repair against its baseline (options: python -m evals.repair_metrics -h)")
    a = sub.add_parser("answers", help="answer-level figures (declines, first sentence, signposting, English)")
    a.add_argument("--set", dest="set_name", choices=["heldout", "calibration", "dev"], default="heldout")
    a.add_argument("--label", default="", help="suffix of the result files (e.g. 'before')")
    a.add_argument("--out", type=Path, default=DEFAULT_OUT)
    sub.add_parser("fit-decline", help="fit assistant/data/decline_model.json on the calibration and dev sets")
    args, rest = parser.parse_known_args(argv)
    if args.cmd == "repair":
        from evals import repair_metrics

        return int(repair_metrics.main(rest) or 0) if _accepts_args(repair_metrics.main) else \
            int(repair_metrics.main() or 0)
    if args.cmd == "fit-decline":
        from evals import fit_decline

        print(json.dumps(fit_decline.main(WORK_DIR / "paper"), ensure_ascii=False, indent=1))
        return 0
    if args.cmd == "answers":
        from evals import answer_eval

        command = "python -m evals " + " ".join(shlex.quote(a) for a in argv)
        res = answer_eval.run(args.set_name, WORK_DIR / "paper", args.out, command, args.label)
        print(answer_eval.markdown(res))
        return 0
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    command = "python -m evals " + " ".join(shlex.quote(a) for a in argv)
    res = run(args.subset, args.skip_baseline, args.skip_persianqa, args.out,
              pqa_ask=None if args.pqa_ask < 0 else args.pqa_ask,
              pqa_ask_unanswerable=None if args.pqa_ask_unanswerable < 0 else args.pqa_ask_unanswerable,
              pqa_paragraphs=None if args.pqa_paragraphs < 0 else args.pqa_paragraphs, command=command)
    from evals import report

    print(report.headline(res))
    return 0


def _accepts_args(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) > 0
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
