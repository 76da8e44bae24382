"""A document that is the full text of a cited work: its link to the bibliography record (issue 25).

The link is the document's ``cites`` metadata: the bibliography key of the work (``"Giffinger et al.,
2007"``), written to ``corpus/manifest.json`` by ``add --cites`` or the app's upload like any other metadata,
so every later ``build`` keeps it, and carried into the document's structure table (``cites``), where the
assistant reads it (:mod:`assistant.linked_works`). Removing the document removes its table, hence the link.

The works a document can be linked to are those of the live store's bibliography (every table's
``bibliography`` rows: the paper's cited works). :func:`resolve_work` turns what a user typed into one of
their keys, with the bibliography resolver's name matching (:class:`indexer.bibliography.Resolver`);
:func:`propose_work` finds the work a document's title page names (first author and year, or the title).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from indexer.bibliography import Resolver, WorkEntry, fold_name, name_similarity
from indexer.citations import extract_citations, normalise_key

CITES = "cites"
# how much of a document is its "title page" for a proposal: the first 2,000 characters (a report's cover
# and title page, an article's title, authors and abstract head)
HEAD_CHARS = 2000
# a surname on the title page counts as the work's author at this similarity (the resolver's own threshold
# for a citation's first author is 0.8; a title page spells names out, so stricter here)
AUTHOR_MATCH = 0.85
# share of a record title's content words that must be on the title page for the title to count
TITLE_MATCH = 0.75
# a year as citations write it, Gregorian or Solar Hijri (a title page's, a question's)
YEAR = re.compile(r"(?<![\d\w])(1[34]\d\d|19\d\d|20\d\d)(?![\d\w])")
# a capitalised Latin surname as a question or a title page writes it ("Giffinger", "Meijer-Bolivar")
SURNAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# words that say nothing about which work a title is (a title page's, a question's)
_STOP = {"the", "and", "for", "with", "from", "into", "their", "this", "that", "what", "case", "study", "towards",
         "toward", "about", "between", "through", "among", "using", "based", "role", "new", "its", "how", "does",
         "says"}


class UnknownWorkError(ValueError):
    """``--cites`` named no work of the bibliography; ``close`` lists the nearest keys."""

    def __init__(self, given: str, close: list[str]) -> None:
        self.given, self.close = given, close
        hint = ("; close keys: " + "; ".join(f'"{k}"' for k in close)) if close else \
            "; `python -m assistant sources` lists every key"
        super().__init__(f'no cited work "{given}" in the bibliography{hint}')


@dataclass(frozen=True)
class Work:
    """A work of the bibliography as a document can be linked to it."""

    key: str
    authors: tuple[str, ...]
    year: str
    title: str = ""
    reference: str | None = None


@dataclass(frozen=True)
class Proposal:
    """The work a document's title page names, and what on the page matched."""

    work: Work
    matched: str  # "author and year", "title and year", "author, title and year"


def works_of(tables: dict[str, dict]) -> list[Work]:
    """The bibliography of a store's tables (each key once, first table first)."""
    out: dict[str, Work] = {}
    for table in tables.values():
        for entry in table.get("bibliography", []):
            key = entry.get("key")
            if not key or key in out:
                continue
            record = entry.get("record") or {}
            authors = [a.get("family") or a.get("literal") or "" for a in record.get("author", [])]
            parts = (record.get("issued") or {}).get("date-parts") or [[]]
            year = str(parts[0][0]) if parts and parts[0] else ""
            cit = extract_citations(f"({key})")
            if cit and (not authors or not year):
                authors, year = authors or cit[0].authors, year or cit[0].year
            out[key] = Work(key, tuple(a for a in authors if a), year, (record.get("title") or "").strip(),
                            entry.get("reference"))
    return list(out.values())


def store_works(store_dir: Path) -> list[Work]:
    """The bibliography of the store's live version (empty when nothing is indexed)."""
    from indexer.store import live_tables_dir
    from indexer.tables import load_tables

    folder = live_tables_dir(Path(store_dir))
    return works_of(load_tables(folder)) if folder is not None else []


