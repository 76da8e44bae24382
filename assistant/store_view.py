"""The store as the retrievers read it: passages, tables, BM25 indexes and the Chroma views.

:class:`StoreView` reads the store's live state and reopens everything when a build publishes a new
version, so a running app keeps answering during and after an index update. It offers the searches the
retrievers of :mod:`assistant.retrievers` are made of; it ranks nothing itself.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import QueryBundle
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.gloss import GlossIndex
from assistant.lexicon import lexicon
from indexer.lexical import ENGLISH_BM25, EnglishLexicalIndex, LexicalIndex, load_tokens
from indexer.sentence_view import SENTENCE_VIEW
from indexer.settings import Settings
from indexer.store import ENGLISH_VIEW, RECORD_KINDS, Passage, chroma_collection, load_passages, read_state, tables_dir
from indexer.tables import load_tables

Ranking = list[tuple[str, float]]
"""Passage ids with a score, best first: what every retriever returns."""


class EmptyStoreError(RuntimeError):
    """The store has no index yet."""


class StoreView:
    """One store's published version (embedded Chroma or a Chroma server), reopened when it changes."""

    def __init__(self, settings: Settings, embed_model: BaseEmbedding) -> None:
        self.settings = settings
        self.embed_model = embed_model
        self._version: tuple[Any, bool] | None = None
        self._load()

    def _load(self) -> None:
        state = read_state(Path(self.settings.store_dir))
        if not state.get("tables"):
            raise EmptyStoreError(f"no index in {self.settings.store_dir}: run `python -m indexer build` first")
        folder = tables_dir(Path(self.settings.store_dir), state["tables"])
        self.state = state
        self.passages: dict[str, Passage] = load_passages(folder)
        self.lexical = LexicalIndex(folder / "bm25")
        self.english_lexical = EnglishLexicalIndex(folder / ENGLISH_BM25)
        self.tables: dict[str, dict[str, Any]] = load_tables(folder)
        self._collections = {view: chroma_collection(self.settings, view) for view in ("", ENGLISH_VIEW, SENTENCE_VIEW)}
        self._indexes = {view: VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=collection), embed_model=self.embed_model)
            for view, collection in self._collections.items()}
        self._live_versions = [d["doc_version"] for d in state["docs"].values()]
        self._folder = folder
        self._gloss: GlossIndex | None = None
        self._version = (state["version"], state.get("clean", True))

    def refresh(self) -> bool:
        """Reopen the store if a build published a new version since; True when it did."""
        state = read_state(Path(self.settings.store_dir))
        if (state["version"], state.get("clean", True)) != self._version:
            self._load()
            return True
        return False

    def dense(self, query: str, k: int, query_embedding: list[float] | None = None,
              other_language: str | None = None, view: str = "", doc_ids: tuple[str, ...] = ()) -> Ranking:
        """Passage ids and cosine similarities, best first.

        ``other_language``: only passages of ideas (no bibliography records or cards) whose language is
        not this one (the cross-language view); ``view``: ``""`` (the passages as indexed),
        :data:`indexer.store.ENGLISH_VIEW` (the parallel English edition) or
        :data:`indexer.sentence_view.SENTENCE_VIEW` (one entry per sentence, so a passage id can recur);
        ``doc_ids``: only these documents' passages.
        """
        conditions: list[MetadataFilter | MetadataFilters] = []
        if not self.state.get("clean", True):
            # a build is in flight or crashed: only live document versions count
            conditions.append(MetadataFilter(key="doc_version", value=self._live_versions,
                                             operator=FilterOperator.IN))
        if doc_ids:  # by their live versions (the vector store's own doc_id field is llama-index's, not ours)
            versions = [self.state["docs"][d]["doc_version"] for d in doc_ids if d in self.state["docs"]]
            conditions.append(MetadataFilter(key="doc_version", value=versions, operator=FilterOperator.IN))
        wanted = k
        # Chroma filters metadata before the vector search at a cost linear in the matching rows
        # (benchmarks/cross_language_filter.py: ~20 ms at 10k passages, 120–230 ms at 100k), so a
        # large store asks for a wide unfiltered top list and keeps the other language's passages.
        prefilter = bool(other_language) and len(self.passages) <= self.settings.cross_language_filter_limit
        if prefilter:
            conditions.append(MetadataFilter(key="language", value=other_language, operator=FilterOperator.NE))
            conditions.append(MetadataFilter(key="kind", value=list(RECORD_KINDS), operator=FilterOperator.NIN))
        elif other_language:
            k = min(len(self.passages), k * self.settings.cross_language_widen)
        filters = MetadataFilters(filters=conditions) if conditions else None
        retriever = self._indexes[view].as_retriever(similarity_top_k=k, filters=filters)
        out = []
        for hit in retriever.retrieve(QueryBundle(query, embedding=query_embedding)):
            pid = hit.node.metadata.get("passage_id")
            if pid in self.passages:
                out.append((pid, float(hit.score or 0.0)))
        if other_language and not prefilter:
            out = [(pid, score) for pid, score in out
                   if self.passages[pid].metadata.get("language") != other_language
                   and not self.passages[pid].is_record][:wanted]
        return out

    def vectors(self, ids: Sequence[str], view: str = "") -> dict[str, np.ndarray]:
        """The stored vectors of these passages in ``view`` (``""`` or :data:`indexer.store.ENGLISH_VIEW`; a
        passage the view lacks, such as an untranslated one in the English view, is absent)."""
        if not ids:
            return {}
        got = self._collections[view].get(where={"passage_id": {"$in": list(dict.fromkeys(ids))}},
                                          include=["embeddings", "metadatas"])
        live = set(self._live_versions)   # a build may have added a passage's next version under the same id
        out: dict[str, np.ndarray] = {}
        for meta, vector in zip(got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else []):
            if meta.get("doc_version") in live:
                out.setdefault(str(meta.get("passage_id")), np.asarray(vector, dtype=np.float64))
        return out

    def glosses(self) -> GlossIndex:
        """English glosses of the Persian passages of ideas, built on first use from the BM25 tokens."""
        if self._gloss is None:
            tokens = load_tokens(self._folder / "bm25")
            persian = {pid: t for pid, t in tokens.items() if pid in self.passages
                       and self.passages[pid].metadata.get("language") == "fa" and not self.passages[pid].is_record}
            self._gloss = GlossIndex.build(persian, lexicon())
        return self._gloss
