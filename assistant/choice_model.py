"""A conditional logit: which of one question's candidates to put first, learned from the blind question sets.

A softmax over one question's candidates (McFadden, 1974), fitted to put the probability on those that hold
the gold evidence. Two models use it: the lead sentence of an answer (:mod:`assistant.lead`) and the order of
the retrieved passages (:mod:`assistant.rerank`). Each reads rows of its own named features followed by the
element-wise products of the unit question vector and the unit candidate vector (``dims`` numbers whose sum
is their e5 cosine): weights on those re-weigh e5's dimensions for what "this candidate answers that question"
means in this field — a learned similarity, not a word list.

>>> import numpy as np
>>> class Toy(ChoiceModel):
...     FEATURES = ("dense",)
>>> m = Toy(weights=[1.0, 1.0, 1.0], mean=[0.0] * 3, scale=[1.0] * 3, dims=2)
>>> m.applies(2), m.applies(384), int(np.argmax(m.scores(np.array([[0.2], [0.9]]), np.array([[.1, .1], [.4, .5]]))))
(True, False, 1)
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Sequence, TypeVar

import numpy as np

M = TypeVar("M", bound="ChoiceModel")


def match_features(vectors: np.ndarray, question_vector: np.ndarray) -> np.ndarray:
    """The element-wise products of each unit candidate vector with the unit question vector."""
    return np.asarray(vectors, dtype=np.float64) * np.asarray(question_vector, dtype=np.float64)[None, :]


@dataclass(frozen=True)
class ChoiceModel:
    """Weights over standardised ``[named features | match features]``; ``dims``: the e5 vector size.

    A subclass names its features (:attr:`FEATURES`) and its shipped file (:attr:`FILE`)."""

    weights: list[float]
    mean: list[float]
    scale: list[float]
    dims: int
    figures: dict | None = None   # the fit's out-of-fold figures (evals/), for the docs

    FEATURES: ClassVar[tuple[str, ...]] = ()
    FILE: ClassVar[Path | None] = None

    def applies(self, dims: int) -> bool:
        """Whether the model reads vectors of this size (a store embedded with another model: no)."""
        return dims == self.dims and len(self.weights) == len(self.FEATURES) + self.dims

    def scores(self, feature_rows: np.ndarray, match_rows: np.ndarray) -> np.ndarray:
        x = np.hstack([feature_rows, match_rows])
        return ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)

    def to_json(self) -> dict:
        return {"features": [*self.FEATURES, f"e5 product × {self.dims}"], "dims": self.dims,
                "weights": [round(w, 6) for w in self.weights], "mean": [round(v, 6) for v in self.mean],
                "scale": [round(v, 6) for v in self.scale], "figures": self.figures or {}}

    def save(self, path: Path | None = None) -> None:
        target = path or self.FILE
        assert target is not None, "no file to save to"
        target.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls: type[M], path: Path | None = None) -> M | None:
        """The fitted model, or None when the file is missing or not a model of these features."""
        try:
            data = json.loads((path or cls.FILE).read_text(encoding="utf-8"))  # type: ignore[union-attr]
            model = cls([float(w) for w in data["weights"]], [float(v) for v in data["mean"]],
                        [float(v) for v in data["scale"]], int(data["dims"]), data.get("figures"))
            names = list(data["features"])[:len(cls.FEATURES)]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if names != list(cls.FEATURES):   # a file of other features, even of the same count
            return None
        n = len(cls.FEATURES) + model.dims
        if not (len(model.weights) == len(model.mean) == len(model.scale) == n) or \
                not all(math.isfinite(v) for v in (*model.weights, *model.mean, *model.scale)) or \
                any(s <= 0 for s in model.scale):
            return None
        return model


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


def out_of_fold(groups: Sequence[tuple[np.ndarray, np.ndarray]], folds: Sequence[str], l2: float
                ) -> list[np.ndarray]:
    """Each group's candidate scores by a model :func:`fit` on the groups of the other folds (one fold per
    question set: each set had its own writers). A single fold has nothing else to fit on: its scores are 0."""
    scores = [np.zeros(len(x)) for x, _ in groups]
    for held in sorted(set(folds)):
        others = [g for g, fold in zip(groups, folds) if fold != held]
        if not others:
            continue
        w, mean, scale = fit(others, l2)
        for i, ((x, _), fold) in enumerate(zip(groups, folds)):
            if fold == held:
                scores[i] = ((x - mean) / scale) @ w
    return scores