def resolve_work(given: str, works: list[Work]) -> Work:
    """The work ``given`` names: its key as written or in another form (``Giffinger et al. (2007)``,
    ``Giffinger 2007``), else :class:`UnknownWorkError` with the closest keys."""
    by_key = {w.key: w for w in works}
    text = given.strip()
    if text in by_key:
        return by_key[text]
    compact = {_compact(w.key): w for w in works}  # case, spaces, ZWNJ and punctuation aside
    if _compact(text) in compact:
        return compact[_compact(text)]
    text = text[:1].upper() + text[1:]  # «giffinger 2007»: a citation's surname is capitalised
    key = normalise_key(text)
    if key not in by_key:
        m = re.fullmatch(r"\s*(.+?)[\s,،]+((?:1[34]|19|20)\d\d)\s*", text)  # «Giffinger 2007»
        if m and not extract_citations(f"({text})"):
            key = normalise_key(f"{m.group(1)}, {m.group(2)}")
    if key in by_key:
        return by_key[key]
    entries = [WorkEntry(w.key, list(w.authors), w.year) for w in works if w.authors]
    match = Resolver(entries).resolve(key)
    if match is not None:
        return by_key[match.key]
    # close keys: the same first author (any year) or a similar one of the same year, nearest first
    cit = extract_citations(f"({key})")
    first = cit[0].authors[0] if cit else re.split(r"[\s,،(]+", text)[0]
    year = cit[0].year if cit else None
    scored = []
    for w in works:
        similarity = name_similarity(w.authors[0], first) if w.authors else 0.0
        if similarity >= 0.75 or (year == w.year and similarity >= 0.5):
            scored.append((similarity + 0.1 * (year == w.year), w.key))
    close = [k for _s, k in sorted(scored, key=lambda s: -s[0])]
    raise UnknownWorkError(given, close[:5])


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold_name(text))


def content_words(text: str) -> list[str]:
    """The words of ``text`` that can tell one work's title from another (folded, four letters or more, no
    stop words), in order: what :func:`propose_work` and :func:`assistant.linked_works.named_works` match."""
    return [w for w in (fold_name(x) for x in _WORD.findall(text)) if len(w) >= 4 and w not in _STOP]


def propose_work(head: str, works: list[Work]) -> Proposal | None:
    """The work a document's title page (``head``: its first :data:`HEAD_CHARS` characters, with any title,
    author and year the maintainer gave) names: a year of the page and the work's first author or most of
    its title. None when no work fits, or when two fit equally well (the maintainer says which)."""
    years = set(YEAR.findall(head))
    words = set(content_words(head))
    names = {w for w in (fold_name(x) for x in _WORD.findall(head)) if len(w) >= 3}
    scored: list[tuple[float, Proposal]] = []
    for work in works:
        if work.year not in years or not work.authors:
            continue
        first = fold_name(work.authors[0])
        author = first in names or any(name_similarity(first, n) >= AUTHOR_MATCH for n in names)
        title_words = content_words(work.title)
        share = sum(w in words for w in title_words) / len(title_words) if title_words else 0.0
        title = len(title_words) >= 2 and share >= TITLE_MATCH
        if not (author or title):
            continue
        others = sum(any(name_similarity(fold_name(a), n) >= AUTHOR_MATCH for n in names) for a in work.authors[1:])
        matched = ", ".join(p for p, ok in (("author", author), ("title", title)) if ok) + " and year"
        scored.append((author + share + 0.1 * others, Proposal(work, matched)))
    if not scored:
        return None
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def document_head(path: Path, meta: dict[str, str], max_file_mb: float = 50.0) -> str:
    """A document's title page as :func:`propose_work` reads it: the maintainer's title/author/year and the
    first :data:`HEAD_CHARS` characters of its text (loaded like the build loads it)."""
    from indexer.documents import DocumentSpec, load

    doc = load(DocumentSpec(path.stem, path, {}), max_file_mb=max_file_mb)
    text = "".join(section.title + "\n" for section in doc.structure.sections[:3])  # a Word title is a heading
    for paragraph in doc.structure.paragraphs:
        text += paragraph.text + "\n"
        if len(text) >= HEAD_CHARS:
            break
    given = " ".join(str(meta[k]) for k in ("title", "author", "year") if meta.get(k))
    return (given + "\n" + text[:HEAD_CHARS]).strip()
