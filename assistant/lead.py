"""Which candidate sentence leads an answer: a small model learned from the blind question sets.

The composer (:mod:`assistant.answer`) ranks candidate sentences by e5 cosine plus a little lexical overlap
and passage rank; its best sentence held the gold evidence in 0.49 of a fresh blind set's answers (issue 18
asks for 0.70). The lead sentence is now chosen by a *conditional logit* over one question's candidates
(:mod:`assistant.choice_model`), with two kinds of features:

* **about the sentence** (:data:`FEATURES`): its e5 cosine to the question, the share of the question's
  content tokens it holds, its passage's fused rank, its position in the passage (log, and whether it
  opens the passage), its length (log content tokens), whether it is a bibliography record, whether it
  occurs in two passages (chunk overlap), and the best cosine of its neighbours in the passage;
* **about the question–sentence match in e5's space**: the element-wise product of the two unit vectors
  (384 numbers whose sum is the cosine). Its weights re-weigh e5's dimensions for what "this sentence
  answers that question" means in this field — a learned similarity, not a word list.

``python -m evals fit-lead`` (:mod:`evals.fit_lead`) fits it on every answerable question of the blind sets
already reported and writes ``assistant/data/lead_model.json`` with its out-of-fold figures (one fold per
set). A store embedded with another model (vectors of another size) or a missing file falls back to the
composer's own score.

>>> import numpy as np
>>> m = LeadModel(weights=[1.0] * (len(FEATURES) + 2), mean=[0.0] * (len(FEATURES) + 2),
...               scale=[1.0] * (len(FEATURES) + 2), dims=2)
>>> rows = np.array([[0.2] + [0.0] * (len(FEATURES) - 1), [0.9] + [0.0] * (len(FEATURES) - 1)])
>>> m.applies(2), m.applies(384), m.best(rows, np.array([[0.1, 0.1], [0.4, 0.5]]))
(True, False, 1)
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.choice_model import ChoiceModel, fit, match_features

__all__ = ["FEATURES", "MODEL_FILE", "LeadCandidate", "LeadModel", "fit", "match_features", "sentence_features",
           "shipped"]

MODEL_FILE = Path(__file__).resolve().parent / "data" / "lead_model.json"

#: the sentence features, in the order of :func:`sentence_features`' columns
FEATURES = ("dense", "overlap", "rank", "log_position", "opens_passage", "log_length", "reference",
            "in_two_passages", "neighbour_dense")


@dataclass(frozen=True)
class LeadCandidate:
    """What the features read of one candidate sentence (the composer's ``AnswerSentence`` has these)."""

    passage_id: str
    position: int
    rank: int
    reference: bool
    passages: int


def sentence_features(candidates: Sequence[LeadCandidate], dense: Sequence[float] | np.ndarray,
                      tokens: Sequence[set[str]], question_tokens: set[str]) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate. ``dense``: each candidate's e5 cosine to the question;
    ``tokens``: its lexical tokens. Neighbours are the candidates of the same passage one position away.

    >>> c = [LeadCandidate("p", 0, 0, False, 1), LeadCandidate("p", 1, 0, False, 2)]
    >>> sentence_features(c, [0.5, 0.7], [{"a", "b"}, {"b"}], {"b", "c"})[:, [1, 4, 7, 8]].tolist()
    [[0.5, 1.0, 0.0, 0.7], [0.5, 0.0, 1.0, 0.5]]
    """
    by_place = {(c.passage_id, c.position): float(d) for c, d in zip(candidates, dense)}
    rows = []
    for c, d, toks in zip(candidates, dense, tokens):
        neighbours = [by_place[c.passage_id, c.position + step] for step in (-1, 1)
                      if (c.passage_id, c.position + step) in by_place]
        rows.append([float(d), len(question_tokens & toks) / len(question_tokens) if question_tokens else 0.0,
                     float(c.rank), math.log1p(c.position), float(c.position == 0), math.log1p(len(toks)),
                     float(c.reference), float(c.passages > 1), max(neighbours, default=float(d))])
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


class LeadModel(ChoiceModel):
    """The lead model: :data:`FEATURES` of each sentence, then its match features."""

    FEATURES = FEATURES
    FILE = MODEL_FILE

    def best(self, sentence_rows: np.ndarray, match_rows: np.ndarray) -> int:
        """The index of the row the model would lead with."""
        return int(np.argmax(self.scores(sentence_rows, match_rows)))


@functools.lru_cache(maxsize=1)
def shipped() -> LeadModel | None:
    """The model of ``assistant/data/lead_model.json``, loaded once."""
    return LeadModel.load()
