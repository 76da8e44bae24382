"""Footnote glossary of the real paper against a hand-written gold list (tests/data/glossary_gold.tsv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.bibliography import fold_name
from indexer.documents import discover, load
from indexer.glossary import build_glossary

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


def test_glossary_accuracy_measured(entries):
    # measured floor of the current term-boundary rules (see docs/structure_citations.md)
    assert _correct(entries) >= 37


@pytest.mark.xfail(reason="term start is guessed (boundary words + e5 similarity); target 45/47 "
                          "not reached yet", strict=False)
def test_glossary_accuracy_target(entries):
    assert _correct(entries) >= 45
