"""Detection: clean text (Persian, English, mixed) is recognised as clean; each garbling kind is named."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import indexer  # noqa: F401
from indexer.rtl import KINDS, classify_document, classify_line
from indexer.rtl.build_stats import pqa_paragraphs
from indexer.rtl.garble import bidi_garble, digits_garble, reverse_garble, zwnj_swap_garble

ROOT = Path(__file__).resolve().parents[3]
DEV = [json.loads(x) for x in (ROOT / "evals/data/repair_dev.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]

MIXED = "کشورداری هوشمند به یکپارچه‌سازی فناوری‌های پیشرفته می‌پردازد (Heeks, 2003)."


def test_kinds_are_the_documented_set():
    assert set(KINDS) == {"clean_fa", "not_fa", "garbled_chunks", "garbled_reversed", "garbled_zwnj_swap",
                          "reversed_digits", "bidi_marks", "presentation_forms"}


def test_clean_persianqa_paragraphs_are_clean():
    kinds = [classify_line(p) for p in pqa_paragraphs()]
    assert kinds.count("clean_fa") == len(kinds) == 93


def test_gold_lines_are_clean_and_seed_lines_garbled():
    assert all(classify_line(r["gold"]) == "clean_fa" for r in DEV)
    garbled = [classify_line(r["garbled"]) for r in DEV]
    assert garbled.count("garbled_chunks") >= 55
    assert classify_document([r["garbled"] for r in DEV]) == "garbled_chunks"
    assert classify_document([r["gold"] for r in DEV]) == "clean_fa"


@pytest.mark.parametrize("line", ["Smart statesmanship refers to the integration of advanced technologies.", "",
                                  "   ", "12", "(Heeks, 2003)", "Janssen, M. (2012). Open data. 2012"])
def test_not_persian(line):
    assert classify_line(line) == "not_fa"


def test_each_garbling_kind_is_named():
    assert classify_line(reverse_garble(MIXED)) == "garbled_reversed"
    assert classify_line(bidi_garble(MIXED)) == "bidi_marks"
    assert classify_line(zwnj_swap_garble("این سامانه کار را آسان می‌کند و داده‌ها را نگه می‌دارد")) == "garbled_zwnj_swap"
    assert classify_line(digits_garble("در سال 1399 و در سال 2003 این مفهوم تعریف شد")) == "reversed_digits"
    shaped = "\ufee9\ufeee\ufeb7\ufee4\ufee8\ufeaa"  # هوشمند in presentation forms
    assert classify_line("کشورداری " + shaped) == "presentation_forms"


def test_clean_mixed_line_with_years_is_clean():
    assert classify_line(MIXED) == "clean_fa"
    assert classify_line("در سال 1399 دانائی‌فرد این مفهوم را کشورداری نام‌گذاری کرده است.") == "clean_fa"
