"""Export cited-work records (CSL-JSON) as BibTeX, RIS or CSL-JSON with maintained libraries.

BibTeX is written by bibtexparser 2.x (model ``Entry``/``Field`` → ``write_string``) and RIS by
rispy (``dumps``); both parse back with the same libraries. The in-text form and the confidence of
each record travel along (BibTeX fields ``citeas``/``confidence``/``note``; RIS ``N1`` notes). A work whose
full text is in the knowledge base (``kb_full_text``: ``[{"doc_id", "file"}]``, :mod:`indexer.links`) says
so: BibTeX ``file`` and a ``note``, RIS ``L1`` and an ``N1`` note, CSL-JSON ``note`` (and the key itself).
"""
from __future__ import annotations

import json
import re
import unicodedata

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

_BIBTEX_TYPES = {"article-journal": "article", "article": "article", "book": "book",
                 "chapter": "incollection", "paper-conference": "inproceedings",
                 "report": "techreport", "thesis": "phdthesis", "legislation": "misc",
                 "webpage": "misc", "document": "misc"}
_RIS_TYPES = {"article-journal": "JOUR", "article": "JOUR", "book": "BOOK", "chapter": "CHAP",
              "paper-conference": "CPAPER", "report": "RPRT", "thesis": "THES",
              "legislation": "STAT", "webpage": "ELEC", "document": "GEN"}
_CONTAINER_FIELD = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle"}


def _year(record: dict) -> str | None:
    parts = (record.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else None


def _name(author: dict) -> str:
    if "literal" in author:
        return author["literal"]
    return ", ".join(p for p in (author.get("family"), author.get("given")) if p)


def citation_key(record: dict) -> str:
    """A BibTeX-safe key: the record's ``id`` (ASCII letters, digits, ``_-:``) or author+year."""
    key = record.get("id") or ""
    if not key:
        first = (record.get("author") or [{}])[0]
        key = (first.get("family") or first.get("literal") or "anon") + (_year(record) or "")
    key = unicodedata.normalize("NFKD", key)
    key = re.sub(r"[^A-Za-z0-9_\-:]", "", key)
    return key or "ref"


def full_text_note(record: dict) -> str | None:
    """``full text in the knowledge base: DOC_ID`` for a linked work, else None."""
    docs = record.get("kb_full_text") or []
    return ("full text in the knowledge base: " + ", ".join(d["doc_id"] for d in docs)) if docs else None


def _files(record: dict) -> list[str]:
    return [d["file"] for d in record.get("kb_full_text") or [] if d.get("file")]


def _escape(value: str) -> str:
    # braces must balance inside a BibTeX value; keep the text otherwise as is (UTF-8)
    return value.replace("{", "(").replace("}", ")")


def to_bibtex(records: list[dict]) -> str:
    """BibTeX of CSL-JSON records, written by bibtexparser."""
    library = bibtexparser.Library()
    seen: set[str] = set()
    for record in records:
        entry_type = _BIBTEX_TYPES.get(record.get("type", ""), "misc")
        key = citation_key(record)
        while key in seen:
            key += "x"
        seen.add(key)
        fields: list[Field] = []

        def add(name: str, value) -> None:
            if value not in (None, "", []):
                fields.append(Field(name, _escape(str(value))))

        add("author", " and ".join(_name(a) for a in record.get("author", [])))
        add("editor", " and ".join(_name(a) for a in record.get("editor", [])))
        add("title", record.get("title"))
        add(_CONTAINER_FIELD.get(entry_type, "howpublished" if entry_type == "misc" else "series"),
            record.get("container-title"))
        add("year", _year(record))
        add("volume", record.get("volume"))
        add("number", record.get("issue"))
        add("pages", (record.get("page") or "").replace("-", "--") or None)
        add("publisher" if entry_type != "techreport" else "institution", record.get("publisher"))
        add("doi", record.get("DOI"))
        add("url", record.get("URL"))
        add("language", record.get("language"))
        add("citeas", record.get("cite_as"))
        add("confidence", record.get("confidence"))
        add("note", "; ".join(n for n in (f"confidence: {record['confidence']}" if record.get("confidence") else None,
                                          full_text_note(record)) if n) or None)
        add("file", ";".join(_files(record)) or None)
        library.add(Entry(entry_type, key, fields))
    return bibtexparser.write_string(library)


def to_ris(records: list[dict]) -> str:
    """RIS of CSL-JSON records, written by rispy."""
    entries = []
    for record in records:
        entry: dict = {"type_of_reference": _RIS_TYPES.get(record.get("type", ""), "GEN")}
        if record.get("author"):
            entry["authors"] = [_name(a) for a in record["author"]]
        if record.get("title"):
            entry["title"] = record["title"]
        if record.get("container-title"):
            entry["secondary_title"] = record["container-title"]
        if _year(record):
            entry["year"] = _year(record)
        for csl, ris in (("volume", "volume"), ("issue", "number"), ("publisher", "publisher"),
                         ("DOI", "doi"), ("language", "language")):
            if record.get(csl):
                entry[ris] = str(record[csl])
        page = record.get("page") or ""
        if page:
            start, _, end = page.partition("-")
            entry["start_page"] = start
            if end:
                entry["end_page"] = end
        if record.get("URL"):
            entry["urls"] = [record["URL"]]
        if record.get("id"):
            entry["id"] = record["id"]
        notes = []
        if record.get("cite_as"):
            notes.append(f"cited as: {record['cite_as']}")
        if record.get("confidence"):
            notes.append(f"confidence: {record['confidence']}")
        full_text = full_text_note(record)
        if full_text:
            notes.append(full_text)
        if _files(record):
            entry["file_attachments1"] = ";".join(_files(record))
        if notes:
            entry["notes"] = notes
        entries.append(entry)
    return rispy.dumps(entries)


def to_csl_json(records: list[dict]) -> str:
    """CSL-JSON (the records as they are, ``cite_as`` and ``confidence`` included; a linked work's ``note``
    says its full text is in the knowledge base)."""
    out = []
    for record in records:
        extra = full_text_note(record)
        if extra:
            record = {**record, "note": "; ".join(n for n in (record.get("note"), extra) if n)}
        out.append(record)
    return json.dumps(out, ensure_ascii=False, indent=2)


FORMATS = {"bibtex": to_bibtex, "bib": to_bibtex, "ris": to_ris, "csl-json": to_csl_json,
           "csl": to_csl_json, "json": to_csl_json}


def export(records: list[dict], fmt: str) -> str:
    """Records in ``fmt`` (bibtex | ris | csl-json)."""
    try:
        return FORMATS[fmt.lower()](records)
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r} (expected bibtex, ris or csl-json)") from None
