"""Cited works whose full text is in the knowledge base, and the works a question names (issue 25).

A document linked to a bibliography record (``add --cites``, :mod:`indexer.links`) carries the record's key
in its structure table (``cites``). :func:`linked_works` reads those links; :func:`named_works` finds the
cited works a question names — first author and year («Giffinger et al. (2007)», «Giffinger 2007», a
Persian surname with its year), or, for a linked work, most of its title — and says for each whether its
full text is here. The ``linked-work`` retriever ranks a named linked work's passages first (not for a
question about where or why the paper cites the work: :func:`work_docs`); a question naming a work whose
full text is absent gets a note saying so (:func:`absent_note`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Collection

from assistant.answer import CITATION, question_type
from indexer.bibliography import fold_name, name_similarity
from indexer.links import AUTHOR_MATCH, SURNAME, TITLE_MATCH, YEAR, Work, content_words, works_of

Tables = dict[str, dict[str, Any]]
_PERSIAN_WORD = re.compile(r"[\u0600-\u06FF\u200c]{3,}")
# at least this many content words of a linked work's title must be in a question that names it by title
TITLE_WORDS = 3


@dataclass(frozen=True)
class LinkedWork:
    """A cited work with its full text in the knowledge base: the bibliography key and the documents (their
    ids, titles and corpus files, in the same order)."""

    key: str
    doc_ids: tuple[str, ...]
    titles: tuple[str, ...]
    files: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class NamedWork:
    """A cited work a question names; ``linked`` is None when its full text is not in the knowledge base."""

    work: Work
    linked: LinkedWork | None
    by: str  # "author and year" | "title"


def linked_works(tables: Tables) -> dict[str, LinkedWork]:
    """Every linked work by bibliography key (several documents may be the full text of one work)."""
    docs: dict[str, list[tuple[str, str, str | None]]] = {}
    for doc_id, table in tables.items():
        if table.get("cites"):
            docs.setdefault(table["cites"], []).append((doc_id, table.get("title") or doc_id, table.get("file")))
    return {key: LinkedWork(key, *(tuple(column) for column in zip(*items))) for key, items in docs.items()}


def cited_authors_named(question: str, tables: Tables, latin_authors: Collection[str] = ()) -> list[str]:
    """The first authors of cited works a question names without a year: a Persian surname as the
    bibliography writes it («جلالی»), or a Latin one the corpus cites (``latin_authors``, lower case: the
    English edition transliterates Persian authors, "Taghva et al., 1402 [2023]"). Four letters at least.

    >>> cited_authors_named("Which journal published Taghva and colleagues' study?", {}, {"taghva"})
    ['Taghva']
    """
    firsts = {fold_name(w.authors[0]) for w in works_of(tables) if w.authors}
    out = [n for n in _PERSIAN_WORD.findall(question) if len(fold_name(n)) >= 4 and fold_name(n) in firsts]
    return out + [n for n in SURNAME.findall(question) if len(n) >= 4 and n.lower() in latin_authors]


def named_works(question: str, tables: Tables) -> list[NamedWork]:
    """The cited works ``question`` names, linked ones first.

    By author and year: the question holds a year of the work and, capitalised (Latin) or as a Persian
    word, its first author's surname (:func:`indexer.bibliography.name_similarity` ≥ ``AUTHOR_MATCH``). By
    title (linked works only): at least :data:`TITLE_WORDS` and ``TITLE_MATCH`` of the title's content
    words.
    """
    years = set(YEAR.findall(question))
    linked = linked_works(tables)
    if not years and not linked:
        return []
    names = {fold_name(n) for n in SURNAME.findall(question)} | \
        {fold_name(n) for n in _PERSIAN_WORD.findall(question)}
    words = set(content_words(question)) if linked else set()
    out: list[NamedWork] = []
    for work in works_of(tables):
        by = ""
        if years and work.year in years and work.authors:
            first = fold_name(work.authors[0])
            if any(n == first or name_similarity(n, first) >= AUTHOR_MATCH for n in names):
                by = "author and year"
        if not by and work.key in linked:
            title = set(content_words(work.title))
            hit = len(title & words)
            if hit >= TITLE_WORDS and hit / len(title) >= TITLE_MATCH:
                by = "title"
        if by:
            out.append(NamedWork(work, linked.get(work.key), by))
    out.sort(key=lambda n: n.linked is None)
    return out


def work_docs(question: str, named: list[NamedWork]) -> tuple[str, ...]:
    """The documents ``question`` is answered from first: the full texts of the linked works it names —
    unless it asks where, why or by whom the paper cites them (a citation question,
    :func:`assistant.answer.question_type`: «What does the paper cite Giffinger et al. (2007) for?»), which
    the paper answers, not the work."""
    if question_type(question) == CITATION:
        return ()
    return tuple(d for n in named if n.linked for d in n.linked.doc_ids)


ABSENT_NOTE = {
    "en": "The full text of {works} is not in the knowledge base: what follows is what the paper says about it, "
          "not the work itself.",
    "fa": "متن کامل {works} در پایگاه دانش نیست: آنچه در پی می‌آید سخن مقاله دربارهٔ آن است، نه خود آن اثر.",
}
FROM_NOTE = {
    "en": "Answered from the full text of {works}, which is in the knowledge base.",
    "fa": "پاسخ از متن کامل {works} است که در پایگاه دانش هست (به زبان خود اثر).",
}


def absent_note(named: list[NamedWork], language: str) -> str | None:
    """The note for a question that names cited works whose full text is absent (None when all are here)."""
    absent = [n.work.key for n in named if n.linked is None]
    if not absent or any(n.linked is not None for n in named):
        return None
    sep = "، " if language == "fa" else "; "
    return ABSENT_NOTE["fa" if language == "fa" else "en"].format(works=sep.join(absent))


def linked_note(named: list[NamedWork], answered_from: set[str], language: str) -> str | None:
    """The note for an answer whose sentences come from a named linked work's full text."""
    keys = [n.work.key for n in named if n.linked and answered_from & set(n.linked.doc_ids)]
    if not keys:
        return None
    sep = "، " if language == "fa" else "; "
    return FROM_NOTE["fa" if language == "fa" else "en"].format(works=sep.join(keys))
