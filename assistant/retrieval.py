"""Hybrid retrieval: e5 dense vectors (Chroma) + BM25 over hazm tokens, fused by weighted RRF.

The retriever reads the store's live state and reopens its tables when a build publishes a new
version, so a running app keeps answering during and after an index update.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core import VectorStoreIndex
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore

from indexer.embedding import get_embedding
from indexer.lexical import LexicalIndex
from indexer.settings import Settings
from indexer.store import Passage, chroma_collection, load_passages, read_state, tables_dir
from indexer.tables import load_tables


class EmptyStoreError(RuntimeError):
    """The store has no index yet."""


@dataclass
class Hit:
    """A retrieved passage with the evidence for its rank."""

    passage: Passage
    score: float
    dense: float | None = None
    lexical: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None
    extras: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return self.passage.to_json(self.score)


class HybridRetriever:
    """Dense + lexical retrieval over one store (embedded Chroma or a Chroma server)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embed_model = get_embedding(settings)
        self._version = None
        self._load()

    # -- store state -----------------------------------------------------------------------
    def _load(self) -> None:
        state = read_state(Path(self.settings.store_dir))
        if not state.get("tables"):
            raise EmptyStoreError(f"no index in {self.settings.store_dir}: run `python -m indexer build` first")
        folder = tables_dir(Path(self.settings.store_dir), state["tables"])
        self.state = state
        self.passages: dict[str, Passage] = load_passages(folder)
        self.lexical = LexicalIndex(folder / "bm25")
        self.tables = load_tables(folder)
        vector_store = ChromaVectorStore(chroma_collection=chroma_collection(self.settings))
        self._index = VectorStoreIndex.from_vector_store(vector_store, embed_model=self.embed_model)
        self._live_versions = [d["doc_version"] for d in state["docs"].values()]
        self._version = (state["version"], state.get("clean", True))

    def refresh(self) -> bool:
        """Reopen the store if a build published a new version since; True when it did."""
        state = read_state(Path(self.settings.store_dir))
        if (state["version"], state.get("clean", True)) != self._version:
            self._load()
            return True
        return False

    # -- search ---------------------------------------------------------------------------
    def dense(self, query: str, k: int, query_embedding: list[float] | None = None) -> list[tuple[str, float]]:
        """Passage ids and cosine similarities, best first."""
        filters = None
        if not self.state.get("clean", True):
            # a build is in flight or crashed: only live document versions count
            filters = MetadataFilters(filters=[MetadataFilter(
                key="doc_version", value=self._live_versions, operator=FilterOperator.IN)])
        retriever = self._index.as_retriever(similarity_top_k=k, filters=filters)
        from llama_index.core.schema import QueryBundle

        bundle = QueryBundle(query, embedding=query_embedding)
        out = []
        for hit in retriever.retrieve(bundle):
            pid = hit.node.metadata.get("passage_id")
            if pid in self.passages:
                out.append((pid, float(hit.score or 0.0)))
        return out

    def retrieve(self, query: str, k: int | None = None, expansions: list[str] | None = None) -> list[Hit]:
        """Fused ranking of passages for a question (best first)."""
        k = k or self.settings.top_k
        n = max(self.settings.candidate_k, k)
        query_embedding = self.embed_model.get_query_embedding(query)
        dense = self.dense(query, n, query_embedding)
        lexical_query = " ".join([query, *(expansions or [])])
        lexical = self.lexical.search(lexical_query, n)
        fused: dict[str, Hit] = {}
        c = self.settings.rrf_k
        for rank, (pid, score) in enumerate(dense, start=1):
            hit = fused.setdefault(pid, Hit(self.passages[pid], 0.0))
            hit.dense, hit.dense_rank = score, rank
            hit.score += self.settings.dense_weight / (c + rank)
        for rank, (pid, score) in enumerate(lexical, start=1):
            if pid not in self.passages:
                continue
            hit = fused.setdefault(pid, Hit(self.passages[pid], 0.0))
            hit.lexical, hit.lexical_rank = score, rank
            hit.score += self.settings.lexical_weight / (c + rank)
        ranked = sorted(fused.values(), key=lambda h: -h.score)
        return ranked[:k]


def timed(fn, *args, **kwargs):
    """Run ``fn`` and return (result, milliseconds)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000
