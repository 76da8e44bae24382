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
