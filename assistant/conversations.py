"""Conversations kept beside the store (``<store>/sessions/NAME.json``): ``ask --session NAME`` and the app
(its conversation id in the page's URL) write the same files in the same format.

A file is a JSON list of turns, oldest first; a turn is the question and the ``ask --json`` object of its
answer (with the answer's note)::

    [{"question": "…", "offtopic": false, "result": {"question": …, "answer": …, "passages": […], …}}, …]

Files written before answers were kept hold ``{"question": …}`` turns only; they are read as they are. A follow-up
is read in the context of the last two questions that were not off topic.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> c = Conversation(folder, "s1")
>>> c.turns, c.context()
([], None)
>>> Conversation.valid_name("../etc"), Conversation.valid_name("app-1a2b")
(False, True)
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.result import AskResult

#: turns kept per conversation: a long seminar's questions (the app lists them all); a turn with its answer's
#: passages is ~15 KB, so a full file stays under 1 MB
MAX_TURNS = 50
_NAME = re.compile(r"[\w\-]{1,64}")
LOCK_FILE = ".sessions.lock"  # in the sessions folder: one writer of a conversation file at a time


@dataclass(frozen=True)
class ConversationInfo:
    """One stored conversation as a history list shows it."""

    name: str
    first_question: str
    n_questions: int
    modified: float  # seconds since the epoch


class Conversation:
    """A named conversation: its turns, the context of its next question, and the file that keeps them."""

    def __init__(self, store_dir: str | os.PathLike, name: str, fresh: bool = False) -> None:
        if not self.valid_name(name):
            raise ValueError(f"bad conversation name {name!r}: letters, digits, '-' or '_', at most 64")
        self.name = name
        self.path = sessions_dir(store_dir) / f"{name}.json"
        self._fresh = fresh  # the first turn starts the file afresh instead of appending to the kept one
        self.turns: list[dict[str, Any]] = [] if fresh else _read(self.path)

    @staticmethod
    def valid_name(name: str | None) -> bool:
        return bool(name) and bool(_NAME.fullmatch(name or ""))

    @staticmethod
    def new_name() -> str:
        """A fresh id for an app conversation (time-ordered, unguessable enough to not collide)."""
        return time.strftime("app-%Y%m%d-%H%M%S-") + secrets.token_hex(3)

    def context(self) -> str | None:
        """The last two questions not off topic: enough for "and its risks?" after "and what are its tools?"."""
        on_topic = [t["question"] for t in self.turns if not t.get("offtopic")]
        return " ".join(on_topic[-2:]) or None

    def add(self, result: AskResult) -> None:
        """Keep the question and its answer (an off-topic question is kept, marked, never a context).

        The file is read again under the sessions lock before the turn is appended, so two writers of one
        conversation (two browser tabs on one ``?c=`` link, or a tab and ``ask --session``) keep each other's
        turns; it is replaced atomically (a unique temp file, then a rename), so a reader never sees half a file.
        """
        from indexer.pipeline import store_lock
        from indexer.store import write_json_atomic

        offtopic = bool(result.decline and result.decline.kind == "offtopic")
        turn = {"question": result.question, "offtopic": offtopic,
                "result": {**result.to_json(), "note": result.note}}
        with store_lock(self.path.parent, LOCK_FILE):
            kept = [] if self._fresh else _read(self.path)
            self.turns = (kept + [turn])[-MAX_TURNS:]
            write_json_atomic(self.path, self.turns)
            self._fresh = False


def sessions_dir(store_dir: str | os.PathLike) -> Path:
    return Path(store_dir) / "sessions"


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # a damaged file starts the conversation afresh rather than failing the question
    return [t for t in data if isinstance(t, dict) and isinstance(t.get("question"), str)] \
        if isinstance(data, list) else []


def list_conversations(store_dir: str | os.PathLike, limit: int = 30) -> list[ConversationInfo]:
    """Stored conversations with at least one question, the most recently changed first."""
    folder = sessions_dir(store_dir)
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob("*.json"):
        name = path.stem
        if not Conversation.valid_name(name):
            continue
        turns = _read(path)
        if turns:
            out.append(ConversationInfo(name, turns[0]["question"], len(turns), path.stat().st_mtime))
    out.sort(key=lambda c: (-c.modified, c.name))
    return out[:limit]


def restore_result(obj: dict[str, Any], passages: dict[str, Any]) -> AskResult:
    """An :class:`AskResult` again from a kept turn's ``result`` object (``ask --json`` plus ``note``).

    ``passages`` are the store's live passages (``{id: Passage}``): a kept passage is shown as the store has it now
    (with its English rendering); one the store no longer holds is rebuilt from the kept JSON.
    """
    from assistant.answer import AnswerSentence
    from assistant.fusion import Hit
    from assistant.llm import Generation
    from assistant.llm_support import SUPPORT_SIMILARITY
    from assistant.result import AskResult, CitedWork, Decline
    from indexer.store import Passage

    hits = []
    for p in obj.get("passages") or []:
        live = passages.get(p.get("id"))
        if live is None:
            meta = {k: p.get(k) for k in ("section", "page", "line_start", "line_end", "language", "doc_title")}
            live = Passage(p["id"], p.get("doc_id") or "", p.get("text") or "", meta)
        hits.append(Hit(live, float(p.get("score") or 0.0)))
    sentences = [AnswerSentence(
        text=s["text"], passage_ids=list(s.get("passage_ids") or []), language=s.get("language") or "fa",
        section=s.get("section"), page=s.get("page"), citations=list(s.get("citations") or []),
        original=s.get("original"), translated_by=s.get("translated_by"), glosses=list(s.get("glosses") or []),
        generated=bool(s.get("generated")), supported=s.get("supported"), support=s.get("support"),
        score=float(s.get("support_score") or 0.0), support_ngram=s.get("support_ngram"),
        support_similarity=s.get("support_similarity")) for s in obj.get("sentences") or []]
    kind = obj.get("abstain_kind")
    gen = obj.get("generation")
    # what the page and the notes read of the generative backend's work (its support checks are not restored)
    generation = Generation(
        model=gen.get("model") or "", sentences=sentences, seconds=float(gen.get("seconds") or 0.0),
        fallback=gen.get("fallback"), message=gen.get("message"), message_fa=gen.get("message_fa"),
        dropped=int(gen.get("dropped") or 0), replaced=int(gen.get("replaced") or 0), reply=gen.get("reply") or "",
        threshold=float(gen.get("support_threshold") or SUPPORT_SIMILARITY)) if isinstance(gen, dict) else None
    return AskResult(
        question=obj.get("question") or "", read_as=obj.get("read_as") or obj.get("question") or "",
        language=obj.get("language") or "fa", answer=obj.get("answer") or "", sentences=sentences,
        passages=hits, citations=[CitedWork.from_json(c) for c in obj.get("citations") or []],
        decline=Decline(kind, obj.get("abstain_reason") or "") if kind else None,
        latency_ms=float(obj.get("latency_ms") or 0.0), note=obj.get("note"), generation=generation)
