"""Crash safety (issue #9, item 2): kill -9 mid-build, an exception mid-build, readers during a build.

The store must stay exactly as it was (state.json, `list`, answers), readers must keep answering and
never see a half-written document, and the next build must complete.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from indexer.settings import PROJECT_ROOT, Settings
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"
WORDS = ("lighthouse zephyr harbour lantern beacon quartz meadow orchard glacier canyon river delta "
         "falcon heron willow cedar maple birch granite basalt amber cobalt saffron indigo").split()


def _big_doc(tag: str, paragraphs: int) -> str:
    """An English document of many ~100-word passages, with words found nowhere else (``tag``)."""
    out = [f"# {tag.title()} report\n"]
    for i in range(paragraphs):
        words = [WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(90)]
        out.append(f"{tag} section {i} describes the {tag} programme. " + " ".join(words) + ".\n")
    return "\n".join(out)


def _settings(root) -> Settings:
    return Settings.load(overrides={"store_dir": root / "kb", "corpus_dir": root / "corpus"})


def _snapshot(settings) -> dict:
    from indexer.sentence_view import SENTENCE_VIEW
    from indexer.store import chroma_collection

    state_bytes = (settings.store_dir / "state.json").read_bytes()
    return {"state": state_bytes, "tables": sorted(os.listdir(settings.store_dir / "tables")),
            "vectors": chroma_collection(settings).count(),
            "sentences": chroma_collection(settings, SENTENCE_VIEW).count()}


class Reader(threading.Thread):
    """Queries the store in a loop, like a running app, and records what it saw."""

    def __init__(self, settings, query: str) -> None:
        super().__init__(daemon=True)
        from assistant import Assistant

        self.bot = Assistant(settings)
        self.query = query
        self.answers, self.doc_ids, self.errors = 0, set(), []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                hits = self.bot.retrieve(self.query, k=5)
                assert hits, "no answer"
                self.doc_ids.update(h.passage.doc_id for h in hits)
                self.answers += 1
            except Exception as exc:  # noqa: BLE001 — the test reports it
                self.errors.append(repr(exc))
            time.sleep(0.3)

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=60)


def _cli_build(settings) -> subprocess.Popen:
    # small batches: vectors reach Chroma batch by batch, so the kill lands between two writes
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
           "KB_EMBED_BATCH_SIZE": "4"}
    return subprocess.Popen([sys.executable, "-m", "indexer", "build", "--store", str(settings.store_dir),
                             "--corpus", str(settings.corpus_dir)], cwd=str(PROJECT_ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_kill_9_mid_embedding_then_readers_and_next_build(tmp_path):
    from indexer.pipeline import build_index
    from indexer.store import chroma_collection, read_state

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    assert build_index(settings, progress=None).added == ["gov"]
    before = _snapshot(settings)
    # two new documents: the first batch of their passages is embedded and written to Chroma, then we kill
    write(settings.corpus_dir / "alpha.md", _big_doc("alpha", 3))
    write(settings.corpus_dir / "beta.md", _big_doc("beta", 20))

    reader = Reader(settings, "alpha lighthouse zephyr programme")
    reader.start()
    proc = _cli_build(settings)
    seen = []
    for line in proc.stderr:  # the build reports "embedding: done/total passages" after each write
        seen.append(line)
        done = re.match(r"embedding: (\d+)/(\d+)", line)
        if done and 0 < int(done.group(1)) < int(done.group(2)):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)
    time.sleep(1.0)
    reader.finish()
    assert not reader.errors and reader.answers > 0
    assert reader.doc_ids == {"gov"}  # never a passage of the half-built version

    # the live state is the one before the build; only the "in flight" flag is left set
    state = read_state(settings.store_dir)
    old = json.loads(before["state"])
    assert state["docs"] == old["docs"] and state["version"] == old["version"] and state["tables"] == old["tables"]
    assert state["clean"] is False
    assert chroma_collection(settings).count() > before["vectors"]  # alpha's vectors were written: a real mid-write kill
    from assistant import Assistant

    bot = Assistant(settings)
    assert {h.passage.doc_id for h in bot.retrieve("alpha lighthouse zephyr programme", k=5)} == {"gov"}

    # the next build completes, cleans the orphans and publishes both documents
    report = build_index(settings, progress=None)
    assert sorted(report.added) == ["alpha", "beta"] and report.ok
    state = read_state(settings.store_dir)
    assert state["clean"] and sorted(state["docs"]) == ["alpha", "beta", "gov"]
    total = sum(d["n_passages"] for d in state["docs"].values())
    assert chroma_collection(settings).count() == total  # no orphan vectors left
    assert bot.retrieve("alpha lighthouse programme", k=1)[0].passage.doc_id == "alpha"
    assert bot.retrieve("beta section programme", k=1)[0].passage.doc_id == "beta"


def test_exception_mid_build_leaves_the_store_exactly_as_before(tmp_path, monkeypatch):
    from indexer import pipeline
    from indexer.store import read_state

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    pipeline.build_index(settings, progress=None)
    before = _snapshot(settings)
    write(settings.corpus_dir / "alpha.md", _big_doc("alpha", 3))
    write(settings.corpus_dir / "gov.md", GOV + "\nGovernments publish budgets as open data.\n")  # an update too

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "build_tables", disk_full)  # after the vectors, before the commit
    with pytest.raises(OSError, match="No space left"):
        pipeline.build_index(settings, progress=None)
    assert _snapshot(settings) == before  # state.json byte for byte, tables folders, vector count
    monkeypatch.undo()

    report = pipeline.build_index(settings, progress=None)
    assert report.added == ["alpha"] and report.updated == ["gov"]
    assert read_state(settings.store_dir)["clean"]


def test_reader_keeps_answering_during_a_build(tmp_path):
    from indexer.pipeline import build_index

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    build_index(settings, progress=None)
    write(settings.corpus_dir / "beta.md", _big_doc("beta", 4))
    reader = Reader(settings, "open data portals")
    reader.start()
    proc = _cli_build(settings)
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, err
    answers_during = reader.answers
    time.sleep(1.0)
    reader.finish()
    assert not reader.errors and answers_during > 0
    assert reader.bot.retrieve("beta section programme", k=1)[0].passage.doc_id == "beta"
