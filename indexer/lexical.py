"""BM25 over hazm tokens, through llama-index's BM25 retriever (bm25s).

bm25s' own regex tokenizer splits Persian words at ZWNJ and knows no Persian stopwords, so both
passages and queries are tokenised with :func:`indexer.normalize.lexical_tokens` first and handed
to the retriever as space-separated tokens (``token_pattern=r"\\S+"``, no stemming, no stopwords).

Tokenising is the slow part (hazm normalisation + stemming, ~5–10 ms per passage on one core) and
bm25s has no incremental add, so the tokens of every passage are kept in ``tokens.jsonl`` beside
the index: a rebuild after adding one document re-tokenises that document only (issue #9).
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Mapping

from llama_index.core.schema import BaseNode, QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from indexer.normalize import ZWNJ, fold_alef, lexical_tokens, words

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
    nodes: list[BaseNode] = [TextNode(id_=pid, text=tokens) for pid, tokens in joined]
    retriever = BM25Retriever(nodes=nodes, skip_stemming=True, language=None,  # type: ignore[arg-type]  # no stopwords
                              token_pattern=_TOKEN_PATTERN, similarity_top_k=min(50, len(nodes)))
    retriever.persist(str(folder), show_progress=False)  # explicit: bm25s ignores TQDM_DISABLE here


class LexicalIndex:
    """A persisted BM25 index answering ``search(query, k) -> [(passage_id, score)]``."""

    def __init__(self, folder: Path) -> None:
        self._alphabet: frozenset[str] | None = None
        self._retriever: BM25Retriever | None = None
        self.size = 0
        if any(folder.glob("*.json")):  # else nothing indexed
            self._retriever = BM25Retriever.from_persist_dir(str(folder))
            self.size = int(self._retriever.bm25.scores.get("num_docs", 0))

    def document_share(self, word: str) -> float:
        """Share of indexed passages holding the word's first BM25 token (0 when unknown)."""
        tokens = lexical_tokens(word)
        if not tokens or self._retriever is None or not self.size:
            return 0.0
        vocabulary = self._retriever.bm25.vocab_dict
        index = vocabulary.get(tokens[0])
        if index is None:
            return 0.0
        indptr = self._retriever.bm25.scores["indptr"]
        return float(indptr[index + 1] - indptr[index]) / self.size

    def idf(self) -> dict[str, float]:
        """IDF of every indexed token (hazm BM25 tokens)."""
        return _idf(self._retriever, self.size)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = lexical_tokens(query)
        if not tokens or self._retriever is None or not self.size:
            return []
        vocabulary = self._retriever.bm25.vocab_dict
        if self._alphabet is None:
            self._alphabet = persian_alphabet(vocabulary)
        tokens += compound_joins(query, vocabulary) + near_spellings(tokens, vocabulary, self._alphabet)
        self._retriever.similarity_top_k = min(k, self.size)
        hits = self._retriever.retrieve(QueryBundle(" ".join(tokens)))
        return [(h.node.node_id, float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]


def compound_joins(query: str, vocabulary: Mapping[str, object]) -> list[str]:
    """Adjacent Persian words of the question written as one indexed word.

    Persian compounds and verb prefixes are written with a space, a ZWNJ or nothing
    («سرما خوردگی», «سرماخوردگی»); passages index the joined form, so a question that
    spaces the compound must meet it too.

    >>> compound_joins("سرما خوردگی چند روز", {"سرماخوردگی": 0})
    ['سرماخوردگی']
    """
    persian = [fold_alef(w.replace(ZWNJ, "")) for w in words(query)]
    pairs = (a + b for a, b in zip(persian, persian[1:]) if not a.isascii() and not b.isascii())
    return [joined for joined in pairs if joined in vocabulary]


def persian_alphabet(vocabulary: Mapping[str, object]) -> frozenset[str]:
    """The letters of the index's non-Latin words (the edits :func:`near_spellings` tries)."""
    return frozenset(c for word in vocabulary if not word.isascii() for c in word)


def near_spellings(tokens: list[str], vocabulary: Mapping[str, object],
                   alphabet: frozenset[str] | None = None, limit: int = 3) -> list[str]:
    """Indexed words one edit away from a Persian question word the index does not know.

    Names and loanwords have several spellings («یونسف», «یونیسف»; «تاتلیس», «تاتلیسس»).
    Only unknown words of 4+ letters are corrected, and only when at most ``limit`` indexed
    words are that close, so a real word never drifts to a neighbour.

    >>> near_spellings(["یونسف", "کودکان"], {"یونیسف": 0, "کودکان": 1})
    ['یونیسف']
    """
    alphabet = persian_alphabet(vocabulary) if alphabet is None else alphabet
    out: list[str] = []
    for token in tokens:
        if token in vocabulary or len(token) < 4 or token.isascii():
            continue
        edits = {token[:i] + token[i + 1:] for i in range(len(token))}
        edits |= {token[:i] + c + token[i + 1:] for i in range(len(token)) for c in alphabet}
        edits |= {token[:i] + c + token[i:] for i in range(len(token) + 1) for c in alphabet}
        edits |= {token[:i] + token[i + 1] + token[i] + token[i + 2:] for i in range(len(token) - 1)}
        found = sorted(e for e in edits if e in vocabulary)
        if 0 < len(found) <= limit:
            out.extend(found)
    return out


# ---------------------------------------------------------------------------- the English view
ENGLISH_BM25 = "bm25_en"  # folder of the BM25 index over the English renderings of Persian passages


@functools.lru_cache(maxsize=1)
def _english_stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def english_tokens(text: str) -> list[str]:
    """English BM25 tokens (bm25s: English stopwords out, Snowball stems), as the English view indexes them.

    >>> english_tokens("How do governments use blockchains?")
    ['how', 'do', 'govern', 'use', 'blockchain']
    """
    import bm25s

    tokens = bm25s.tokenize([text], stopwords="en", stemmer=_english_stemmer(), return_ids=False,
                            show_progress=False)
    return list(tokens[0]) if tokens else []


def _idf(retriever: BM25Retriever | None, n_docs: int) -> dict[str, float]:
    """``log(N / df)`` of every word of a bm25s index (its sparse matrix holds one row per word)."""
    if retriever is None or not n_docs:
        return {}
    vocab, indptr = retriever.bm25.vocab_dict, retriever.bm25.scores["indptr"]
    return {w: math.log(n_docs / max(1, int(indptr[i + 1] - indptr[i])))
            for w, i in vocab.items() if i + 1 < len(indptr) and w}


def build_english_bm25(passages: list[tuple[str, str]], folder: Path) -> None:
    """BM25 over English text (bm25s' English stopwords, Snowball stemming via PyStemmer).

    Cheap to rebuild whole (≈1 ms per passage), so it keeps no token cache.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if not passages:
        return
    nodes: list[BaseNode] = [TextNode(id_=pid, text=text) for pid, text in passages]
    retriever = BM25Retriever(nodes=nodes, stemmer=_english_stemmer(), language="en",
                              similarity_top_k=min(50, len(nodes)))
    retriever.persist(str(folder), show_progress=False)  # explicit: bm25s ignores TQDM_DISABLE here


class EnglishLexicalIndex:
    """The persisted English BM25 index: ``search(query, k) -> [(passage_id, score)]``."""

    def __init__(self, folder: Path) -> None:
        self._retriever = BM25Retriever.from_persist_dir(str(folder)) if any(folder.glob("*.json")) else None
        self.size = int(self._retriever.bm25.scores.get("num_docs", 0)) if self._retriever else 0

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if self._retriever is None or not self.size or not query.strip():
            return []
        self._retriever.similarity_top_k = min(k, self.size)
        hits = self._retriever.retrieve(QueryBundle(query))
        return [(h.node.node_id, float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]

    def idf(self) -> dict[str, float]:
        """IDF of every indexed English token."""
        return _idf(self._retriever, self.size)
