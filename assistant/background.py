"""General-language background: how close a question is to ordinary prose, against how close to the corpus.

An off-topic question and a short on-topic one ("What does the paper say about Estonia?") can be
equally far from the corpus in absolute e5 cosine; what tells them apart is that the off-topic question is
*closer to ordinary language* than to the corpus. The background is a fixed sample of 1,600 sentences of
real Persian prose (news, fiction, academic, technical, health), embedded once with the same e5 model in
the passage role and shipped as ``data/background_fa.npy`` (float16). e5 is multilingual, so English
questions are measured against it as well; the decline model learns each language's scale.

Built by ``python -m assistant.background DIR`` from ``shared/corpus/persian-text`` (see
``data/BACKGROUND.md`` for the sources, their licences and the changes made).
"""
from __future__ import annotations

import functools
import random
import sys
from pathlib import Path

import numpy as np

from assistant.selection import unit

BACKGROUND_FILE = Path(__file__).resolve().parent / "data" / "background_fa.npy"
# the sources and how many sentences each gives (8–40 words, drawn with a fixed seed)
SOURCES = {"perdt-train.txt": 400, "updt.txt": 400, "tico19-fa.txt": 400, "ntrex128-fa.txt": 400}
SEED = 1


@functools.lru_cache(maxsize=1)
def background_vectors() -> np.ndarray | None:
    """The shipped background vectors (unit length, float32), or None when the file is missing."""
    if not BACKGROUND_FILE.is_file():
        return None
    return unit(np.load(BACKGROUND_FILE))


def closeness(query_vector) -> float:
    """Cosine of a question (query-role vector) to its nearest background sentence (0 without a background)."""
    vectors = background_vectors()
    if vectors is None:
        return 0.0
    return float(np.max(vectors @ unit(query_vector)))


def sample_sentences(text_dir: Path) -> list[str]:
    rng = random.Random(SEED)
    out: list[str] = []
    for name, n in SOURCES.items():
        lines = [line.strip() for line in (Path(text_dir) / name).read_text(encoding="utf-8").splitlines()
                 if 8 <= len(line.split()) <= 40]
        out += rng.sample(lines, n)
    return out


def build(text_dir: Path, out: Path = BACKGROUND_FILE) -> int:
    """Embed the sampled sentences (passage role) and write them as float16."""
    from indexer.embedding import get_embedding
    from indexer.settings import Settings

    sentences = sample_sentences(text_dir)
    vectors = unit(get_embedding(Settings.load()).get_text_embedding_batch(sentences))
    np.save(out, vectors.astype(np.float16))
    background_vectors.cache_clear()
    return len(sentences)


if __name__ == "__main__":  # pragma: no cover - a maintainer's build step
    from indexer import offline as _offline  # noqa: F401

    if len(sys.argv) != 2:
        sys.exit("usage: python -m assistant.background PERSIAN_TEXT_DIR")
    print(f"{build(Path(sys.argv[1]))} sentences -> {BACKGROUND_FILE}")
