"""Retrievers: each one ranked list of passages for a question, with one ``run(query, n)`` contract.

A :class:`Query` carries what several retrievers share (the question's language, its glossary terms,
its embedding); a retriever that does not apply to a question (``applies``) is skipped, so the lists
joined for a Persian question differ from those of an English one. :mod:`assistant.fusion` joins the
lists by weighted reciprocal-rank fusion; :mod:`assistant.retrieval` wires the pipeline from
:class:`indexer.settings.Settings` (the weights and which retrievers run).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from assistant.expansion import curated_terms, expand, glossary_terms
from assistant.linked_works import NamedWork, named_works, work_docs
from assistant.sections import named_sections
from assistant.store_view import Ranking, StoreView
from indexer.lang import detect_language
from indexer.links import SURNAME, YEAR
from indexer.sentence_view import SENTENCE_VIEW
from indexer.store import ENGLISH_VIEW, Passage


@dataclass
class Query:
    """A question as the retrievers see it; the embedding and the dense list are computed once."""

    text: str
    store: StoreView
    language: str = ""
    terms: list[str] = field(default_factory=list)
    _dense: dict[int, Ranking] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, text: str, store: StoreView) -> "Query":
        language = detect_language(text)
        return cls(text, store, language, expand(text, language, [*curated_terms(), *glossary_terms(store.tables)]))

    @functools.cached_property
    def sections(self) -> list[str]:
        """The outline titles the question names (:func:`assistant.sections.named_sections`)."""
        return named_sections(self.text, self.store.tables)

    @functools.cached_property
    def named_works(self) -> list[NamedWork]:
        """The cited works the question names (:func:`assistant.linked_works.named_works`)."""
        return named_works(self.text, self.store.tables)

    @functools.cached_property
    def linked_docs(self) -> tuple[str, ...]:
        """The documents that are the full text of a work the question names, unless it asks where or why the
        paper cites the work (:func:`assistant.linked_works.work_docs`)."""
        return work_docs(self.text, self.named_works)

    @functools.cached_property
    def embedding(self) -> list[float]:
        return self.store.embed_model.get_query_embedding(self.text)

    def dense(self, n: int) -> Ranking:
        """The question's own dense ranking (shared by :class:`DenseRetriever` and :class:`SectionRetriever`)."""
        if n not in self._dense:
            self._dense[n] = self.store.dense(self.text, n, self.embedding)
        return self._dense[n]


class Retriever(Protocol):
    """One ranked list: ``name`` (its weight is the setting ``<name>_weight``, dashes as underscores)."""

    name: ClassVar[str]

    def applies(self, query: Query) -> bool: ...

    def run(self, query: Query, n: int) -> Ranking: ...


class DenseRetriever:
    """e5 cosine similarity over the passages as indexed (Chroma)."""

    name = "dense"

    def applies(self, query: Query) -> bool:
        return True

    def run(self, query: Query, n: int) -> Ranking:
        return query.dense(n)


class LexicalRetriever:
    """BM25 over hazm tokens, the question followed by its glossary terms in both languages."""

    name = "lexical"

    def applies(self, query: Query) -> bool:
        return True

    def run(self, query: Query, n: int) -> Ranking:
        return query.store.lexical.search(" ".join([query.text, *query.terms]), n)


class CrossLanguageRetriever:
    """The other language's passages of ideas ranked on their own by the question's embedding.

    Cross-language cosines run lower than same-language ones, so in one ranking the answer in the other
    language loses to every loosely related passage in the question's own language (and to its
    bibliography records). Only for questions with a field term the term lists translate: an off-topic
    question would otherwise always be handed the other language's nearest passages.
    """

    name = "cross-language"

    def applies(self, query: Query) -> bool:
        return bool(query.terms)

    def run(self, query: Query, n: int) -> Ranking:
        return query.store.dense(query.text, n, query.embedding, other_language=query.language)


class EnglishDenseRetriever:
    """An English question against the parallel English edition's vectors (:mod:`indexer.english`)."""

    name = "english-dense"

    def applies(self, query: Query) -> bool:
        return query.language == "en" and query.store.english_lexical.size > 0

    def run(self, query: Query, n: int) -> Ranking:
        return query.store.dense(query.text, n, query.embedding, view=ENGLISH_VIEW)


class SentenceDenseRetriever:
    """Passages ranked by their best sentence (MaxP), either edition: e5 cosine of the question and each
    sentence of :mod:`indexer.sentence_view`, so one sentence that answers is not diluted by the rest of
    its passage."""

    name = "sentence-dense"

    @staticmethod
    def weight_key(query: Query) -> str:
        return "sentence_dense_weight" if query.language == "en" else "sentence_dense_weight_fa"

    def applies(self, query: Query) -> bool:
        return True

    def run(self, query: Query, n: int) -> Ranking:
        best: dict[str, float] = {}
        for pid, score in query.store.dense(query.text, n * query.store.settings.sentence_dense_widen,
                                            query.embedding, view=SENTENCE_VIEW):
            best.setdefault(pid, score)   # best first: the first sentence of a passage is its best
        return list(best.items())[:n]


