"""Glossary, citation and bibliography tables of one document (merged into its structure tables).

Called by :func:`indexer.tables.document_tables` at index build time:

- the paper (kind ``proofread``): footnote glossary, every in-text citation with the sentence it
  supports, and a bibliography that resolves each cited key to its CSL-JSON record (from the
  corpus manifest's ``csl-json`` document) and to the paper's own Persian reference-list entry;
- any other document: the citations found in its text and their resolution where records exist
  (a CSL-JSON document itself has no citations).
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from indexer.bibliography import (
    Resolver,
    csl_entries,
    find_csl_records,
    format_reference,
    merge_entries,
    parse_persian_references,
)
from indexer.chunking import SECTION_SEP
from indexer.citations import extract_citations
from indexer.documents import LoadedDocument
from indexer.normalize import split_sentences


def _sentence_at(text: str, start: int, end: int) -> str:
    pos = 0
    for sent in split_sentences(text):
        s = text.find(sent, pos)
        if s < 0:
            continue
        e = s + len(sent)
        pos = e
        if s <= start < e or (s < end <= e):
            return sent.strip()
    return text.strip()


def _reference_lines(doc: LoadedDocument) -> list[tuple[int, str]]:
    out = []
    for p in doc.structure.paragraphs:
        if p.kind != "reference":
            continue
        bounds = list(p.line_offsets) + [len(p.text) + 1]
        for i, line_no in enumerate(p.lines):
            out.append((line_no, p.text[bounds[i]:bounds[i + 1]].strip()))
    return out


def _line_pages(doc: LoadedDocument) -> dict[int, int]:
    """Page of every source line of a proofread edition (a paragraph may cross a page break)."""
    if doc.kind != "proofread":
        return {}
    import json

    from indexer.structure import _pages

    rows = [json.loads(line) for line in doc.spec.path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return _pages(sorted(rows, key=lambda r: r["line_no"]))


def citation_rows(doc: LoadedDocument, resolver: Resolver | None = None) -> list[dict[str, Any]]:
    """Every in-text citation of a document's body, with its line, page, section and sentence."""
    pages = _line_pages(doc)
    rows = []
    for p in doc.structure.paragraphs:
        if p.kind == "reference":
            continue
        for cit in extract_citations(p.text):
            entry = resolver.resolve(cit.key) if resolver else None
            line_no = p.lines_for(cit.start, cit.end)[0]
            rows.append({
                "key": entry.key if entry else cit.key,
                "raw": cit.raw,
                "text_key": cit.key,
                "line_no": line_no,
                "page": pages.get(line_no, p.page),
                "section": SECTION_SEP.join(p.section_path) if p.section_path else None,
                "sentence": _sentence_at(p.text, cit.start, cit.end),
            })
    return rows


def build_resolver(doc: LoadedDocument) -> tuple[Resolver, list]:
    records = find_csl_records(doc.spec.path)
    references = parse_persian_references(_reference_lines(doc)) if doc.kind == "proofread" else []
    entries = merge_entries(csl_entries(records), references)
    return Resolver(entries), entries


def reference_tables(doc: LoadedDocument) -> dict[str, Any]:
    """``{"glossary", "citations", "bibliography"}`` of a loaded document (see module docstring)."""
    if doc.kind == "csl-json":
        return {"glossary": [], "citations": [], "bibliography": []}
    resolver, entries = build_resolver(doc)
    citations = citation_rows(doc, resolver)
    counts = Counter(c["key"] for c in citations)
    aliases: dict[str, list[str]] = {}
    for c in citations:
        if c["text_key"] != c["key"] and c["text_key"] not in aliases.setdefault(c["key"], []):
            aliases[c["key"]].append(c["text_key"])
    by_key = {e.key: e for e in entries}
    bibliography = []
    for key in dict.fromkeys(c["key"] for c in citations):  # first-citation order
        entry = by_key.get(key)
        record = entry.record if entry else None
        reference = None
        if entry is not None:
            # a record without a title (confidence "unknown": not identified) formats to nothing useful
            has_details = record is not None and bool(record.get("title"))
            reference = entry.reference or (format_reference(record) if record is not None and has_details else None)
        bibliography.append({
            "key": key,
            "record": record,
            "confidence": (record or {}).get("confidence") if record else None,
            "reference": reference,
            "reference_list_entry": entry.reference if entry else None,
            "reference_line": entry.reference_line if entry else None,
            "in_reference_list": bool(entry and entry.reference),
            "resolved": entry is not None and (record is not None or entry.reference is not None),
            "aliases": aliases.get(key, []),
            "occurrences": counts[key],
        })
    glossary: list[dict] = []
    if doc.kind == "proofread" and doc.structure.footnotes:
        from indexer.glossary import build_glossary

        glossary = [e.to_json() for e in build_glossary(doc.structure)]
    return {"glossary": glossary, "citations": citations, "bibliography": bibliography}
