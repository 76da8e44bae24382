"""The evaluation run behind ``python -m evals run``.

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

import datetime as _dt
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from evals.paper_eval import (
    DEFAULT_OUT,
    PROJECT_ROOT,
    WORK_DIR,
    Ours,
    breakdown,
    embedding_cache,
    evaluate_questions,
    git_commit,
    load_questions,
    summarise,
)


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
        "git_commit": git_commit(),
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
        kwargs: dict[str, Any] = dict(questions=questions, work_dir=work_dir, pqa_ask=pqa_ask,
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
        baseline = LlamaIndexBaseline(cache=embedding_cache(work_dir))
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


