"""Optional written answers through an OpenAI-compatible model server (Ollama, llama.cpp's server, vLLM …).

Off by default (``llm_enabled = false``); the extractive composer stays the default answer. When on,
:meth:`assistant.Assistant.ask` first decides whether to answer at all (declines never reach the model),
then :func:`generate_answer`

1. prompts the model with the question and the numbered retrieved passages only (:mod:`assistant.llm_prompt`);
2. streams the reply within ``llm_timeout_s`` (:mod:`indexer.llm_client`), handing text to ``on_text``;
3. splits it into sentences with the passage numbers each cites and checks every sentence against them
   (:mod:`assistant.llm_support`: 4-gram or e5 support, numbers, names);
4. keeps the supported sentences; an unsupported one is dropped (``llm_unsupported = "drop"``), replaced by
   the best extractive sentence of the passages it cites (``"replace"``) or kept marked (``"mark"``).

When the server is down, lacks the model, times out, replies ``NO_ANSWER`` or writes nothing supported,
the answer is the extractive one, and :class:`Generation` says why (``fallback``, ``message``), so the
CLI and the app can tell the user.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from assistant.answer import AnswerSentence, citation_keys, compose
from assistant.fusion import Hit
from assistant.llm_prompt import build_messages, is_no_answer, parse_cited_sentences
from assistant.llm_support import SUPPORT_SIMILARITY, SupportCheck, verify
from indexer.lang import detect_language
from indexer.llm_client import Failure, make_llm, stream_reply

Fallback = Failure | Literal["no-answer", "unsupported"]

#: why an answer (or a summary, :mod:`assistant.summary_llm`) is the extractive one, in English and Persian
FALLBACK_TEXT = {
    "no-answer": "the model found no answer in the passages",
    "unsupported": "none of the model's sentences was supported by the passage it cites",
}
FALLBACK_TEXT_FA = {
    "no-answer": "مدل در گذرگاه‌ها پاسخی نیافت",
    "unsupported": "هیچ‌یک از جمله‌های مدل با گذرگاهی که به آن استناد کرده پشتیبانی نشد",
}
#: the model client could not be made (e.g. the ``[llm]`` extra is missing), in Persian; ``{exc}``: the error
CLIENT_FAILED_FA = "کارخواه مدل آماده نشد: {exc}"


@dataclass(frozen=True)
class Generation:
    """What the generative backend did for one question."""

    model: str
    sentences: list[AnswerSentence]          # the answer: generated (and replaced) or, on fallback, extractive
    checks: list[SupportCheck] = field(default_factory=list)  # one per sentence the model wrote
    reply: str = ""                          # the model's raw text
    seconds: float = 0.0
    fallback: Fallback | None = None         # why the answer is the extractive one
    message: str | None = None               # … in words
    message_fa: str | None = None            # … in Persian (the note of a Persian question)
    dropped: int = 0                         # unsupported sentences left out
    replaced: int = 0                        # … replaced by an extractive sentence of the passages they cite
    threshold: float = SUPPORT_SIMILARITY

    @property
    def generated(self) -> bool:
        return any(s.generated for s in self.sentences)

    def note(self, language: str) -> str | None:
        """The line the answer opens with: written by the model (and what was left out), or why not."""
        fa = language == "fa"
        if self.fallback is not None:
            return (f"(مدل زبانی پاسخ نداد: {self.message_fa or self.message}؛ پاسخ زیر جمله‌های خود مقاله است.)"
                    if fa else
                    f"(No written answer: {self.message}; the answer below quotes the paper.)")
        if not self.generated:
            return None
        parts = [f"نوشته مدل {self.model} از روی گذرگاه‌های زیر؛ هر جمله با گذرگاه استنادشده‌اش سنجیده شد" if fa else
                 f"Written by the model {self.model} from the passages below; each sentence was checked against "
                 f"the passage it cites"]
        if self.dropped:
            parts.append(f"{self.dropped} جملهٔ بی‌پشتوانه حذف شد" if fa else
                         f"{self.dropped} unsupported sentence(s) left out")
        if self.replaced:
            parts.append(f"{self.replaced} جمله با جملهٔ خود مقاله جایگزین شد" if fa else
                         f"{self.replaced} replaced by the paper's own sentence")
        return "(" + ("؛ " if fa else "; ").join(parts) + ".)"

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "generated": self.generated, "fallback": self.fallback,
                "message": self.message, "message_fa": self.message_fa, "seconds": round(self.seconds, 2),
                "dropped": self.dropped, "replaced": self.replaced, "support_threshold": self.threshold,
                "checks": [c.to_json() for c in self.checks], "reply": self.reply}


def generate_answer(question: str, hits: list[Hit], settings: Any, embed_model: Any = None, llm: Any = None,
                    unsupported: str | None = None, tables: dict | None = None,
                    on_text: Callable[[str], None] | None = None) -> Generation:
    """The answer to ``question`` written by the configured model from ``hits``, each sentence verified.

    Never raises for a server problem: the extractive answer comes back with the reason.
    """
    language = detect_language(question)
    policy = unsupported or settings.llm_unsupported

    def extractive(reason: Fallback, message: str, message_fa: str | None = None, **kw: Any) -> Generation:
        sentences = compose(question, hits, embed_model, settings.answer_max_sentences, tables=tables,
                            language=language) if embed_model is not None and hits else []
        return Generation(settings.llm_model, sentences, fallback=reason, message=message,
                          message_fa=message_fa or FALLBACK_TEXT_FA.get(reason), **kw)

    if not question.strip() or not hits:
        return Generation(settings.llm_model, [])
    started = time.monotonic()
    try:
        llm = llm or make_llm(settings)
    except Exception as exc:  # noqa: BLE001 - e.g. the [llm] extra is missing
        return extractive("server-error", str(exc), CLIENT_FAILED_FA.format(exc=exc))
    messages = build_messages(question, hits, language, settings.answer_max_sentences + 1)
    reply = stream_reply(llm, messages, settings.llm_timeout_s, settings.llm_base_url, settings.llm_model, on_text)
    if not reply.ok:
        return extractive(reply.failure or "server-error", reply.message or "", reply.message_fa, reply=reply.text,
                          seconds=reply.seconds)
    if is_no_answer(reply.text) or not reply.text.strip():
        return extractive("no-answer", FALLBACK_TEXT["no-answer"], reply=reply.text, seconds=reply.seconds)
    checks = verify(parse_cited_sentences(reply.text), hits, embed_model)
    sentences: list[AnswerSentence] = []
    dropped = replaced = 0
    for check in checks:
        if check.supported or policy == "mark":
            sentences.append(_sentence(check, hits))
        elif policy == "replace" and check.numbers and embed_model is not None:
            best = _extractive_for(question, [hits[n - 1] for n in check.numbers], embed_model, tables, language,
                                   taken={s.text for s in sentences})
            if best is not None:
                sentences.append(best)
                replaced += 1
            else:
                dropped += 1
        else:
            dropped += 1
    if not any(s.generated and s.supported for s in sentences):
        return extractive("unsupported", FALLBACK_TEXT["unsupported"], checks=checks, reply=reply.text,
                          seconds=time.monotonic() - started, dropped=dropped)
    return Generation(settings.llm_model, sentences, checks, reply.text, time.monotonic() - started,
                      dropped=dropped, replaced=replaced)


def _sentence(check: SupportCheck, hits: list[Hit]) -> AnswerSentence:
    first = hits[check.numbers[0] - 1].passage if check.numbers else None
    meta = (first.metadata or {}) if first else {}
    return AnswerSentence(
        text=check.text, passage_ids=[hits[n - 1].passage.id for n in check.numbers], score=round(check.score, 3),
        rank=check.numbers[0] - 1 if check.numbers else -1, language=detect_language(check.text),
        section=meta.get("section") or None, page=meta.get("page") or None, line_start=meta.get("line_start"),
        citations=citation_keys(check.text), generated=True, supported=check.supported, support=check.how,
        support_ngram=round(check.ngram, 3),
        support_similarity=None if check.similarity is None else round(check.similarity, 3))


def _extractive_for(question: str, cited: list[Hit], embed_model: Any, tables: dict | None, language: str,
                    taken: set[str]) -> AnswerSentence | None:
    """The best sentence of the cited passages for the question (what replaces an unsupported sentence)."""
    for s in compose(question, cited, embed_model, 2, tables=tables, language=language):
        if s.text not in taken:
            return s
    return None
