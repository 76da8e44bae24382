"""The order of the retrieved passages: a model learned from the blind question sets re-ranks the fused top.

Weighted reciprocal-rank fusion (:mod:`assistant.fusion`) knows only each list's ranks. Out of fold on the
1,222 answerable questions of the blind sets already reported, the passage holding the evidence was first for
0.55 of Persian and 0.67 of English questions. :class:`LearnedRerank` re-orders the fused top
(``Settings.rerank_depth`` passages) by a conditional logit per question language (:mod:`assistant.choice_model`)
over

* **what fusion knew** (:data:`FEATURES`): the passage's fused rank (log) and score (share of the top one),
  its dense cosine and whether the dense list had it, its BM25 reciprocal rank, whether it is a bibliography
  record, whether it is in the question's language, whether it has an English rendering (English questions);
* **its e5 vectors as stored**: the cosine of the question to the passage as indexed, and to the passage in the
  reader's language (an English question: its English rendering where it has one), with the element-wise
  products of the question's and that vector (a learned similarity, as in :mod:`assistant.lead`).

``python -m evals fit-rerank`` (:mod:`evals.fit_rerank`) fits one model per language and writes
``assistant/data/rerank_<language>.json`` with its out-of-fold figures. A language without a model, a model of
vectors of another size, or ``rerank_depth`` 0 leaves the fused order as it is.

>>> import numpy as np
>>> m = RerankModel(weights=[0.0] * len(FEATURES) + [1.0, 1.0], mean=[0.0] * (len(FEATURES) + 2),
...                 scale=[1.0] * (len(FEATURES) + 2), dims=2)
>>> m.order(np.zeros((3, len(FEATURES))), np.array([[0.1, 0.1], [0.0, 0.0], [0.4, 0.5]]))
[2, 0, 1]
"""
from __future__ import annotations

import functools
import math
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
FEATURES = ("log_rank", "fused", "dense", "in_dense", "lexical", "record", "own_language", "rendered", "cosine",
            "reader_cosine")


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


def passage_features(query: "Query", hits: Sequence[Hit]) -> tuple[np.ndarray, np.ndarray] | None:
    """:data:`FEATURES` rows and match rows of ``hits`` for ``query`` (vectors from the store); None when a
    passage has no stored vector (a store being rebuilt)."""
    ids = [h.passage.id for h in hits]
    main = query.store.vectors(ids)
    english = query.store.vectors(ids, ENGLISH_VIEW) if query.language == "en" else {}
    if any(pid not in main for pid in ids):
        return None
    q = _unit(np.asarray(query.embedding, dtype=np.float64))
    top = hits[0].score or 1.0
    rows, readers = [], []
    for rank, hit in enumerate(hits):
        passage, pid = hit.passage, hit.passage.id
        vector = _unit(main[pid])
        reader = _unit(english[pid]) if pid in english else vector
        rows.append([math.log1p(rank), hit.score / top, hit.dense or 0.0, float(hit.dense is not None),
                     1.0 / hit.lexical_rank if hit.lexical_rank else 0.0, float(passage.is_record),
                     float(passage.metadata.get("language") == query.language), float(pid in english),
                     float(vector @ q), float(reader @ q)])
        readers.append(reader)
    return np.asarray(rows, dtype=np.float64), match_features(np.asarray(readers), q)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


class LearnedRerank:
    """The rank step: the top ``depth`` hits re-ordered by the question language's model; the rest after them."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def run(self, query: "Query", hits: list[Hit], k: int) -> list[Hit]:
        model = shipped(query.language) if self.depth > 0 else None
        if model is None or len(hits) < 2:
            return hits
        top = hits[:self.depth]
        features = passage_features(query, top)
        if features is None or not model.applies(features[1].shape[1]):
            return hits
        return [top[i] for i in model.order(*features)] + hits[self.depth:]
