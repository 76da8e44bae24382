"""Hybrid retrieval: e5 dense vectors (Chroma) + BM25 over hazm tokens, fused by weighted RRF.

The retriever reads the store's live state and reopens its tables when a build publishes a new
version, so a running app keeps answering during and after an index update.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core import VectorStoreIndex
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.expansion import curated_terms, expand, glossary_terms
from assistant.gloss import GlossIndex
from assistant.lexicon import lexicon
from assistant.sections import named_sections
from indexer.embedding import get_embedding
from indexer.lang import detect_language
from indexer.lexical import ENGLISH_BM25, EnglishLexicalIndex, LexicalIndex, load_tokens
from indexer.settings import Settings
from indexer.store import (ENGLISH_VIEW, RECORD_KINDS, Passage, chroma_collection, load_passages, read_state,
                           tables_dir)
from indexer.tables import load_tables


class EmptyStoreError(RuntimeError):
    """The store has no index yet."""


@dataclass
class Hit:
    """A retrieved passage with the evidence for its rank."""

    passage: Passage
    score: float
    dense: float | None = None
    lexical: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None
    extras: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return self.passage.to_json(self.score)


class HybridRetriever:
    """Dense + lexical retrieval over one store (embedded Chroma or a Chroma server)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embed_model = get_embedding(settings)
        self._version = None
        self._load()

    # -- store state -----------------------------------------------------------------------
    def _load(self) -> None:
        state = read_state(Path(self.settings.store_dir))
        if not state.get("tables"):
            raise EmptyStoreError(f"no index in {self.settings.store_dir}: run `python -m indexer build` first")
        folder = tables_dir(Path(self.settings.store_dir), state["tables"])
        self.state = state
        self.passages: dict[str, Passage] = load_passages(folder)
        self.lexical = LexicalIndex(folder / "bm25")
        self.tables = load_tables(folder)
        vector_store = ChromaVectorStore(chroma_collection=chroma_collection(self.settings))
        self._index = VectorStoreIndex.from_vector_store(vector_store, embed_model=self.embed_model)
        self.english_lexical = EnglishLexicalIndex(folder / ENGLISH_BM25)
        self._index_en = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=chroma_collection(self.settings, ENGLISH_VIEW)),
            embed_model=self.embed_model)
        self._live_versions = [d["doc_version"] for d in state["docs"].values()]
        self._folder, self._gloss = folder, None
        self._version = (state["version"], state.get("clean", True))

    def refresh(self) -> bool:
        """Reopen the store if a build published a new version since; True when it did."""
        state = read_state(Path(self.settings.store_dir))
        if (state["version"], state.get("clean", True)) != self._version:
            self._load()
            return True
        return False

    # -- search ---------------------------------------------------------------------------
    def dense(self, query: str, k: int, query_embedding: list[float] | None = None,
              other_language: str | None = None, view: str = "") -> list[tuple[str, float]]:
        """Passage ids and cosine similarities, best first.

        ``other_language``: only passages of ideas (no bibliography records or cards) whose
        language is not this one — the cross-language view of :meth:`retrieve`.
        """
        conditions = []
        if not self.state.get("clean", True):
            # a build is in flight or crashed: only live document versions count
            conditions.append(MetadataFilter(key="doc_version", value=self._live_versions,
                                             operator=FilterOperator.IN))
        wanted = k
        # Chroma filters metadata before the vector search at a cost linear in the matching rows
        # (benchmarks/cross_language_filter.py: ~20 ms at 10k passages, 120–230 ms at 100k), so a
        # large store asks for a wide unfiltered top list and keeps the other language's passages.
        prefilter = other_language and len(self.passages) <= self.settings.cross_language_filter_limit
        if prefilter:
            conditions.append(MetadataFilter(key="language", value=other_language, operator=FilterOperator.NE))
            conditions.append(MetadataFilter(key="kind", value=list(RECORD_KINDS), operator=FilterOperator.NIN))
        elif other_language:
            k = min(len(self.passages), k * self.settings.cross_language_widen)
        filters = MetadataFilters(filters=conditions) if conditions else None
        index = self._index_en if view == ENGLISH_VIEW else self._index
        retriever = index.as_retriever(similarity_top_k=k, filters=filters)
        from llama_index.core.schema import QueryBundle

        bundle = QueryBundle(query, embedding=query_embedding)
        out = []
        for hit in retriever.retrieve(bundle):
            pid = hit.node.metadata.get("passage_id")
            if pid in self.passages:
                out.append((pid, float(hit.score or 0.0)))
        if other_language and not prefilter:
            out = [(pid, score) for pid, score in out
                   if self.passages[pid].metadata.get("language") != other_language
                   and not self.passages[pid].is_record][:wanted]
        return out

    def retrieve(self, query: str, k: int | None = None) -> list[Hit]:
        """Fused ranking of passages for a question (best first)."""
        k = k or self.settings.top_k
        n = max(self.settings.candidate_k, k)
        language = detect_language(query)
        terms = expand(query, language, [*curated_terms(), *glossary_terms(self.tables)])
        query_embedding = self.embed_model.get_query_embedding(query)
        lexical_query = [query, *terms]
        lists: list[tuple[str, float, list[tuple[str, float]]]] = [
            ("dense", self.settings.dense_weight, self.dense(query, n, query_embedding)),
            ("lexical", self.settings.lexical_weight, self.lexical.search(" ".join(lexical_query), n)),
        ]
        if self.settings.cross_language_weight > 0 and terms:
            # Cross-language cosines run lower than same-language ones, so in one ranking the
            # answer in the other language loses to every loosely related passage in the question's
            # own language (and to its bibliography records): rank the other language on its own.
            # Only for questions with a field term the term lists translate: an off-topic question
            # would otherwise always be handed the other language's nearest passages.
            lists.append(("cross-language", self.settings.cross_language_weight,
                          self.dense(query, n, query_embedding, other_language=language)))
        if language == "en" and self.english_lexical.size:
            # the parallel English edition: the question meets English renderings of the Persian text
            lists.append(("english-dense", self.settings.english_dense_weight,
                          self.dense(query, n, query_embedding, view=ENGLISH_VIEW)))
            lists.append(("english-lexical", self.settings.english_lexical_weight,
                          self.english_lexical.search(query, n)))
        if language == "en" and terms and self.settings.gloss_weight > 0:
            # the Persian passages translated word by word, searched with the English words
            lists.append(("gloss", self.settings.gloss_weight, self._glosses().search(query, n)))
        translated_weight = (self.settings.translated_weight if language == "en"
                             else self.settings.translated_weight_fa)
        if terms and translated_weight > 0:
            # the question's terms in the other language: a second dense view across languages
            translated = " ".join(terms)
            lists.append(("translated", translated_weight,
                          self.dense(translated, n, self.embed_model.get_query_embedding(translated))))
        sections = named_sections(query, self.tables)
        if sections and self.settings.section_weight > 0:
            in_section = [(pid, 1.0) for pid, p in self.passages.items()
                          if any(title in p.metadata.get("section_path", "").split("\n") for title in sections)]
            # reading order inside the named section, re-ordered by the dense ranking where known
            dense_rank = {pid: r for r, (pid, _s) in enumerate(lists[0][2])}
            in_section.sort(key=lambda item: dense_rank.get(item[0], len(dense_rank)))
            lists.append(("section", self.settings.section_weight, in_section))
        cited = self.citation_matches(query)
        if cited:
            lists.append(("cited", self.settings.citation_weight, cited))
        bibliographic = is_bibliographic(query)
        fused: dict[str, Hit] = {}
        c = self.settings.rrf_k
        for name, weight, ranking in lists:
            for rank, (pid, score) in enumerate(ranking, start=1):
                if pid not in self.passages:
                    continue
                hit = fused.setdefault(pid, Hit(self.passages[pid], 0.0))
                if name == "dense":
                    hit.dense, hit.dense_rank = score, rank
                elif name == "lexical":
                    hit.lexical, hit.lexical_rank = score, rank
                hit.score += weight / (c + rank)
        for hit in fused.values():
            if (hit.passage.is_record and not bibliographic
                    or _is_acknowledgement(hit.passage) and not _ASKS_THANKS.search(query)):
                # bibliography records and document cards answer "what is the full reference / where
                # was it published", and the acknowledgements "who funded it", not questions about ideas
                hit.score *= self.settings.reference_penalty
        ranked = sorted(fused.values(), key=lambda h: -h.score)
        if self.settings.summary_section_weight > 0 and is_summary_request(query):
            ranked = self._cover_section(ranked, fused)
        return _keep_own_language(ranked, k, language, self.settings.own_language_dense_rank)

    def _cover_section(self, ranked: list[Hit], fused: dict[str, Hit]) -> list[Hit]:
        """A summary question: lift the other passages of the best passage's section.

        A request to summarise a theme is answered by a section and its subsections, while the
        fused ranking favours the one passage most like the question (often the section's opening)
        and the abstract and introduction that mention every theme. The passages under the parent
        of the best passage's section — so a subsection's siblings count too — are fused once more as
        one list, in their current order.
        """
        top = next((h for h in ranked if not h.passage.is_record), None)
        if top is None:
            return ranked
        path = top.passage.metadata.get("section_path", "").split("\n")
        parent = "\n".join(path[:-1] if len(path) > 1 else path)
        same = [h for h in ranked if not h.passage.is_record
                and (h.passage.metadata.get("section_path", "") + "\n").startswith(parent + "\n")]
        for rank, hit in enumerate(same, start=1):
            hit.score += self.settings.summary_section_weight / (self.settings.rrf_k + rank)
        return sorted(fused.values(), key=lambda h: -h.score)

    def _glosses(self) -> GlossIndex:
        """English glosses of the Persian passages of ideas, built on first use from the BM25 tokens."""
        if self._gloss is None:
            tokens = load_tokens(self._folder / "bm25")
            persian = {pid: t for pid, t in tokens.items() if pid in self.passages
                       and self.passages[pid].metadata.get("language") == "fa" and not self.passages[pid].is_record}
            self._gloss = GlossIndex.build(persian, lexicon())
        return self._gloss

    def citation_matches(self, query: str) -> list[tuple[str, float]]:
        """Passages that cite a work named in the question («Zhao et al. (2012)»), in reading order."""
        names = [m for m in _CITED_NAME.findall(query) if m.lower() not in _NOT_NAMES]
        if not names:
            return []
        years = YEAR.findall(query)
        out = []
        for pid, passage in self.passages.items():
            if passage.metadata.get("kind") == "reference":
                continue
            for name in names:
                pattern = rf"{re.escape(name)}[^()]{{0,40}}?{years[0] if years else r'(1[34]|20|19)[0-9]{2}'}"
                if re.search(pattern, passage.text):
                    out.append((pid, 1.0))
                    break
        return out


