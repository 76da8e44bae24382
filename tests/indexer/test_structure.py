"""Outline of the real paper against a hand-judged gold outline (tests/data/outline_gold.tsv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.documents import discover, load
from indexer.structure import run_in_title, structure_plain, structure_proofread

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "outline_gold.tsv"


def _gold():
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        start, parent, title, kind = line.split("\t")
        rows.append((int(start), int(parent), title, kind))
    return rows


@pytest.fixture(scope="module")
def paper():
    spec = next(s for s in discover(ROOT / "corpus") if s.doc_id == "smart-statesmanship")
    return load(spec)


def outline_scores(structure) -> tuple[float, float]:
    """(share of gold headings found, share found with the right parent)."""
    by_line = {s.line_start: s for s in structure.sections}
    found = nested = 0
    gold = _gold()
    for start, parent, title, _ in gold:
        section = by_line.get(start)
        if section is None or not title.startswith(section.title[: len(title)][:10]):
            continue
        found += 1
        parent_line = 0
        if len(section.path) > 1:
            parent_section = next((s for s in structure.sections if s.path == section.path[:-1]), None)
            parent_line = parent_section.line_start if parent_section else -1
        nested += parent_line == parent
    return found / len(gold), nested / len(gold)


def test_headings_found(paper):
    found, _ = outline_scores(paper.structure)
    assert found >= 0.9, found


def test_nesting_target(paper):
    # issue 4 target: at least 90% of the gold headings found with the right parent (0.96 measured)
    _, nested = outline_scores(paper.structure)
    assert nested >= 0.9, nested


def test_announced_parts_nest(paper):
    by_line = {s.line_start: s for s in paper.structure.sections}
    # «ارکان اصلی …» announces its pillars; a pillar run-in holds stand-alone headings
    assert by_line[332].path[:-1] == by_line[326].path and by_line[332].list_item
    assert by_line[409].path[:-1] == by_line[332].path
    # «مدیریت دولتی هوشمند» continues the list «حکمرانی هوشمند» began; its parts nest under it
    assert by_line[494].path[:-1] == by_line[326].path
    assert by_line[559].path[:-1] == by_line[494].path
    # the introduction's roadmap names the top-level sections
    assert by_line[1037].level == 1 and by_line[1247].level == 1


def test_wrapped_heading_is_merged(paper):
    titles = [s.title for s in paper.structure.sections]
    assert any(t.startswith("عملیات اجرایی هوشمند در مدیریت بحران") and t.endswith("بازیابی‌های پس از بحران")
               for t in titles)
    assert "بازیابی‌های پس از بحران" not in [s.title for s in paper.structure.sections if not s.run_in]


def test_passages_know_run_in_section(paper):
    para = next(p for p in paper.structure.paragraphs if p.line_start == 345)
    assert para.section_path[-1] == "رایانش ابری"
    assert para.section_path[-2] == "فناوری‌های فعال‌سازی حکمرانی هوشمند"
    numbered = next(p for p in paper.structure.paragraphs if p.line_start == 1305)
    assert numbered.section_path[0].startswith("راهبرد")
    assert numbered.section_path[1].startswith("2-")


def test_outline_has_spans_and_pages(paper):
    outline = paper.structure.outline
    assert all(o["line_end"] >= o["line_start"] for o in outline)
    assert all(o["page_start"] for o in outline)
    intro = next(o for o in outline if o["title"] == "مقدمه")
    assert intro["level"] == 1 and intro["page_start"] == 1 and intro["line_end"] > 200


def test_run_in_title_rules():
    assert run_in_title("رایانش ابری1: یکی از ارکان …") == "رایانش ابری"
    assert run_in_title("استونی، پیشگام در کشورداری هوشمند: استونی نمونه‌ای …") == \
        "استونی، پیشگام در کشورداری هوشمند"
    # a sentence with a verb before its colon is not a heading
    assert run_in_title("نویسنده مدعی است اداره هر کشوری سه ساحت دارد: حکمرانی ملی") is None


def test_structure_plain_markdown_unchanged():
    s = structure_plain("# A\n\ntext one\n\n## B\n\ntext two\n")
    assert [x.title for x in s.sections] == ["A", "B"]
    assert s.paragraphs[1].section_path == ["A", "B"]


def test_structure_proofread_minimal_rows():
    rows = [{"line_no": 1, "kind": "heading", "clean": "مقدمه"},
            {"line_no": 2, "kind": "body", "clean": "رایانش ابری: متن کوتاه."}]
    s = structure_proofread(rows)
    assert [x.title for x in s.sections] == ["مقدمه", "رایانش ابری"]
    assert s.paragraphs[0].section_path == ["مقدمه", "رایانش ابری"]


def test_acknowledgements_have_their_own_kind(paper):
    """The funding note is marked where sections are known (the retriever ranks it like a record)."""
    kinds = {tuple(p.section_path): p.kind for p in paper.structure.paragraphs}
    assert kinds[("تقدیر و تشکر",)] == "acknowledgements"
    assert kinds[("مقدمه",)] == "body"
    s = structure_plain("# Results\n\nWe found x.\n\n## Acknowledgements\n\nFunded by the Ministry.\n")
    assert [p.kind for p in s.paragraphs] == ["body", "acknowledgements"]
    # a document that is itself called "Acknowledgements …" is not one big funding note
    s = structure_plain("We found x.\n", title="Acknowledgement of Country in public services")
    assert [p.kind for p in s.paragraphs] == ["body"]
