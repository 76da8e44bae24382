"""``ask --questions`` reports bad lines and answers the rest; questions without words get a usage message;
terminal output carries no control characters (issue #23). Real store, real model, real files."""
from __future__ import annotations

import json

import pytest

from assistant.__main__ import main
from assistant.batch import BadLine, BatchQuestion, read_batch
from indexer.settings import Settings
from indexer.terminal import clean
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Settings:
    from indexer.pipeline import build_index

    root = tmp_path_factory.mktemp("batch-kb")
    settings = Settings.load(env={}, overrides={"store_dir": root / "kb", "corpus_dir": root / "corpus"})
    write(settings.corpus_dir / "gov.md", GOV)
    assert build_index(settings, progress=None).added == ["gov"]
    return settings


def _flags(kb: Settings) -> list[str]:
    return ["--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir)]


# line 2: not JSON; 3: no question; 4: blank (skipped); 5: not an object; 6: no words
BATCH = """{"id": "q1", "question": "What do open data portals support?"}
{"id": "q2", "question": "broken
{"id": "q3"}

["a list"]
{"id": "q6", "question": "?!؟ 123"}
{"id": "q7", "question": "حکمرانی هوشمند چیست؟"}
"""


def test_read_batch_names_every_bad_line(tmp_path):
    items = read_batch(write(tmp_path / "q.jsonl", BATCH))
    assert [type(i) for i in items] == [BatchQuestion, BadLine, BadLine, BadLine, BadLine, BatchQuestion]
    bad = {i.line_no: i.reason for i in items if isinstance(i, BadLine)}
    assert sorted(bad) == [2, 3, 5, 6]
    assert "not valid JSON" in bad[2] and '"question"' in bad[3]
    assert "JSON object" in bad[5] and "no words" in bad[6]


def test_batch_answers_the_good_lines_and_exits_1(kb, tmp_path, capsys):
    path = write(tmp_path / "q.jsonl", BATCH)
    code = main(["ask", *_flags(kb), "--questions", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["q1", "q7"]
    lines = [e for e in err.splitlines() if e.startswith("error:")]
    for n in (2, 3, 5, 6):
        assert any(f"line {n}:" in e for e in lines), err
    assert "Traceback" not in err


@pytest.mark.parametrize("content, expected", [(None, "file not found"),
                                               (b"\xff\xfe\x00bad \x81\n", "not UTF-8")])
def test_missing_or_undecodable_file_is_one_error_line(kb, tmp_path, capsys, content, expected):
    path = tmp_path / "q.jsonl"
    if content is not None:
        path.write_bytes(content)
    code = main(["ask", *_flags(kb), "--questions", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and not out
    assert err.count("\n") == 1 and err.startswith("error:") and expected in err


def test_question_without_words_gets_usage_not_an_answer(kb, capsys):
    from assistant import Assistant

    assert main(["ask", *_flags(kb), "?!؟ ... 42"]) == 2
    assert "has no words" in capsys.readouterr().err
    result = Assistant(kb).ask("--;*")
    assert result.decline is not None and result.decline.kind == "no_words" and not result.passages


def test_terminal_output_has_no_control_characters(kb, capsys):
    question = "\x1b]0;pwned\x07What do \x1b[2Jopen data \u202eportals support?\x9b"
    main(["ask", *_flags(kb), question])
    out, err = capsys.readouterr()
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in out and bad not in err
    assert "open data" in out
    assert clean("نقش\u200cها\n\tok") == "نقش\u200cها\n\tok"  # ZWNJ, newlines and tabs are kept
