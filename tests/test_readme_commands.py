"""Every command of the README's "Using it from the command line" block runs (slow: the paper's store).

The block is read from README.md itself, so a command added there is tested here; ``a | b`` alternatives
and ``[--flag]`` options are expanded; placeholders (``…``, ``report.pdf``, ``garbled.txt``,
``questions.jsonl``) are made real in a temporary folder. Commands that change an index run against a
small store of their own; the evaluation commands (minutes each) are checked as commands the CLI knows.
"""
from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest

from indexer.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"


def readme_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("## Using it from the command line", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    out: list[list[str]] = []
    for line in block.splitlines():
        line = line.split("  #", 1)[0].strip()
        if not line.startswith("python -m "):
            continue
        head, _, rest = line[len("python -m "):].partition(" ")
        alternatives = [a.strip() for a in rest.split(" | ")] if " | " in rest else [rest]
        for alt in alternatives:
            optional = re.findall(r"\[([^\]]+)\]", alt)
            base = re.sub(r"\s*\[[^\]]+\]", "", alt).strip()
            variants = [base] + [f"{base} {o}" for o in optional]
            out += [[head, *shlex.split(v)] for v in variants]
    return out


def test_readme_block_is_parsed():
    commands = readme_commands()
    assert ["assistant", "outline"] in commands and ["assistant", "sources", "--json"] in commands
    assert any(c[:2] == ["indexer", "add"] for c in commands) and any(c[:2] == ["evals", "answers"] for c in commands)


def _run(module: str, argv: list[str]) -> tuple[int, str]:
    main = __import__(f"{module}.__main__", fromlist=["main"]).main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return int(code or 0), out.getvalue()


@pytest.mark.slow
def test_every_readme_command_runs(paper_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "questions.jsonl").write_text('{"id": "q1", "question": "دموکراسی دیجیتال چیست؟"}\n', encoding="utf-8")
    (tmp_path / "garbled.txt").write_text("ﯽﻧﺎﻣﺯﺎﺳ ﺭﺎﺘﺧﺎﺳ\n", encoding="utf-8")
    # the commands that change an index get a small store and corpus of their own
    corpus, store = tmp_path / "corpus", tmp_path / "kb"
    corpus.mkdir()
    (corpus / "gov.md").write_text("# Open data\n\nOpen data portals publish government data for citizens.\n",
                                   encoding="utf-8")
    (tmp_path / "report.md").write_text("# Smart cities\n\nSensors in smart cities report traffic to the "
                                        "municipality every minute.\n", encoding="utf-8")
    small = ["--store", str(store), "--corpus", str(corpus)]
    from evals.__main__ import main as evals_main

    ran = []
    for command in readme_commands():
        module, argv = command[0], [a.replace("…", "smart governance") for a in command[1:]]
        if module == "evals":  # minutes each: the CLI must know the command (its flags are not run)
            with pytest.raises(SystemExit) as exit_:
                evals_main([argv[0], "--help"])
            assert exit_.value.code == 0
            continue
        if module == "indexer":
            argv = [a if a != "report.pdf" else "report.md" for a in argv]
            if argv[0] == "remove":
                argv = ["remove", "report"]
            if argv[0] != "repair":
                argv = [argv[0], *small, *argv[1:]]
            if argv[0] in ("add", "remove", "list") and not (store / "state.json").exists():
                assert _run("indexer", ["build", *small])[0] == 0
        else:
            argv = [argv[0], "--store", str(paper_store.store_dir), *argv[1:]]
        code, out = _run(module, argv)
        assert code == 0 and out.strip(), (command, out[-500:])
        ran.append(command)
    assert len(ran) >= 15, ran
