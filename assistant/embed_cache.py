"""An embedding model that remembers what it embedded, so one question's sentences are embedded once.

The decline check (:mod:`assistant.question_evidence`) and the answer composer (:mod:`assistant.answer`)
both embed the candidate sentences of the same passages; the cache makes the second call free.

>>> class Model:
...     calls = 0
...     def get_text_embedding_batch(self, texts):
...         Model.calls += len(texts)
...         return [[float(len(t))] for t in texts]
...     def get_query_embedding(self, text):
...         return [0.0]
>>> cached = CachedEmbedding(Model())
>>> cached.get_text_embedding_batch(["a", "bb"]), cached.get_text_embedding_batch(["bb", "ccc"]), Model.calls
([[1.0], [2.0]], [[2.0], [3.0]], 3)
"""
from __future__ import annotations

from collections import OrderedDict


class CachedEmbedding:
    """Passage-role and query-role vectors of an embedding model, kept per text (least recently used out)."""

    def __init__(self, model, size: int = 4096) -> None:
        self.model = model
        self.size = size
        self._texts: OrderedDict[str, list[float]] = OrderedDict()
        self._queries: OrderedDict[str, list[float]] = OrderedDict()

    def _keep(self, cache: OrderedDict, key: str, value: list[float]) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self.size:
            cache.popitem(last=False)

    def get_text_embedding_batch(self, texts: list[str], **kwargs) -> list[list[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._texts))
        if missing:
            for text, vector in zip(missing, self.model.get_text_embedding_batch(missing, **kwargs)):
                self._keep(self._texts, text, vector)
        return [self._texts[t] for t in texts]

    def get_query_embedding(self, text: str) -> list[float]:
        if text not in self._queries:
            self._keep(self._queries, text, self.model.get_query_embedding(text))
        return self._queries[text]
