"""The order of the retrieved passages: a model learned from the blind question sets re-ranks the fused top.

Weighted reciprocal-rank fusion (:mod:`assistant.fusion`) knows only each list's ranks. On the answerable questions
of the blind sets already reported, the passage holding the evidence was first for 0.60 of Persian and 0.67 of
English questions (0.72 and 0.82 re-ordered, out of fold). :class:`LearnedRerank` re-orders the fused top
(``Settings.rerank_depth`` passages) by a conditional logit per question language (:mod:`assistant.choice_model`) over

* **what fusion knew** (:data:`FEATURES`): the passage's fused rank (log) and score (share of the top one), its
  dense cosine and whether the dense list had it, its BM25 reciprocal rank, whether it is a bibliography record;
* **its e5 vectors as stored**: the cosine of the question to the passage as indexed and to the passage in the
  reader's language (for an English question, its English rendering), with the element-wise products of the
  question's and that vector (a learned similarity, as in :mod:`assistant.lead`).

The models learned from the paper, whose gold evidence is always Persian text, so they only re-order passages of
that kind (:func:`reorderable`): Persian passages, and for an English question only those with an English
rendering. Every other passage — an English document, a Persian one without an English edition — keeps its fused
place (a model that had seen English passages only as passages without evidence would push them all down).

``python -m evals fit-rerank`` (:mod:`evals.fit_rerank`) fits one model per language and writes
``assistant/data/rerank_<language>.json`` with its out-of-fold figures. A language without a model, a model of
vectors of another size, or ``rerank_depth`` 0 leaves the fused order as it is. A re-ordered passage takes the
fused ``score`` of the place it fills, so scores still fall with rank.

>>> import numpy as np
>>> m = RerankModel(weights=[0.0] * len(FEATURES) + [1.0, 1.0], mean=[0.0] * (len(FEATURES) + 2),
...                 scale=[1.0] * (len(FEATURES) + 2), dims=2)
>>> m.order(np.zeros((3, len(FEATURES))), np.array([[0.1, 0.1], [0.0, 0.0], [0.4, 0.5]]))
[2, 0, 1]
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from assistant.choice_model import ChoiceModel, match_features
from assistant.fusion import Hit
from indexer.store import ENGLISH_VIEW

if TYPE_CHECKING:
    from assistant.retrievers import Query

DATA = Path(__file__).resolve().parent / "data"

#: the passage features, in the order of :func:`passage_features`' columns
FEATURES = ("log_rank", "fused", "dense", "in_dense", "lexical", "record", "cosine", "reader_cosine")


class RerankModel(ChoiceModel):
    """One language's passage model: :data:`FEATURES`, then the match features of the reader's vector."""

    FEATURES = FEATURES

    def order(self, feature_rows: np.ndarray, match_rows: np.ndarray) -> list[int]:
        """Row indices best first (ties keep the fused order)."""
        return [int(i) for i in np.argsort(-self.scores(feature_rows, match_rows), kind="stable")]


def model_file(language: str) -> Path:
    return DATA / f"rerank_{language}.json"


@functools.lru_cache(maxsize=4)
def shipped(language: str) -> RerankModel | None:
    """The model of ``assistant/data/rerank_<language>.json``, loaded once; None for a language without one."""
    return RerankModel.load(model_file(language))


def reorderable(query: "Query", hits: Sequence[Hit]) -> list[int]:
    """Indices of the hits of the kind the models learned from: Persian passages, for an English question only
    those with an English rendering."""
    return [i for i, h in enumerate(hits) if h.passage.metadata.get("language") == "fa"
            and (query.language != "en" or bool(h.passage.metadata.get("text_en")))]


@dataclass(frozen=True)
class PassageRows:
    """The model's input for some of a question's hits: :data:`FEATURES` rows and the match rows."""

    features: np.ndarray
    matches: np.ndarray


def passage_features(query: "Query", hits: Sequence[Hit], chosen: Sequence[int]) -> PassageRows | None:
    """The rows of the ``chosen`` indices of ``hits`` (the order the step receives) for ``query``, from the
    stored vectors; None when a passage lacks a stored vector (a store being rebuilt)."""
    ids = [hits[i].passage.id for i in chosen]
    main = query.store.vectors(ids)
    reader_view = query.store.vectors(ids, ENGLISH_VIEW) if query.language == "en" else main
    if any(pid not in main or pid not in reader_view for pid in ids):
        return None
    q = _unit(np.asarray(query.embedding, dtype=np.float64))
    top = hits[0].score or 1.0
    rows, readers = [], []
    for i, pid in zip(chosen, ids):
        hit, vector, reader = hits[i], _unit(main[pid]), _unit(reader_view[pid])
        rows.append([math.log1p(i), hit.score / top, hit.dense or 0.0, float(hit.dense is not None),
                     1.0 / hit.lexical_rank if hit.lexical_rank else 0.0, float(hit.passage.is_record),
                     float(vector @ q), float(reader @ q)])
        readers.append(reader)
    return PassageRows(np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)),
                       match_features(np.asarray(readers), q))


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


class LearnedRerank:
    """The rank step: the re-orderable passages of the top ``depth`` hits re-ordered among their places by the
    question language's model; every other hit keeps its place."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def run(self, query: "Query", hits: list[Hit], k: int) -> list[Hit]:
        model = shipped(query.language) if self.depth > 0 else None
        if model is None or not model.applies(len(query.embedding)):
            return hits
        top = hits[:self.depth]
        places = reorderable(query, top)
        rows = passage_features(query, top, places) if len(places) > 1 else None
        if rows is None:
            return hits
        out = list(top)
        for place, i in zip(places, [places[j] for j in model.order(rows.features, rows.matches)]):
            # the fused score of the place it fills: scores still fall with rank (a copy: the caller's hits stay)
            out[place] = dataclasses.replace(top[i], score=top[place].score)
        return out + hits[self.depth:]
