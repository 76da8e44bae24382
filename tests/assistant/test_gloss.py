"""English glosses of the Persian passages (assistant/gloss.py) over the real paper store."""
from __future__ import annotations

from assistant.lexicon import lexicon
from assistant.retrieval import HybridRetriever
from indexer.normalize import lexical_tokens


def test_a_persian_sentence_glossed_in_english():
    gloss = set(lexicon().gloss(lexical_tokens("موانع اصلی برپایی کشورداری هوشمند")))
    assert {"obstacle", "barrier", "smart"} <= gloss


def test_glosses_cover_the_persian_passages_of_ideas_only(paper_store):
    retriever = HybridRetriever(paper_store)
    index = retriever.glosses()
    persian = [p for p in retriever.passages.values()
               if p.metadata["language"] == "fa" and p.metadata["kind"] not in ("reference", "card")]
    assert index.size == len(persian)
    top = index.search("homeless people", 3)
    assert "بی‌خانمان" in retriever.passages[top[0][0]].text
    assert all(retriever.passages[pid].metadata["language"] == "fa" for pid, _ in index.search("smart grids", 10))
