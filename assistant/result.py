"""What :meth:`assistant.Assistant.ask` returns: :class:`AskResult`, and its JSON form (``ask --json``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.answer import AnswerSentence
from assistant.fusion import Hit

if TYPE_CHECKING:
    from assistant.llm import Generation

DeclineKind = Literal["offtopic", "unanswerable", "no_words"]


@dataclass(frozen=True)
class Decline:
    """Why a question was not answered: ``offtopic`` (outside the knowledge base's field,
    :mod:`assistant.decline`), ``unanswerable`` (on topic, but the corpus does not say,
    :mod:`assistant.abstain`) or ``no_words`` (nothing to look up, :mod:`assistant.question_check`), with a
    reason for the log and the JSON."""

    kind: DeclineKind
    reason: str


@dataclass(frozen=True)
class OriginalWork:
    """An English answer's Persian work as the paper cites and lists it (its ``CitedWork`` is the rendering)."""

    key: str
    reference: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "reference": self.reference}


@dataclass(frozen=True)
class CitedWork:
    """A work cited inside the answer's sentences, resolved against the bibliography where it could be."""

    key: str
    reference: str | None = None
    confidence: float | str | None = None
    #: an English answer's Persian work: the paper's own key and reference (``key`` and ``reference`` are then
    #: their rendering in the English edition)
    original: OriginalWork | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "reference": self.reference, "confidence": self.confidence}
        if self.original:
            out["original"] = self.original.to_json()
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "CitedWork":
        original = obj.get("original")
        return cls(obj.get("key") or "", obj.get("reference"), obj.get("confidence"),
                   OriginalWork(original.get("key") or "", original.get("reference")) if original else None)


@dataclass(frozen=True)
class AskResult:
    """One answered (or declined) question.

    ``answer`` is the rendered text (empty when declined), ``note`` its opening note line if any
    (:func:`assistant.answer.answer_note`); ``sentences`` the answer's sentences with their passages;
    ``passages`` the retrieved passages, best first; ``read_as`` the question as read in its conversation
    (the question itself outside one).
    """

    question: str
    read_as: str
    language: str
    answer: str
    sentences: list[AnswerSentence]
    passages: list[Hit]
    citations: list[CitedWork]
    decline: Decline | None
    latency_ms: float
    note: str | None = None
    generation: Generation | None = None  # what the generative backend did (None when it is off)

    @property
    def abstained(self) -> bool:
        return self.decline is not None

    def cited_passage_ids(self) -> list[str]:
        """Passage ids in the order the answer first cites them (citation ``[n]`` is item n-1)."""
        order: list[str] = []
        for sentence in self.sentences:
            for pid in sentence.passage_ids:
                if pid not in order:
                    order.append(pid)
        return order

    def to_json(self) -> dict[str, Any]:
        """The ``ask --json`` object (DESIGN §3)."""
        return {
            "question": self.question,
            "read_as": self.read_as,
            "language": self.language,
            "abstained": self.abstained,
            "abstain_kind": self.decline.kind if self.decline else None,
            "abstain_reason": self.decline.reason if self.decline else None,
            "answer": self.answer,
            "sentences": [s.to_json() for s in self.sentences],
            "passages": [h.to_json() for h in self.passages],
            "citations": [c.to_json() for c in self.citations],
            "latency_ms": self.latency_ms,
        } | ({"generated": self.generation.generated, "generation": self.generation.to_json()}
             if self.generation is not None else {})
