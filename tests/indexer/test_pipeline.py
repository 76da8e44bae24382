"""Incremental builds over a small real corpus with the real model and a real embedded Chroma."""
from __future__ import annotations

import json

from assistant import Assistant
from indexer.pipeline import build_index, remove_document
from indexer.settings import Settings
from indexer.store import chroma_collection, read_state
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"
FA = "# حمل و نقل\n\nسامانه‌های حمل و نقل هوشمند ترافیک شهری را کاهش می‌دهند.\n"
NEW_FA = "# حمل و نقل\n\nکنتورهای هوشمند مصرف انرژی خانه‌ها را اندازه می‌گیرند.\n"


def _settings(tmp_path) -> Settings:
    return Settings.load(overrides={"store_dir": tmp_path / "kb", "corpus_dir": tmp_path / "corpus"})


def test_incremental_build_update_and_remove(tmp_path):
    settings = _settings(tmp_path)
    write(tmp_path / "corpus" / "gov.md", GOV)
    write(tmp_path / "corpus" / "transport.md", FA)
    first = build_index(settings, progress=None)
    assert sorted(first.added) == ["gov", "transport"] and first.passages_embedded == 2

    again = build_index(settings, progress=None)
    assert sorted(again.unchanged) == ["gov", "transport"] and again.passages_embedded == 0

    write(tmp_path / "corpus" / "transport.md", NEW_FA)
    changed = build_index(settings, progress=None)
    assert changed.updated == ["transport"] and changed.unchanged == ["gov"]
    assert changed.passages_embedded == 1  # only the edited document was re-embedded

    bot = Assistant(settings)
    top = bot.retrieve("کنتور هوشمند انرژی", k=1)[0]
    assert top.passage.doc_id == "transport" and "کنتورهای" in top.passage.text
    assert all("ترافیک" not in p.passage.text for p in bot.retrieve("ترافیک شهری", k=5))
    # the replaced version's vectors are gone from Chroma, not just hidden
    metas = chroma_collection(settings).get(include=["metadatas"])["metadatas"]
    assert {m["doc_version"].split("@")[0] for m in metas} == {"gov", "transport"}
    assert len(metas) == 2

    (tmp_path / "corpus" / "gov.md").unlink()
    removed = build_index(settings, progress=None)
    assert removed.removed == ["gov"]
    state = read_state(settings.store_dir)
    assert list(state["docs"]) == ["transport"] and state["clean"]
    assert bot.retriever.refresh()
    assert {p.passage.doc_id for p in bot.retrieve("open data portals", k=5)} == {"transport"}

    remove_document(settings, "transport", progress=None)
    assert read_state(settings.store_dir)["docs"] == {}
    assert chroma_collection(settings).count() == 0


def test_failed_document_leaves_the_index_as_it_was(tmp_path):
    settings = _settings(tmp_path)
    write(tmp_path / "corpus" / "gov.md", GOV)
    build_index(settings, progress=None)
    before = json.loads((settings.store_dir / "state.json").read_text())
    (tmp_path / "corpus" / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    report = build_index(settings, progress=None)
    assert "broken" in report.failed and "pdf" in report.failed["broken"].lower()
    after = json.loads((settings.store_dir / "state.json").read_text())
    assert after["docs"]["gov"] == before["docs"]["gov"]
    assert Assistant(settings).retrieve("open data", k=1)[0].passage.doc_id == "gov"


def test_duplicate_content_under_another_name_is_refused(tmp_path):
    settings = _settings(tmp_path)
    write(tmp_path / "corpus" / "gov.md", GOV)
    write(tmp_path / "corpus" / "gov-copy.md", GOV)
    report = build_index(settings, progress=None)
    assert len(report.added) == 1 and len(report.failed) == 1
    (failed_id, message), = report.failed.items()
    assert f"already indexed as '{report.added[0]}'" in message and failed_id != report.added[0]


def test_rebuild_tokenises_only_the_changed_document(tmp_path, monkeypatch):
    """BM25 tokens of kept documents come from the previous build's tokens.jsonl (issue #9 scaling)."""
    import indexer.lexical as lexical

    settings = _settings(tmp_path)
    write(tmp_path / "corpus" / "gov.md", GOV)
    write(tmp_path / "corpus" / "transport.md", FA)
    build_index(settings, progress=None)

    seen: list[str] = []
    real = lexical.lexical_tokens
    monkeypatch.setattr(lexical, "lexical_tokens", lambda text: seen.append(text) or real(text))
    write(tmp_path / "corpus" / "transport.md", NEW_FA)
    build_index(settings, progress=None)
    assert seen and all("کنتورهای" in text for text in seen)   # the edited document only

    bot = Assistant(settings)   # both documents stay searchable lexically
    assert bot.retriever.lexical.search("open data portals", 1)[0][0].startswith("gov")
    assert bot.retriever.lexical.search("کنتور انرژی", 1)[0][0].startswith("transport")


def test_english_documents_join_the_english_view_and_an_older_store_gets_it_without_embedding(tmp_path):
    """The English view (BM25 and dense) holds English documents beside the renderings of Persian passages. A store
    built before that (its English BM25 over renderings only) is read with the view built on the fly, and the next
    build rebuilds its tables without embedding anything again."""
    import shutil

    from assistant.retrievers import EnglishDenseRetriever, EnglishLexicalRetriever, Query
    from indexer.lexical import ENGLISH_BM25, ENGLISH_BM25_VERSION, build_english_bm25
    from indexer.store import STATE_FILE, tables_dir

    settings = _settings(tmp_path)
    write(tmp_path / "corpus" / "gov.md", GOV)
    write(tmp_path / "corpus" / "transport.md", FA)
    build_index(settings, progress=None)
    question = "How do open data portals support citizen participation?"

    def english_views(bot):
        query = Query.of(question, bot.retriever)
        return {r.name: [bot.retriever.passages[pid].doc_id for pid, _ in r.run(query, 5)]
                for r in (EnglishLexicalRetriever(), EnglishDenseRetriever())}

    state_file = settings.store_dir / STATE_FILE
    state = json.loads(state_file.read_text(encoding="utf-8"))
    assert state["english_bm25"] == ENGLISH_BM25_VERSION
    assert english_views(Assistant(settings)) == {"english-lexical": ["gov"], "english-dense": ["gov"]}

    # the store as an older build left it: renderings only in the English BM25 (there are none here)
    folder = tables_dir(settings.store_dir, state["tables"]) / ENGLISH_BM25
    shutil.rmtree(folder)
    build_english_bm25([], folder)
    state_file.write_text(json.dumps({k: v for k, v in state.items() if k != "english_bm25"}), encoding="utf-8")
    assert english_views(Assistant(settings)) == {"english-lexical": ["gov"], "english-dense": ["gov"]}

    again = build_index(settings, progress=None)
    assert again.passages_embedded == again.sentences_embedded == 0
    state = read_state(settings.store_dir)
    assert state["english_bm25"] == ENGLISH_BM25_VERSION
    assert (tables_dir(settings.store_dir, state["tables"]) / ENGLISH_BM25).is_dir()
    assert english_views(Assistant(settings)) == {"english-lexical": ["gov"], "english-dense": ["gov"]}
