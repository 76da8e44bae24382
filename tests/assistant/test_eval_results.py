"""The Evaluation page's choice of run: the date in the file name, never the file's modification time."""
from __future__ import annotations

import json
import os
import shutil

from assistant.eval_results import latest_run, runs
from indexer.settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "evals" / "results"


def _run(date: str, finished: str) -> dict:
    return {"date": date, "finished_at": finished, "command": "python -m evals run", "n_questions": 3,
            "paper": {"ours": {"overall": {"recall@5": 0.5}}}}


def test_latest_run_is_chosen_by_the_date_in_the_name(tmp_path):
    for name, data in {"2026-11-28.json": _run("2026-11-28", "2026-11-28T10:00:00Z"),
                       "2026-12-06.json": _run("2026-12-06", "2026-12-06T19:00:00Z"),
                       "2026-11-29-calibration.json": _run("2026-11-29", "2026-11-29T09:00:00Z"),
                       "2026-12-07-answers-heldout.json": {"set": "heldout", "overall": {}},  # not a run
                       "notes.json": _run("2030-01-01", "")}.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "2026-12-06.png").write_bytes(b"png")
    # the oldest file is the most recently modified, as a copy or checkout might leave them
    os.utime(tmp_path / "2026-11-28.json", (2_000_000_000, 2_000_000_000))
    run = latest_run(tmp_path)
    assert run is not None and run.date == "2026-12-06" and run.label is None
    assert run.chart == tmp_path / "2026-12-06.png" and run.overall("ours")["recall@5"] == 0.5
    assert [r.date for r in runs(tmp_path)] == ["2026-11-28", "2026-11-29", "2026-12-06"]


def test_fresh_clone_of_the_repository_results(tmp_path):
    """A copy of evals/results with one modification time for every file (as a fresh clone has)."""
    folder = tmp_path / "results"
    shutil.copytree(RESULTS, folder)
    for f in folder.iterdir():
        os.utime(f, (1_700_000_000, 1_700_000_000))
    run = latest_run(folder)
    dates = sorted(f.name[:10] for f in folder.glob("*.json") if "answers" not in f.name)
    assert run is not None and run.date == dates[-1] and run.systems()[0] == "ours"
    assert latest_run(tmp_path / "missing") is None
