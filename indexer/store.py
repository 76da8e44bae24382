"""The store: dense vectors in Chroma, a BM25 index over hazm tokens, passage and structure tables.

Layout of ``store_dir``::

    state.json              which document versions are live, and which tables folder is current
    chroma/                 embedded Chroma (PersistentClient); absent in server mode
    tables/v000007/         passages.jsonl, bm25/ (llama-index BM25Retriever), structure tables

Atomicity without copying vectors: every vector carries ``doc_version`` (doc id + content hash).
A build adds new versions first, then swaps ``state.json`` with an atomic rename, then deletes
stale versions and marks the state clean. Until the state is clean (a crash, or a build in
flight) readers restrict dense search to the live versions, so they never see half a build.
"""
from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.settings import Settings

STATE_FILE = "state.json"


def read_state(store_dir: Path) -> dict[str, Any]:
    """The live state of a store, or an empty one."""
    path = Path(store_dir) / STATE_FILE
    if not path.is_file():
        return {"version": 0, "tables": None, "clean": True, "docs": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file so that readers see either the old or the new file, never a partial one (a unique
    temp file beside it, synced, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that readers see either the old or the new file, never a partial one."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))


@functools.lru_cache(maxsize=8)
def _client(mode: str, location: str, port: int, generation: tuple = ()):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if mode == "server":
        return chromadb.HttpClient(host=location, port=port, settings=chroma_settings)
    if generation:
        # An embedded client keeps the vector index it loaded; vectors another process (a `build`
        # next to a running app) added later are invisible to its queries until the client is
        # reopened. Chroma caches one system per path, so drop that cache first. Handles already
        # given out keep working on their old view.
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    return chromadb.PersistentClient(path=location, settings=chroma_settings)


ENGLISH_VIEW = "en"  # the collection suffix of the English renderings of Persian passages


def chroma_collection(settings: Settings, view: str = ""):
    """The Chroma collection of this store (created on first use, cosine space).

    ``view="en"``: the English renderings of the Persian passages (:mod:`indexer.english`), one vector
    per passage under the same ``passage_id`` and ``doc_version``.
    """
    if settings.store_mode == "server":
        client = _client("server", settings.chroma_host, settings.chroma_port)
    elif settings.store_mode == "embedded":
        path = Path(settings.store_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        state = read_state(Path(settings.store_dir))
        # one client per published store state: a reader that reloads after a build sees its vectors
        generation = (state["version"], state.get("clean", True), os.getpid())
        client = _client("embedded", str(path.resolve()), 0, generation)
    else:
        raise ValueError(f"unknown store_mode {settings.store_mode!r} (expected 'embedded' or 'server')")
    name = f"{settings.collection}-{view}" if view else settings.collection
    return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})


def reset_client_cache() -> None:
    """Forget open Chroma clients (after a server restart, or in tests)."""
    _client.cache_clear()


RECORD_KINDS = ("reference", "card")  # bibliography records and document cards


@dataclass
class Passage:
    """A passage as users see it."""

    id: str
    doc_id: str
    text: str
    metadata: dict[str, Any]

    @property
    def is_record(self) -> bool:
        """A bibliography record or document card rather than a passage of ideas."""
        return self.metadata.get("kind") in RECORD_KINDS

    def to_json(self, score: float | None = None) -> dict[str, Any]:
        m = self.metadata
        return {"id": self.id, "doc_id": self.doc_id, "text": self.text,
                "section": m.get("section") or None, "page": m.get("page") or None,
                "line_start": m.get("line_start"), "line_end": m.get("line_end"),
                "language": m.get("language"), "doc_title": m.get("doc_title"),
                "score": None if score is None else round(float(score), 4)}


def tables_dir(store_dir: Path, name: str) -> Path:
    return Path(store_dir) / "tables" / name


def live_tables_dir(store_dir: Path) -> Path | None:
    """The tables folder of the store's published version (None when nothing is indexed yet)."""
    state = read_state(Path(store_dir))
    return tables_dir(Path(store_dir), state["tables"]) if state.get("tables") else None


def load_passages(folder: Path) -> dict[str, Passage]:
    """The passages table of one tables folder, in reading order."""
    out: dict[str, Passage] = {}
    path = folder / "passages.jsonl"
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                out[rec["id"]] = Passage(rec["id"], rec["doc_id"], rec["text"], rec["metadata"])
    return out


def write_passages(folder: Path, passages: list[Passage]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps({"id": p.id, "doc_id": p.doc_id, "text": p.text, "metadata": p.metadata},
                                ensure_ascii=False) + "\n")
