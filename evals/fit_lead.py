"""Fit the lead-sentence model (``assistant/data/lead_model.json``): ``python -m evals fit-lead``.

Training questions are the answerable ones of every blind-written set already measured and reported
(:data:`LEAD_SETS`: the decline model's training sets, the project set's test split and ``heldout10``), never
the newest held-out set. Each question is asked of the public API like a user's: its passages
(``Assistant.retrieve``), the composer's candidates in the reader's language
(:func:`assistant.answer.measure_candidates`), and, per candidate, whether it holds the gold evidence (the
harness's own test, :func:`evals.answer_eval.holds_evidence`). The model (:mod:`assistant.lead`) is a conditional
logit over one question's candidates.

Out of fold — one fold per set, each set having had its own writers — the figure is the share of questions whose
top-scored candidate holds the evidence, next to the composer's own first sentence on the same candidates.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant import choice_model
from assistant.lead import MODEL_FILE, LeadModel, fit

#: the blind sets measured and reported before ``heldout11``, which measured this model first (and ``heldout12``
#: its refit on the learned passage order). Its questions' passages come from ``Assistant.retrieve``, in the
#: order of the passage models, which were fitted on these same questions: the out-of-fold figures are out of
#: fold for the lead model only
LEAD_SETS = ("calibration", "dev", "test", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
             "heldout7", "heldout8", "heldout9", "heldout10")
# L2 penalty of the conditional logit (× weights² / questions). Out of fold on the sets up to heldout9 with the
# sentence features, 10 / 30 / 100 / 300 gave 0.651 / 0.658 / 0.658 / 0.653 (a richer feature set);
# the e5 products need the shrinkage, fewer than 30 overfits them.
L2 = 30.0


def collect(store_dir: Path, sets: Sequence[str] = LEAD_SETS, progress: Callable[[str], None] = print) -> list[dict]:
    """Per answerable question: its set, language, the pool's feature rows, labels and the composer's choice."""
    from assistant.answer import CITATION, compose, measure_candidates, question_type
    from assistant.rank_steps import is_bibliographic
    from evals.answer_eval import holds_evidence, load_set
    from evals.paper_eval import Ours
    from indexer.lang import detect_language

    bot = Ours(store_dir).assistant
    rows = []
    for name in sets:
        for q in load_set(name):
            if not q.get("gold_evidence") or q.get("should_abstain"):
                continue
            question, language = q["question"], detect_language(q["question"])
            if is_bibliographic(question):   # compose leads with the record itself, never asks the model
                continue
            hits = bot.retrieve(question)
            allow = question_type(question) == CITATION
            measured = measure_candidates(question, hits, bot.embedder, bot.tables, language, 5, allow)
            if measured is None:
                continue
            pool = [measured.sentences[i] for i in measured.pool]
            labels = np.array([holds_evidence({"text": s.text, "original": s.original}, q["gold_evidence"])
                               for s in pool], dtype=float)
            composed = compose(question, hits, bot.embedder, bot.settings.answer_max_sentences, tables=bot.tables,
                               language=language, use_lead=False)
            sentence_rows, match_rows = measured.lead_rows()
            rows.append({"set": name, "lang": q["lang"], "x": np.hstack([sentence_rows, match_rows]), "y": labels,
                         "composer": bool(composed) and holds_evidence(
                             {"text": composed[0].text, "original": composed[0].original}, q["gold_evidence"]),
                         "dims": measured.vectors.shape[1]})
        progress(f"{name}: {len(rows)} questions")
    return rows


def first_holds(rows: Sequence[dict], scores: Sequence[np.ndarray]) -> float:
    return round(float(np.mean([r["y"][int(np.argmax(s))] for r, s in zip(rows, scores)])), 3)


def out_of_fold(rows: Sequence[dict], l2: float = L2) -> list[np.ndarray]:
    """Each question's scores by a model fitted without its set."""
    return choice_model.out_of_fold([(r["x"], r["y"]) for r in rows], [r["set"] for r in rows], l2)


def figures(rows: Sequence[dict], scores: Sequence[np.ndarray]) -> dict:
    """Per language (and all): questions, the composer's and the model's first sentence holding evidence, ceiling."""
    out: dict[str, dict[str, float]] = {}
    for lang in ("all", "fa", "en"):
        idx = [i for i, r in enumerate(rows) if lang == "all" or r["lang"] == lang]
        if not idx:
            out[lang] = {"questions": 0}
            continue
        out[lang] = {"questions": len(idx),
                     "composer": round(float(np.mean([rows[i]["composer"] for i in idx])), 3),
                     "lead_model_out_of_fold": first_holds([rows[i] for i in idx], [scores[i] for i in idx]),
                     "ceiling": round(float(np.mean([rows[i]["y"].any() for i in idx])), 3)}
    return out


def main(store_dir: Path, out: Path = MODEL_FILE, progress: Callable[[str], None] = print) -> dict:
    rows = collect(store_dir, progress=progress)
    result = figures(rows, out_of_fold(rows))
    w, mean, scale = fit([(r["x"], r["y"]) for r in rows], L2)
    model = LeadModel(w.tolist(), mean.tolist(), scale.tolist(), int(rows[0]["dims"]),
                      {"sets": list(LEAD_SETS), "l2": L2, "first_sentence_holds_evidence": result})
    model.save(out)
    return result
