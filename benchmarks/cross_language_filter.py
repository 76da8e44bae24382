"""What the cross-language dense view costs in Chroma as the store grows.

    python -m benchmarks.cross_language_filter                 # 1,000, 10,000 and 100,000 passages
    python -m benchmarks.cross_language_filter --sizes 10000 --queries 50

The view ranks the other language's passages of ideas on their own (``assistant/retrieval.py``).
On a small store it is a filtered Chroma query (``language != question language``, ``kind`` not a
record); above ``cross_language_filter_limit`` passages it is an unfiltered query for
``cross_language_widen`` × 30 candidates, filtered in Python. This script fills an embedded Chroma
collection with random unit vectors carrying the same metadata (70 % Persian, 30 % English, one in
ten a reference record), then times top-30 queries: unfiltered, each filtered form, and the widened
unfiltered query. Prints a Markdown table (p50 / p95 ms) and writes
``benchmarks/results/cross_language_filter.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import indexer  # noqa: F401  (offline environment first)
from indexer.store import RECORD_KINDS

RESULTS = Path(__file__).resolve().parent / "results" / "cross_language_filter.json"
RECORDS = list(RECORD_KINDS)  # the retriever's cross-language filter
QUERIES = {
    "unfiltered top 30": (None, 30),
    "English question (filter: not en, no records)": (
        {"$and": [{"language": {"$ne": "en"}}, {"kind": {"$nin": RECORDS}}]}, 30),
    "Persian question (filter: not fa, no records)": (
        {"$and": [{"language": {"$ne": "fa"}}, {"kind": {"$nin": RECORDS}}]}, 30),
    "widened unfiltered top 300": (None, 300),
}


def measure(n: int, queries: int, folder: Path) -> dict:
    """Fill a collection with ``n`` passages and time each query form."""
    import numpy as np

    from benchmarks.scale import add_random_vectors, random_units
    from indexer.settings import Settings
    from indexer.store import chroma_collection

    collection = chroma_collection(Settings.load(overrides={"store_dir": folder}))
    rng = np.random.default_rng(7)
    insert_s = add_random_vectors(
        collection, n, rng, lambda j: f"doc{j // 100}:{j:07d}",
        lambda pid, j: {"passage_id": pid, "language": "fa" if j % 10 < 7 else "en",
                        "kind": "reference" if j % 10 == 9 else "body"})
    row: dict = {"passages": n, "insert_s": round(insert_s, 1)}
    for name, (where, k) in QUERIES.items():
        latencies = []
        for _ in range(queries):
            q = random_units(rng, 384)
            t = time.perf_counter()
            collection.query(query_embeddings=[q.tolist()], n_results=min(k, n), where=where)
            latencies.append((time.perf_counter() - t) * 1000)
        latencies.sort()
        row[name] = [round(statistics.median(latencies), 1),
                     round(latencies[max(0, int(0.95 * len(latencies)) - 1)], 1)]
    return row


def table(rows: list[dict]) -> str:
    head = "| passages | " + " | ".join(f"{name} p50 / p95 ms" for name in QUERIES) + " |"
    lines = [head, "|---:|" + "---:|" * len(QUERIES)]
    for r in rows:
        lines.append(f"| {r['passages']:,} | " + " | ".join(f"{r[n][0]} / {r[n][1]}" for n in QUERIES) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated store sizes")
    ap.add_argument("--queries", type=int, default=30, help="queries per form")
    args = ap.parse_args(argv)
    rows = []
    for n in (int(x) for x in args.sizes.split(",") if x):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(measure(n, args.queries, Path(tmp)))
            print(f"{n:,} passages done", file=sys.stderr, flush=True)
    print(table(rows))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"(embedded Chroma, {args.queries} queries per form; {machine}; "
          f"1-min load average at the end {os.getloadavg()[0]:.1f})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine, "rows": rows}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
