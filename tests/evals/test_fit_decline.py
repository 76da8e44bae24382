"""The off-topic model's fitting (``python -m evals fit-decline``): folds and the nearest-questions feature."""
from assistant.decline import FEATURES
from evals.fit_decline import TRAINING_SETS, against_other_sets, group, unanswerable_thresholds, with_neighbours


def test_the_newest_held_out_set_is_never_fitted_on():
    assert "heldout10" not in TRAINING_SETS and "calibration" in TRAINING_SETS
    assert group({"split": "heldout3"}) == "heldout3" and group({}) == "dev"


def test_a_question_never_meets_its_own_set_nor_the_fold_being_predicted():
    """Three sets of one on-topic and one off-topic question each: a question's neighbours come from the
    other sets only, and none from the left-out fold."""
    on, off = [1.0, 0.0], [0.0, 1.0]
    embeddings = [on, off, [0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6]]
    on_topic = [True, False, True, False, True, False]
    groups = ["a", "a", "b", "b", "c", "c"]
    x = [[0.0] * len(FEATURES) for _ in embeddings]
    col = FEATURES.index("neighbours")
    full = [row[col] for row in with_neighbours(x, embeddings, on_topic, groups)]
    assert full[0] > 0 > full[1]  # set a's questions against b and c
    # leaving out c: set a's on-topic question is measured against b alone, [0.9, 0.1] vs [0.1, 0.9]
    left = with_neighbours(x, embeddings, on_topic, groups, left_out="c")
    import numpy as np
    unit = np.array([[0.9, 0.1], [0.1, 0.9]]) / np.linalg.norm([0.9, 0.1])
    assert abs(left[0][col] - float(unit[0] @ [1.0, 0.0] - unit[1] @ [1.0, 0.0])) < 1e-5
    assert all(row[:col] == [0.0] * col for row in left)


def test_the_likeness_to_unanswerable_questions_is_measured_against_the_other_sets():
    """Set a's questions meet only set b's, and the threshold lets the answerable questions through."""
    embeddings = [[1.0, 0.0], [0.0, 1.0], [0.9, 0.1], [0.1, 0.9]]
    unanswerable = [True, False, True, False]
    likeness = against_other_sets(embeddings, unanswerable, ["a", "a", "b", "b"])
    assert likeness[0] > 0 > likeness[1] and likeness[2] > 0 > likeness[3]
    questions = [{"lang": "en", "type": "detail", "should_abstain": u} for u in unanswerable]
    limits = unanswerable_thresholds(likeness, questions)
    assert set(limits) == {"en"} and max(likeness[1], likeness[3]) <= limits["en"] < min(likeness[0], likeness[2])
