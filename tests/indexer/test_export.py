"""Exports of the cited works round-trip through the libraries that wrote them."""
from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy

from indexer.export import export, to_bibtex, to_csl_json, to_ris

ROOT = Path(__file__).resolve().parents[2]
RECORDS = json.loads((ROOT / "corpus" / "cited_works.json").read_text(encoding="utf-8"))


def test_bibtex_round_trip():
    library = bibtexparser.parse_string(to_bibtex(RECORDS))
    assert not library.failed_blocks
    assert len(library.entries) == len(RECORDS)
    by_key = {e.key: e for e in library.entries}
    for record in RECORDS:
        entry = by_key[record["id"]]
        if record.get("title"):  # records of confidence "unknown" have an empty title
            assert entry.fields_dict["title"].value == \
                record["title"].replace("{", "(").replace("}", ")")
        else:
            assert "title" not in entry.fields_dict
        assert entry.fields_dict["citeas"].value == record["cite_as"]
        assert entry.fields_dict["confidence"].value == record["confidence"]
        year = record.get("issued", {}).get("date-parts", [[None]])[0][0]
        if year:
            assert entry.fields_dict["year"].value == str(year)
        if record.get("author"):
            assert entry.fields_dict["author"].value.count(" and ") == len(record["author"]) - 1


def test_ris_round_trip():
    entries = rispy.loads(to_ris(RECORDS))
    assert len(entries) == len(RECORDS)
    for record, entry in zip(RECORDS, entries):
        assert entry.get("title", "") == (record.get("title") or "")
        assert entry["id"] == record["id"]
        assert f"confidence: {record['confidence']}" in entry["notes"]
        assert len(entry.get("authors", [])) == len(record.get("author", []))
        if record.get("DOI"):
            assert entry["doi"] == record["DOI"]


def test_csl_json_round_trip():
    assert json.loads(to_csl_json(RECORDS)) == RECORDS


def test_persian_record_survives():
    fa = next(r for r in RECORDS if r.get("language") == "fa")
    library = bibtexparser.parse_string(export([fa], "bibtex"))
    assert library.entries[0].fields_dict["title"].value == fa["title"]


def test_unknown_format():
    with pytest.raises(ValueError):
        export(RECORDS, "docx")
