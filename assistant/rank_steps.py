"""Steps after fusion, each one named rule over the fused ranking with one ``run(query, hits, k)``.

* :class:`RecordPenalty` — bibliography records, document cards and the acknowledgements step back
  unless the question asks for them;
* :class:`SummarySectionLift` — a summary request lifts the rest of its best passage's section;
* :class:`LinkedWorkFirst` — a question naming a cited work whose full text is here: its passages lead;
* :class:`OwnLanguageSlot` — the last of the top ``k`` goes to a passage in the question's language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from assistant.fusion import FittedFusion, Hit
from assistant.retrievers import Query


class RankStep(Protocol):
    def run(self, query: Query, hits: list[Hit], k: int) -> list[Hit]: ...


_ASKS_THANKS = re.compile(r"(حمایت\s+مالی|قدردانی|تشکر|سپاس|\bfund|\bsponsor|\backnowledg|\bthank)", re.IGNORECASE)
_BIBLIOGRAPHIC = re.compile(
    r"(full reference|bibliograph|bibtex|\bdoi\b|publisher|published|which journal|title of|journal|"
    r"مشخصات کامل|کتاب‌شناسی|ناشر|منبع کامل|نشریه|مجله|فصلنامه|چاپ شده|منتشر شده)", re.IGNORECASE)
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


@dataclass(frozen=True)
class RecordPenalty:
    """Multiply by ``factor`` the score of bibliography records and document cards (they answer "what is
    the full reference / where was it published", not questions about ideas) unless the question is
    bibliographic, and of the author's thanks and funding note unless it asks who funded the work."""

    factor: float

    def run(self, query: Query, hits: list[Hit], k: int) -> list[Hit]:
        bibliographic = is_bibliographic(query.text)
        thanks = _ASKS_THANKS.search(query.text) is not None
        for hit in hits:
            if (hit.passage.is_record and not bibliographic
                    or hit.passage.metadata.get("kind") == "acknowledgements" and not thanks):
                hit.score *= self.factor
        return sorted(hits, key=lambda h: -h.score)


@dataclass(frozen=True)
class SummarySectionLift:
    """A summary question: lift the other passages of the best passage's section.

    A request to summarise a theme is answered by a section and its subsections, while the fused ranking
    favours the one passage most like the question (often the section's opening) and the abstract and
    introduction that mention every theme. The passages under the parent of the best passage's section —
    so a subsection's siblings count too — are fused once more as one list, in their order, weighted by the
    fitted profile's ``summary_lift`` for the question's language, else by ``weight``.
    """

    weight: float
    rrf_k: int
    fitted: FittedFusion | None = None

    def lift(self, language: str) -> float:
        """The lift's weight for a summary request in ``language``: the fitted profile's, else ``weight``."""
        profile = self.fitted.profile(language, True) if self.fitted else None
        return profile.summary_lift if profile else self.weight

    def run(self, query: Query, hits: list[Hit], k: int) -> list[Hit]:
        if not is_summary_request(query.text):
            return hits
        weight = self.lift(query.language)
        if weight <= 0:
            return hits
        top = next((h for h in hits if not h.passage.is_record), None)
        if top is None:
            return hits
        path = top.passage.metadata.get("section_path", "").split("\n")
        parent = "\n".join(path[:-1] if len(path) > 1 else path)
        same = [h for h in hits if not h.passage.is_record
                and (h.passage.metadata.get("section_path", "") + "\n").startswith(parent + "\n")]
        for rank, hit in enumerate(same, start=1):
            hit.score += weight / (self.rrf_k + rank)
        return sorted(hits, key=lambda h: -h.score)


@dataclass(frozen=True)
class LinkedWorkFirst:
    """A question that names a cited work whose full text is in the knowledge base («What does Giffinger et al.
    (2007) say about smart mobility?») is answered from the work itself: its passages among the fused hits
    (the ``linked-work`` list puts them there) move to the front, at most ``slots`` of them, so the rest of the
    top k still shows where and for what the paper cites the work. No named linked work: the hits as they are.
    """

    slots: int

    def run(self, query: Query, hits: list[Hit], k: int) -> list[Hit]:
        if self.slots <= 0 or not query.linked_docs:
            return hits
        lead = [h for h in hits if h.passage.doc_id in query.linked_docs and not h.passage.is_record][:self.slots]
        moved = {h.passage.id for h in lead}
        return [*lead, *(h for h in hits if h.passage.id not in moved)]


@dataclass(frozen=True)
class OwnLanguageSlot:
    """The top ``k``, with the last slot given to a passage in the question's language if none made it.

    Several lists favour the other language for a cross-language question (the cross-language view,
    translated terms), so an English question can fill its top k with Persian passages while the English
    abstract, first by dense similarity, falls behind. Readers want text they can read and answers quote
    sentences, so such a passage (dense rank ≤ ``dense_rank``) keeps the last slot (for k ≥ 3 only: it
    never displaces the first results). It needs the ``dense`` list among the fused ones (its ranks); without
    it (``dense_weight = 0`` or ``dense`` left out of ``Settings.retrievers``) the step keeps the top k as is.
    """

    dense_rank: int

    def run(self, query: Query, hits: list[Hit], k: int) -> list[Hit]:
        top = hits[:k]

        def own(hit: Hit) -> bool:
            return hit.passage.metadata.get("language") == query.language and not hit.passage.is_record

        if self.dense_rank <= 0 or k < 3 or len(top) < k or any(own(h) for h in top):
            return top
        best = next((h for h in hits[k:] if own(h) and h.dense_rank is not None
                     and h.dense_rank <= self.dense_rank), None)
        return top if best is None else [*top[:-1], best]
