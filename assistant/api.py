"""The assistant's public API: ``Assistant(settings).ask(question)`` and friends.

The CLI, the Streamlit app, the evaluation harness and the benchmarks all go through this class.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from assistant.abstain import AbstentionRule, corpus_rule
from assistant.answer import AnswerSentence, answer_note, compose, render_answer
from assistant.citations import cited_works
from assistant.decline import DeclineModel, QuestionEvidence
from assistant.embed_cache import CachedEmbedding
from assistant.fusion import Hit, RankedList, WeightedRRF
from assistant.linked_works import NamedWork, absent_note, cited_authors_named, linked_note, named_works, work_docs
from assistant.question_check import has_words, no_words_result
from assistant.question_evidence import EvidenceMeter
from assistant.result import AskResult, CitedWork, Decline
from assistant.retrieval import YEAR, HybridRetriever, is_bibliographic
from indexer.lang import detect_language
from indexer.settings import Settings

if TYPE_CHECKING:
    from assistant.llm import Generation


class Assistant:
    """Question answering over one store.

    >>> from indexer.settings import Settings
    >>> bot = Assistant(Settings.load())            # doctest: +SKIP
    >>> bot.ask("سه ساحت کشورداری هوشمند کدام‌اند؟").passages[0].passage.metadata["section"]  # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        self.retriever = HybridRetriever(self.settings)
        self._abstention: AbstentionRule | None = None
        self._abstention_version: Any = None
        self._meter: EvidenceMeter | None = None
        self._embedder: CachedEmbedding | None = None
        self._decline_model: DeclineModel | None = DeclineModel.load()

    @property
    def abstention(self) -> AbstentionRule:
        """The abstention rule over the live corpus vocabulary (rebuilt when the store changes)."""
        version = self.retriever.state["version"]
        if self._abstention is None or self._abstention_version != version:
            # both editions: a name or number may be in the paper only in its English rendering — of a
            # passage, a heading or a footnote — or in a document's title
            texts = [t for p in self.retriever.passages.values() for t in (p.text, p.metadata.get("text_en")) if t]
            texts += [str(r.get("en") or "") for table in self.tables.values() for r in table.get("english", []) or []]
            texts += [str(v) for doc in self.retriever.state["docs"].values()
                      for k, v in (doc.get("meta") or {}).items() if k.startswith("title") and v]
            self._abstention = corpus_rule(
                texts,
                vocabulary_rule=self.settings.abstain_vocabulary_rule,
                term_rule=self.settings.abstain_term_rule,
                name_rule=self.settings.abstain_name_rule,
                quantity_passages=self.settings.abstain_quantity_passages)
            self._abstention_version = version
        return self._abstention

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return self.retriever.tables

    def evidence(self, question: str, hits: list[Hit] | None = None,
                 frame: frozenset[str] | None = None) -> QuestionEvidence:
        """What the corpus offers the question; ``frame``: the words that frame questions (default: those the
        decline model learned for the question's language)."""
        self.retriever.refresh()
        if self._meter is None:
            self._meter = EvidenceMeter(self.retriever)
        language = detect_language(question)
        if hits is None:
            hits = self._hits(question, None)
        if frame is None:
            frame = self.decline_model.frame.get(language, frozenset()) if self.decline_model else frozenset()
        reference = self.decline_model.reference if self.decline_model else None
        return self._meter.measure(question, language, hits, self.embedder, frame, reference)

    @property
    def embedder(self) -> CachedEmbedding:
        """The retriever's embedding model, remembering the sentences it embedded (decline check, answer)."""
        if self._embedder is None or self._embedder.model is not self.retriever.embed_model:
            self._embedder = CachedEmbedding(self.retriever.embed_model)
        return self._embedder

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The passages for a question, best first (the ``passages`` of :meth:`ask`)."""
        self.retriever.refresh()
        return self._hits(question, k)

    def _hits(self, question: str, k: int | None, learned_order: bool = True) -> list[Hit]:
        return self.retriever.retrieve(question, k or self.settings.top_k, learned_order)

    def _compose(self, question: str, hits: list[Hit], language: str,
                 on_text: Callable[[str], None] | None = None,
                 model: bool = True) -> tuple[list[AnswerSentence], Generation | None]:
        """Answer sentences: the optional LLM backend when enabled (with what it did), else — or with
        ``model`` False — the extractive composer."""
        if self.settings.llm_enabled and model:
            from assistant.llm import generate_answer

            generation = generate_answer(question, hits, self.settings, self.embedder, tables=self.tables,
                                         on_text=on_text)
            return generation.sentences, generation
        return compose(question, hits, self.embedder, self.settings.answer_max_sentences,
                       tables=self.tables, language=language, bibliographic=is_bibliographic(question)), None

    @property
    def decline_model(self) -> DeclineModel | None:
        """The off-topic model (:mod:`assistant.decline`), None when its file is missing."""
        return self._decline_model

    def names_the_corpus(self, question: str) -> bool:
        """Does the question name a work the corpus cites, author and year ("Zhao et al. (2012)"), or ask for
        a cited work's record by its first author? Then it is about the corpus by construction, and the
        off-topic model is not asked. (Section titles are not enough: «مقدمه» is also the introduction of a
        school essay.)"""
        if YEAR.search(question) and self.retriever.citation_matches(question):
            return True
        # … or asks for a cited work's record by its first author ("which journal published Taghva and
        # colleagues' study?", «پژوهش جلالی و همکاران در کدام نشریه چاپ شده؟»)
        return is_bibliographic(question) and bool(
            cited_authors_named(question, self.tables, set(self.abstention.authors)))

    def _decline(self, question: str, language: str, hits: list[Hit]) -> Decline | None:
        """Why not to answer — ``"offtopic"`` (the model of :mod:`assistant.decline`) or ``"unanswerable"``
        (the rules of :mod:`assistant.abstain`, then the likeness to known questions the paper does not answer,
        :meth:`DeclineModel.resembles_unanswerable`) — or ``None`` to answer.

        In a conversation the off-topic model judges the question's own words (never the previous question's):
        its nearest passages and known questions, and how well ``hits`` — the passages of the question read in
        context — hold it: "and what are its risks?" after a
        question on blockchain meets blockchain's risks, while "Who painted the Mona Lisa?" stays far from every
        passage and near the questions people ask outside this field, so a conversation does not make it fit. A
        follow-up that says nothing by itself («و راهکارهای آن چیست؟») can still be declined.
        """
        if not hits:
            return Decline("unanswerable", "no passage retrieved")
        # the model compares the question with text in its own language; when no retrieved passage offers
        # any (an English question over Persian documents without an English edition) it cannot judge
        own_language = any(h.passage.metadata.get("language") == language
                           or (language == "en" and h.passage.metadata.get("text_en")) for h in hits)
        about_the_corpus = self.names_the_corpus(question)
        if self.decline_model is not None and own_language and not about_the_corpus:
            decision = self.decline_model.decide(self.evidence(question, hits), language)
            if decision.decline:
                return Decline("offtopic", f"outside the knowledge base's field (p = {decision.probability:.2f})")
        meta = [h.passage.metadata for h in hits]
        rule = self.abstention.decide(
            question, language, [h.passage.text + " " + (m.get("text_en") or "") for h, m in zip(hits, meta)],
            [m.get("text_en") or (h.passage.text if m.get("language") == "en" else None) for h, m in zip(hits, meta)])
        if rule.abstain:
            return Decline("unanswerable", rule.reason)
        resemblance = self.decline_model.resembles_unanswerable(self.embedder.get_query_embedding(question), language) \
            if self.decline_model is not None and not about_the_corpus else None
        if resemblance is not None:
            return Decline("unanswerable", f"like questions the paper does not answer (nearer by {resemblance:.3f})")
        return None

    def _hits_in_context(self, question: str, read_as: str, k: int | None) -> list[Hit]:
        """A follow-up's passages: the question alone and the question read in context, fused (RRF).

        Nothing decides whether a question is a follow-up: a self-contained question still ranks its own
        passages first in both lists, while «و راهکارهای آن چیست؟» / "and what are its risks?" gets
        the previous topic from the second list. The question's list is in the learned passage order
        (:mod:`assistant.rerank`), the list in context in the fused order: the models were fitted on questions,
        not on two questions run together (with them, "and what are its risks?" after a blockchain question met
        a passage without risks in its top 3 and was declined).
        """
        n = k or self.settings.top_k
        lists = [RankedList(name, 1.0, [(h.passage.id, h.score) for h in self._hits(text, n * 2, learned)])
                 for name, text, learned in (("question", question, True), ("in-context", read_as, False))]
        return WeightedRRF(self.settings.rrf_k).run(lists, self.retriever.passages)[:n]

    def _work_note(self, named: list[NamedWork], sentences: list[AnswerSentence], language: str) -> str | None:
        """A question naming a cited work: that the answer comes from the work's full text, or that the full
        text is not here and the answer is what the paper says about it (:mod:`assistant.linked_works`). No
        answer (a declined question): no note, nothing follows it."""
        if not named or not sentences:
            return None
        passages = self.retriever.passages
        answered_from = {passages[pid].doc_id for s in sentences for pid in s.passage_ids if pid in passages}
        return linked_note(named, answered_from, language) or absent_note(named, language)

    def ask(self, question: str, k: int | None = None, context: str | None = None,
            on_text: Callable[[str], None] | None = None) -> AskResult:
        """Answer a question with passages, per-sentence citations and cited works (DESIGN §3).

        ``context``: the conversation so far (the previous question as it was read); the question is
        then read in it (``read_as`` in the result) for retrieval and for choosing sentences.
        ``on_text``: with the generative backend on, receives the model's text as it streams (the answer
        itself is the verified sentences, after the stream).
        """
        started = time.perf_counter()
        self.retriever.refresh()
        question = question.strip()
        if not has_words(question):  # "???", "1+1": nothing to look up, never a confident answer
            return no_words_result(question)
        language = detect_language(question)
        read_as = f"{context.strip()} {question}" if context and context.strip() else question
        hits = self._hits_in_context(question, read_as, k) if read_as != question else self._hits(question, k)
        decline = self._decline(question, language, hits)
        named = named_works(question, self.tables)
        # a question naming a cited work whose full text is here is answered from the work's own passages
        # (they lead the hits: LinkedWorkFirst), unless it asks where or why the paper cites the work
        # (work_docs); the paper's passages about it stay among the passages shown
        own = set(work_docs(question, named))
        work_hits = [h for h in hits if h.passage.doc_id in own]
        sentences: list[AnswerSentence] = []
        generation: Generation | None = None
        if hits and not decline and work_hits:
            sentences, generation = self._compose(read_as, work_hits, language, on_text)
        if hits and not decline and not sentences:
            # the model server is asked once per question: after an empty answer from the work's passages the
            # paper's sentences are chosen by the extractive composer (the first generation's note says why)
            sentences, second = self._compose(read_as, hits, language, on_text, model=generation is None)
            generation = generation or second
        if not sentences and not decline:
            decline = Decline("unanswerable", "no answer sentence found")
        works = cited_works([s.original or s.text for s in sentences], self.tables, language,
                            [(s.original, s.text) for s in sentences if s.original is not None])
        backend_note = generation.note(language) if generation else None
        work_note = self._work_note(named, sentences, language)
        notes = [n for n in (work_note, backend_note, answer_note(sentences, language)) if n]
        answer = render_answer(sentences, language) if sentences else ""
        if backend_note and sentences:
            answer = backend_note + "\n" + answer
        if work_note and sentences:
            answer = work_note + "\n" + answer
        return AskResult(
            question=question, read_as=read_as, language=language,
            answer=answer,
            sentences=sentences, passages=hits,
            citations=[CitedWork.from_json(w) for w in works],
            decline=decline,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            note="\n".join(notes) or None, generation=generation)
