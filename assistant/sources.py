"""Read-side API over the structure tables of the live store: outline, glossary, cited works.

Every function takes ``store``: a :class:`indexer.settings.Settings`, a store folder (``Path``/``str``)
or tables already loaded (``{doc_id: table}`` as :func:`live_tables` returns). The CLI
(``assistant/sources_cli.py``) and the app call these; they never read the corpus directly, so what
they show is what the index holds.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from assistant.linked_works import linked_works
from indexer.bibliography import Resolver, WorkEntry
from indexer.citations import extract_citations, normalise_key
from indexer.export import export as _export
from indexer.normalize import fold
from indexer.store import Passage

Tables = dict[str, dict[str, Any]]


class NoTablesError(RuntimeError):
    """The store has no live tables (nothing indexed yet)."""


def live_tables(store) -> Tables:
    """The live structure tables of a store, by document id."""
    if isinstance(store, dict):
        return store
    from indexer.store import live_tables_dir
    from indexer.tables import load_tables

    store_dir = Path(getattr(store, "store_dir", store))
    folder = live_tables_dir(store_dir)
    if folder is None:
        raise NoTablesError(f"no index in {store_dir}: run `python -m indexer build` first")
    return load_tables(folder)


def outline(store) -> list[dict[str, Any]]:
    """Sections of every document: ``{"doc_id", "title", "level", "path", "line_start", …}``."""
    out = []
    for doc_id, table in live_tables(store).items():
        for section in table.get("outline", []):
            out.append({"doc_id": doc_id, **section})
    return out


def glossary(store) -> list[dict[str, Any]]:
    """Persian–English term pairs from the footnote glosses: ``{"fa", "en", "number", "line_no", "page"}``."""
    out = []
    for doc_id, table in live_tables(store).items():
        for entry in table.get("glossary", []):
            if entry.get("fa"):
                out.append({**entry, "doc_id": doc_id})
    return out


def _full_text_docs(tables: Tables) -> dict[str, list[dict[str, Any]]]:
    """``{key: [{"doc_id", "title", "file"}]}``: the documents that are a cited work's full text
    (:func:`assistant.linked_works.linked_works`, as JSON rows)."""
    return {key: [{"doc_id": d, "title": t, "file": f} for d, t, f in zip(work.doc_ids, work.titles, work.files)]
            for key, work in linked_works(tables).items()}


def sources(store) -> list[dict[str, Any]]:
    """Every cited work: key, formatted reference (or null), confidence, occurrences, reference-list status,
    and ``full_text``: the documents in the knowledge base that are the work itself (``add --cites``)."""
    out: dict[str, dict] = {}
    for doc_id, table in live_tables(store).items():
        for entry in table.get("bibliography", []):
            if entry["key"] in out:
                out[entry["key"]]["occurrences"] += entry.get("occurrences", 0)
                continue
            out[entry["key"]] = {"key": entry["key"], "reference": entry.get("reference"),
                                 "confidence": entry.get("confidence"),
                                 "occurrences": entry.get("occurrences", 0),
                                 "in_reference_list": entry.get("in_reference_list", False),
                                 "resolved": entry.get("resolved", entry.get("record") is not None),
                                 "aliases": entry.get("aliases", []),
                                 "record": entry.get("record"), "doc_id": doc_id}
    linked = _full_text_docs(live_tables(store))
    for key, work in out.items():
        work["full_text"] = [{"doc_id": d["doc_id"], "title": d["title"]} for d in linked.get(key, [])]
    return list(out.values())


_QUERY_SPLIT = re.compile(r"[\s,;،؛()\[\]]+")


def search_sources(works: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The works of :func:`sources` whose key, reference, aliases or year hold every word of ``query``
    (any order, case-, digit- and ZWNJ-folded): «Giffinger 2007» finds «Giffinger et al., 2007».

    >>> ws = [{"key": "Giffinger et al., 2007", "reference": "Giffinger, R. (2007). Smart cities."},
    ...       {"key": "Heeks, 2003", "reference": None, "aliases": ["Heeks 2003"]}]
    >>> [w["key"] for w in search_sources(ws, "giffinger 2007")], [w["key"] for w in search_sources(ws, "۲۰۰۳")]
    (['Giffinger et al., 2007'], ['Heeks, 2003'])
    """
    words = [fold(w) for w in _QUERY_SPLIT.split(query or "") if w.strip(".")]
    if not words:
        return list(works)
    out = []
    for work in works:
        hay = fold(" ".join([str(work.get("key") or ""), str(work.get("reference") or ""),
                             *[str(a) for a in work.get("aliases") or []]]))
        if all(w.strip(".") in hay for w in words):
            out.append(work)
    return out


def _bibliography(tables: Tables) -> list[dict]:
    seen: dict[str, dict] = {}
    for table in tables.values():
        for entry in table.get("bibliography", []):
            seen.setdefault(entry["key"], entry)
    return list(seen.values())


def resolve_key(key: str, tables: Tables) -> str | None:
    """The bibliography key a user's or a sentence's citation refers to (variants merge), or None.

    ``Bertot et al, 2010``, ``Bertot, 2010`` and ``(Bertot et al., 2010)`` all give
    ``Bertot et al., 2010``; Persian spelling variants (ی/ئ, ZWNJ) resolve too.
    """
    bib = _bibliography(tables)
    norm = normalise_key(key)
    for entry in bib:
        if norm == entry["key"] or norm in entry.get("aliases", []):
            return entry["key"]
    entries = []
    for entry in bib:
        found = extract_citations(f"({entry['key']})")
        if found:
            entries.append(WorkEntry(entry["key"], found[0].authors, found[0].year))
    match = Resolver(entries).resolve(norm)
    return match.key if match else None


