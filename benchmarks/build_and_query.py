"""Build time of the default corpus and query latency p50/p95 (issue #2), printed as a table.

    python -m benchmarks.build_and_query [--repeat 3] [--json benchmarks/results/build_and_query.json]

Builds the default corpus (corpus/: the paper's proofread edition + cited works) into a fresh
temporary store, rebuilds it once unchanged (the incremental no-op), then times ``retrieve`` and
``ask`` over the dev questions. Peak RSS is this process's (model + store + tables).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

import indexer  # noqa: F401  (offline environment first)
from indexer.settings import PROJECT_ROOT, Settings


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2, help="passes over the questions")
    parser.add_argument("--json", type=Path, default=PROJECT_ROOT / "benchmarks" / "results" / "build_and_query.json")
    args = parser.parse_args(argv)
    from assistant import Assistant
    from indexer.pipeline import build_index

    questions = [json.loads(x)["question"] for x in
                 (PROJECT_ROOT / "evals" / "data" / "dev_questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(overrides={"store_dir": Path(tmp) / "kb", "corpus_dir": PROJECT_ROOT / "corpus"})
        t = time.perf_counter()
        report = build_index(settings, progress=None)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        build_index(settings, progress=None)
        noop_s = time.perf_counter() - t
        bot = Assistant(settings)
        bot.retrieve(questions[0])  # warm-up
        retrieve_ms, ask_ms = [], []
        for _ in range(args.repeat):
            for q in questions:
                t = time.perf_counter(); bot.retrieve(q); retrieve_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter(); bot.ask(q); ask_ms.append((time.perf_counter() - t) * 1000)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
        "passages": report.passages_embedded, "documents": len(report.added),
        "build_s": round(build_s, 1), "passages_per_s": round(report.passages_embedded / build_s, 1),
        "noop_rebuild_s": round(noop_s, 2),
        "retrieve_p50_ms": round(statistics.median(retrieve_ms), 1), "retrieve_p95_ms": round(pct(retrieve_ms, 0.95), 1),
        "ask_p50_ms": round(statistics.median(ask_ms), 1), "ask_p95_ms": round(pct(ask_ms, 0.95), 1),
        "queries": len(retrieve_ms), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
    print("| corpus | passages | build | passages/s | no-op rebuild | retrieve p50 / p95 | ask p50 / p95 | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| default ({result['documents']} docs) | {result['passages']} | {result['build_s']} s | "
          f"{result['passages_per_s']} | {result['noop_rebuild_s']} s | {result['retrieve_p50_ms']} / "
          f"{result['retrieve_p95_ms']} ms | {result['ask_p50_ms']} / {result['ask_p95_ms']} ms | {result['peak_rss_mb']} MB |")
    print(f"({result['queries']} queries; {result['machine']}; 1-min load average at the end {result['load_average_1m']})")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
