"""Fit the passage models (``assistant/data/rerank_<language>.json``): ``python -m evals fit-rerank``.

Training questions are the answerable ones of every blind-written set already measured and reported
(:data:`RERANK_SETS`: the lead model's sets and ``heldout11``), never the newest held-out set (``heldout12``,
which measures this model). Each question goes through the public retrieval pipeline up to the re-ranking
(:meth:`assistant.retrieval.RetrievalPipeline.before_rerank`): the re-orderable passages among the fused top
:data:`DEPTH` as :class:`assistant.rerank.LearnedRerank` sees them (:func:`assistant.rerank.reorderable`: the
evidence is Persian text, so an English passage could only ever be a negative), their features
(:func:`assistant.rerank.passage_features`) and, per passage, whether it holds a gold evidence span (the harness's
4-gram coverage, :mod:`evals.fit_fusion`). One conditional logit per question
language (:mod:`assistant.choice_model`); fitted on both languages together (a first experiment with ten
features, sets up to heldout10), out-of-fold MRR was lower: Persian 0.804 against 0.817, English 0.857 against 0.872.

Out of fold — one fold per set, each set having had its own writers — the figures are Recall@5, MRR and the
share of questions whose first passage holds evidence, fused order against re-ranked, per language and kind
(summary request or not), over the re-orderable passages (other passages keep their places, so the harness's
figures differ a little; it also pools two neighbouring passages).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from assistant import choice_model
from assistant.choice_model import fit
from assistant.rerank import RerankModel, model_file
from evals.fit_fusion import covers, span_masks
from evals.fit_lead import LEAD_SETS

RERANK_SETS = (*LEAD_SETS, "heldout11")
DEPTH = 20     # the setting's rerank_depth the models are fitted for
# L2 penalty of the conditional logit (× weights² / questions). Out of fold on the sets up to heldout10 (the first
# experiment): 10 / 30 / 100 gave English MRR 0.871 / 0.872 / 0.863 and Persian 0.816 / 0.817 / 0.813
L2 = 30.0


def collect(store_dir: Path, sets: Sequence[str] = RERANK_SETS, progress: Callable[[str], None] = print
            ) -> list[dict]:
    """Per answerable question: its set, language, kind, feature rows and per-passage, per-span coverage."""
    from assistant.rank_steps import is_summary_request
    from assistant.rerank import passage_features, reorderable
    from assistant.retrieval import HybridRetriever
    from assistant.retrievers import Query
    from evals.answer_eval import load_set
    from indexer.settings import Settings

    settings = Settings.load(overrides={"store_dir": Path(store_dir)})
    store = HybridRetriever(settings)
    store.refresh()
    rows = []
    texts: dict[str, str] = {}
    for name in sets:
        for q in load_set(name):
            if not q.get("gold_evidence") or q.get("should_abstain"):
                continue
            query = Query.of(q["question"], store)
            hits = store.pipeline.before_rerank(query, DEPTH)[:DEPTH]
            chosen = reorderable(query, hits)
            rows_of = passage_features(query, hits, chosen) if chosen else None
            if rows_of is None:
                continue
            masks, spans, _ = span_masks([hits[i].passage.text for i in chosen], q["gold_evidence"], texts)
            cover = np.array([[bool(span) and covers(mask, span) for mask, span in zip(row, spans)]
                              for row in masks], dtype=bool)
            rows.append({"set": name, "lang": query.language, "summary": is_summary_request(q["question"]),
                         "x": np.hstack([rows_of.features, rows_of.matches]), "cover": cover,
                         "dims": rows_of.matches.shape[1]})
        progress(f"{name}: {len(rows)} questions")
    return rows


def ranking_figures(cover: np.ndarray, order: Sequence[int]) -> tuple[float, float, float]:
    """Recall@5, MRR (within the top 10) and first-passage-holds-evidence of one question in ``order``.

    >>> ranking_figures(np.array([[False, False], [True, False], [False, True]]), [1, 0, 2])
    (1.0, 0.6666666666666666, 1.0)
    """
    ranks = []
    for j in range(cover.shape[1]):
        ranks.append(next((r for r, i in enumerate(order[:10], start=1) if cover[i, j]), None))
    return (sum(1 for r in ranks if r is not None and r <= 5) / len(ranks),
            sum(1 / r for r in ranks if r is not None) / len(ranks), float(cover[order[0]].any()))


def out_of_fold(rows: Sequence[dict], l2: float = L2) -> list[list[int]]:
    """Each question's re-ranked order by its language's model fitted without its set (a language written in one
    set only: the fused order)."""
    orders: list[list[int]] = [[] for _ in rows]
    for lang in sorted({r["lang"] for r in rows}):
        mine = [i for i, r in enumerate(rows) if r["lang"] == lang]
        scores = choice_model.out_of_fold([(rows[i]["x"], rows[i]["cover"].any(axis=1).astype(float)) for i in mine],
                                          [rows[i]["set"] for i in mine], l2)
        for i, s in zip(mine, scores):
            orders[i] = [int(k) for k in np.argsort(-s, kind="stable")]
    return orders


def figures(rows: Sequence[dict], orders: Sequence[Sequence[int]]) -> dict:
    """Per language and kind: questions, and Recall@5 / MRR / first passage, fused against re-ranked."""
    out: dict[str, dict] = {}
    for lang in ("fa", "en"):
        for summary in (False, True):
            idx = [i for i, r in enumerate(rows) if r["lang"] == lang and r["summary"] == summary]
            if not idx:
                continue
            fused = np.mean([ranking_figures(rows[i]["cover"], range(len(rows[i]["cover"]))) for i in idx], axis=0)
            reranked = np.mean([ranking_figures(rows[i]["cover"], orders[i]) for i in idx], axis=0)
            out[f"{lang}-summary" if summary else lang] = {
                "questions": len(idx),
                **{f"fused_{k}": round(float(v), 3) for k, v in zip(("recall@5", "mrr", "first"), fused)},
                **{f"reranked_{k}": round(float(v), 3) for k, v in zip(("recall@5", "mrr", "first"), reranked)}}
    return out


def main(store_dir: Path, progress: Callable[[str], None] = print, data: Path | None = None) -> dict:
    rows = collect(store_dir, progress=progress)
    result = figures(rows, out_of_fold(rows))
    for lang in sorted({r["lang"] for r in rows}):
        mine = [r for r in rows if r["lang"] == lang]
        w, mean, scale = fit([(r["x"], r["cover"].any(axis=1).astype(float)) for r in mine], L2)
        model = RerankModel(w.tolist(), mean.tolist(), scale.tolist(), int(mine[0]["dims"]),
                            {"sets": list(RERANK_SETS), "l2": L2, "depth": DEPTH,
                             "out_of_fold": {k: v for k, v in result.items() if k.split("-")[0] == lang}})
        model.save(data / f"rerank_{lang}.json" if data else model_file(lang))
    return result
