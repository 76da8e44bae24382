"""The features of :class:`assistant.decline.QuestionEvidence` for one question over one store.

Everything is measured in the question's own language: a Persian question against the Persian
passages (hazm BM25 tokens, the dense collection), an English one against the parallel English
edition (its BM25 vocabulary and dense view) and the English documents.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

from assistant.background import closeness as background_closeness
from assistant.decline import QuestionEvidence, QuestionReference, coverage, question_content
from indexer.lexical import english_tokens
from indexer.normalize import lexical_tokens
from indexer.normalize import words as plain_words
from indexer.store import ENGLISH_VIEW

if TYPE_CHECKING:
    from assistant.fusion import Hit
    from assistant.retrieval import HybridRetriever

TOP_PASSAGES = 3  # passages whose words count as "the best passages hold it"
NEAREST = 5       # passages averaged for the closeness feature


class EvidenceMeter:
    """Computes :class:`QuestionEvidence` against one loaded store (cached per store version)."""

    def __init__(self, retriever: "HybridRetriever") -> None:
        self.retriever = retriever
        self._version: tuple[Any, bool] | None = None

    def _prepare(self) -> None:
        if self._version == self.retriever._version:
            return
        r = self.retriever
        self._fa_idf = r.lexical.idf()
        self._en_idf = r.english_lexical.idf()
        # English words of the English documents (abstract, cited works) count too
        for p in r.passages.values():
            if p.metadata.get("language") == "en":
                for w in english_tokens(p.text):
                    self._en_idf.setdefault(w, math.log(max(len(r.passages), 1)))
        self._version = r._version

    def measure(self, question: str, language: str, hits: Sequence["Hit"], embed_model=None,
                frame: frozenset[str] = frozenset(), reference: QuestionReference | None = None) -> QuestionEvidence:
        """``embed_model`` (default: the retriever's) embeds the question and the candidate sentences;
        ``frame`` holds the words that frame questions in this language (:func:`assistant.decline.learn_frame`);
        ``reference`` the known questions (none: :attr:`QuestionEvidence.neighbours` is 0)."""
        import numpy as np

        from assistant.answer import candidate_sentences
        from assistant.selection import unit

        self._prepare()
        r = self.retriever
        embed_model = embed_model or r.embed_model
        embedding = embed_model.get_query_embedding(question)
        content = question_content(plain_words(question), frame)  # what is asked, not how
        sentences = [c.text for c in candidate_sentences(list(hits), language, r.tables)]
        if sentences:
            vectors = unit(embed_model.get_text_embedding_batch(sentences))
            best = np.sort(vectors @ unit(embedding))[::-1]
            content_top = float(np.max(vectors @ unit(embed_model.get_query_embedding(content))))
        else:
            best, content_top = np.zeros(1), 0.0
        scores = [s for _pid, s in r.dense(question, NEAREST, embedding)]
        if language == "en" and r.english_lexical.size:
            scores += [s for _pid, s in r.dense(question, NEAREST, embedding, view=ENGLISH_VIEW)]
        scores = sorted(scores, reverse=True)[:NEAREST] or [0.0]
        top = [h.passage for h in hits[:TOP_PASSAGES]]
        if language == "en":
            words = english_tokens(content)
            idf = self._en_idf
            held_top = {w for p in top for w in english_tokens(p.metadata.get("text_en") or p.text)}
        else:
            words = lexical_tokens(content)
            idf = self._fa_idf
            held_top = {w for p in top for w in lexical_tokens(p.text)}
        unseen = math.log(max(len(r.passages), 1)) + 1.0
        weights = {w: idf.get(w, unseen) for w in words}
        corpus, corpus_idf = coverage(words, set(idf), weights)
        top3, top3_idf = coverage(words, held_top, weights)
        return QuestionEvidence(sentence_top=float(best[0]), sentence_mean3=float(best[:3].mean()),
                                content_top=content_top,
                                background_top=background_closeness(embedding),
                                dense_top=scores[0], dense_mean5=sum(scores) / len(scores), corpus_cover=corpus,
                                corpus_cover_idf=corpus_idf, top3_cover=top3, top3_cover_idf=top3_idf,
                                english=1.0 if language == "en" else 0.0,
                                neighbours=reference.closeness(embedding) if reference is not None else 0.0)
