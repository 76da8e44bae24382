"""Repair: seed-style garbling on the paper's dev lines and on held-out PersianQA text; other kinds exactly."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import indexer  # noqa: F401
from evals.repair_metrics import dev_lines, heldout_lines, score
from indexer.rtl import repair_line, repair_text
from indexer.rtl.build_stats import pqa_paragraphs
from indexer.rtl.garble import bidi_garble, digits_garble, reverse_garble, zwnj_swap_garble
from indexer.rtl.repair import fix_latin, unchunk

ROOT = Path(__file__).resolve().parents[3]

# Measured levels (docs/repair.md): dev 0.969 word accuracy / 0.850 exact lines (issue 19; 0.974 / 0.867 before
# its beam 9; issue 3: 0.938 / 0.650);
# held-out (these 40 lines) 0.82 in issue 3. These floors, a little under, catch regressions.
DEV_FLOOR = 0.96
DEV_EXACT_FLOOR = 0.80
HELDOUT_FLOOR = 0.80


def test_dev_lines_word_accuracy():
    dev = dev_lines()
    before = score([(r["garbled"], r["gold"]) for r in dev])
    after = score([(repair_line(r["garbled"]), r["gold"]) for r in dev])
    assert before["word_accuracy"] < 0.1
    assert after["word_accuracy"] >= DEV_FLOOR, after
    assert after["exact_lines"] >= DEV_EXACT_FLOOR, after


def test_heldout_persianqa_garbled_by_the_seed_model():
    held = heldout_lines(40)
    after = score([(repair_line(g), gold) for g, gold in held])
    assert after["word_accuracy"] >= HELDOUT_FLOOR, after


def test_clean_text_is_unchanged():
    paras = pqa_paragraphs()
    assert [repair_line(p) for p in paras] == paras
    english = ["Smart statesmanship refers to the integration of advanced technologies across ",
               "", "   ", "1 Cloud computing", "Janssen, M., Charalabidis, Y., & Zuiderwijk, A. (2012)."]
    assert [repair_line(x) for x in english] == english
    for r in dev_lines()[:20]:
        assert repair_line(r["gold"]) == r["gold"]


@pytest.mark.slow  # the whole proofread paper (~30 s)
def test_the_proofread_paper_passes_through():
    """Every line of the paper's proofread edition is clean text: at least 99% come back unchanged."""
    from evals.repair_metrics import paper_pairs

    clean = [c for _, c in paper_pairs()]
    same = sum(repair_line(c) == c for c in clean)
    assert same / len(clean) >= 0.99, (same, len(clean))


def test_simple_kinds_are_repaired_exactly():
    line = "کشورداری هوشمند به یکپارچه‌سازی فناوری‌های پیشرفته می‌پردازد (Heeks, 2003)."
    assert repair_line(reverse_garble(line)) == line
    assert repair_line(bidi_garble(line)) == line
    zw = "این سامانه کار را آسان می‌کند و داده‌ها را نگه می‌دارد"
    assert repair_line(zwnj_swap_garble(zw)) == zw
    dg = "در سال 1399 و در سال 2003 این مفهوم تعریف شد"
    assert repair_line(digits_garble(dg)) == dg
    shaped = "کشورداری \ufee9\ufeee\ufeb7\ufee4\ufee8\ufeaa"
    assert repair_line(shaped) == "کشورداری هوشمند"


def test_citations_and_footnote_markers():
    assert fix_latin("2010al.,  et Bertot") == "Bertot et al., 2010"
    assert fix_latin("2015Cinca, -Serrano") == "Serrano-Cinca, 2015"
    assert "(Heeks, 2003)." in unchunk("(. Heeks, 2003) پردازدیم")
    out = repair_line(" یکپارچگی(.  ,.2010Harrison et al) با دولت تعامل داشته باشند 1تالیجید تیهو صیتشخ")
    assert "(Harrison et al., 2010)." in out and "دیجیتال" in out
    assert "دیجیتال1" in repair_line("1تالیجید تیهو صیتشخ")


def test_zwnj_follows_the_cuts():
    """A cut between two letters is a lost ZWNJ (سال‌های); no cut inside a known word adds none (برای)."""
    from indexer.rtl.lm import get_lm
    from indexer.rtl.zwnj import spell

    lm = get_lm()
    assert spell("سالهای", {3}, lm) == "سال\u200cهای"
    assert spell("سالهای", set(), lm) == "سالهای"
    assert spell("فناوریهای", set(), lm) == "فناوری\u200cهای"  # ی would join: ZWNJ whatever the cuts
    assert spell("برای", {2}, lm) == "برای"  # a stray cut inside a frequent word is no ZWNJ
    assert spell("میکند", set(), lm) == "می\u200cکند"


def test_sentence_end_prefers_verbs():
    from indexer.rtl.lm import get_lm

    lm = get_lm()
    assert lm.end_lp("می‌کند".replace("\u200c", "")) > 0 > lm.end_lp("سایبری")
    assert "مواجه شوند (Janssen" in repair_line(" Janssen) مواجه شوند یسردرگم ای ریمختلف با تأخ")


def test_zwnj_restored():
    out = repair_line(". کندیم لیرا تحل یکشوردار یندهایبر فرا اءیاش نترنتیو ا نیماش یریادگی ،یابر انشیرا ،یهوش مصنوع")
    assert "می‌کند" in out and "کشورداری" in out and "یادگیری ماشین" in out


def test_repair_text_keeps_lines_and_order():
    lines = [r["garbled"] for r in dev_lines()[:3]] + ["", "English line", "سلام دنیا"]
    out = repair_text("\n".join(lines)).split("\n")
    assert len(out) == len(lines)
    assert out[3:] == ["", "English line", "سلام دنیا"]


def test_cli_one_line_out_per_line_in(tmp_path):
    src = tmp_path / "in.txt"
    lines = [r["garbled"] for r in dev_lines()[:2]] + ["", "Plain English."]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = "import sys; from indexer.rtl.cli import repair_command; sys.exit(repair_command(sys.argv[1]))"
    for arg, stdin in ((str(src), None), ("-", src.read_text(encoding="utf-8"))):
        res = subprocess.run([sys.executable, "-c", code, arg], check=False, input=stdin, capture_output=True,
                             text=True, cwd=ROOT, timeout=120)
        assert res.returncode == 0, res.stderr
        out = res.stdout.split("\n")[:-1]
        assert len(out) == 4 and out[2] == "" and out[3] == "Plain English."
        assert "کشورداری" in out[0]
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.txt")], check=False,
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert res.returncode != 0 and "missing.txt" in res.stderr
