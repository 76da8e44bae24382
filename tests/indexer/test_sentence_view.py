"""The sentence view: one vector per sentence of each passage of ideas, both editions, kept in step with the
passages by every build (real model, real embedded Chroma)."""
from __future__ import annotations

from assistant import Assistant
from assistant.retrievers import Query, SentenceDenseRetriever
from indexer.pipeline import build_index, remove_document
from indexer.sentence_view import SENTENCE_VIEW, sentence_nodes
from indexer.settings import Settings
from indexer.store import STATE_FILE, chroma_collection, read_state, write_json_atomic
from tests.conftest import write

# one passage whose single sentence on smart meters is buried among sentences on other things
LONG = ("# Notes\n\nThe committee met on a Tuesday and approved the minutes of the previous meeting. "
        "Several members asked about the schedule of the coming spring session. "
        "The secretary read a letter about the renovation of the old library building. "
        "Smart meters measure the electricity use of every household in real time. "
        "The chair thanked the volunteers who organised the summer reading festival.\n")
OTHER = "# Parks\n\nCity parks need benches, trees and well lit paths for evening walkers.\n"


def test_sentence_nodes_leave_out_records_and_fragments():
    meta = {"doc_id": "d", "doc_version": "d@1", "kind": "body", "language": "en", "text_en": None}
    nodes = sentence_nodes("p", meta, "Open data portals publish budgets every month. Table 2.")
    assert [n.text for n in nodes] == ["Open data portals publish budgets every month."]
    assert nodes[0].metadata == {"passage_id": "p", "doc_version": "d@1", "doc_id": "d", "kind": "body",
                                 "language": "en"}
    assert nodes[0].get_content(metadata_mode="embed") == nodes[0].text   # the model sees the sentence only
    assert sentence_nodes("r", {**meta, "kind": "reference"}, "Heeks, R. (2003). Most e-government projects fail.") == []


def test_builds_keep_the_sentence_view_in_step_and_a_passage_ranks_by_its_best_sentence(tmp_path):
    settings = Settings.load(overrides={"store_dir": tmp_path / "kb", "corpus_dir": tmp_path / "corpus"})
    write(tmp_path / "corpus" / "notes.md", LONG)
    write(tmp_path / "corpus" / "parks.md", OTHER)
    build_index(settings, progress=None)
    sentences = chroma_collection(settings, SENTENCE_VIEW)
    assert sentences.count() == 6   # five sentences of notes, one of parks (headings are no sentences)

    bot = Assistant(settings)
    query = Query.of("How is household electricity use measured?", bot.retriever)
    ranking = SentenceDenseRetriever().run(query, 2)
    assert bot.retriever.passages[ranking[0][0]].doc_id == "notes"
    assert len({pid for pid, _ in ranking}) == len(ranking)   # one entry per passage

    # a store built before the sentence view existed: the next build embeds its sentences, nothing else
    state = read_state(settings.store_dir)
    for doc in state["docs"].values():
        sentences.delete(where={"doc_version": doc["doc_version"]})
    assert sentences.count() == 0
    old = {k: v for k, v in state.items() if k not in ("sentence_view", "sentence_versions")}
    write_json_atomic(settings.store_dir / STATE_FILE, old)
    again = build_index(settings, progress=None)
    assert sorted(again.unchanged) == ["notes", "parks"] and again.passages_embedded == 0
    assert again.sentences_embedded == 6 and chroma_collection(settings, SENTENCE_VIEW).count() == 6
    version = read_state(settings.store_dir)["version"]
    assert build_index(settings, progress=None).sentences_embedded == 0   # and then it is up to date
    assert read_state(settings.store_dir)["version"] == version

    # a changed document's sentences replace its old ones
    write(tmp_path / "corpus" / "parks.md", OTHER.replace("benches", "shade"))
    assert build_index(settings, progress=None).updated == ["parks"]
    texts = chroma_collection(settings, SENTENCE_VIEW).get()["documents"]
    assert len(texts) == 6 and any("shade" in t for t in texts) and not any("benches" in t for t in texts)

    remove_document(settings, "notes", progress=None)
    assert chroma_collection(settings, SENTENCE_VIEW).count() == 1
