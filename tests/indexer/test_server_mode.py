"""Server mode (issue #9, item 4): the same store through a real Chroma server (`chroma run`).

Starts a server on a free localhost port, builds with ``store_mode="server"``, queries, restarts the
server on the same data folder, queries again, and stops it.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.settings import Settings
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"
FA = ("# زیرساخت\n\nدولت هوشمند برای ارائه خدمات عمومی به زیرساخت دیجیتال و داده‌های باز نیاز دارد. "
      "شهروندان از راه درگاه‌های برخط در تصمیم‌گیری عمومی مشارکت می‌کنند.\n")
CHROMA = shutil.which("chroma") or str(Path(__import__("sys").executable).parent / "chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data: Path, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([CHROMA, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not answer its heartbeat within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(not Path(CHROMA).exists(), reason="the chroma CLI is not installed")
def test_build_and_query_through_a_chroma_server_across_a_restart(tmp_path):
    from assistant import Assistant
    from indexer.pipeline import build_index
    from indexer.store import chroma_collection, read_state, reset_client_cache

    port = _free_port()
    data, log = tmp_path / "chroma-server", tmp_path / "chroma.log"
    settings = Settings.load(overrides={"store_dir": tmp_path / "kb", "corpus_dir": tmp_path / "corpus",
                                        "store_mode": "server", "chroma_host": "127.0.0.1",
                                        "chroma_port": port, "collection": "test_server_mode"})
    write(settings.corpus_dir / "gov.md", GOV)
    write(settings.corpus_dir / "infra.md", FA)
    server = _start(data, port, log)
    try:
        reset_client_cache()
        report = build_index(settings, progress=None)
        assert sorted(report.added) == ["gov", "infra"] and report.ok
        assert not (settings.store_dir / "chroma").exists()  # vectors live in the server, not locally
        assert chroma_collection(settings).count() == report.passages_embedded
        bot = Assistant(settings)
        # the English note matches word for word; its Persian counterpart (same content) comes in
        # through the cross-language view, so both lead the hybrid ranking
        assert bot.retriever.dense("open data portals", 1)[0][0].startswith("gov:")
        assert {p.passage.doc_id for p in bot.retrieve("open data portals", k=2)} == {"gov", "infra"}
        assert bot.retrieve("What infrastructure does a smart government need?", k=1)[0].passage.doc_id == "infra"
        dense = bot.retriever.dense("digital infrastructure for public services", 2)
        assert dense, "dense search must answer through the server"

        _stop(server)
        server = _start(data, port, log)  # same data folder: the vectors persist across a restart
        reset_client_cache()
        bot = Assistant(settings)
        assert bot.retriever.dense("open data portals", 1)[0][0].startswith("gov:")
        assert [pid for pid, _ in bot.retriever.dense("digital infrastructure for public services", 2)] == \
            [pid for pid, _ in dense]

        # an incremental update through the server: removal reaches the server's vectors too
        (settings.corpus_dir / "gov.md").unlink()
        assert build_index(settings, progress=None).removed == ["gov"]
        assert chroma_collection(settings).count() == read_state(settings.store_dir)["docs"]["infra"]["n_passages"]
    finally:
        _stop(server)
        reset_client_cache()
