"""Is a generated sentence supported by the passage(s) it cites? (:class:`SupportCheck` per sentence.)

A sentence is **supported** when it cites at least one passage of the prompt and

1. it quotes a cited passage (:data:`SUPPORT_NGRAM` of its character 4-grams occur in the passage or in its
   parallel English edition), **or** its e5 cosine with the closest sentence of a cited passage (either
   edition) reaches :data:`SUPPORT_SIMILARITY` (paraphrase, and sentences in the other language); and
2. every number it states occurs in a cited passage (``1399`` ≠ ``1398``), and
3. every Latin-script name it states (a capitalised word not opening the sentence, an acronym) occurs in a
   cited passage: a model must not move "(Heeks, 2003)" onto a passage that does not cite Heeks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

import numpy as np

from assistant.fusion import Hit
from assistant.llm_prompt import ParsedSentence
from assistant.selection import unit
from indexer.grams import GramPool, ngrams, normalise
from indexer.normalize import split_sentences

# Both numbers measured together by ``python -m evals.support_calibration`` on the 54 hand-labelled sentences
# of evals/data/support_labels.jsonl (27 supported English/Persian paraphrases, 27 altered or wrong-passage
# claims; docs/answers.md, "The support threshold"), choosing the largest true-support minus false-support:
#: share of a sentence's character 4-grams found in a cited passage that accepts it without e5: only a verbatim
#: quote (1.0). The evals' 0.60 accepted 3 of the 27 altered claims (a changed claim keeps most wording).
SUPPORT_NGRAM = 1.0
#: e5 cosine (passage role on both sides) between a generated sentence and its closest sentence of a cited
#: passage (either edition). At 0.91: 27/27 supported pass (9/9 Persian, 18/18 English), 2/27 unsupported pass
#: (two reversed Persian claims at 0.92 and 0.94: e5 does not see a negation); 0.90 ties, 0.93 loses 3
#: paraphrases to reject one more, 0.88 lets 9 claims through.
SUPPORT_SIMILARITY = 0.91

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"\b(?:[A-Z][a-z]{2,}|[A-Z]{2,}[a-z]?)\b")


class Embedder(Protocol):
    def get_text_embedding_batch(self, texts: list[str]) -> Any: ...


@dataclass(frozen=True)
class SupportCheck:
    """The verdict on one generated sentence; ``numbers`` are the (valid) passage numbers it cites."""

    text: str
    numbers: list[int]
    supported: bool
    how: str                       # "4-gram" | "e5" | "unsupported" | "no citation" | "number" | "name"
    ngram: float = 0.0             # best 4-gram coverage over the cited passages
    similarity: float | None = None  # best e5 cosine (computed when the 4-grams do not suffice)
    missing: list[str] = field(default_factory=list)  # numbers or names absent from the cited passages

    @property
    def score(self) -> float:
        """The score that decided: the e5 cosine when it was used, else the 4-gram coverage."""
        return self.similarity if self.similarity is not None and self.how in ("e5", "unsupported") else self.ngram

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "numbers": self.numbers, "supported": self.supported, "how": self.how,
                "ngram": round(self.ngram, 3),
                "similarity": None if self.similarity is None else round(self.similarity, 3),
                "missing": list(self.missing)}


def editions(hit: Hit) -> list[str]:
    """The texts a sentence citing ``hit`` may be checked against: the passage and its English edition."""
    meta = hit.passage.metadata or {}
    return [hit.passage.text] + ([str(meta["text_en"])] if meta.get("text_en") else [])


def ngram_support(sentence: str, passage: str) -> float:
    """Share of the sentence's character 4-grams that occur in the passage (the scorer's normalisation)."""
    grams = ngrams(normalise(sentence))
    if not grams:
        return 1.0
    pool = GramPool(max_chars=None)
    pool.add(passage)
    return pool.coverage(grams)


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, Persian digits read as Latin ones.

    >>> sorted(numbers_in("در سال ۱۳۹۹ و 2,5 درصد (Heeks, 2003)"))
    ['1399', '2.5', '2003']
    """
    return {n.replace(",", ".") for n in _NUMBER.findall(text.translate(_DIGITS))}


def names_in(sentence: str) -> set[str]:
    """Latin-script names of a sentence: capitalised words not opening it, and acronyms.

    >>> sorted(names_in("The paper cites Heeks and the OECD on AI."))
    ['AI', 'Heeks', 'OECD']
    """
    words = _NAME.findall(sentence)
    first = re.match(r"\W*(\w+)", sentence)
    if first and words and words[0] == first.group(1) and not first.group(1).isupper():
        words = words[1:]
    return set(words)


def missing_facts(sentence: str, cited: Sequence[str]) -> list[str]:
    """Numbers and names of ``sentence`` that none of the ``cited`` texts contains."""
    pool = " ".join(cited)
    have_numbers = numbers_in(pool)
    lowered = pool.lower()
    missing = sorted(n for n in numbers_in(sentence) if n not in have_numbers)
    missing += sorted(n for n in names_in(sentence) if n.lower() not in lowered)
    return missing


def verify(sentences: list[ParsedSentence], hits: list[Hit], embed_model: Embedder | None = None,
           similarity: float = SUPPORT_SIMILARITY, ngram: float = SUPPORT_NGRAM) -> list[SupportCheck]:
    """Check each sentence against the passages it cites (numbers outside 1..len(hits) are dropped)."""
    rows: list[dict[str, Any]] = []
    pending: list[tuple[int, list[str]]] = []
    for s in sentences:
        valid = [n for n in s.numbers if 1 <= n <= len(hits)]
        row: dict[str, Any] = {"text": s.text, "numbers": valid, "supported": False, "how": "no citation",
                               "ngram": 0.0, "similarity": None, "missing": []}
        rows.append(row)
        if not valid:
            continue
        cited = [text for n in valid for text in editions(hits[n - 1])]
        row["ngram"] = max(ngram_support(s.text, text) for text in cited)
        row["missing"] = missing_facts(s.text, cited)
        if row["ngram"] >= ngram:
            row.update(supported=True, how="4-gram")
        else:
            row["how"] = "unsupported"
            if embed_model is not None:
                pending.append((len(rows) - 1, [x for text in cited for x in split_sentences(text)]))
    if pending and embed_model is not None:
        vecs = unit(embed_model.get_text_embedding_batch([rows[i]["text"] for i, _ in pending]))
        for (i, cited_sentences), v in zip(pending, vecs):
            if not cited_sentences:
                continue
            sim = float(np.max(unit(embed_model.get_text_embedding_batch(cited_sentences)) @ v))
            rows[i]["similarity"] = sim
            if sim >= similarity:
                rows[i].update(supported=True, how="e5")
    for row in rows:
        if row["supported"] and row["missing"]:
            # a stated number or name the cited passages lack overrides matching wording
            row.update(supported=False, how="number" if any(m[0].isdigit() for m in row["missing"]) else "name")
    return [SupportCheck(**row) for row in rows]