_ASKS_THANKS = re.compile(r"(حمایت\s+مالی|قدردانی|تشکر|سپاس|\bfund|\bsponsor|\backnowledg|\bthank)", re.IGNORECASE)


def _is_acknowledgement(passage: Passage) -> bool:
    """The author's thanks and funding note (marked by the indexer's structure step): it names «منابع»
    and «مرکز» but says nothing about the field."""
    return passage.metadata.get("kind") == "acknowledgements"


_CITED_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
YEAR = re.compile(r"\b((?:19|20)\d{2}|1[34]\d{2})\b")
_NOT_NAMES = {"what", "which", "how", "why", "who", "where", "when", "the", "does", "do", "is", "are",
              "summarise", "summarize", "list", "give", "according", "paper", "in", "for", "and",
              "smart", "internet", "things", "estonia", "singapore", "barcelona", "dubai", "london",
              "korea", "south", "china", "iran", "europe", "european", "union", "english", "persian"}

_BIBLIOGRAPHIC = re.compile(
    r"(full reference|bibliograph|bibtex|\bdoi\b|publisher|published|which journal|title of|journal|"
    r"مشخصات کامل|کتاب‌شناسی|ناشر|منبع کامل|نشریه|مجله|فصلنامه|چاپ شده|منتشر شده)", re.IGNORECASE)


