"""Repair speed: ``python -m benchmarks.repair_speed [--workers N] [--limit N]``.

Repairs the whole garbled paper (corpus/smart-statesmanship/smart-statesmanship.extracted.txt, 1,579 lines)
and prints a table: lines, Persian lines rebuilt, wall seconds, CPU seconds of this process, lines/second.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "corpus" / "smart-statesmanship" / "smart-statesmanship.extracted.txt"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=None, help="processes (default: CPUs, at most 4)")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)

    import indexer  # noqa: F401
    from indexer.rtl.lm import get_lm
    from indexer.rtl.repair import repair_many

    lines = PAPER.read_text(encoding="utf-8").split("\n")[: args.limit]
    t0 = time.perf_counter()
    get_lm()
    load = time.perf_counter() - t0
    workers = args.workers or min(4, os.cpu_count() or 1)
    import resource

    t = time.perf_counter()
    c = time.process_time()
    ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = repair_many(lines, workers=workers)
    wall = time.perf_counter() - t
    ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c + (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
    changed = sum(a != b for a, b in zip(lines, out))
    print("| input | lines | lines changed | workers | load s | wall s | CPU s (all processes) | lines/s (wall) | "
          "lines/CPU-s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {PAPER.name} | {len(lines)} | {changed} | {workers} | {load:.1f} | {wall:.1f} | {cpu:.1f} | "
          f"{len(lines) / wall:.1f} | {len(lines) / max(cpu, 1e-9):.1f} |")
    print(f"\nmachine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(wall time is only meaningful on an idle machine; CPU s / workers is the idle-machine estimate)")
    assert len(out) == len(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
