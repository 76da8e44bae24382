"""Measure the generative backend's e5 support threshold on hand-labelled sentences.

``python -m evals.support_calibration [--store DIR]`` reads ``evals/data/support_labels.jsonl``: sentences a
model might write, each citing one passage of the paper and labelled by hand as supported by it or not —
English and Persian paraphrases (supported), and claims the passage does not make: altered (same topic,
changed claim) and wrong-passage (true of another passage) sentences. For each candidate threshold it runs
the product's check (:func:`assistant.llm_support.verify`: 4-gram or e5, numbers, names) and counts how many
labelled-unsupported sentences pass (false support) and how many labelled-supported ones pass (true support).

It sweeps the e5 cosine (:data:`GRID`) and the 4-gram share that accepts a sentence without e5
(:data:`NGRAM_GRID`) and chooses the pair with the largest true-support rate less false-support rate, ties
going to the stricter pair (:func:`choose`).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.settings import PROJECT_ROOT

LABELS = PROJECT_ROOT / "evals" / "data" / "support_labels.jsonl"
GRID = [round(0.80 + 0.01 * i, 2) for i in range(16)]  # e5 cosine 0.80 … 0.95
NGRAM_GRID = [0.6, 0.7, 0.8, 0.9, 1.0]  # 4-gram share that accepts a sentence without e5 (1.0: verbatim only)


@dataclass(frozen=True)
class LabelledCheck:
    id: str
    kind: str
    supported: bool       # the label
    ngram: float
    similarity: float     # best e5 cosine with a sentence of the cited passage (either edition)
    missing: list[str]


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    ngram: float
    true_support: float   # share of labelled-supported sentences that pass
    false_support: float  # share of labelled-unsupported sentences that pass
    true_support_fa: float
    true_support_en: float


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(settings: Any, labels: list[dict[str, Any]]) -> list[LabelledCheck]:
    """Each labelled sentence checked against its passage, with its e5 cosine always computed."""
    from assistant.fusion import Hit
    from assistant.llm_prompt import ParsedSentence
    from assistant.llm_support import verify
    from assistant.retrieval import HybridRetriever

    retriever = HybridRetriever(settings)
    out = []
    for item in labels:
        hit = Hit(retriever.passages[item["passage_id"]], 1.0)
        # ngram=2.0: never accepted on 4-grams, so the e5 cosine is always computed; the 4-gram share is kept
        check = verify([ParsedSentence(item["sentence"], [1])], [hit], retriever.embed_model, ngram=2.0)[0]
        out.append(LabelledCheck(item["id"], item["kind"], bool(item["supported"]), check.ngram,
                                 float(check.similarity or 0.0), check.missing))
    return out


def passes(check: LabelledCheck, threshold: float, ngram: float) -> bool:
    """The product's verdict at ``threshold`` (see :func:`assistant.llm_support.verify`)."""
    return (check.ngram >= ngram or check.similarity >= threshold) and not check.missing


def sweep(checks: list[LabelledCheck], grid: list[float] = GRID,
          ngram_grid: list[float] = NGRAM_GRID) -> list[ThresholdRow]:
    def rate(rows: list[LabelledCheck], t: float, g: float) -> float:
        return round(float(np.mean([passes(c, t, g) for c in rows])), 3) if rows else 0.0

    pos = [c for c in checks if c.supported]
    neg = [c for c in checks if not c.supported]
    fa = [c for c in pos if c.kind.endswith("-fa")]
    en = [c for c in pos if c.kind.endswith("-en")]
    return [ThresholdRow(t, g, rate(pos, t, g), rate(neg, t, g), rate(fa, t, g), rate(en, t, g))
            for g in ngram_grid for t in grid]


def choose(rows: list[ThresholdRow]) -> ThresholdRow:
    """The pair with the most true support less false support (Youden's J); ties go to the stricter pair
    (higher 4-gram share, then higher cosine)."""
    return max(rows, key=lambda r: (round(r.true_support - r.false_support, 3), r.ngram, r.threshold))


def main(argv: list[str] | None = None) -> int:
    from indexer import offline as _offline  # noqa: F401
    from indexer.cli_common import add_settings_flags, settings_from

    parser = argparse.ArgumentParser(prog="python -m evals.support_calibration", description=__doc__)
    add_settings_flags(parser)
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args(argv)
    checks = measure(settings_from(args), load_labels(args.labels))
    rows = sweep(checks)
    report = {"labels": len(checks), "supported": sum(c.supported for c in checks),
              "chosen": asdict(choose(rows)), "sweep": [asdict(r) for r in rows],
              "checks": [asdict(c) for c in checks]}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
