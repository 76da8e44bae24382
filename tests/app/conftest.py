"""Fixtures of the app tests: a copy of the paper store plus a hostile HTML/JavaScript document."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from indexer.settings import PROJECT_ROOT, Settings

HOSTILE_TEXT = """Quokka zanzibar protocol

The quokka zanzibar protocol is a made-up test document. <script>window.__kbPwned = 1; alert('xss')</script>
Its second sentence carries an image tag <img src=x onerror="window.__kbPwned = 2"> and **markdown** $x$.
The quokka zanzibar protocol must always be displayed as inert text, never run.
"""


@pytest.fixture(scope="session")
def app_store(request, tmp_path_factory) -> Settings:
    """Settings of a private copy of the paper store with one hostile document added.

    ``KB_APP_TEST_STORE=DIR`` reuses an already built paper store instead of building one (local runs).
    """
    from indexer.documents import DocumentSpec
    from indexer.pipeline import build_index

    prebuilt = os.environ.get("KB_APP_TEST_STORE")
    if prebuilt:
        paper_store = Settings.load(env={}, overrides={"store_dir": Path(prebuilt)})
    else:
        paper_store = request.getfixturevalue("paper_store")
    root = tmp_path_factory.mktemp("app-kb")
    shutil.copytree(paper_store.store_dir, root / "store", ignore=shutil.ignore_patterns(".lock"))
    corpus = root / "corpus"
    corpus.mkdir()
    doc = corpus / "hostile-html.txt"
    doc.write_text(HOSTILE_TEXT, encoding="utf-8")
    settings = paper_store.replace(store_dir=root / "store", corpus_dir=corpus)
    report = build_index(settings, specs=[DocumentSpec("hostile-html", doc, {"title": "Hostile <b>HTML</b> test"})],
                         remove_missing=False, progress=None)
    assert report.ok, report.failed
    return settings


@pytest.fixture()
def app_env(app_store, monkeypatch):
    """Point the app (AppTest runs it in this process) at the test store, with no admin token."""
    monkeypatch.setenv("KB_STORE_DIR", str(app_store.store_dir))
    monkeypatch.setenv("KB_CORPUS_DIR", str(app_store.corpus_dir))
    monkeypatch.delenv("KB_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("KB_CONFIG", str(app_store.corpus_dir / "no-kb.toml"))
    return app_store


@contextlib.contextmanager
def streamlit_app(env: dict[str, str], log_dir: Path, startup_s: float = 180) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port with ``env`` (the ``KB_*`` settings; the caller's own
    ``KB_*`` are dropped), yielding its URL once the health endpoint answers; stopped on exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    full_env.update(env, PYTHONUNBUFFERED="1")
    log = open(log_dir / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=PROJECT_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_s
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
