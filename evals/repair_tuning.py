"""The text-dev tuning set of the RTL repair: ``python -m evals.repair_tuning [DIR] [--limit N]``.

The 60 dev lines of the paper are few, so the weights of the running-text model
(indexer/rtl/build_text_lm.py) were also measured on "text-dev": every 20th sentence of TICO-19 and NTREX-128
(DIR, default shared/corpus/persian-text beside the checkout) is kept out of a tuning-only build of the model,
cut into lines of ~90 characters and garbled the seed's way (``garble.seed_garble``, seed 11); 250 lines of
more than 30 characters, shuffled with the same seed. The shipped model is built from all the text. The
held-out PersianQA lines are never used for choosing anything.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HOLD_EVERY = 20
HOLD_FILES = ("tico19-fa.txt", "ntrex128-fa.txt")
SEED = 11
LINES = 250


def split(source: Path) -> tuple[list[str], list[str]]:
    """(sentences of the tuning-only model, held-out sentences)."""
    from indexer.rtl.build_text_lm import SOURCE_FILES

    train: list[str] = []
    held: list[str] = []
    for name in SOURCE_FILES:
        for i, line in enumerate((source / name).read_text(encoding="utf-8").splitlines()):
            (held if name in HOLD_FILES and i % HOLD_EVERY == 0 else train).append(line)
    return train, held


def text_dev_lines(held: list[str]) -> list[tuple[str, str]]:
    """(garbled, gold) lines of the held-out sentences."""
    from evals.repair_metrics import split_lines
    from indexer.rtl.garble import seed_garble

    rng = random.Random(SEED)
    pairs = [(seed_garble(line, rng), line) for s in held for line in split_lines(s) if len(line) > 30]
    random.Random(SEED).shuffle(pairs)
    return pairs[:LINES]


@contextmanager
def tuning_model(train: list[str]) -> Iterator[None]:
    """The repair reads a running-text model built from ``train`` only (in a temporary file) while inside;
    the shipped model, and empty caches, afterwards."""
    from indexer.rtl import build_text_lm, chunks, lm

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tuning_lm.json.gz"
        build_text_lm.write(build_text_lm.count(train), path)
        saved = lm.TEXT_LM_PATH
        lm.TEXT_LM_PATH = path
        lm.get_lm.cache_clear()
        chunks.unchunk.cache_clear()
        try:
            yield
        finally:
            lm.TEXT_LM_PATH = saved
            lm.get_lm.cache_clear()
            chunks.unchunk.cache_clear()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=None, help="the persian-text folder")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)

    import indexer  # noqa: F401
    from evals.repair_metrics import score
    from indexer.rtl import build_text_lm
    from indexer.rtl.repair import repair_line

    train, held = split(args.source or build_text_lm.DEFAULT_SOURCE)
    pairs = text_dev_lines(held)[: args.limit]
    with tuning_model(train):
        s = score([(repair_line(g), gold) for g, gold in pairs])
    print(f"text-dev ({s['lines']} lines): word accuracy {s['word_accuracy']:.4f}, "
          f"exact lines {s['exact_lines']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