def cited(store, key: str, passages: dict[str, Passage] | None = None) -> dict[str, Any]:
    """Where and for what a work is cited, and the work itself when its full text is in the knowledge base.

    Returns ``{"key", "query", "found", "reference", "confidence", "in_reference_list", "record",
    "occurrences": [{"doc_id", "line_no", "page", "section", "sentence", "raw"}],
    "full_text": [{"doc_id", "title", "file", "passages": [{"id", "text", "section", "page", …}]}]}``.
    ``passages``: the store's passages (read from ``store`` when it is a store; without them, a table-only
    ``store`` lists the documents without their passages).
    """
    tables = live_tables(store)
    resolved = resolve_key(key, tables)
    result: dict[str, Any] = {"query": key, "key": resolved or normalise_key(key), "found": False,
                              "reference": None, "confidence": None, "in_reference_list": False,
                              "record": None, "occurrences": [], "full_text": []}
    if resolved is None:
        return result
    for entry in _bibliography(tables):
        if entry["key"] == resolved:
            result.update(reference=entry.get("reference"), confidence=entry.get("confidence"),
                          in_reference_list=entry.get("in_reference_list", False),
                          record=entry.get("record"))
    for doc_id, table in tables.items():
        for c in table.get("citations", []):
            if c["key"] == resolved:
                result["occurrences"].append({"doc_id": doc_id, **{k: c.get(k) for k in (
                    "line_no", "page", "section", "sentence", "raw")}})
    docs = _full_text_docs(tables).get(resolved, [])
    if docs and passages is None and not isinstance(store, dict):
        passages = live_passages(store)
    for doc in docs:
        own = [p.to_json() for p in (passages or {}).values() if p.doc_id == doc["doc_id"] and not p.is_record]
        result["full_text"].append({**doc, "passages": own})
    result["found"] = bool(result["occurrences"]) or result["record"] is not None
    return result


def live_passages(store) -> dict[str, Passage]:
    """The passages of a store's live version (Settings or a store folder)."""
    from indexer.store import live_tables_dir, load_passages

    folder = live_tables_dir(Path(getattr(store, "store_dir", store)))
    return load_passages(folder) if folder is not None else {}


def keys_in_section(store, section: str) -> list[str]:
    """Keys of the works cited in sections whose path contains ``section`` (folded match)."""
    want = fold(section)
    keys: list[str] = []
    for table in live_tables(store).values():
        for c in table.get("citations", []):
            if c.get("section") and want in fold(c["section"]) and c["key"] not in keys:
                keys.append(c["key"])
    return keys


def export(store, keys: Iterable[str] | None, fmt: str) -> str:
    """BibTeX / RIS / CSL-JSON of the records of ``keys`` (all cited works with a record if None).

    Keys without a CSL record (only in the paper's reference list, or nowhere) are skipped: the
    export carries records only; :func:`sources` lists the others.
    """
    tables = live_tables(store)
    bib = {e["key"]: e for e in _bibliography(tables)}
    if keys is None:
        wanted = list(bib)
    else:
        wanted = []
        for key in keys:
            resolved = resolve_key(key, tables)
            if resolved and resolved not in wanted:
                wanted.append(resolved)
    linked = _full_text_docs(tables)
    records = [{**bib[k]["record"], "kb_full_text": [{"doc_id": d["doc_id"], "file": d["file"]} for d in linked[k]]}
               if k in linked else bib[k]["record"] for k in wanted if k in bib and bib[k].get("record")]
    return _export(records, fmt)


def citations_in(text: str, store) -> list[dict[str, Any]]:
    """``[{"key", "reference", "confidence"}]`` of the works cited inside ``text`` (answer sentences)."""
    tables = live_tables(store)
    bib = {e["key"]: e for e in _bibliography(tables)}
    out, seen = [], set()
    for c in extract_citations(text):
        key = resolve_key(c.key, tables) or c.key
        if key in seen:
            continue
        seen.add(key)
        entry = bib.get(key, {})
        out.append({"key": key, "reference": entry.get("reference"),
                    "confidence": entry.get("confidence")})
    return out


_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _latin_contains(query: str, term: str) -> bool:
    q = " " + " ".join(_LATIN_WORD.findall(query.lower())) + " "
    t = " ".join(_LATIN_WORD.findall(term.lower()))
    return bool(t) and f" {t} " in q


def _persian_contains(query: str, term: str) -> bool:
    q = fold(query).replace(" ", "")
    t = fold(term).replace(" ", "")
    return len(t) >= 3 and t in q


def glossary_expand(query: str, glossary: list[dict[str, Any]]) -> list[str]:
    """Terms of the other language for glossary terms named in ``query`` (English ↔ Persian).

    >>> g = [{"fa": "رایانش ابری", "en": "Cloud computing"}, {"fa": "پاییدگی", "en": "Surveillance"}]
    >>> glossary_expand("What does the paper say about cloud computing?", g)
    ['رایانش ابری']
    >>> glossary_expand("نقش پاییدگی در حکمرانی", g)
    ['Surveillance']
    """
    out: list[str] = []
    for entry in glossary:
        fa, en = entry.get("fa") or "", entry.get("en") or ""
        if not fa or not en:
            continue
        if _latin_contains(query, en) and fa not in out:
            out.append(fa)
        elif _persian_contains(query, fa) and en not in out:
            out.append(en)
    return out


def section_in_english(tables: Tables, path: str | None) -> str | None:
    """A section path (``A › B``) with each heading as the parallel English edition renders it; a heading it
    does not render stays as it is (None for no path)."""
    if not path:
        return None
    from assistant.answer import english_edition
    from indexer.chunking import SECTION_SEP

    edition = english_edition(tables)
    return SECTION_SEP.join(edition.title(part.strip()) or part.strip() for part in path.split(SECTION_SEP))
