"""BM25 over hazm tokens, through llama-index's BM25 retriever (bm25s).

bm25s' own regex tokenizer splits Persian words at ZWNJ and knows no Persian stopwords, so both
passages and queries are tokenised with :func:`indexer.normalize.lexical_tokens` first and handed
to the retriever as space-separated tokens (``token_pattern=r"\\S+"``, no stemming, no stopwords).
"""
from __future__ import annotations

from pathlib import Path

from llama_index.core.schema import QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from indexer.normalize import lexical_tokens

_TOKEN_PATTERN = r"(?u)\S+"


def build_bm25(passages: list[tuple[str, str]], folder: Path) -> None:
    """Index ``(passage_id, text)`` pairs and persist the retriever into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if not passages:  # an empty store (every document removed): bm25s cannot index nothing
        return
    nodes = [TextNode(id_=pid, text=" ".join(lexical_tokens(text)) or "_") for pid, text in passages]
    retriever = BM25Retriever(nodes=nodes, skip_stemming=True, language=None,
                              token_pattern=_TOKEN_PATTERN, similarity_top_k=min(50, len(nodes)))
    folder.mkdir(parents=True, exist_ok=True)
    retriever.persist(str(folder))


class LexicalIndex:
    """A persisted BM25 index answering ``search(query, k) -> [(passage_id, score)]``."""

    def __init__(self, folder: Path) -> None:
        if not any(folder.glob("*.json")):  # nothing indexed
            self._retriever, self.size = None, 0
            return
        self._retriever = BM25Retriever.from_persist_dir(str(folder))
        self.size = int(self._retriever.bm25.scores.get("num_docs", 0))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = lexical_tokens(query)
        if not tokens or not self.size:
            return []
        self._retriever.similarity_top_k = min(k, self.size)
        hits = self._retriever.retrieve(QueryBundle(" ".join(tokens)))
        return [(h.node.node_id, float(h.score)) for h in hits if h.score > 0]
