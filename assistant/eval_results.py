"""The evaluation's result files as read by the app: which run is the latest, and its figures.

``python -m evals run`` writes ``evals/results/YYYY-MM-DD[-label].json`` (with ``.md`` and ``.png``
beside it). The latest run is the one whose *file name* carries the newest date: modification times
say nothing on a fresh clone, where every file has the checkout's time. Runs of the same day are
ordered by their recorded ``finished_at``, then a plain ``YYYY-MM-DD`` run before a labelled one.
Answer-level files (``python -m evals answers``, no ``paper`` figures) are not runs of this kind.

>>> run_date("2026-12-06-answers-heldout-after.json"), run_date("notes.json")
('2026-12-06', None)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(.+))?$")

#: the metrics the app shows, in order (ratios; the latencies are milliseconds)
RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
ANSWER_METRICS = ("citation_recall", "citation_precision", "abstention_accuracy", "abstain_recall",
                  "false_abstention", "sentence_support")
LATENCY_METRICS = ("retrieve_ms_p50", "ask_ms_p50", "ask_ms_p95")
SYSTEMS = ("ours", "baseline", "keyword")
BREAKDOWNS = ("by_lang", "by_type", "by_split")


def run_date(name: str) -> str | None:
    """The ``YYYY-MM-DD`` a result file's name starts with (None when it has none)."""
    m = _DATED.match(Path(name).stem if name.endswith((".json", ".md", ".png")) else name)
    return m.group(1) if m else None


@dataclass(frozen=True)
class EvalRun:
    """One run of ``python -m evals run``: its date and label, files and figures."""

    date: str
    label: str | None
    json_path: Path
    chart: Path | None
    report: Path | None
    data: dict[str, Any] = field(repr=False)

    @property
    def command(self) -> str:
        return str(self.data.get("command") or "")

    @property
    def commit(self) -> str:
        return str(self.data.get("git_commit") or "")

    @property
    def n_questions(self) -> int:
        return int(self.data.get("n_questions") or 0)

    def systems(self) -> list[str]:
        """The systems measured on the paper questions (ours first)."""
        paper = self.data.get("paper") or {}
        return [s for s in SYSTEMS if s in paper]

    def overall(self, system: str) -> dict[str, Any]:
        return ((self.data.get("paper") or {}).get(system) or {}).get("overall") or {}

    def groups(self, breakdown: str, system: str = "ours") -> dict[str, dict[str, Any]]:
        """Per-group figures (``by_lang``, ``by_type``, ``by_split``) of one system."""
        return ((self.data.get("paper") or {}).get(system) or {}).get(breakdown) or {}

    def persianqa(self) -> dict[str, Any]:
        return self.data.get("persianqa") or {}


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("paper"), dict) else None


def runs(folder: Path) -> list[EvalRun]:
    """Every run in ``folder``, oldest first (by the date in the name, never by file times)."""
    found: list[tuple[tuple, EvalRun]] = []
    if not folder.is_dir():
        return []
    for path in folder.glob("*.json"):
        m = _DATED.match(path.stem)
        if not m:
            continue
        data = _load(path)
        if data is None:
            continue
        png, md = path.with_suffix(".png"), path.with_suffix(".md")
        run = EvalRun(m.group(1), m.group(2), path, png if png.is_file() else None, md if md.is_file() else None,
                      data)
        # same day: the later finished_at first; then the plain run before a labelled one; then the name
        found.append(((run.date, str(data.get("finished_at") or ""), run.label is None, path.name), run))
    return [run for _, run in sorted(found, key=lambda kv: kv[0])]


def latest_run(folder: Path) -> EvalRun | None:
    """The newest run in ``folder`` (None when there is none)."""
    found = runs(folder)
    return found[-1] if found else None
