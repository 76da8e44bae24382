"""kill -9 during ``add --copy`` and during the tables write (issue #23): the corpus and the published store
stay as they were, and re-running the same command completes. Real ``python -m indexer`` subprocesses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from indexer.settings import PROJECT_ROOT, Settings
from indexer.store import read_state
from tests.conftest import write
from tests.indexer.test_crash_safety import GOV, _big_doc


def _settings(root: Path) -> Settings:
    return Settings.load(env={}, overrides={"store_dir": root / "kb", "corpus_dir": root / "corpus"})


def _run(settings: Settings, *args: str, kill_at: str | None = None) -> tuple[int, str]:
    """``python -m indexer ARGS``; with ``kill_at``, kill -9 it when a stderr line starts with that text."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
           "KB_EMBED_BATCH_SIZE": "4", "TQDM_DISABLE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "indexer", args[0], "--store", str(settings.store_dir),
                             "--corpus", str(settings.corpus_dir), *args[1:]], cwd=str(PROJECT_ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if kill_at and line.startswith(kill_at):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=300)
    return proc.returncode, "".join(seen)


def _visible(settings: Settings) -> list[str]:
    return sorted(p.name for p in Path(settings.corpus_dir).iterdir() if not p.name.startswith("."))


def test_kill_9_during_add_copy_then_the_same_command_completes(tmp_path):
    from indexer.pipeline import build_index

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    build_index(settings, progress=None)
    state = (Path(settings.store_dir) / "state.json").read_bytes()
    src = write(tmp_path / "alpha.md", _big_doc("alpha", 12))
    code, err = _run(settings, "add", "--copy", str(src), kill_at="embedding:")
    assert code == -signal.SIGKILL, err
    assert _visible(settings) == ["gov.md"]  # the copy never reached its place
    now = json.loads((Path(settings.store_dir) / "state.json").read_bytes())
    assert now["docs"] == json.loads(state)["docs"]
    code, err = _run(settings, "add", "--copy", str(src))
    assert code == 0, err
    assert _visible(settings) == ["alpha.md", "gov.md"]
    # no staged file left
    assert not [p for p in Path(settings.corpus_dir).iterdir() if p.name.startswith(".")]
    assert sorted(read_state(settings.store_dir)["docs"]) == ["alpha", "gov"]


def test_kill_9_during_the_tables_write_keeps_the_published_store(tmp_path):
    from indexer.pipeline import build_index

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    build_index(settings, progress=None)
    before = read_state(settings.store_dir)
    write(settings.corpus_dir / "alpha.md", _big_doc("alpha", 3))
    code, err = _run(settings, "build", kill_at="lexical index:")  # vectors written, tables being written
    assert code == -signal.SIGKILL, err
    after = read_state(settings.store_dir)
    assert after["docs"] == before["docs"] and after["tables"] == before["tables"]
    assert (Path(settings.store_dir) / "tables" / before["tables"]).is_dir()
    from assistant import Assistant

    assert {h.passage.doc_id for h in Assistant(settings).retrieve("alpha lighthouse programme", k=3)} == {"gov"}
    code, err = _run(settings, "build")
    assert code == 0, err
    assert sorted(read_state(settings.store_dir)["docs"]) == ["alpha", "gov"]


def test_one_line_per_error_and_no_progress_bar(tmp_path):
    from indexer.pipeline import build_index

    settings = _settings(tmp_path)
    write(settings.corpus_dir / "gov.md", GOV)
    build_index(settings, progress=None)
    empty = write(tmp_path / "empty.txt", "  \n")
    fine = write(tmp_path / "fine.md", "# Fine\n\nDigital twins of cities support planning.\n")
    code, err = _run(settings, "add", "--copy", str(empty), str(fine))
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "empty.txt" in errors[0] and "no text" in errors[0], err
    assert "\r" not in err and "%|" not in err and "it/s" not in err, err  # no tqdm bar
    assert _visible(settings) == ["fine.md", "gov.md"]
