"""BM25 over hazm tokens, through llama-index's BM25 retriever (bm25s).

bm25s' own regex tokenizer splits Persian words at ZWNJ and knows no Persian stopwords, so both
passages and queries are tokenised with :func:`indexer.normalize.lexical_tokens` first and handed
to the retriever as space-separated tokens (``token_pattern=r"\\S+"``, no stemming, no stopwords).

Tokenising is the slow part (hazm normalisation + stemming, ~5–10 ms per passage on one core) and
bm25s has no incremental add, so the tokens of every passage are kept in ``tokens.jsonl`` beside
the index: a rebuild after adding one document re-tokenises that document only (issue #9).
"""
from __future__ import annotations

import json
from pathlib import Path

from llama_index.core.schema import QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from indexer.normalize import lexical_tokens

_TOKEN_PATTERN = r"(?u)\S+"


TOKENS_FILE = "tokens.jsonl"


def load_tokens(folder: Path | None) -> dict[str, str]:
    """Space-joined tokens by passage id from an earlier build's ``folder`` ({} when absent)."""
    path = folder / TOKENS_FILE if folder else None
    if not path or not path.is_file():
        return {}
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out[rec["id"]] = rec["tokens"]
    return out


def build_bm25(passages: list[tuple[str, str]], folder: Path, cached: dict[str, str] | None = None) -> None:
    """Index ``(passage_id, text)`` pairs and persist the retriever into ``folder``.

    ``cached`` holds tokens of passages whose text is unchanged since they were tokenised (the
    caller's promise: the pipeline passes the previous build's tokens for documents it kept).
    """
    folder.mkdir(parents=True, exist_ok=True)
    cached = cached or {}
    joined = [(pid, cached[pid] if pid in cached else (" ".join(lexical_tokens(text)) or "_"))
              for pid, text in passages]
    with (folder / TOKENS_FILE).open("w", encoding="utf-8") as fh:
        for pid, tokens in joined:
            fh.write(json.dumps({"id": pid, "tokens": tokens}, ensure_ascii=False) + "\n")
    if not joined:  # an empty store (every document removed): bm25s cannot index nothing
        return
    nodes = [TextNode(id_=pid, text=tokens) for pid, tokens in joined]
    retriever = BM25Retriever(nodes=nodes, skip_stemming=True, language=None,
                              token_pattern=_TOKEN_PATTERN, similarity_top_k=min(50, len(nodes)))
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
