"""Footnote glossary of the real paper against a hand-written gold list (tests/data/glossary_gold.tsv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.bibliography import fold_name
from indexer.documents import discover, load
from indexer.glossary import build_glossary
from indexer.structure import structure_proofread

ROOT = Path(__file__).resolve().parents[2]


def _gold() -> dict[int, tuple[str, str]]:
    out = {}
    for line in (ROOT / "tests" / "data" / "glossary_gold.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        ln, en, fa = line.split("\t")
        out[int(ln)] = (en, fa)
    return out


@pytest.fixture(scope="module")
def entries():
    spec = next(s for s in discover(ROOT / "corpus") if s.doc_id == "smart-statesmanship")
    return build_glossary(load(spec).structure)


def _correct(entries) -> int:
    gold = _gold()
    return sum(e.line_no in gold and e.en == gold[e.line_no][0] and
               fold_name(e.fa) == fold_name(gold[e.line_no][1]) for e in entries)


def test_every_gloss_is_paired(entries):
    gold = _gold()
    assert len(entries) == len(gold) == 47
    assert all(e.fa and e.marker_line and e.marker_line < e.line_no for e in entries)
    # the IoT gloss sits 38 lines below its marker
    iot = next(e for e in entries if e.en == "IoT-enabled sensors")
    assert iot.line_no - iot.marker_line == 38


def test_loose_glosses_kept_as_in_paper(entries):
    by_en = {}
    for e in entries:
        by_en.setdefault(e.en, []).append(e)
    assert "GIS" in by_en and "e-residency" in by_en
    assert len(by_en["Predictive analytics"]) == 2


def test_glossary_accuracy_target(entries):
    # issue 4 target: at least 45 of the 47 pairs right (46 measured with the e5 model)
    assert _correct(entries) >= 45


def _paper_like(body: str, gloss: str):
    return structure_proofread([{"line_no": 1, "kind": "heading", "clean": "مقدمه"},
                                {"line_no": 2, "kind": "body", "clean": body},
                                {"line_no": 3, "kind": "separator", "clean": "-----"},
                                {"line_no": 4, "kind": "footnote", "clean": f"1 {gloss}"}])


@pytest.mark.parametrize("body, gloss, term", [
    # a framing action noun is not part of the term; «از» inside the term is kept
    ("استفاده از چت‌بات‌های مبتنی بر هوش مصنوعی1 رایج است.", "AI-powered chatbots",
     "چت‌بات‌های مبتنی بر هوش مصنوعی"),
    ("مقررات حفاظت از اطلاعات عمومی1 در اتحادیه اروپا تصویب شد.", "General Data Protection Regulation",
     "مقررات حفاظت از اطلاعات عمومی"),
    # a framing head noun («ابزارهای») is left out; the gloss's length bounds the term
    ("این شهرها از حسگرها و ابزارهای اینترنت اشیا1 استفاده می‌کنند.", "Internet of Things", "اینترنت اشیا"),
    # the term starts at a boundary word («موسوم به»)
    ("فناوری موسوم به بلاک‌چین1 رواج یافت.", "Blockchain", "بلاک‌چین"),
])
def test_term_boundaries_without_model(body, gloss, term):
    entry, = build_glossary(_paper_like(body, gloss), scorer=None)
    assert (entry.fa, entry.en) == (term, gloss)
