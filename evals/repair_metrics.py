"""Persian repair figures: ``python -m evals.repair_metrics [--limit N]``.

Word accuracy = 1 − token-level WER (edits / reference tokens, pooled over lines) after hazm normalisation with
ZWNJ counted as a space; exact-line rate = share of lines whose normalised tokens equal the reference's.

Sets:
  * dev: evals/data/repair_dev.jsonl — 60 hand-corrected lines of the paper's garbled extraction;
  * held-out: PersianQA paragraphs the statistics never saw (``build_stats.heldout_paragraphs``), cut into
    lines of ~90 characters and garbled by ``garble.seed_garble`` (DESIGN §4 rates, fixed seed);
  * clean: all 93 PersianQA paragraphs and English lines must come back unchanged (share unchanged).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "evals" / "data" / "repair_dev.jsonl"

_TOKEN = re.compile(r"\w+|[^\w\s]")
_normalizer = None


def tokens(text: str) -> list[str]:
    global _normalizer
    if _normalizer is None:
        from hazm import Normalizer

        _normalizer = Normalizer()
    text = _normalizer.normalize(text).replace("\u200c", " ")
    return _TOKEN.findall(text)


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def score(pairs: list[tuple[str, str]]) -> dict:
    """pairs of (hypothesis, reference) → word accuracy and exact-line rate."""
    edits = total = exact = 0
    for hyp, ref in pairs:
        h, r = tokens(hyp), tokens(ref)
        d = edit_distance(h, r)
        edits += d
        total += len(r)
        exact += d == 0
    return {"lines": len(pairs), "word_accuracy": 1 - edits / max(1, total), "exact_lines": exact / max(1, len(pairs))}


def dev_lines() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_lines(paragraph: str, width: int = 90) -> list[str]:
    lines, cur = [], ""
    for w in paragraph.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    return lines


def heldout_lines(limit: int | None = None, seed: int = 7) -> list[tuple[str, str]]:
    """(garbled, gold) lines from the held-out PersianQA paragraphs, garbled the seed's way."""
    from indexer.rtl.build_stats import heldout_paragraphs
    from indexer.rtl.garble import seed_garble

    rng = random.Random(seed)
    out = []
    for para in heldout_paragraphs():
        for line in split_lines(para):
            out.append((seed_garble(line, rng), line))
    rng2 = random.Random(seed)
    rng2.shuffle(out)
    return out[:limit] if limit else out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="at most N held-out lines (default: all)")
    ap.add_argument("--skip-clean", action="store_true")
    args = ap.parse_args(argv)

    import indexer  # noqa: F401  (offline environment)
    from indexer.rtl import repair_line

    rows = []
    dev = dev_lines()
    t = time.perf_counter()
    hyp = [repair_line(r["garbled"]) for r in dev]
    rows.append(("dev (paper, 60 lines)", score([(r["garbled"], r["gold"]) for r in dev]),
                 score(list(zip(hyp, [r["gold"] for r in dev]))), time.perf_counter() - t))
    held = heldout_lines(args.limit)
    t = time.perf_counter()
    hyp = [repair_line(g) for g, _ in held]
    rows.append((f"held-out PersianQA, seed-style garbling ({len(held)} lines)", score(held),
                 score(list(zip(hyp, [g for _, g in held]))), time.perf_counter() - t))
    print("| set | lines | garbled word acc | repaired word acc | repaired exact lines | lines/s |")
    print("|---|---|---|---|---|---|")
    for name, before, after, secs in rows:
        print(f"| {name} | {after['lines']} | {before['word_accuracy']:.3f} | {after['word_accuracy']:.3f} | "
              f"{after['exact_lines']:.3f} | {after['lines'] / secs:.1f} |")
    if not args.skip_clean:
        from indexer.rtl.build_stats import pqa_paragraphs

        paras = pqa_paragraphs()
        same = sum(repair_line(p) == p for p in paras)
        en = [line for line in (ROOT / "corpus" / "smart-statesmanship" / "smart-statesmanship.extracted.txt")
              .read_text(encoding="utf-8").splitlines()[:40] if line.strip() and line.isascii()]
        same_en = sum(repair_line(line) == line for line in en)
        print(f"\nclean PersianQA paragraphs unchanged: {same}/{len(paras)}; "
              f"English lines unchanged: {same_en}/{len(en)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
