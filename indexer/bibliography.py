"""Cited-work records (CSL-JSON): formatting a full reference for display and retrieval."""
from __future__ import annotations

import re


def _authors(record: dict) -> str:
    names = []
    for author in record.get("author", []):
        if "literal" in author:
            names.append(author["literal"])
        else:
            names.append(", ".join(p for p in (author.get("family"), author.get("given")) if p))
    return "; ".join(names)


def format_reference(record: dict) -> str:
    """A readable APA-like reference line from a CSL-JSON record.

    >>> format_reference({"author": [{"family": "Heeks", "given": "R."}], "issued": {"date-parts": [[2003]]},
    ...                   "title": "E-government", "cite_as": "Heeks, 2003"})
    'Heeks, R. (2003). E-government. [cited as: Heeks, 2003]'
    >>> format_reference({"title": "", "cite_as": "Liu et al., 2013"})
    'Liu et al., 2013 — cited in the paper; full reference not identified.'
    """
    if not (record.get("title") or "").strip():
        # unidentified works: say what is known instead of an empty "(n.d.). ." line
        return f"{record.get('cite_as', record.get('id', '?'))} — cited in the paper; full reference not identified."
    year = ""
    parts = record.get("issued", {}).get("date-parts") or [[]]
    if parts and parts[0]:
        year = str(parts[0][0])
    out = f"{_authors(record)} ({year or 'n.d.'}). {record.get('title', '').strip()}."
    container = record.get("container-title")
    if container:
        out += f" {container}"
        if record.get("volume"):
            out += f", {record['volume']}"
            if record.get("issue"):
                out += f"({record['issue']})"
        if record.get("page"):
            out += f", {record['page']}"
        out += "."
    elif record.get("publisher"):
        out += f" {record['publisher']}."
    if record.get("DOI"):
        out += f" https://doi.org/{record['DOI']}"
    if record.get("cite_as"):
        out += f" [cited as: {record['cite_as']}]"
    return out.strip()


_CITED_AS = re.compile(r"\s*\[cited as: ([^\]]+)\]\s*$")


def split_cited_as(reference: str) -> tuple[str, str | None]:
    """A formatted reference without its trailing ``[cited as: …]`` note, and that note's key.

    >>> split_cited_as('Heeks, R. (2003). E-government. [cited as: Heeks, 2003]')
    ('Heeks, R. (2003). E-government.', 'Heeks, 2003')
    """
    m = _CITED_AS.search(reference or "")
    return ((reference[:m.start()], m.group(1)) if m else (reference, None))


# ---------------------------------------------------------------------------------------------
# Resolving citation keys to records
# ---------------------------------------------------------------------------------------------
import difflib  # noqa: E402
import json  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from indexer.citations import Citation, extract_citations, make_key, normalise_key  # noqa: E402

_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا",
                       "إ": "ا", "آ": "ا", "\u200c": None, "-": None, " ": None, "’": None,
                       "'": None})


def fold_name(name: str) -> str:
    """A surname folded for matching: Persian letter variants unified, no spaces/ZWNJ/hyphens."""
    import unicodedata

    name = unicodedata.normalize("NFKD", name.lower())
    name = "".join(c for c in name if not unicodedata.combining(c))
    return name.translate(_FOLD)


def name_similarity(a: str, b: str) -> float:
    """How alike two surnames are (0–1) once folded (:func:`fold_name`); letters re-ordered count 0.9."""
    a, b = fold_name(a), fold_name(b)
    if a == b:
        return 1.0
    if sorted(a) == sorted(b):  # the same letters re-ordered (garbling: محمدآقای ~ آقامحمدی)
        return 0.9
    return difflib.SequenceMatcher(None, a, b).ratio()


@dataclass
class WorkEntry:
    """A work known to the bibliography: its key, parsed authors/year and where it comes from."""

    key: str
    authors: list[str]
    year: str
    record: dict | None = None
    reference: str | None = None       # the paper's own reference-list entry, if any
    reference_line: int | None = None
    aliases: set[str] = field(default_factory=set)


def _parse_key(key: str) -> Citation | None:
    found = extract_citations(f"({key})")
    return found[0] if found else None


