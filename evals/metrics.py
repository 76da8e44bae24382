"""The scorer our figures use (DESIGN §6), plus the ranking, citation, abstention and support metrics.

Gold evidence is matched robustly, never verbatim:

1. ``normalise`` both sides: NFKC; ي/ى→ی, ك→ک, ة/ۀ→ه, أ/إ/ٱ→ا; Persian and Arabic digits → Latin;
   lowercase; drop diacritics, bidi marks and ZWNJ; keep only letters and digits (so spacing,
   punctuation and half-spaces never matter).
2. take the evidence's character 4-grams (as a set);
3. the evidence is *found* in the top k when at least 60% of those 4-grams occur in the
   concatenated text of the top-k passages, each passage counted up to its first 2,000 characters.

A question's score at k is the share of its evidence strings found.  The *rank* of an evidence
string is the first r at which it becomes found in the top-r concatenation; MRR and nDCG@10 use it.

>>> normalise("كشورداري  هوشمند‌ (۱۴۰۳)")
'کشورداریهوشمند1403'
>>> coverage("حکمرانی هوشمند", ["در این بخش حکمرانی‌هوشمند را می‌بینیم"])
1.0
>>> evidence_rank("حکمرانی هوشمند", ["چیز دیگر", "حکمرانی هوشمند"])
2
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from indexer.grams import NGRAM, PASSAGE_CHARS, GramPool, ngrams, normalise  # noqa: F401  (the scorer's matching)

THRESHOLD = 0.60          # share of evidence 4-grams that must occur
NDCG_K = 10


def coverage(evidence: str, passages: Sequence[str], max_chars: int | None = PASSAGE_CHARS) -> float:
    """Share of the evidence's 4-grams that occur in the concatenation of ``passages``."""
    pool = GramPool(max_chars)
    for p in passages:
        pool.add(p)
    return pool.coverage(ngrams(normalise(evidence)))


def is_found(evidence: str, passages: Sequence[str], threshold: float = THRESHOLD) -> bool:
    return coverage(evidence, passages) >= threshold


def evidence_rank(evidence: str, passages: Sequence[str], threshold: float = THRESHOLD) -> int | None:
    """First rank r (1-based) at which the evidence is found in the top-r concatenation, or None."""
    grams = ngrams(normalise(evidence))
    if not grams:
        return None
    pool = GramPool()
    for r, p in enumerate(passages, start=1):
        pool.add(p)
        if pool.coverage(grams) >= threshold:
            return r
    return None


def evidence_ranks(evidence: Sequence[str], passages: Sequence[str]) -> list[int | None]:
    """Rank of each evidence string (one pass over the passages)."""
    gram_sets = [ngrams(normalise(e)) for e in evidence]
    ranks: list[int | None] = [None] * len(evidence)
    pool = GramPool()
    for r, p in enumerate(passages, start=1):
        pool.add(p)
        for i, g in enumerate(gram_sets):
            if ranks[i] is None and g and pool.coverage(g) >= THRESHOLD:
                ranks[i] = r
        if all(x is not None for x in ranks):
            break
    return ranks


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of evidence strings found in the top k (a question's score at k)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def reciprocal_rank(ranks: Sequence[int | None], k: int = NDCG_K) -> float:
    """Mean over evidence strings of 1/rank (0 when not found within k)."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def ndcg(ranks: Sequence[int | None], k: int = NDCG_K) -> float:
    """nDCG@k with each evidence string one relevant item (gain 1) at its rank.

    The ideal places the n strings at ranks 1..n; a passage that holds several strings counts them
    all at its rank, so the ratio is capped at 1.
    """
    if not ranks:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return min(1.0, dcg / idcg)


# --------------------------------------------------------------------------- citations
def citation_key(key: str) -> str:
    """Comparable form of an in-text citation key ("Chun et al, 2010" == "Chun et al., 2010")."""
    return normalise(key)


def citation_pr(expected: Iterable[str], returned: Iterable[str]) -> tuple[float | None, float | None]:
    """(precision, recall) of returned citation keys against the expected ones.

    Recall is None when nothing is expected; precision is None when nothing was returned.
    """
    exp = {citation_key(k) for k in expected if k}
    ret = {citation_key(k) for k in returned if k}
    hit = len(exp & ret)
    recall = hit / len(exp) if exp else None
    precision = hit / len(ret) if ret else None
    return precision, recall


# --------------------------------------------------------------------------- answers
def sentence_supported(sentence: str, cited_passages: Sequence[str], threshold: float = THRESHOLD) -> bool:
    """A sentence is supported when ≥ 60% of its 4-grams occur in ONE of its cited passages."""
    grams = ngrams(normalise(sentence))
    if not grams:
        return True
    for p in cited_passages:
        pool = GramPool(max_chars=None)
        pool.add(p)
        if pool.coverage(grams) >= threshold:
            return True
    return False


def support_counts(result: Mapping) -> tuple[int, int]:
    """(supported, total) answer sentences of one ``ask`` result (DESIGN §3 JSON)."""
    if result.get("abstained"):
        return 0, 0
    by_id = {p.get("id"): p.get("text", "") for p in result.get("passages", [])}
    supported = total = 0
    for s in result.get("sentences", []) or []:
        text = s.get("original") or s.get("text", "")  # a translated sentence is supported by its original
        if not normalise(text):
            continue
        total += 1
        cited = [by_id[i] for i in s.get("passage_ids", []) or [] if i in by_id]
        if cited and sentence_supported(text, cited):
            supported += 1
    return supported, total


# --------------------------------------------------------------------------- aggregation
def mean(xs: Iterable[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(xs: Sequence[float], q: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    idx = min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))
    return s[idx]


@dataclass
class AbstentionStats:
    accuracy: float | None          # share of questions where abstained == should_abstain
    false_abstention: float | None  # share of answerable questions declined
    abstain_recall: float | None    # share of unanswerable questions declined
    n_answerable: int
    n_unanswerable: int


def abstention(pairs: Iterable[tuple[bool, bool]]) -> AbstentionStats:
    """``pairs`` = (should_abstain, abstained) per question."""
    pairs = list(pairs)
    ans = [a for s, a in pairs if not s]
    una = [a for s, a in pairs if s]
    acc = sum(1 for s, a in pairs if s == a) / len(pairs) if pairs else None
    return AbstentionStats(
        accuracy=acc,
        false_abstention=(sum(ans) / len(ans)) if ans else None,
        abstain_recall=(sum(una) / len(una)) if una else None,
        n_answerable=len(ans), n_unanswerable=len(una))




def retrieval_summary(rank_lists: Sequence[Sequence[int | None]], ks: Sequence[int] = (1, 5, 10)) -> dict:
    """Recall@k, MRR and nDCG@10 averaged over questions (each a list of evidence ranks)."""
    n = len(rank_lists)
    out: dict = {"n": n}
    for k in ks:
        out[f"recall@{k}"] = mean(recall_at(r, k) for r in rank_lists) if n else None
    out["mrr"] = mean(reciprocal_rank(r) for r in rank_lists) if n else None
    out["ndcg@10"] = mean(ndcg(r) for r in rank_lists) if n else None
    return out