def _keep_own_language(ranked: list[Hit], k: int, language: str, dense_rank: int) -> list[Hit]:
    """The top ``k``, with the last slot given to a passage in the question's language if none made it.

    Several lists favour the other language for a cross-language question (the cross-language
    view, translated terms), so an English question can fill its top k with Persian passages while
    the English abstract, first by dense similarity, falls behind. Readers want text they can read
    and answers quote sentences, so such a passage (dense rank ≤ ``dense_rank``) keeps the last slot
    (for k ≥ 3 only: it never displaces the first results).
    """
    top = ranked[:k]

    def own(hit: Hit) -> bool:
        return hit.passage.metadata.get("language") == language and not hit.passage.is_record

    if dense_rank <= 0 or k < 3 or len(top) < k or any(own(h) for h in top):
        return top
    best = next((h for h in ranked[k:] if own(h) and h.dense_rank is not None and h.dense_rank <= dense_rank), None)
    return top if best is None else [*top[:-1], best]


_SUMMARY = re.compile(r"(\bsummar|\bin brief\b|\bin short\b|\bbriefly\b|\boverview\b|\bgist\b|\brecap|"
                      r"خلاصه|جمع\s*\u200c?\s*بندی|به\s*اختصار|اجمال)", re.IGNORECASE)


def is_summary_request(query: str) -> bool:
    """Does the question ask for a summary of a theme («به‌طور خلاصه», "in brief", "summarise")?

    >>> is_summary_request("In brief, what does the paper conclude?"), is_summary_request("جمع‌بندی مقاله چیست؟")
    (True, True)
    >>> is_summary_request("Which cities run smart grids?")
    False
    """
    return _SUMMARY.search(query) is not None


def is_bibliographic(query: str) -> bool:
    """Does the question ask for a reference record rather than for what the paper says?"""
    return _BIBLIOGRAPHIC.search(query) is not None


def timed(fn, *args, **kwargs):
    """Run ``fn`` and return (result, milliseconds)."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000
