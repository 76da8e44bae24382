"""Shared fixtures: a real store built once per test session over the real corpus with the real model."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import indexer  # noqa: F401  (offline environment first)
from indexer.settings import PROJECT_ROOT, Settings

DEV_QUESTIONS = PROJECT_ROOT / "evals" / "data" / "dev_questions.jsonl"

#: tests that need the whole paper indexed (minutes), a browser, a Chroma or model server, killed subprocesses or
#: the sentence-transformers model are ``slow``; ``pytest -m "not slow"`` is the inner loop (README)
SLOW_FIXTURES = {"paper_store", "app_store"}
SLOW_MODULES = {"test_e2e_browser.py", "test_llm_server.py", "test_crash_safety.py", "test_server_mode.py", "test_st_convert.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def paper_store(tmp_path_factory) -> Settings:
    """Settings of a store built from the default corpus (paper + cited works) — shared by all tests.

    ``KB_TEST_PAPER_STORE=DIR`` reuses a store already built from ``corpus/`` (local runs; read only).
    """
    from indexer.pipeline import build_index

    prebuilt = os.environ.get("KB_TEST_PAPER_STORE")
    if prebuilt:
        return Settings.load(overrides={"store_dir": Path(prebuilt), "corpus_dir": PROJECT_ROOT / "corpus"})

    settings = Settings.load(overrides={"store_dir": tmp_path_factory.mktemp("paper-kb"),
                                        "corpus_dir": PROJECT_ROOT / "corpus"})
    report = build_index(settings, progress=None)
    assert report.ok, report.failed
    return settings


@pytest.fixture(scope="session")
def paper_assistant(paper_store):
    from assistant import Assistant

    return Assistant(paper_store)


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    return [json.loads(line) for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
