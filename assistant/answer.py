"""Extractive answers: sentences of the retrieved passages that answer the question, each cited.

Offline and faithful by construction: every answer sentence is a sentence of a retrieved passage,
verbatim, tagged with the passage id(s) it occurs in and the works cited inside it. Nothing is
paraphrased or translated; English glosses of Persian terms come from the paper's own glossary.

How sentences are chosen (:func:`compose`):

1. **Candidates** — the sentences of the top passages (hazm's sentence splitter). A sentence that
   occurs in two passages (chunk overlap) becomes one candidate citing both. Bibliography passages
   (``kind == "reference"`` or the ``cited-works`` document) and sentences that look like reference
   records only feed *citation* questions ("who / which source …"); headings and fragments are dropped.
2. **Relevance** — e5 cosine of question (query role) and sentence (passage role), plus lexical
   overlap with the question's hazm tokens, plus a small prior from the passage's fused rank.
3. **Question type** sets the length: a *definition* gets the best 1–2 sentences, a *citation* question
   up to 3, any other up to ``max_sentences`` (4): short, with the passages below as "more from the paper".
4. **Diversity** — maximal marginal relevance over the sentence embeddings, and a hard near-duplicate
   filter (token overlap > 0.7 or character 4-gram containment > 0.8), so no claim is said twice.
5. **Language** — Persian questions get Persian sentences. English questions get English: a Persian
   sentence is replaced by its rendering in the paper's parallel English edition (:mod:`indexer.english`),
   its Persian ``original`` kept beside it and its citations those of the original; relevance is then
   measured on the English. A Persian document without an English edition is quoted in Persian, glossed
   with the glossary's English terms, and the answer says so.
6. **Order** — the paper's signposting («در این بخش … خواهیم پرداخت», :mod:`assistant.signposting`) is
   never an answer sentence. The lead sentence is the one the lead model (:mod:`assistant.lead`, learned
   from the blind sets) ranks first among the candidates in the reader's language — else the most
   relevant one; its support follows in reading order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from assistant.fusion import Hit
from assistant.lead import LeadCandidate, LeadModel, match_features, sentence_features
from assistant.lead import shipped as shipped_lead
from assistant.selection import MMR, unit
from assistant.sentences import char_grams, content_words, distinct_sentences
from assistant.signposting import is_signposting
from indexer.english import NOTICE_EN, EnglishEdition, Rendering
from indexer.lang import detect_language
from indexer.normalize import lexical_tokens, match_key


# ---------------------------------------------------------------------------- coefficients
@dataclass(frozen=True)
class ComposeWeights:
    """The composer's coefficients (docs/answers.md). Set on the dev questions when the composer was
    written; the blind calibration sets of issue 18 kept them (first sentence holds the evidence 0.626,
    docs/evals.md), none was re-tuned since."""

    #: × share of the question's content tokens the sentence contains, added to the e5 cosine
    lexical_overlap: float = 0.15
    #: − × the fused rank of the sentence's passage: a sentence of a better passage is more likely on topic
    rank_prior: float = 0.01
    #: ± for a citation question: a claim naming its work beats a bare bibliography record
    citation_bonus: float = 0.03
    #: sentences are kept while within this much of the best one, by question type
    margin_definition: float = 0.05
    margin_list: float = 0.10
    margin_overview: float = 0.09
    margin_other: float = 0.08
    #: diversity among the kept sentences
    mmr: MMR = MMR(relevance_weight=0.75, redundancy_weight=0.25)

    def margin(self, qtype: str) -> float:
        return {DEFINITION: self.margin_definition, LIST: self.margin_list,
                OVERVIEW: self.margin_overview}.get(qtype, self.margin_other)


WEIGHTS = ComposeWeights()


# ---------------------------------------------------------------------------- question types
DEFINITION, LIST, OVERVIEW, CITATION, GENERAL = "definition", "list", "overview", "citation", "general"

_TYPE_PATTERNS: list[tuple[str, re.Pattern]] = [
    (CITATION, re.compile(
        r"(چه\s*کس|(?:کدام|چه)\s*(?:منبع|منابع|نویسنده|پژوهشگر|پژوهش|اثر|آثار|مقاله|مطالعه|مطالعات)|"
        r"به\s*(?:نقل\s*از|گفته)|استناد|ارجاع|مآخذ|"
        r"\bwho\b|\bcit(?:e|es|ed|ing|ation|ations)\b|\breferences?\b|according to whom|"
        r"\b(?:which|what)\s+(?:sources?|studies|works|authors?|papers?|scholars?)\b)", re.I)),
    (LIST, re.compile(
        r"(کدام(?:\s*|\u200c)?(?:اند|ند)|چه\s+\S+(?:\u200c|\s)?(?:ها|های)ی|(?:ابعاد|مولفه|مؤلفه|ارکان|ساحت|"
        r"انواع|چالش|ریسک|موانع|راهبرد|ابزار|فناوری|مصادیق|نمونه)(?:\u200c?ها|ی|های)?\s.*(?:کدام|چیست|چیستند)|"
        r"نام\s*ببر|فهرست|"
        r"\bwhat are\b|\bwhich\b|\blist\b|\bname the\b|\b(?:dimensions|components|pillars|types|kinds|"
        r"challenges|risks|barriers|strategies|tools|technologies|examples)\b)", re.I)),
    (DEFINITION, re.compile(
        r"(چیست\s*[؟?]?\s*$|یعنی\s*چه|تعریف|منظور\s*از|مفهوم|"
        r"^\s*what\s+(?:is|does)\b|\bdefin(?:e|ition)\b|\bmeaning of\b|\bmeant by\b)", re.I)),
    (OVERVIEW, re.compile(
        r"(چرا|چگونه|چطور|توضیح|شرح|نقش|اهمیت|تفاوت|رابطه|"
        r"جمع\s*\u200c?بندی|خلاصه|\bsummar|\bwhy\b|\bhow\b|\bexplain\b|\bdescribe\b|\boverview\b|\brole\b|"
        r"\bdifference\b|\brelation)", re.I)),
]


def question_type(question: str) -> str:
    """``definition`` | ``list`` | ``overview`` | ``citation`` | ``general``.

    >>> question_type("دموکراسی دیجیتال چیست؟")
    'definition'
    >>> question_type("سه ساحت کشورداری هوشمند کدام‌اند؟")
    'list'
    >>> question_type("Who defined smart cities?")
    'citation'
    >>> question_type("Why does smart statesmanship fail?")
    'overview'
    """
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(question):
            return name
    return GENERAL


def answer_length(qtype: str, max_sentences: int) -> int:
    """How many sentences a question of this type gets: short by default, never above ``max_sentences``
    (the settings value); the passages below the answer are the "more from the paper"."""
    return {DEFINITION: min(2, max_sentences), CITATION: min(3, max_sentences)}.get(qtype, max_sentences)


# ---------------------------------------------------------------------------- data
@dataclass
class AnswerSentence:
    """One answer sentence: verbatim text of the passage(s) it cites."""

    text: str
    passage_ids: list[str]
    score: float = 0.0
    rank: int = 0          # fused rank of its (first) passage
    position: int = 0      # sentence index inside that passage
    language: str = "fa"   # language of the sentence (= of its source)
    section: str | None = None
    page: int | None = None
    line_start: int | None = None
    citations: list[str] = field(default_factory=list)  # keys of works cited inside the sentence
    glosses: list[dict] = field(default_factory=list)   # [{"fa", "en"}] for English readers
    order: tuple = (0, 0)  # reading order in the corpus (doc, line, position)
    reference: bool = False        # from a bibliography record (citation questions only)
    original: str | None = None    # a translated sentence's Persian original (the cited text)
    translated_by: str | None = None  # … rendered by this model via the local backend (`indexer translate`)
    generated: bool = False        # written by the optional LLM backend (not verbatim)
    supported: bool | None = None  # LLM sentences: passed the support check against its cited passage
    support: str | None = None     # how: "4-gram" | "e5" | "unsupported" | "no citation" | "number" | "name"
    support_ngram: float | None = None       # LLM sentences: best 4-gram coverage over the cited passages
    support_similarity: float | None = None  # … and best e5 cosine, when the 4-grams did not suffice

    @property
    def passage_id(self) -> str:
        return self.passage_ids[0]

    def to_json(self) -> dict[str, Any]:
        """The ``sentences`` item of ``ask --json`` (``text``, ``passage_ids``) plus provenance."""
        out: dict[str, Any] = {"text": self.text, "passage_ids": list(self.passage_ids)}
        out.update({"language": self.language, "section": self.section, "page": self.page,
                    "citations": list(self.citations)})
        if self.original is not None:
            out.update({"original": self.original, "translated": True})
        if self.translated_by:
            out["translated_by"] = self.translated_by
        if self.glosses:
            out["glosses"] = list(self.glosses)
        if self.generated:
            out.update({"generated": True, "supported": self.supported, "support": self.support,
                        "support_score": self.score, "support_ngram": self.support_ngram,
                        "support_similarity": self.support_similarity})
        return out


# ---------------------------------------------------------------------------- filters
_REFERENCE_LIKE = re.compile(
    r"(\b(?:19|20)\d\d\b.*\b(?:journal|press|vol\.|pp\.|doi|https?://|proceedings|publishing)\b|"
    r"\b(?:journal|press|vol\.|pp\.|doi|https?://)\b.*\b(?:19|20)\d\d\b|"
    r"(?:فصلنامه|مجله|انتشارات|نشر)\s.*\b1[34]\d\d\b.*[،,].*(?:شماره|دوره|ص\.)|"
    r"^\s*[\w\u0600-\u06FF\u200c\- ]{2,40}[،,]\s*[\w\u0600-\u06FF\u200c\-. ]{1,30}\s*\(\s*(?:1[34]|19|20)\d\d\s*\))",
    re.I)


def is_reference_passage(hit_or_passage) -> bool:
    """A bibliography record (paper's reference list or the cited-works document)."""
    passage = getattr(hit_or_passage, "passage", hit_or_passage)
    meta = passage.metadata or {}
    return meta.get("kind") == "reference" or passage.doc_id == "cited-works" or \
        str(meta.get("doc_id", "")).startswith("cited-works")


def looks_like_reference(sentence: str) -> bool:
    """A sentence that reads like a bibliography record rather than a claim."""
    return bool(_REFERENCE_LIKE.search(sentence))


# ---------------------------------------------------------------------------- similarity helpers
def _overlap(query_tokens: set[str], tokens: set[str]) -> float:
    if not query_tokens or not tokens:
        return 0.0
    return len(query_tokens & tokens) / len(query_tokens)


# ---------------------------------------------------------------------------- glossary
def glossary_entries(tables: dict[str, dict[str, Any]] | None) -> list[dict]:
    """All glossary rows of all documents (``[]`` before the glossary tables exist)."""
    out, seen = [], set()
    for table in (tables or {}).values():
        for entry in table.get("glossary", []) or []:
            fa, en = (entry.get("fa") or "").strip(), (entry.get("en") or "").strip()
            if fa and en and (fa, en) not in seen:
                seen.add((fa, en))
                out.append({"fa": fa, "en": en})
    return out


def glosses_for(text: str, glossary: Iterable[dict]) -> list[dict]:
    """Glossary terms (``{"fa", "en"}``) whose Persian form occurs in ``text``, longest first."""
    hay = match_key(text)
    found: list[dict] = []
    for entry in sorted(glossary, key=lambda e: -len(e["fa"])):
        key = match_key(entry["fa"])
        if len(key) >= 3 and key in hay and not any(key in match_key(f["fa"]) for f in found):
            found.append({"fa": entry["fa"], "en": entry["en"]})
    return found


def citation_keys(sentence: str) -> list[str]:
    try:
        from indexer.citations import extract_citations
    except ImportError:
        return []
    keys: list[str] = []
    for citation in extract_citations(sentence):
        if citation.key not in keys:
            keys.append(citation.key)
    return keys


# ---------------------------------------------------------------------------- composer
def candidates_from(hits: list[Hit], max_passages: int, allow_references: bool) -> list[AnswerSentence]:
    """Answer-sentence candidates of the top ``max_passages`` passages, one per distinct sentence."""
    def passage_allowed(rank: int, hit: Hit) -> bool:
        return rank < max_passages and (allow_references or not is_reference_passage(hit.passage))

    def keep(sentence: str, passage) -> bool:
        if content_words(sentence) < 4:
            return False
        return allow_references or is_reference_passage(passage) or not looks_like_reference(sentence)

    ranked = [(rank, hit.passage) for rank, hit in enumerate(hits) if passage_allowed(rank, hit)]
    out = []
    for s in distinct_sentences(ranked, keep):
        meta = s.passage.metadata or {}
        reference = is_reference_passage(s.passage)
        out.append(AnswerSentence(
            text=s.text, passage_ids=s.passage_ids, rank=s.rank, position=s.position,
            language=detect_language(s.text), section=meta.get("section") or None,
            page=meta.get("page") or None, line_start=meta.get("line_start"),
            reference=reference or looks_like_reference(s.text), order=s.order))
    return out


_EDITION: list = [None, None]  # the tables object last seen and its edition (one per store version)


def english_edition(tables: dict[str, dict[str, Any]] | None) -> EnglishEdition:
    """The parallel English edition of every indexed document (no renderings when none has one).

    Built once per tables object (the decline check and the composer of one question share it).
    """
    if _EDITION[0] is not tables or _EDITION[1] is None:
        _EDITION[:] = [tables, EnglishEdition(Rendering.from_json(r) for table in (tables or {}).values()
                                              for r in table.get("english", []) or [])]
    return _EDITION[1]


def _translate(candidates: list[AnswerSentence], hits: list[Hit], edition: EnglishEdition) -> None:
    """English questions: a Persian sentence becomes its English rendering, the Persian kept as ``original``."""
    spans = {h.passage.id: ((h.passage.metadata or {}).get("line_start"), (h.passage.metadata or {}).get("line_end"))
             for h in hits}
    for cand in candidates:
        if cand.language == "en" or not len(edition):
            continue
        start, end = spans.get(cand.passage_id, (None, None))
        found = edition.find(cand.text, start, end)
        if found is not None:
            cand.original, cand.text, cand.language, cand.translated_by = cand.text, found.en, "en", found.by


def candidate_sentences(hits: list[Hit], language: str, tables: dict[str, dict[str, Any]] | None,
                        max_passages: int = 5, allow_references: bool = False) -> list[AnswerSentence]:
    """The sentences an answer can choose from, in the reader's language, signposting left out."""
    candidates = [c for c in candidates_from(hits, max_passages, allow_references) if not is_signposting(c.text)]
    if language == "en":
        _translate(candidates, hits, english_edition(tables))
        candidates = [c for c in candidates if not is_signposting(c.text)]
    return candidates


@dataclass
class MeasuredCandidates:
    """One question's candidate sentences with what the composer and the lead model read of them."""

    sentences: list[AnswerSentence]
    vectors: np.ndarray           # unit e5 vectors (passage role), one row per sentence
    question_vector: np.ndarray   # the question's unit e5 vector (query role)
    dense: np.ndarray             # cosines of the two
    question_tokens: set[str]
    tokens: list[set[str]]        # each sentence's lexical tokens
    pool: list[int]               # the sentences an answer may lead with: in the reader's language

    def lead_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The pool's sentence and match features (:mod:`assistant.lead`)."""
        rows = sentence_features([LeadCandidate(c.passage_id, c.position, c.rank, c.reference, len(c.passage_ids))
                                  for c in self.sentences], self.dense, self.tokens, self.question_tokens)
        return rows[self.pool], match_features(self.vectors[self.pool], self.question_vector)


def measure_candidates(question: str, hits: list[Hit], embed_model, tables: dict[str, dict[str, Any]] | None,
                       language: str, max_passages: int = 5, allow_references: bool = False
                       ) -> MeasuredCandidates | None:
    """The candidates of ``hits`` (:func:`candidate_sentences`) embedded and tokenised; None when there are none."""
    candidates = candidate_sentences(hits, language, tables, max_passages, allow_references)
    if not candidates:
        return None
    vectors = unit(embed_model.get_text_embedding_batch([c.text for c in candidates]))
    question_vector = unit(embed_model.get_query_embedding(question))
    # the question's language first: a Persian question reads Persian, an English one English
    # (renderings included) — and, for an English question, the Persian sentences of documents that have no
    # English edition, quoted as they are; the other language only when nothing else is there
    untranslated = {h.passage.id for h in hits if language == "en" and h.passage.metadata.get("language") == "fa"
                    and not h.passage.metadata.get("text_en") and not h.passage.is_record}
    pool = [i for i in range(len(candidates))
            if candidates[i].language == language or candidates[i].passage_id in untranslated] \
        or list(range(len(candidates)))
    return MeasuredCandidates(candidates, vectors, question_vector, vectors @ question_vector,
                              set(lexical_tokens(question)), [set(lexical_tokens(c.text)) for c in candidates], pool)


def compose(question: str, hits: list[Hit], embed_model, max_sentences: int = 4, max_passages: int = 5,
            tables: dict[str, dict[str, Any]] | None = None, language: str | None = None,
            min_relevance: float = 0.0, bibliographic: bool = False,
            lead: LeadModel | None = None, use_lead: bool = True) -> list[AnswerSentence]:
    """The answer to ``question`` as cited sentences of ``hits`` (see the module docstring).

    ``max_sentences`` is the settings value (``answer_max_sentences``); the question type adapts it.
    ``tables`` (``Assistant.tables``) supplies the glossary, the English edition and resolves citations.
    ``bibliographic``: the question asks for a work's record ("which journal published …"), so bibliography
    records are candidates and lead. ``lead``: the model that picks the first sentence (default: the shipped
    one, :mod:`assistant.lead`); without one (or with ``use_lead`` False), the best-scored sentence leads.
    """
    question = question.strip()
    if not question or not hits:
        return []
    language = language or detect_language(question)
    qtype = question_type(question)
    allow_refs = qtype == CITATION or bibliographic
    measured = measure_candidates(question, hits, embed_model, tables, language, max_passages, allow_refs)
    if measured is None:
        return []
    candidates, vectors, dense, tokens, pool = (measured.sentences, measured.vectors, measured.dense,
                                                measured.tokens, measured.pool)
    q_tokens = measured.question_tokens
    w = WEIGHTS
    grams = [char_grams(c.text) for c in candidates]
    for cand, sim, toks in zip(candidates, dense, tokens):
        cand.score = float(sim) + w.lexical_overlap * _overlap(q_tokens, toks) - w.rank_prior * cand.rank
        if bibliographic:
            cand.score += w.citation_bonus if cand.reference else 0.0
        elif allow_refs:
            if citation_keys(cand.original or cand.text):
                cand.score += w.citation_bonus
            elif cand.reference:
                cand.score -= w.citation_bonus

    best = max(candidates[i].score for i in pool)
    kept = [i for i in pool if candidates[i].score >= max(best - w.margin(qtype), min_relevance)]
    first = _lead(lead or shipped_lead(), measured) if use_lead and not bibliographic else None
    if first is not None and candidates[first].score < min_relevance:
        first = None
    chosen = w.mmr.select([c.score for c in candidates], vectors, answer_length(qtype, max_sentences),
                          candidates=kept, tokens=tokens, grams=grams, first=first)

    glossary = glossary_entries(tables) if language == "en" else []
    out = [candidates[i] for i in chosen]
    for cand in out:
        cand.citations = citation_keys(cand.original or cand.text)
        if glossary and cand.language != "en":
            cand.glosses = glosses_for(cand.text, glossary)
    # the answer first (the most relevant sentence), then its support in the paper's reading order
    head, tail = out[:1], sorted(out[1:], key=lambda c: c.order)
    return head + tail


def _lead(model: LeadModel | None, measured: MeasuredCandidates) -> int | None:
    """The candidate (index) the lead model puts first among the pool; None without a model for these vectors."""
    if model is None or not model.applies(measured.vectors.shape[1]):
        return None
    return measured.pool[model.best(*measured.lead_rows())]


PERSIAN_SOURCE_NOTE = ("(Source: Persian text without an English edition, quoted verbatim; "
                       "key terms glossed in English.)")
TRANSLATION_NOTE = f"(The Persian paper's sentences in English: {NOTICE_EN}.)"


def machine_notice(model: str) -> str:
    """The provenance of a rendering written by ``python -m indexer translate``."""
    return f"English rendering by {model} via the local backend, not the author's text"


def _translation_note(sentences: list[AnswerSentence]) -> str:
    """The edition's notice, or the machine renderings' (by model), or both when the answer mixes them."""
    models = list(dict.fromkeys(s.translated_by for s in sentences if s.translated_by))
    if not models:
        return TRANSLATION_NOTE
    machine = "; ".join(machine_notice(m) for m in models)
    if all(s.translated_by for s in sentences if s.original is not None):
        return f"(The Persian sentences in English (⚙): {machine}.)"
    return f"(The Persian sentences in English: {NOTICE_EN}; those marked ⚙: {machine}.)"


MACHINE_MARK = " ⚙"  # after a sentence rendered by the local backend (`indexer translate`)


def answer_note(sentences: list[AnswerSentence], language: str, glosses: bool = True) -> str | None:
    """The line an English answer opens with when it is not the paper's own English: a note that the
    sentences are the knowledge base's English rendering, or that they quote Persian text (with that
    text's key terms glossed from the paper's glossary); ``None`` otherwise."""
    if language != "en" or not sentences:
        return None
    if any(s.original is not None for s in sentences) and all(s.language == "en" for s in sentences):
        return _translation_note(sentences)
    if any(s.language != "en" for s in sentences):
        note = PERSIAN_SOURCE_NOTE
        terms: list[dict] = []
        for s in sentences:
            for g in s.glosses:
                if g not in terms:
                    terms.append(g)
        if glosses and terms:
            note += " Glossary: " + "; ".join(f"{g['fa']} = {g['en']}" for g in terms) + "."
        models = list(dict.fromkeys(s.translated_by for s in sentences if s.translated_by))
        if models:  # a partly translated document: its rendered sentences say by whom
            note += " Sentences marked ⚙: " + "; ".join(machine_notice(m) for m in models) + "."
        return note
    return None


def render_answer(sentences: list[AnswerSentence], language: str, passage_numbers: dict[str, int] | None = None,
                  glosses: bool = True) -> str:
    """The ``answer`` string: the sentences joined, after :func:`answer_note` where there is one.

    ``passage_numbers`` (passage id → 1-based number) adds ``[n]`` markers after each sentence.
    """
    if not sentences:
        return ""
    parts = []
    for s in sentences:
        text = s.text + (MACHINE_MARK if s.translated_by else "")
        if passage_numbers:
            text += " " + "".join(f"[{passage_numbers[p]}]" for p in s.passage_ids if p in passage_numbers)
        parts.append(text)
    note = answer_note(sentences, language, glosses)
    return (note + "\n" if note else "") + " ".join(parts)
