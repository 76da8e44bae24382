"""Fitting the passage models: their sets, and out-of-fold orders that never see their own set."""
from __future__ import annotations

import numpy as np

from evals import fit_rerank


def test_the_newest_held_out_set_is_never_fitted():
    assert "heldout12" not in fit_rerank.RERANK_SETS
    assert {"calibration", "dev", "test", "heldout10", "heldout11"} <= set(fit_rerank.RERANK_SETS)


def test_out_of_fold_orders_come_from_models_fitted_without_the_set():
    """Two sets whose labels follow opposite rules: each set's out-of-fold model learned the other's rule, so it
    never puts its own positive first; a model fitted on a set itself would."""
    rng = np.random.default_rng(1)
    rows = []
    for name, sign in (("a", 1.0), ("b", -1.0)):
        for x in rng.normal(size=(40, 6, 3)):
            rows.append({"set": name, "lang": "en", "summary": False, "x": x,
                         "cover": (sign * x[:, [0]] == (sign * x[:, 0]).max())})
    orders = fit_rerank.out_of_fold(rows, l2=1.0)
    assert np.mean([r["cover"][o[0]].any() for r, o in zip(rows, orders)]) < 0.1
    figures = fit_rerank.figures(rows, orders)
    assert list(figures) == ["en"] and figures["en"]["questions"] == 80
    assert figures["en"]["reranked_first"] < figures["en"]["fused_first"]
