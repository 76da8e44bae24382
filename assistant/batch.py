"""``ask --questions FILE.jsonl``: read the batch, answer every good line, report every bad one.

Each bad line gets one line on stderr (``error: FILE line N: REASON``) and the batch goes on; the exit
status is 1 at the end when any line was bad. A missing or undecodable file is one error line, before
anything is answered.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from assistant.question_check import has_words
from assistant.result import AskResult


@dataclass(frozen=True)
class BatchQuestion:
    line_no: int
    id: Any
    question: str


@dataclass(frozen=True)
class BadLine:
    line_no: int
    reason: str


class BatchFileError(Exception):
    """The batch file cannot be read at all (missing, a folder, not UTF-8)."""


def read_batch(path: str | Path) -> list[BatchQuestion | BadLine]:
    """The lines of a JSONL batch, each a question or the reason it is not one."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BatchFileError(f"{path}: file not found") from None
    except OSError as exc:
        raise BatchFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[:exc.start].count(b"\n") + 1
        raise BatchFileError(f"{path}: not UTF-8 text (invalid byte at line {bad_line}); save it as UTF-8") \
            from None
    out: list[BatchQuestion | BadLine] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(BadLine(n, f"not valid JSON ({exc.msg}, column {exc.colno})"))
            continue
        if not isinstance(item, dict):
            out.append(BadLine(n, 'not a JSON object (expected {"id": ..., "question": "..."})'))
        elif not isinstance(item.get("question"), str) or not item["question"].strip():
            out.append(BadLine(n, 'no "question" string'))
        elif not has_words(item["question"]):
            out.append(BadLine(n, "the question has no words"))
        else:
            out.append(BatchQuestion(n, item.get("id"), item["question"]))
    return out


def answer_file(path: str | Path, ask: Callable[[str], AskResult],
                emit: Callable[[str | None, AskResult], None], err: TextIO | None = None) -> int:
    """Answer every good line of ``path`` (``emit`` gets the line's id and its result); 1 when any line was bad."""
    err = err or sys.stderr
    try:
        items = read_batch(path)
    except BatchFileError as exc:
        print(f"error: {exc}", file=err, flush=True)
        return 1
    bad = 0
    for item in items:
        if isinstance(item, BadLine):
            print(f"error: {path} line {item.line_no}: {item.reason}", file=err, flush=True)
            bad += 1
            continue
        try:
            result = ask(item.question)
        except Exception as exc:  # noqa: BLE001 — one question's failure must not stop the batch
            print(f"error: {path} line {item.line_no}: could not be answered ({type(exc).__name__}: {exc})",
                  file=err, flush=True)
            bad += 1
            continue
        emit(item.id, result)
    if bad:
        print(f"error: {bad} of {len(items)} lines of {path} were not answered", file=err, flush=True)
    return 1 if bad else 0
