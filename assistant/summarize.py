"""Reading summaries of a section or a theme: key points with citations, glossary, works cited.

``summarize(assistant, section="ارکان اصلی کشورداری هوشمند")`` or ``summarize(assistant, topic="…")``
returns a :class:`Summary`; :mod:`assistant.summary_markdown` (Markdown, JSON) and
:mod:`assistant.summary_pdf` export it.

Extractive like the answers: every key point is a verbatim sentence of the paper with its passage id,
section, page and source lines, and the works cited inside it.

- **Section** — the section is found in the store's passages by title (normalised exact match, then
  containment, then closest title); its passages are grouped by subsection (full section path) in
  reading order. Key points of a subsection are its most *central* sentences (e5 cosine to the
  subsection's mean sentence vector, plus closeness to its title), chosen with maximal marginal
  relevance so they do not repeat each other; 1–4 per subsection depending on its length.
- **Topic** — hybrid retrieval for the topic (k = 12), bibliography passages dropped; passages are
  grouped by section and each group's key points are its sentences most relevant to the topic.
- **Glossary** — the paper's footnote glossary entries whose Persian term occurs in the summarised
  text (or whose footnote lies inside the section's lines).
- **Works cited** — in-text citations of the summarised passages, resolved against the bibliography.

``lang="en"`` writes the summary in English: labels, section titles and key points come from the paper's
parallel English edition (:mod:`indexer.english`), chosen on the English text, each point keeping its
Persian original beside it; a Persian document without an English edition keeps Persian points, glossed,
and the summary says so.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import (
    MACHINE_MARK,
    citation_keys,
    english_edition,
    is_reference_passage,
    looks_like_reference,
    machine_notice,
)
from assistant.citations import cited_works
from assistant.selection import MMR, unit
from assistant.sentences import PassageSentence, char_grams, content_words, distinct_sentences
from assistant.signposting import is_signposting
from indexer.chunking import SECTION_SEP
from indexer.english import EnglishEdition, Rendering
from indexer.lang import detect_language
from indexer.normalize import lexical_tokens, match_key
from indexer.store import Passage

# Coefficients of the key-point choice, set by hand when summaries were written (docs/answers.md) and
# kept by the blind summary calibration set of issue 18 (docs/evals.md); none re-tuned since.
TOPIC_MARGIN = 0.06  # e5 cosine below the best section's best sentence at which a section is off-topic
TITLE_WEIGHT = 0.3   # × cosine to the subsection's title, added to the cosine to its centroid
SENTENCES_PER_POINT = 6  # a subsection gets one key point per this many candidate sentences …
MAX_TOPIC_POINTS = 2     # … a section of a topic summary at most this many
MIN_CONTENT_WORDS = 5    # a shorter sentence is a fragment, not a key point
KEY_POINT_MMR = MMR(relevance_weight=0.7, redundancy_weight=0.3)

LABELS = {
    "fa": {"summary": "خلاصه خوانش", "topic": "خلاصه موضوعی", "section": "بخش", "key_points": "نکته‌های کلیدی",
           "glossary": "واژه‌نامه", "works": "آثار استنادشده", "page": "ص", "pages": "صفحه‌ها",
           "lines": "سطرهای", "line": "سطر", "source": "منبع", "none": "—", "not_in_refs": "در فهرست مآخذ نیست",
           "unresolved": "(مرجع کامل در دسترس نیست)",
           "note": "همه نکته‌ها عین جمله‌های مقاله‌اند و هر یک به قطعه منبع خود ارجاع دارد.", "original": "متن اصلی"},
    "en": {"summary": "Reading summary", "topic": "Topic summary", "section": "Section", "key_points": "Key points",
           "glossary": "Glossary", "works": "Works cited", "page": "p.", "pages": "pages",
           "lines": "lines", "line": "line", "source": "source", "none": "—",
           "not_in_refs": "not in the reference list",
           "unresolved": "(full reference not available)",
           "note": "Key points are the paper's sentences in the English rendering prepared for this knowledge "
                   "base (not the author's text), each with its source passage and Persian original.",
           "note_untranslated": "Key points are sentences quoted verbatim from the paper, each with its source "
                                "passage; passages without an English rendering stay Persian (key terms are "
                                "glossed from the paper's own glossary).",
           "original": "original"},
}


# ---------------------------------------------------------------------------- data
@dataclass
class KeyPoint:
    text: str
    passage_ids: list[str]
    page: int | None
    line_start: int | None
    line_end: int | None
    citations: list[str] = field(default_factory=list)
    language: str = "fa"
    original: str | None = None  # a translated point's Persian sentence
    translated_by: str | None = None  # … rendered by this model via the local backend (`indexer translate`)
    generated: bool = False      # written by the model server (``summarize --llm``), checked against its passages
    support: str | None = None   # … how it was supported ("4-gram" | "e5"); None for the paper's own sentences


@dataclass
class SubsectionSummary:
    title: str                 # the subsection's own title (last element of its path)
    path: list[str]            # full section path
    pages: list[int]
    lines: tuple[int, int] | None
    points: list[KeyPoint] = field(default_factory=list)


@dataclass
class Summary:
    kind: str                  # "section" | "topic"
    query: str                 # the requested title or topic
    title: str                 # matched section title, or the topic
    lang: str                  # labels language: "fa" | "en"
    doc_id: str | None
    doc_title: str | None
    subsections: list[SubsectionSummary]
    glossary: list[dict]       # [{"fa", "en", "page"}]
    works: list[dict]          # [{"key", "reference", "confidence"}]
    pages: list[int] = field(default_factory=list)
    note: str = ""
    references_resolved: bool = False  # a bibliography table was there to resolve the works against
    generation: dict | None = None     # ``summarize --llm``: model, fallback, message, written, replaced, dropped

    @property
    def points(self) -> list[KeyPoint]:
        return [p for s in self.subsections for p in s.points]


class SectionNotFound(LookupError):
    """No section of the store matches the requested title."""

    def __init__(self, query: str, titles: list[str]):
        super().__init__(f"no section matches {query!r}; closest: {', '.join(titles[:5])}")
        self.titles = titles


# ---------------------------------------------------------------------------- section lookup
def _path(passage) -> list[str]:
    meta = passage.metadata or {}
    raw = meta.get("section_path") or ""
    if raw:
        return [t for t in raw.split("\n") if t]
    return [t for t in (meta.get("section") or "").split(SECTION_SEP) if t]


def section_titles(passages) -> list[str]:
    """Every section title the passages mention, in reading order."""
    seen: dict[str, None] = {}
    for p in passages:
        for t in _path(p):
            seen.setdefault(t, None)
    return list(seen)


def match_section(query: str, titles: list[str]) -> str | None:
    """The title ``query`` names: normalised equality, then containment, then closest (ratio ≥ 0.6)."""
    q = match_key(query)
    if not q:
        return None
    for t in titles:
        if match_key(t) == q:
            return t
    contained = [t for t in titles if q in match_key(t)] or [t for t in titles if match_key(t) and match_key(t) in q]
    if contained:
        return min(contained, key=lambda t: abs(len(match_key(t)) - len(q)))
    scored = sorted(((difflib.SequenceMatcher(None, q, match_key(t)).ratio(), t) for t in titles), reverse=True)
    return scored[0][1] if scored and scored[0][0] >= 0.6 else None


# ---------------------------------------------------------------------------- selection
def _candidates(passages) -> list[PassageSentence]:
    """Distinct claim sentences of ``passages`` (no fragments, reference records or signposting)."""
    def keep(sentence: str, passage) -> bool:
        return (content_words(sentence) >= MIN_CONTENT_WORDS and not looks_like_reference(sentence)
                and not is_signposting(sentence))

    return distinct_sentences(enumerate(passages), keep)


def _pick(cands: list[PassageSentence], vectors: np.ndarray, relevance: np.ndarray, n: int) -> list[int]:
    """MMR over ``relevance`` with a hard near-duplicate filter; indices in reading order."""
    chosen = KEY_POINT_MMR.select([float(r) for r in relevance], vectors, n,
                                  tokens=[set(lexical_tokens(c.text)) for c in cands],
                                  grams=[char_grams(c.text) for c in cands])
    return sorted(chosen, key=lambda i: cands[i].order)


def _by(rendering: Rendering | None) -> str | None:
    return rendering.by if rendering is not None else None


def points_per_subsection(n_sentences: int, max_points: int = 4) -> int:
    """1 point per ~:data:`SENTENCES_PER_POINT` sentences, between 1 and ``max_points``."""
    return max(1, min(max_points, math.ceil(n_sentences / SENTENCES_PER_POINT)))


def _key_points(cands: list[PassageSentence], embed_model, title: str, n: int, topic_vec=None,
                edition: EnglishEdition | None = None) -> tuple[list[KeyPoint], float]:
    """Key points of one subsection and the best relevance among its sentences.

    With an English ``edition`` the points are chosen on, and written in, the English renderings.
    """
    if not cands:
        return [], 0.0
    english = [edition.find(c.text, c.line_start, c.line_end) if edition is not None else None for c in cands]
    texts = [e.en if e else c.text for e, c in zip(english, cands)]
    vectors = unit(embed_model.get_text_embedding_batch(texts))
    if topic_vec is not None:
        relevance = vectors @ topic_vec
    else:
        centroid = unit(vectors.mean(axis=0))
        relevance = vectors @ centroid
        if title:
            relevance = relevance + TITLE_WEIGHT * (vectors @ unit(embed_model.get_query_embedding(title)))
    points = [KeyPoint(texts[i], cands[i].passage_ids, cands[i].page, cands[i].line_start, cands[i].line_end,
                       citation_keys(cands[i].text), detect_language(texts[i]),
                       cands[i].text if english[i] else None, translated_by=_by(english[i]))
              for i in _pick(cands, vectors, relevance, n)]
    return points, float(np.max(relevance))


# ---------------------------------------------------------------------------- summaries
def summarize(assistant, section: str | None = None, topic: str | None = None, lang: str = "fa",
              max_points: int = 4, topic_k: int = 12) -> Summary:
    """A reading summary of one section (by title) or of a topic (by retrieval); see module docstring."""
    if bool(section) == bool(topic):
        raise ValueError("give exactly one of section= or topic=")
    lang = lang if lang in LABELS else "fa"
    retriever = assistant.retriever
    retriever.refresh()
    embed = retriever.embed_model
    body = [p for p in retriever.passages.values() if not is_reference_passage(p)]
    groups: dict[tuple[str, ...], list] = {}
    if section:
        title = match_section(section, section_titles(body))
        if title is None:
            wanted = match_key(section)
            ranked = sorted(section_titles(body),
                            key=lambda t: -difflib.SequenceMatcher(None, wanted, match_key(t)).ratio())
            raise SectionNotFound(section, ranked)
        for p in body:
            path = _path(p)
            if title in path:
                groups.setdefault(tuple(path), []).append(p)
        kind, topic_vec = "section", None
    else:
        title = (topic or "").strip()
        hits = [h for h in retriever.retrieve(title, topic_k) if not is_reference_passage(h.passage)]
        for h in hits:
            groups.setdefault(tuple(_path(h.passage)), []).append(h.passage)
        kind, topic_vec = "topic", unit(embed.get_query_embedding(title))
    edition = english_edition(assistant.tables) if lang == "en" else None
    if edition is not None and not len(edition):
        edition = None
    order = lambda p: (p.doc_id, (p.metadata or {}).get("line_start") or 0)  # noqa: E731
    subsections: list[SubsectionSummary] = []
    relevance: dict[int, float] = {}
    all_passages: list[Passage] = []
    for key, group in sorted(groups.items(), key=lambda kv: min(order(p) for p in kv[1])):
        path, passages = list(key), sorted(group, key=order)
        all_passages += passages
        cands = _candidates(passages)
        n = points_per_subsection(len(cands), max_points) if topic_vec is None else min(MAX_TOPIC_POINTS, max_points)
        label = path[-1] if path else ""
        points, best = _key_points(cands, embed, label, n, topic_vec, edition)
        if edition is not None:
            path = [edition.title(t) or t for t in path]
            label = path[-1] if path else ""
        if not points:
            continue
        relevance[len(subsections)] = best
        metas = [p.metadata or {} for p in passages]
        pages = sorted({int(m["page"]) for m in metas if m.get("page")})
        starts = [int(m["line_start"]) for m in metas if m.get("line_start")]
        ends = [int(m["line_end"]) for m in metas if m.get("line_end")]
        subsections.append(SubsectionSummary(label, path, pages,
                                             (min(starts), max(ends)) if starts and ends else None, points))
    if topic_vec is not None and relevance:
        # a topic summary keeps the sections that speak to the topic: within 0.06 of the best one
        top = max(relevance.values())
        keep = [i for i in range(len(subsections)) if relevance[i] >= top - TOPIC_MARGIN]
        kept_paths = {tuple(subsections[i].path) for i in keep}
        subsections = [subsections[i] for i in keep]
        all_passages = [p for p in all_passages if tuple(_path(p)) in kept_paths]
    docs = {p.doc_id for p in all_passages}
    doc_id = next(iter(docs)) if len(docs) == 1 else None
    tables = assistant.tables or {}
    doc_title = (tables.get(doc_id) or {}).get("title") if doc_id else None
    if doc_id and not doc_title and all_passages:
        doc_title = (all_passages[0].metadata or {}).get("doc_title")
    text = "\n".join(p.text for p in all_passages)
    line_spans = [s.lines for s in subsections if s.lines]
    glossary = _section_glossary(text, tables, docs, line_spans if kind == "section" else [])
    works = cited_works([p.text for p in all_passages], tables, lang)   # an English summary: Persian works in English
    if not works:  # before the citation tables exist: the raw keys, unresolved
        keys = []
        for p in all_passages:
            keys += [k for k in citation_keys(p.text) if k not in keys]
        works = [{"key": k, "reference": None, "confidence": None} for k in keys]
    all_pages = sorted({pg for s in subsections for pg in s.pages})
    resolved = any(t.get("bibliography") for t in tables.values())
    note = LABELS[lang]["note"]
    if lang == "en" and any(p.language != "en" for s in subsections for p in s.points):
        note = LABELS["en"]["note_untranslated"]
    models = list(dict.fromkeys(p.translated_by for s in subsections for p in s.points if p.translated_by))
    if models:   # renderings written by the local backend say so, by model, and carry a mark
        note += " " + "; ".join(machine_notice(m) for m in models) + f" ({MACHINE_MARK.strip()})."
    if edition is not None and kind == "section":
        title = edition.title(title) or title
    if lang == "en" and doc_id:
        doc_title = assistant.retriever.state["docs"].get(doc_id, {}).get("meta", {}).get("title_en") or doc_title
    return Summary(kind, (section or topic or "").strip(), title, lang, doc_id, doc_title, subsections,
                   glossary, works, all_pages, note, resolved)


def _section_glossary(text: str, tables: dict, docs: set[str], spans: list[tuple[int, int]]) -> list[dict]:
    hay = match_key(text)
    out: list[dict] = []
    seen: set[str] = set()  # one entry per term: "Cloud computing" = "Cloud Computing", one Persian term once
    for doc_id in sorted(docs):
        for entry in (tables.get(doc_id) or {}).get("glossary", []) or []:
            fa, en = (entry.get("fa") or "").strip(), (entry.get("en") or "").strip()
            keys = {"fa:" + match_key(fa), "en:" + " ".join(en.casefold().split())}
            if not fa or not en or keys & seen:
                continue
            line = entry.get("marker_line") or entry.get("line_no")
            inside = any(a <= line <= b for a, b in spans) if line else False
            if inside or (len(match_key(fa)) >= 3 and match_key(fa) in hay):
                seen |= keys
                out.append({"fa": fa, "en": en, "page": entry.get("page")})
    return out
