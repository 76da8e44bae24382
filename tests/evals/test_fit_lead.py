"""Fitting the lead-sentence model: its sets, and out-of-fold scores that never see their own set."""
from __future__ import annotations

import numpy as np

from evals import fit_lead


def test_the_newest_held_out_set_is_never_fitted():
    assert "heldout11" not in fit_lead.LEAD_SETS
    assert {"calibration", "dev", "test", "heldout10"} <= set(fit_lead.LEAD_SETS)


def test_out_of_fold_scores_come_from_models_fitted_without_the_set():
    """Two sets whose labels follow opposite rules: each set's out-of-fold model learned the other's rule, so it
    never finds its own positives; a model fitted on a set itself would."""
    rng = np.random.default_rng(1)
    rows = []
    for name, sign in (("a", 1.0), ("b", -1.0)):
        for x in rng.normal(size=(40, 6, 3)):
            rows.append({"set": name, "lang": "fa", "x": x, "y": (sign * x[:, 0] == (sign * x[:, 0]).max()).astype(float),
                         "composer": False})
    scores = fit_lead.out_of_fold(rows, l2=1.0)
    assert fit_lead.first_holds(rows, scores) < 0.1
    figures = fit_lead.figures(rows, scores)
    assert figures["all"]["questions"] == 80 and figures["all"]["ceiling"] == 1.0 and figures["en"]["questions"] == 0
