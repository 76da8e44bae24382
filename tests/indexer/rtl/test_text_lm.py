"""The word model of Persian running text (indexer/rtl/data/fa_text_lm.json.gz) and its build command."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import indexer  # noqa: F401
from evals.repair_metrics import dev_lines, score, tokens
from indexer.rtl import build_text_lm, lm
from indexer.rtl.repair import repair_line

ROOT = Path(__file__).resolve().parents[3]


def test_model_ships_as_package_data_with_its_licence():
    path = lm.TEXT_LM_PATH
    assert path.is_file() and path.parent == Path(lm.__file__).parent / "data"
    assert path.stat().st_size < 3_000_000  # "a few MB at most"
    with gzip.open(path, "rb") as f:
        stats = json.loads(f.read().decode("utf-8"))
    assert stats["version"] == 1 and stats["tokens"] == sum(stats["uni"].values()) > 700_000
    assert len(stats["bi"]) > 300_000
    notice = (path.parent / "LICENSES.md").read_text(encoding="utf-8")
    assert "fa_text_lm.json.gz" in notice and "CC BY-SA 4.0" in notice
    assert "Copyright 2016 Mojgan Seraji" in notice
    for name in ("CC-BY-SA-4.0.txt", "Apache-2.0.txt", "CC0-1.0.txt"):
        assert (path.parent / "licenses" / name).is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rtl/data/*.json.gz", "rtl/data/*.md", "rtl/data/licenses/*"' in pyproject


def test_real_bigrams_score_above_shuffled_ones():
    model = lm.get_lm()
    assert model.t_uni and model.t_bi
    margins = []
    for sentence in ("بر این اساس دولت برنامه جدیدی را اعلام کرد",
                     "این بیماری در بیشتر موارد با تب و سرفه همراه است",
                     "رئیس جمهور در سفر خود با مردم دیدار کرد"):
        keys = sentence.split()
        shuffled = keys[::2] + keys[1::2]
        margins.append(model.text_lp(keys) - model.text_lp(shuffled))
    assert min(margins) > 0 and sum(margins) > 10, margins
    # word pairs in their real order against the same pairs reversed
    for a, b in (("بر", "این"), ("ایالات", "متحده"), ("رئیس", "جمهور"), ("قفسه", "سینه"), ("سازمان", "ملل")):
        assert model.t_bi.get(a + " " + b, 0) > 0
        assert model.lp(a, b) > model.lp(b, a) + 1, (a, b)


def test_build_reproduces_the_counts_from_a_sample(tmp_path):
    sample = {
        "perdt-train.txt": "او به خانه رفت .\nاو به مدرسه می رفت .\n",
        "perdt-devtest.txt": "ما به خانه رفتیم .\n",
        "updt.txt": "کتاب‌ها را خواند .\n",
        "tico19-fa.txt": "آیا شما تب دارید؟\n",
        "ntrex128-fa.txt": "او به خانه رفت.\n",
    }
    for name, text in sample.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "model.json.gz"
    code = "import sys; from indexer.rtl.build_text_lm import main; sys.exit(main(sys.argv[1:]))"
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path), "--out", str(out)], check=False,
                         capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    first = out.read_bytes()
    with gzip.open(out, "rb") as f:
        stats = json.loads(f.read().decode("utf-8"))
    assert stats["uni"]["او"] == 3 and stats["uni"]["خانه"] == 3
    assert stats["bi"]["به خانه"] == 3 and stats["ctx"]["به"] == [4, 2]
    assert stats["uni"]["میرفت"] == 1 and "می" not in stats["uni"]  # «می رفت» rejoined: «می‌رفت»
    assert stats["zw"]["کتابها"] == ["کتاب\u200cها", 1, 0]
    assert stats["end"]["رفت"] == 2 and stats["end"]["میرفت"] == 1 and stats["end"]["دارید"] == 1
    # deterministic: the same text gives the same bytes
    build_text_lm.write(build_text_lm.count(build_text_lm.read_source(tmp_path)), tmp_path / "again.json.gz")
    assert (tmp_path / "again.json.gz").read_bytes() == first


def test_dev_lines_the_model_fixed():
    """Lines issue 3's repair got wrong that the running-text model gets right (word for word)."""
    dev = {r["line_no"]: r for r in dev_lines()}
    for n in (47, 157, 333, 847, 1404):
        out = repair_line(dev[n]["garbled"])
        assert tokens(out) == tokens(dev[n]["gold"]), (n, out)


def test_baseline_context_restores_the_model():
    from evals.repair_metrics import baseline_repair

    line = dev_lines()[0]
    with baseline_repair():
        assert not lm.get_lm().t_bi
        old = repair_line(line["garbled"])
    assert lm.get_lm().t_bi
    now = repair_line(line["garbled"])
    assert score([(now, line["gold"])])["word_accuracy"] >= score([(old, line["gold"])])["word_accuracy"]
