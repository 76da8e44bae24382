"""Extractive answers: the sentences of the retrieved passages that best answer the question.

Offline and faithful by construction: every answer sentence is a sentence of a passage, tagged
with that passage's id. Sentences are scored by e5 similarity to the question (query vs passage
roles) plus lexical overlap, near-duplicates are dropped, and the chosen sentences are shown in
the order of the passages they come from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.retrieval import Hit
from indexer.normalize import lexical_tokens, split_sentences


@dataclass
class AnswerSentence:
    text: str
    passage_id: str
    score: float
    rank: int  # rank of its passage
    position: int  # position inside its passage


def _overlap(query_tokens: set[str], sentence: str) -> float:
    tokens = set(lexical_tokens(sentence))
    if not query_tokens or not tokens:
        return 0.0
    return len(query_tokens & tokens) / len(query_tokens)


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > 0.7


def compose(question: str, hits: list[Hit], embed_model, max_sentences: int = 4,
            max_passages: int = 4) -> list[AnswerSentence]:
    """Pick up to ``max_sentences`` sentences from the top passages, best evidence first in rank order."""
    candidates: list[AnswerSentence] = []
    for rank, hit in enumerate(hits[:max_passages]):
        for position, sentence in enumerate(split_sentences(hit.passage.text)):
            if len(sentence.split()) >= 4:
                candidates.append(AnswerSentence(sentence, hit.passage.id, 0.0, rank, position))
    if not candidates:
        return []
    q = np.asarray(embed_model.get_query_embedding(question))
    vectors = np.asarray(embed_model.get_text_embedding_batch([c.text for c in candidates]))
    dense = vectors @ q
    q_tokens = set(lexical_tokens(question))
    for cand, sim in zip(candidates, dense):
        # rank prior: a sentence of the best passage is more likely on topic
        cand.score = float(sim) + 0.15 * _overlap(q_tokens, cand.text) - 0.01 * cand.rank
    chosen: list[AnswerSentence] = []
    chosen_tokens: list[set[str]] = []
    best = max(c.score for c in candidates)
    for cand in sorted(candidates, key=lambda c: -c.score):
        if len(chosen) >= max_sentences or cand.score < best - 0.08:
            break
        tokens = set(lexical_tokens(cand.text))
        if any(_similar(tokens, t) for t in chosen_tokens):
            continue
        chosen.append(cand)
        chosen_tokens.append(tokens)
    return sorted(chosen, key=lambda c: (c.rank, c.position))
