"""Persian repair figures: ``python -m evals repair [--limit N] [--skip-clean] [--skip-paper]``.

Word accuracy = 1 − token-level WER (edits / reference tokens, pooled over lines) after hazm normalisation with
ZWNJ counted as a space; exact-line rate = share of lines whose normalised tokens equal the reference's.

Sets:
  * dev: evals/data/repair_dev.jsonl — 60 hand-corrected lines of the paper's garbled extraction;
  * held-out: PersianQA paragraphs the statistics never saw (``build_stats.heldout_paragraphs``), cut into
    lines of ~90 characters and garbled by ``garble.seed_garble`` (DESIGN §4 rates, fixed seed);
  * clean: all 93 PersianQA paragraphs, the English lines and every line of the paper's proofread edition
    must come back unchanged (share unchanged);
  * paper: every garbled line of the extraction that the proofread edition has, repaired, against it.

Every figure is printed twice: "baseline" is the repair of issue 3 (no model of running text, chunks of at
most 24 units: ``baseline_repair``), "now" is today's.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "evals" / "data" / "repair_dev.jsonl"
PAPER = ROOT / "corpus" / "smart-statesmanship"
BASELINE_MAX_CHUNK = 24  # issue 3's chunk limit

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


@contextlib.contextmanager
def baseline_repair() -> Iterator[None]:
    """Within the block, ``repair_line`` is issue 3's repair: no model of running text, chunks ≤ 24 units."""
    from indexer.rtl import chunks, lm

    saved = lm.USE_TEXT_MODEL, chunks.MAX_CHUNK
    lm.USE_TEXT_MODEL, chunks.MAX_CHUNK = False, BASELINE_MAX_CHUNK
    _reset()
    try:
        yield
    finally:
        lm.USE_TEXT_MODEL, chunks.MAX_CHUNK = saved
        _reset()


def _reset() -> None:
    from indexer.rtl import chunks, lm

    lm.get_lm.cache_clear()
    chunks.unchunk.cache_clear()
    chunks._JUNCTION.clear()


def paper_pairs() -> list[tuple[str, str]]:
    """(extracted line, proofread line) for every line of the proofread edition."""
    extracted = (PAPER / "smart-statesmanship.extracted.txt").read_text(encoding="utf-8").split("\n")
    rows = [json.loads(x) for x in (PAPER / "smart-statesmanship.clean.jsonl").read_text(encoding="utf-8")
            .splitlines() if x.strip()]
    return [(extracted[r["line_no"] - 1], r["clean"]) for r in rows]


def clean_lines() -> list[str]:
    """Clean text that must pass through unchanged: PersianQA paragraphs, English lines, proofread paper."""
    from indexer.rtl.build_stats import pqa_paragraphs

    english = [line for line in (PAPER / "smart-statesmanship.extracted.txt").read_text(encoding="utf-8")
               .splitlines()[:40] if line.strip() and line.isascii()]
    return pqa_paragraphs() + english + [clean for _, clean in paper_pairs()]


def measure(held: list[tuple[str, str]], clean: bool, paper: bool) -> dict[str, tuple[dict, float]]:
    """Figures of the current ``repair_line``: set name → (score, seconds)."""
    from indexer.rtl import repair_line
    from indexer.rtl.repair import repair_many

    out: dict[str, tuple[dict, float]] = {}
    dev = dev_lines()
    t = time.perf_counter()
    hyp = [repair_line(r["garbled"]) for r in dev]
    out["dev"] = score(list(zip(hyp, [r["gold"] for r in dev]))), time.perf_counter() - t
    t = time.perf_counter()
    hyp = [repair_line(g) for g, _ in held]
    out["held"] = score(list(zip(hyp, [g for _, g in held]))), time.perf_counter() - t
    if clean:
        lines = clean_lines()
        t = time.perf_counter()
        same = sum(repair_line(x) == x for x in lines)
        out["clean"] = {"lines": len(lines), "unchanged": same / len(lines)}, time.perf_counter() - t
    if paper:
        pairs = paper_pairs()
        t = time.perf_counter()
        hyp = repair_many([g for g, _ in pairs], workers=2)
        out["paper"] = score(list(zip(hyp, [c for _, c in pairs]))), time.perf_counter() - t
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="at most N held-out lines (default: all)")
    ap.add_argument("--skip-clean", action="store_true", help="skip the clean-text passthrough check")
    ap.add_argument("--skip-paper", action="store_true", help="skip the whole-paper figure (~1 min)")
    ap.add_argument("--skip-baseline", action="store_true", help="only today's repair")
    args = ap.parse_args(argv)

    import indexer  # noqa: F401  (offline environment)

    held = heldout_lines(args.limit)
    now = measure(held, not args.skip_clean, not args.skip_paper)
    base: dict[str, tuple[dict, float]] = {}
    if not args.skip_baseline:
        with baseline_repair():
            base = measure(held, not args.skip_clean, not args.skip_paper)
    print(markdown(now, base, garbled={"dev": score([(r["garbled"], r["gold"]) for r in dev_lines()]),
                                       "held": score(held)}, n_held=len(held)))
    return 0


def markdown(now: dict, base: dict, garbled: dict, n_held: int) -> str:
    names = {"dev": "dev (paper, 60 hand-corrected lines)",
             "held": f"held-out PersianQA, seed-style garbling ({n_held} lines)",
             "paper": "whole paper, extracted → proofread (all lines of the proofread edition)"}
    header = ("| set | lines | garbled word acc | baseline word acc | word acc | baseline exact lines "
              "| exact lines | lines/s |")
    rows = [header, "|---|---|---|---|---|---|---|---|"]
    for k in ("dev", "held", "paper"):
        if k not in now:
            continue
        s, secs = now[k]
        b = base.get(k, ({}, 0))[0]
        g = garbled.get(k, {}).get("word_accuracy")
        rows.append(f"| {names[k]} | {s['lines']} | {'' if g is None else f'{g:.3f}'} | "
                    f"{b.get('word_accuracy', float('nan')):.3f} | **{s['word_accuracy']:.3f}** | "
                    f"{b.get('exact_lines', float('nan')):.3f} | {s['exact_lines']:.3f} | "
                    f"{s['lines'] / secs:.1f} |")
    if "clean" in now:
        c = now["clean"][0]
        b = base.get("clean", ({}, 0))[0]
        rows.append(f"\nclean text unchanged ({c['lines']} lines: 93 PersianQA paragraphs, English lines, "
                    f"the proofread paper): baseline {b.get('unchanged', float('nan')):.3f}, "
                    f"now **{c['unchanged']:.3f}**")
    return "\n".join(rows)

if __name__ == "__main__":
    sys.exit(main())