class Resolver:
    """Maps normalised citation keys to known works (CSL records and reference-list entries).

    Exact key first; otherwise a work with the same year whose first author matches closely
    (letter variants, ZWNJ, garbled order) and, when both name a second author, whose second
    author matches too (``Bertot, 2010`` → ``Bertot et al., 2010``;
    ``محمدآقای و پارسا، 1403`` → ``آقامحمدی و پارسا، 1403``).
    """

    def __init__(self, entries: list[WorkEntry]):
        self.entries = entries
        self._by_key = {e.key: e for e in entries}

    def resolve(self, key: str, threshold: float = 0.8) -> WorkEntry | None:
        key = normalise_key(key)
        if key in self._by_key:
            return self._by_key[key]
        cit = _parse_key(key)
        if cit is None:
            return None
        best, best_score = None, 0.0
        for entry in self.entries:
            if entry.year != cit.year or not entry.authors:
                continue
            score = name_similarity(cit.authors[0], entry.authors[0])
            if len(cit.authors) > 1 and len(entry.authors) > 1 and not cit.et_al:
                score = (score + name_similarity(cit.authors[1], entry.authors[1])) / 2
            if score > best_score:
                best, best_score = entry, score
        return best if best_score >= threshold else None


def csl_entries(records: list[dict]) -> list[WorkEntry]:
    """Work entries of CSL-JSON records, keyed by their ``cite_as`` (else by author–year)."""
    out = []
    for record in records:
        raw = record.get("cite_as")
        if raw:
            cit = _parse_key(raw)
        else:
            cit = None
        if cit is None:
            authors = [a.get("family") or a.get("literal", "") for a in record.get("author", [])]
            parts = record.get("issued", {}).get("date-parts") or [[]]
            year = str(parts[0][0]) if parts and parts[0] else "n.d."
            script = "persian" if record.get("language") == "fa" else "latin"
            key = make_key(authors or ["Anon"], year, False, script)
            out.append(WorkEntry(key, authors, year, record))
        else:
            out.append(WorkEntry(cit.key, cit.authors, cit.year, record))
    return out


_REF_START = re.compile(r"(?P<authors>[\u0600-\u06FF\u200c ]+(?:،[\u0600-\u06FF\u200c ]+)+)\s*"
                        r"\((?P<year>1[34]\d\d|19\d\d|20\d\d)\)\.")


def parse_persian_references(lines: list[tuple[int, str]]) -> list[WorkEntry]:
    """Entries of a Persian reference list given as ``(line_no, text)`` lines in reading order.

    An entry opens with «نام‌خانوادگی، نام، نام‌خانوادگی، نام (سال).» and runs to the next one; the
    key is «X، سال», «X و Y، سال» or «X و همکاران، سال».
    """
    text, starts = "", []
    for line_no, line in lines:
        starts.append((len(text), line_no))
        text += re.sub(r"\s+", " ", line).strip() + " "
    matches = list(_REF_START.finditer(text))
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        names = [n.strip() for n in m.group("authors").split("،")]
        families = names[0::2]
        entry_text = re.sub(r"\s+", " ", text[m.start():end]).strip()
        line_no = max(ln for off, ln in starts if off <= m.start())
        key = make_key(families, m.group("year"), False, "persian")
        out.append(WorkEntry(key, families, m.group("year"), None, entry_text, line_no))
    return out


def merge_entries(csl: list[WorkEntry], references: list[WorkEntry]) -> list[WorkEntry]:
    """CSL entries with the paper's reference-list entry attached where one matches.

    A reference entry matches a CSL entry with the same key, or the same first author with a year
    off by at most one (the paper cites حسینی 1402 and lists حسینی 1401). Unmatched reference-list
    entries become entries of their own (works listed but not in the CSL file).
    """
    out = list(csl)
    for ref in references:
        match = next((e for e in out if e.key == ref.key), None)
        if match is None:
            for e in out:
                if e.reference is None and e.authors and e.year.isdigit() and ref.year.isdigit() \
                        and abs(int(e.year) - int(ref.year)) <= 1 \
                        and name_similarity(e.authors[0], ref.authors[0]) >= 0.95:
                    match = e
                    break
        if match is None:
            out.append(ref)
        elif match.reference is None:
            match.reference, match.reference_line = ref.reference, ref.reference_line
    return out


def find_csl_records(start: Path) -> list[dict]:
    """CSL-JSON records named in the nearest corpus manifest above ``start`` (edition csl-json)."""
    for folder in [start if start.is_dir() else start.parent, *start.parents]:
        manifest = folder / "manifest.json"
        if manifest.is_file():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            records: list[dict] = []
            for entry in data.get("documents", []):
                if entry.get("edition") == "csl-json":
                    path = folder / entry["source"]
                    if path.is_file():
                        records.extend(json.loads(path.read_text(encoding="utf-8")))
            return records
    return []
