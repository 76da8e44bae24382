"""The assistant's public API: ``Assistant(settings).ask(question)`` and friends.

The CLI, the Streamlit app, the evaluation harness and the benchmarks all go through this class.
"""
from __future__ import annotations

import time
from typing import Any

from assistant.abstain import AbstentionRule, corpus_rule
from assistant.answer import compose, render_answer
from assistant.citations import cited_works
from assistant.retrieval import Hit, HybridRetriever
from indexer.lang import detect_language
from indexer.settings import Settings


class Assistant:
    """Question answering over one store.

    >>> from indexer.settings import Settings
    >>> bot = Assistant(Settings.load())            # doctest: +SKIP
    >>> bot.ask("سه ساحت کشورداری هوشمند کدام‌اند؟")["passages"][0]["section"]  # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        self.retriever = HybridRetriever(self.settings)

    @property
    def abstention(self) -> AbstentionRule:
        """The abstention rule over the live corpus vocabulary (rebuilt when the store changes)."""
        version = self.retriever.state["version"]
        if getattr(self, "_abstention_version", None) != version:
            self._abstention = corpus_rule(
                (p.text for p in self.retriever.passages.values()),
                vocabulary_rule=self.settings.abstain_vocabulary_rule,
                term_rule=self.settings.abstain_term_rule,
                quantity_passages=self.settings.abstain_quantity_passages)
            self._abstention_version = version
        return self._abstention

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return self.retriever.tables

    def retrieve(self, question: str, k: int | None = None) -> list[dict[str, Any]]:
        """The passages for a question, best first (the ``passages`` list of :meth:`ask`)."""
        self.retriever.refresh()
        return [h.to_json() for h in self._hits(question, k)]

    def _hits(self, question: str, k: int | None) -> list[Hit]:
        return self.retriever.retrieve(question, k or self.settings.top_k)

    def _compose(self, question: str, hits: list[Hit], language: str) -> list:
        """Answer sentences: the optional LLM backend when enabled, else the extractive composer."""
        if self.settings.llm_enabled:
            from assistant.llm import generate_answer

            return generate_answer(question, hits, self.settings, self.retriever.embed_model, tables=self.tables)
        return compose(question, hits, self.retriever.embed_model, self.settings.answer_max_sentences,
                       tables=self.tables, language=language)

    def ask(self, question: str, k: int | None = None) -> dict[str, Any]:
        """Answer a question with passages, per-sentence citations and cited works (DESIGN §3)."""
        started = time.perf_counter()
        self.retriever.refresh()
        question = question.strip()
        language = detect_language(question)
        hits = self._hits(question, k) if question else []
        decision = self.abstention.decide(question, language, [h.passage.text for h in hits])
        sentences = self._compose(question, hits, language) if hits and not decision.abstain else []
        abstained = not sentences
        result = {
            "question": question,
            "language": language,
            "abstained": abstained,
            "abstain_reason": (decision.reason or "no answer sentence found") if abstained else None,
            "answer": "" if abstained else render_answer(sentences, language),
            "sentences": [s.to_json() for s in sentences],
            "passages": [h.to_json() for h in hits],
            "citations": cited_works([s.text for s in sentences], self.tables),
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        return result
