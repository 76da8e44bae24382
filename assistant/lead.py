"""Which candidate sentence leads an answer: a small model learned from the blind question sets.

The composer (:mod:`assistant.answer`) ranks candidate sentences by e5 cosine plus a little lexical overlap
and passage rank; its best sentence held the gold evidence in 0.49 of a fresh blind set's answers (issue 18
asks for 0.70). The lead sentence is now chosen by a *conditional logit* over one question's candidates
(McFadden, 1974: a softmax over the candidates, fitted to put the probability on those that hold the
evidence), with two kinds of features:

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
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

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


def match_features(vectors: np.ndarray, question_vector: np.ndarray) -> np.ndarray:
    """The element-wise products of each unit sentence vector with the unit question vector."""
    return np.asarray(vectors, dtype=np.float64) * np.asarray(question_vector, dtype=np.float64)[None, :]


@dataclass(frozen=True)
class LeadModel:
    """Weights over standardised ``[sentence features | match features]``; ``dims``: the e5 vector size."""

    weights: list[float]
    mean: list[float]
    scale: list[float]
    dims: int
    figures: dict | None = None   # the fit's out-of-fold figures (evals/fit_lead.py), for the docs

    def applies(self, dims: int) -> bool:
        """Whether the model reads vectors of this size (a store embedded with another model: no)."""
        return dims == self.dims and len(self.weights) == len(FEATURES) + self.dims

    def scores(self, sentence_rows: np.ndarray, match_rows: np.ndarray) -> np.ndarray:
        x = np.hstack([sentence_rows, match_rows])
        return ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)

    def best(self, sentence_rows: np.ndarray, match_rows: np.ndarray) -> int:
        """The index of the row the model would lead with."""
        return int(np.argmax(self.scores(sentence_rows, match_rows)))

    def to_json(self) -> dict:
        return {"features": [*FEATURES, f"e5 product × {self.dims}"], "dims": self.dims,
                "weights": [round(w, 6) for w in self.weights], "mean": [round(v, 6) for v in self.mean],
                "scale": [round(v, 6) for v in self.scale], "figures": self.figures or {}}

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "LeadModel | None":
        """The fitted model, or None when the file is missing or not a model of these features."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls([float(w) for w in data["weights"]], [float(v) for v in data["mean"]],
                        [float(v) for v in data["scale"]], int(data["dims"]), data.get("figures"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        n = len(FEATURES) + model.dims
        if not (len(model.weights) == len(model.mean) == len(model.scale) == n) or \
                not all(math.isfinite(v) for v in (*model.weights, *model.mean, *model.scale)) or \
                any(s <= 0 for s in model.scale):
            return None
        return model


@functools.lru_cache(maxsize=1)
def shipped() -> LeadModel | None:
    """The model of ``assistant/data/lead_model.json``, loaded once."""
    return LeadModel.load()


def fit(groups: Sequence[tuple[np.ndarray, np.ndarray]], l2: float, steps: int = 300, rate: float = 0.5
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Conditional logit by gradient descent: ``groups`` of (rows of one question's candidates, 0/1 labels);
    questions without a positive candidate teach nothing and are skipped. Returns ``(weights, mean, scale)``.

    >>> rng = np.random.default_rng(0)
    >>> groups = [(x, (x[:, 0] == x[:, 0].max()).astype(float)) for x in rng.normal(size=(60, 5, 2))]
    >>> w, mean, scale = fit(groups, l2=1.0)
    >>> bool(w[0] > 3 * abs(w[1]))
    True
    """
    x_all = np.vstack([x for x, _ in groups])
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0)
    scale[scale == 0] = 1.0
    data = [((x - mean) / scale, y) for x, y in groups if np.any(y)]
    w = np.zeros(x_all.shape[1])
    for _ in range(steps):
        grad = l2 * w / len(data)
        for z, y in data:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad -= (z.T @ (q - p)) / len(data)
        w -= rate * grad
    return w, mean, scale
