"""The sentence view: one vector per sentence of every passage of ideas, in both editions.

A passage of ~220 words is one e5 vector, and a question about one of its sentences meets that sentence
diluted by the rest of the passage. The sentence view keeps a vector per sentence (of the passage as
indexed and of its English rendering, ``text_en``) under the passage's id, so a retriever can rank a passage
by its best sentence (MaxP: Dai & Callan, "Deeper Text Understanding for IR with Contextual Neural Language
Modeling", SIGIR 2019). Bibliography records and document cards have no sentence vectors: they are not
prose, and the passage view holds them already.

>>> [n.id_ for n in sentence_nodes("p1", {"doc_id": "d", "doc_version": "d@1", "kind": "body",
...     "language": "fa", "text_en": "Smart governance uses data well. Short one."},
...     "حکمرانی هوشمند از داده‌ها بهره می‌گیرد. جمله دوم این بند است.")]
['d@1:p1:s0', 'd@1:p1:s1', 'd@1:p1:en:s0']
"""
from __future__ import annotations

from typing import Any

from llama_index.core.schema import TextNode

from indexer.normalize import split_sentences
from indexer.store import RECORD_KINDS

SENTENCE_VIEW = "sentences"  # the collection suffix of the sentence vectors
#: what a store's ``sentence_view`` field must say for its sentence vectors to count: a change to how passages
#: are cut into sentence nodes bumps it, and the next build re-embeds every document's sentences
SENTENCE_VIEW_VERSION = 1
MIN_WORDS = 4  # shorter pieces (a heading, "Table 2.") are no sentence to rank a passage by
_KEYS = ("passage_id", "doc_version", "doc_id", "kind", "language")


def sentence_nodes(passage_id: str, metadata: dict[str, Any], text: str) -> list[TextNode]:
    """The sentence nodes of one passage (``metadata``: its doc id, doc version, kind, language, text_en)."""
    if metadata.get("kind") in RECORD_KINDS:
        return []
    out: list[TextNode] = []
    for edition, body, language in (("", text, metadata.get("language")),
                                    ("en:", metadata.get("text_en") or "", "en")):
        pieces = [s for s in split_sentences(body) if len(s.split()) >= MIN_WORDS]
        for i, sentence in enumerate(pieces):
            meta = {"passage_id": passage_id, "doc_version": metadata["doc_version"],
                    "doc_id": metadata["doc_id"], "kind": metadata.get("kind") or "", "language": language or ""}
            # the document version in the id, as for passages: a new version never collides with the old one
            out.append(TextNode(id_=f"{metadata['doc_version']}:{passage_id}:{edition}s{i}", text=sentence,
                                metadata=meta, excluded_embed_metadata_keys=list(_KEYS),
                                excluded_llm_metadata_keys=list(_KEYS)))
    return out
