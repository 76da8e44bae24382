"""The parallel English edition: invariants checked on every segment, and its use in the index."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.english import (
    LATIN_CITATION,
    NOTICE_EN,
    PERSIAN,
    PERSIAN_YEAR,
    EnglishEdition,
    read_edition,
    rendering_problems,
)
from indexer.normalize import match_key, split_sentences
from indexer.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
EDITION = CORPUS / "smart-statesmanship" / "smart-statesmanship.en.jsonl"
PROOFREAD = CORPUS / "smart-statesmanship" / "smart-statesmanship.clean.jsonl"


@pytest.fixture(scope="module")
def segments() -> list[dict]:
    return [json.loads(line) for line in EDITION.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def paper():
    from indexer.documents import discover, load

    spec = next(s for s in discover(CORPUS) if s.doc_id == "smart-statesmanship")
    return load(spec)


def translated(segments: list[dict]) -> list[dict]:
    return [s for s in segments if s["kind"] in ("body", "heading", "acknowledgements", "reference")]


def test_alignment_is_complete(paper, segments):
    """Every sentence of every Persian paragraph, and every heading, has its rendering in its own lines."""
    edition = EnglishEdition(read_edition(EDITION))
    missing = []
    for paragraph in paper.structure.paragraphs:
        if paragraph.kind == "abstract_en":
            continue
        for sentence in split_sentences(paragraph.text):
            found = edition.find(sentence, paragraph.line_start, paragraph.line_end)
            if found is None or found.line_end < paragraph.line_start or found.line_start > paragraph.line_end:
                missing.append(sentence[:60])
    assert not missing, missing[:5]
    titles = {match_key(s["fa"]) for s in segments if s["kind"] == "heading"}
    for section in paper.structure.sections:
        if not section.run_in:
            assert match_key(section.title) in titles, section.title
    assert paper.english and len(paper.english) == len(segments)


def test_segments_point_at_real_lines(segments):
    line_nos = {json.loads(line)["line_no"] for line in PROOFREAD.read_text(encoding="utf-8").splitlines() if line.strip()}
    for s in segments:
        start, end = s["lines"]
        assert start <= end and start in line_nos and end in line_nos, s["seg"]


def test_no_persian_left(segments):
    assert [s["seg"] for s in segments if PERSIAN.search(s["en"])] == []


def test_numbers_and_latin_citations_kept(segments):
    """The invariants `indexer translate` also checks (indexer.english.rendering_problems), on every segment."""
    assert sum(len(LATIN_CITATION.findall(s["fa"])) for s in translated(segments)) > 50
    assert [(s["seg"], rendering_problems(s["fa"], s["en"])) for s in translated(segments)
            if rendering_problems(s["fa"], s["en"])] == []


def test_persian_citations_transliterated_with_both_years(segments):
    """«(دانائی‌فرد، 1399)» → "(Danaeifard, 1399 [2020])": the Solar Hijri year kept, the Gregorian beside it."""
    for s in translated(segments):
        for year in PERSIAN_YEAR.findall(s["fa"]):
            y = int(year)
            assert re.search(rf"{y} \[({y + 621}|{y + 622})\]", s["en"]), (s["seg"], year)


def test_glossary_terms_used(paper_store, segments):
    """Where the paper's footnote glossary names a Persian term, the rendering uses the author's English."""
    from indexer.store import live_tables_dir
    from indexer.tables import load_tables

    tables = load_tables(live_tables_dir(paper_store.store_dir))
    glossary = tables["smart-statesmanship"]["glossary"]
    assert len(glossary) > 30
    misses = []
    for entry in glossary:
        key = match_key(entry["fa"])
        for s in translated(segments):
            if key and key in match_key(s["fa"]) and entry["en"].lower() not in s["en"].lower():
                misses.append((s["seg"], entry["en"]))
    assert misses == []


def test_marked_as_a_rendering_everywhere():
    provenance = (CORPUS / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "not the author's text" in provenance and "smart-statesmanship.en.jsonl" in provenance
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["doc_id"] == "smart-statesmanship")
    assert "not the author's text" in entry["english_edition_note"]
    assert "not the author's text" in NOTICE_EN


def test_passages_carry_their_english_rendering(paper_store):
    from indexer.store import live_tables_dir, load_passages

    passages = load_passages(live_tables_dir(paper_store.store_dir))
    persian = [p for p in passages.values() if p.metadata.get("language") == "fa" and not p.is_record]
    assert persian and all(p.metadata.get("text_en") for p in persian)
    # the paper's Persian reference list too: "Jalali, S., … (1400 [2021]). Presenting an Islamic-Iranian …"
    references = [p for p in passages.values() if p.doc_id == "smart-statesmanship" and p.metadata.get("kind") == "reference"
                  and PERSIAN.search(p.text)]
    # 17 entries in 15 passages: the proofread edition runs two pairs of entries into one paragraph each
    # (lines 1513-1519, 1530-1538), and a reference passage is one paragraph
    assert len(references) == 15 and all(p.metadata.get("text_en") for p in references)
    assert sum(p.metadata["text_en"].count(" (14") + p.metadata["text_en"].count(" (13") for p in references) == 17
    jalali = next(p for p in references if "جلالی" in p.text)
    assert jalali.metadata["text_en"].startswith("Jalali, S.") and "1400 [2021]" in jalali.metadata["text_en"]
    assert all(not PERSIAN.search(p.metadata["text_en"]) for p in persian)
    assert (Path(live_tables_dir(paper_store.store_dir)) / "bm25_en").is_dir()