class EnglishLexicalRetriever:
    """An English question against BM25 (Snowball stems) over the parallel English edition."""

    name = "english-lexical"

    def applies(self, query: Query) -> bool:
        return query.language == "en" and query.store.english_lexical.size > 0

    def run(self, query: Query, n: int) -> Ranking:
        return query.store.english_lexical.search(query.text, n)


class GlossRetriever:
    """BM25 of an English question over the Persian passages translated word by word (assistant/gloss.py)."""

    name = "gloss"

    def applies(self, query: Query) -> bool:
        return query.language == "en" and bool(query.terms)

    def run(self, query: Query, n: int) -> Ranking:
        return query.store.glosses().search(query.text, n)


class TranslatedTermsRetriever:
    """The question's glossary terms in the other language as a second dense query across languages.

    Its weight differs by language (``translated_weight`` for English questions, ``translated_weight_fa``
    for Persian ones): the pipeline asks :meth:`weight_key`.
    """

    name = "translated"

    def applies(self, query: Query) -> bool:
        return bool(query.terms)

    @staticmethod
    def weight_key(query: Query) -> str:
        return "translated_weight" if query.language == "en" else "translated_weight_fa"

    def run(self, query: Query, n: int) -> Ranking:
        translated = " ".join(query.terms)
        return query.store.dense(translated, n, query.store.embed_model.get_query_embedding(translated))


class SectionRetriever:
    """The passages of a section the question names («چکیده انگلیسی», "conclusion"): reading order,
    re-ordered by the question's dense ranking where known."""

    name = "section"

    def applies(self, query: Query) -> bool:
        return bool(query.sections)

    def run(self, query: Query, n: int) -> Ranking:
        sections = query.sections
        in_section = [(pid, 1.0) for pid, p in query.store.passages.items()
                      if any(title in p.metadata.get("section_path", "").split("\n") for title in sections)]
        dense_rank = {pid: r for r, (pid, _s) in enumerate(query.dense(n))}
        in_section.sort(key=lambda item: dense_rank.get(item[0], len(dense_rank)))
        return in_section


class CitedWorkRetriever:
    """The passages citing a work the question names («Zhao et al. (2012)»), in reading order."""

    name = "citation"

    def applies(self, query: Query) -> bool:
        return True

    def run(self, query: Query, n: int) -> Ranking:
        return citation_matches(query.text, query.store.passages)


class LinkedWorkRetriever:
    """The passages of a cited work's full text when the question names that work («What does Giffinger et
    al. (2007) say about smart mobility?»): the work's own passages ranked by the question's embedding among
    themselves (:mod:`assistant.linked_works`). A question naming no linked work adds no list, so with no
    document linked every ranking is what it was."""

    name = "linked-work"

    def applies(self, query: Query) -> bool:
        return bool(query.linked_docs)

    def run(self, query: Query, n: int) -> Ranking:
        return [(pid, score) for pid, score in query.store.dense(query.text, n, query.embedding,
                                                                 doc_ids=query.linked_docs)
                if not query.store.passages[pid].is_record]


RETRIEVERS: dict[str, type] = {r.name: r for r in (
    DenseRetriever, LexicalRetriever, CrossLanguageRetriever, EnglishDenseRetriever, EnglishLexicalRetriever,
    GlossRetriever, TranslatedTermsRetriever, SectionRetriever, CitedWorkRetriever, LinkedWorkRetriever,
    SentenceDenseRetriever)}
"""Every retriever by name: ``Settings.retrievers`` lists those the pipeline runs, in this order."""


_NOT_NAMES = {"what", "which", "how", "why", "who", "where", "when", "the", "does", "do", "is", "are",
              "summarise", "summarize", "list", "give", "according", "paper", "in", "for", "and",
              "smart", "internet", "things", "estonia", "singapore", "barcelona", "dubai", "london",
              "korea", "south", "china", "iran", "europe", "european", "union", "english", "persian"}


def citation_matches(query: str, passages: dict[str, Passage]) -> Ranking:
    """Passages that cite a work named in the question («Zhao et al. (2012)»), in reading order."""
    names = [m for m in SURNAME.findall(query) if m.lower() not in _NOT_NAMES]
    if not names:
        return []
    years = YEAR.findall(query)
    out = []
    for pid, passage in passages.items():
        if passage.metadata.get("kind") == "reference":
            continue
        for name in names:
            pattern = rf"{re.escape(name)}[^()]{{0,40}}?{years[0] if years else r'(1[34]|20|19)[0-9]{2}'}"
            if re.search(pattern, passage.text):
                out.append((pid, 1.0))
                break
    return out
