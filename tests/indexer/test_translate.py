"""``python -m indexer translate`` without a model server: off by default with a message saying what to set, a
server that is down stops the run with nothing written, segments as the index splits them, the checks.
(Translation through a real server: tests/assistant/test_llm_server.py.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import documents as docs_mod
from indexer.settings import PROJECT_ROOT, Settings
from indexer.translate import NotConfigured, check, segments_of, translate

DOC = ("# دولت هوشمند\n\n"
       "دولت هوشمند از داده‌ها برای تصمیم‌گیری درباره خدمات عمومی استفاده می‌کند. "
       "در سال 1399 این برنامه در چند وزارتخانه آغاز شد (Heeks, 2003). "
       "شهروندان اکنون خدمات دولتی را به صورت آنلاین دریافت می‌کنند.\n")


def corpus_with_document(root: Path) -> Settings:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "gov.md").write_text(DOC, encoding="utf-8")
    return Settings.load(env={}, overrides={"corpus_dir": corpus, "store_dir": root / "kb"})


def test_off_by_default_with_a_message_saying_what_to_set(tmp_path):
    settings = corpus_with_document(tmp_path)
    with pytest.raises(NotConfigured, match="llm_enabled"):
        translate(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {"HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "indexer", "translate", "--corpus", str(settings.corpus_dir),
                          "--store", str(settings.store_dir)], env=env, cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2
    assert "KB_LLM_ENABLED=1" in out.stderr and "KB_LLM_BASE_URL" in out.stderr
    assert "nothing was translated" in out.stderr
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["gov.md"]


def test_a_dead_server_stops_the_run_and_writes_nothing(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings = corpus_with_document(tmp_path).replace(llm_enabled=True, llm_base_url=f"http://127.0.0.1:{port}/v1",
                                                      llm_timeout_s=10)
    report = translate(settings)
    assert not report.ok and f"127.0.0.1:{port}" in (report.stopped or "")
    assert report.documents[0].to_go == 4 and report.documents[0].translated == 0
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["gov.md"]  # no edition, no manifest


def test_a_server_that_fails_once_then_dies_counts_each_segment_to_go_once(tmp_path):
    """The first segment gets an HTTP 500 (left for the next run), then the server is gone: 4 segments to go."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class FailOnce(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server hook
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": "busy"}')
            threading.Thread(target=server.shutdown).start()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), FailOnce)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        settings = corpus_with_document(tmp_path).replace(
            llm_enabled=True, llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout_s=10)
        first_answered = threading.Event()

        def say(line: str) -> None:
            if "left for the next run" in line:
                first_answered.set()
                thread.join(10)
                server.server_close()  # nothing listens there now

        report = translate(settings, say=say)
    finally:
        server.server_close()
    assert first_answered.is_set() and report.stopped
    assert report.documents[0].to_go == 4 and report.documents[0].translated == 0


def test_segments_are_the_headings_and_sentences_the_index_splits():
    root = PROJECT_ROOT / "corpus"
    spec = next(s for s in docs_mod.discover(root) if s.doc_id == "smart-statesmanship")
    doc = docs_mod.load(spec)
    segments = segments_of(doc)
    shipped = {r.fa for r in doc.english}
    # the machine edition has the shape of the shipped one: its segments are (nearly all) the shipped segments
    assert sum(s.fa in shipped for s in segments) / len(segments) > 0.9
    assert {s.kind for s in segments} <= {"heading", "body", "acknowledgements"}
    assert [s.seg for s in segments] == list(range(1, len(segments) + 1))


def test_the_shipped_editions_checks_apply_to_each_segment():
    fa = "در سال 1399 این برنامه در چند وزارتخانه آغاز شد (Heeks, 2003)."
    assert check(fa, "In 1399 the programme began in several ministries (Heeks, 2003).") == []
    assert check(fa, "In 1398 the programme began in several ministries (Heeks, 2003).") == ["number 1399 missing"]
    assert check(fa, "In 1399 the برنامه began (Heeks, 2003) in several ministries.") == \
        ["Persian left in the English"]
    assert check(fa, "") == ["empty reply"]
    assert "length" in check(fa, "In 1399 (Heeks, 2003) it began; " * 10)[0]


def test_a_hand_made_edition_is_never_touched(tmp_path):
    settings = Settings.load(env={}).replace(llm_enabled=True, llm_base_url="http://127.0.0.1:9/v1")
    report = translate(settings, doc_id="smart-statesmanship")
    assert report.ok and "own English edition" in (report.documents[0].skipped or "")
    manifest = json.loads((PROJECT_ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert not any("english_edition_by" in e for e in manifest["documents"])
