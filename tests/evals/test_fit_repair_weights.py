"""The weight fit of the chunk repair: its split keeps text-dev out, and coordinate ascent lowers the edits."""
from __future__ import annotations

import numpy as np

from evals.fit_repair_weights import EVERY, FIT_OFFSET, TEST_OFFSET, coordinate_ascent, total_edits
from evals.repair_tuning import HOLD_EVERY


def test_fit_and_test_sentences_are_not_text_dev():
    assert HOLD_EVERY == EVERY and len({0, FIT_OFFSET, TEST_OFFSET}) == 3


def test_coordinate_ascent_picks_the_readings_closest_to_gold():
    # two lines, two readings each; features (cut, lm): the first reading of each line wins with weights (1, 1)
    feats = np.array([[0.0, 0.0], [-1.0, 0.0], [0.0, -1.0], [-0.5, -3.0]])
    edits = np.array([4.0, 0.0, 2.0, 0.0])
    line = np.array([0, 0, 1, 1])
    assert total_edits(np.array([1.0, 1.0]), feats, edits, line, 2) == 6.0
    w, best = coordinate_ascent((1.0, 1.0), feats, edits, line, 2)
    assert best == 4.0  # line 1's gold reading needs another lm weight; line 0's cannot be had with cut fixed
    assert w[0] == 1.0  # the cut model's weight sets the scale
    assert total_edits(np.array(w), feats, edits, line, 2) == best
