"""BM25 over English glosses of the Persian passages: document translation beside query translation.

:mod:`assistant.lexicon` translates an English question's words into Persian (query translation); this
index translates the Persian passages into English words through the same lexicon, word by word, and
lets BM25 match the English question against them (document translation). The two fail differently —
a question word with many renderings dilutes the first, a passage word with many renderings the second —
and combining both is the classic remedy in cross-language retrieval (McCarley 1999). The glosses are
made from the BM25 tokens the index keeps for every passage (``tokens.jsonl``), so nothing is tokenised
again; the index is built in memory the first time an English question needs it.

>>> from assistant.lexicon import Lexicon
>>> lex = Lexicon.from_lines(["obstacle|barrier\\tموانع", "bus\\tاتوبوس"])
>>> index = GlossIndex.build({"a": "موانع زیاد", "b": "اتوبوس شهری", "c": "شهری"}, lex)
>>> [pid for pid, _score in index.search("Which obstacles remain?", 3)]
['a']
"""
from __future__ import annotations

from typing import Mapping

from llama_index.core.schema import BaseNode, QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from assistant.lexicon import Lexicon, english_question_words


class GlossIndex:
    """English glosses of passages, searchable by an English question."""

    def __init__(self, retriever: BM25Retriever | None, size: int) -> None:
        self._retriever, self.size = retriever, size

    @classmethod
    def build(cls, tokens_by_passage: Mapping[str, str], lexicon: Lexicon) -> "GlossIndex":
        """Gloss each passage's space-joined BM25 tokens; passages with no glossed word are left out."""
        nodes: list[BaseNode] = []
        for pid, tokens in tokens_by_passage.items():
            gloss = lexicon.gloss(tokens.split())
            if gloss:
                nodes.append(TextNode(id_=pid, text=" ".join(gloss)))
        if not nodes:
            return cls(None, 0)
        retriever = BM25Retriever(nodes=nodes, skip_stemming=True, language=None,  # type: ignore[arg-type]
                                  token_pattern=r"(?u)\S+",
                                  similarity_top_k=min(50, len(nodes)))
        return cls(retriever, len(nodes))

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """Passage ids and BM25 scores for the question's English content words, best first."""
        words = english_question_words(question)
        if not words or self._retriever is None:
            return []
        self._retriever.similarity_top_k = min(k, self.size)
        hits = self._retriever.retrieve(QueryBundle(" ".join(words)))
        return [(h.node.node_id, float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]
