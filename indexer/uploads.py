"""Putting documents into the corpus safely: the one path the app's upload and ``add`` share.

Guarantees (docs/ingestion.md):

* an existing corpus file is never overwritten or deleted by an upload: the same name with the same bytes
  is "already indexed" (or indexed, when a crashed ``add --copy`` left it unindexed); the same name with
  different bytes is refused unless the caller chose ``replace`` (a new version of that document) or
  ``keep-both`` (the upload under a new id);
* an upload is written under a hidden temporary name (``build`` skips dot files), indexed from there and
  moved to its place in the corpus only after indexing succeeded: a failed or interrupted upload leaves
  ``corpus/`` as it was;
* only document files are accepted (``.pdf .txt .md .markdown .docx``), never the manifest,
  ``PROVENANCE.md``/``README.md``/licences or a name the manifest ignores;
* metadata given with the upload (title, author, year, language, and ``cites``: the key of the cited work
  the document is the full text of, :mod:`indexer.links`) is written to ``manifest.json``, so every
  later ``build`` sees the very same document (same hash: nothing is re-embedded, nothing is lost);
* a file name with spaces, ZWNJ or punctuation is mapped to a safe id
  (:func:`indexer.documents.id_from_name`).
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from indexer import errors
from indexer.documents import (
    DEFAULT_IGNORE,
    MANIFEST,
    SUPPORTED_SUFFIXES,
    DocumentSpec,
    check_doc_id,
    discover,
    id_from_name,
)
from indexer.links import CITES, resolve_work, store_works
from indexer.pipeline import BuildReport, Progress, _stderr, build_index, store_lock
from indexer.settings import Settings
from indexer.store import read_state, write_text_atomic

Conflict = Literal["refuse", "replace", "keep-both"]
Status = Literal["indexed", "replaced", "already_indexed", "conflict", "refused", "failed"]
META_KEYS = ("title", "author", "year", "language", "cites")


@dataclass(frozen=True)
class Upload:
    """One file to put into the corpus: ``name`` as the user gave it and either its bytes or a path."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    in_place: bool = False  # ``path`` already is in the corpus folder: index it where it is


@dataclass
class UploadResult:
    """What happened to one upload. ``message`` names the file as the user gave it, never a server path."""

    name: str
    status: Status
    doc_id: str | None = None
    message: str = ""
    kind: str = ""  # the DocumentError class of a refusal or failure: the app words it in the user's language

    @property
    def ok(self) -> bool:
        return self.status in ("indexed", "replaced", "already_indexed")


@dataclass
class UploadReport:
    results: list[UploadResult] = field(default_factory=list)
    build: BuildReport | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


@dataclass
class _Staged:
    upload: Upload
    spec: DocumentSpec
    temp: Path | None  # the hidden file holding new bytes (None: the bytes already are at spec.path)
    replacing: bool
    manifest_entry: dict | None


def ingest(settings: Settings, uploads: Sequence[Upload], meta: Mapping[str, str | None] | None = None,
           doc_id: str | None = None, on_conflict: Conflict = "refuse",
           progress: Progress | None = _stderr) -> UploadReport:
    """Put ``uploads`` into the corpus and index them; the corpus changes only for what was indexed.

    ``meta["cites"]``, a cited work's key in any form :func:`indexer.links.resolve_work` reads, is stored as
    the bibliography's own key; one the bibliography lacks raises :class:`indexer.links.UnknownWorkError`
    before anything is touched; without a ``title`` the document takes the record's.
    """
    given = {k: str(v) for k, v in (meta or {}).items() if k in META_KEYS and v}
    if given.get(CITES):
        work = resolve_work(given[CITES], store_works(Path(settings.store_dir)))
        given[CITES] = work.key
        if work.title and not given.get("title"):  # a full text without a title of its own takes its record's
            given["title"] = work.title
    corpus = Path(settings.corpus_dir)
    report = UploadReport()
    # one upload at a time per store: two uploads of one name must not both see "no such file"
    with store_lock(Path(settings.store_dir), ".uploads.lock"):
        corpus.mkdir(parents=True, exist_ok=True)
        manifest = read_manifest(corpus)
        ignore = set(DEFAULT_IGNORE) | {MANIFEST} | set(manifest.get("ignore", []))
        known = _known_ids(corpus)
        live = read_state(Path(settings.store_dir))["docs"]
        staged: list[_Staged] = []

        def say(message: str) -> None:  # the build's messages name each upload as its user gave it
            if progress:
                for item in staged:
                    message = _public(message, item)
                progress(message)

        try:
            for upload in uploads:
                try:
                    item = _stage(corpus, upload, given, doc_id, on_conflict, ignore, known, live, manifest,
                                  settings)
                except errors.DocumentError as exc:
                    status: Status = "conflict" if isinstance(exc, errors.NameConflictError) else "refused"
                    report.results.append(UploadResult(upload.name, status, None, _one_line(str(exc)),
                                                       type(exc).__name__))
                    say(f"error: {_one_line(str(exc))}")
                    continue
                known[item.spec.doc_id] = item.spec.path
                staged.append(item)
            if staged:
                report.build = build_index(settings, specs=[s.spec for s in staged], remove_missing=False,
                                           progress=say)
            build = report.build or BuildReport()
            for item in staged:
                report.results.append(_finish(corpus, item, build, live, manifest))
        finally:
            for item in staged:  # whatever was not moved into place (failed, interrupted) goes
                if item.temp is not None:
                    item.temp.unlink(missing_ok=True)
    return report


def _stage(corpus: Path, upload: Upload, given: dict[str, str], doc_id: str | None, on_conflict: Conflict,
           ignore: set[str], known: dict[str, Path], live: dict, manifest: dict,
           settings: Settings) -> _Staged:
    shown = upload.name
    name = re.split(r"[\\/]", upload.name)[-1]
    suffix = Path(name).suffix.lower()
    if name in ignore:
        raise errors.NotADocumentError(shown, name)
    if suffix not in SUPPORTED_SUFFIXES:
        raise errors.UnsupportedFormatError(shown, f"suffix {suffix or '(none)'}")
    if upload.path is not None and not upload.path.is_file():
        raise errors.DocumentError(shown, "file not found")
    doc_id = check_doc_id(doc_id, shown) if doc_id else id_from_name(Path(name).stem, shown)
    size = len(upload.data) if upload.data is not None else Path(str(upload.path)).stat().st_size
    if size / 1e6 > settings.max_file_mb:
        raise errors.FileTooLargeError(shown, f"{size / 1e6:.1f} MB > {settings.max_file_mb:g} MB")
    data = upload.data if upload.data is not None else Path(str(upload.path)).read_bytes()

    if upload.in_place:  # a file already in the corpus, indexed where it is
        target = Path(upload.path).resolve()  # type: ignore[arg-type]
        other = known.get(doc_id)
        if other is not None and other.resolve() != target:
            raise errors.DuplicateDocumentError(shown, f"document id {doc_id!r} is also used by {other.name}")
        return _Staged(upload, _spec(corpus, doc_id, target, given, manifest), None, False,
                       _entry(corpus, doc_id, target, given, manifest))
    target = corpus.resolve() / f"{doc_id}{suffix}"
    live_path = live.get(doc_id, {}).get("path")
    # the file this document already has: in the corpus (scan or manifest), at the target name, or (added
    # without --copy) wherever the live store says
    existing = known.get(doc_id) or (target if target.exists() else None) \
        or (Path(live_path) if live_path else None)
    replacing = False
    if existing is not None:
        in_corpus = existing.resolve().is_relative_to(corpus.resolve())
        same = existing.is_file() and existing.read_bytes() == data
        if same and in_corpus and existing.suffix.lower() == suffix:
            # already there: indexed (unchanged), or left unindexed by a killed `add --copy`: index in place
            target = existing.resolve()
            return _Staged(upload, _spec(corpus, doc_id, target, given, manifest), None, False,
                           _entry(corpus, doc_id, target, given, manifest))
        if same and not in_corpus:
            pass  # the very bytes indexed from outside the corpus (add without --copy): now copied in
        elif on_conflict == "refuse":
            raise errors.NameConflictError(
                shown, f"a different file with this name is in the corpus (document {doc_id!r}); choose to "
                       "replace it as a new version or to keep both under a new id")
        elif on_conflict == "replace":
            if in_corpus and existing.suffix.lower() != suffix:
                raise errors.NameConflictError(
                    shown, f"document {doc_id!r} is a {existing.suffix} file; a new version of it must be "
                           "one too (or keep both under a new id)")
            target = existing.resolve() if in_corpus else target  # the document keeps its file name
            replacing = True
        else:  # keep both: the upload gets the next free id
            n = 2
            while any(f"{doc_id}-{n}" in ids for ids in (known, live)) \
                    or (corpus / f"{doc_id}-{n}{suffix}").exists():
                n += 1
            doc_id = check_doc_id(f"{doc_id}-{n}", shown)
            target = corpus.resolve() / f"{doc_id}{suffix}"
    temp = target.with_name(f".{target.name}.upload-{os.getpid()}{suffix}")  # hidden: `build` skips it
    for stale in target.parent.glob(f".{target.name}.upload-*"):  # left by a killed upload
        stale.unlink(missing_ok=True)
    with open(temp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    spec = _spec(corpus, doc_id, target, given, manifest)
    spec.read_from = temp
    return _Staged(upload, spec, temp, replacing, _entry(corpus, doc_id, target, given, manifest))


def _entry(corpus: Path, doc_id: str, target: Path, given: dict[str, str], manifest: dict) -> dict | None:
    """The manifest entry the document needs, or None when the folder scan alone describes it."""
    old = next((e for e in manifest.get("documents", []) if entry_id(e) == doc_id), None)
    if old is None and not given and doc_id == id_from_name(target.stem):
        return None
    entry = dict(old or {})
    entry.update({"doc_id": doc_id, "source": target.relative_to(corpus.resolve()).as_posix(), **given})
    return entry


def _spec(corpus: Path, doc_id: str, target: Path, given: dict[str, str], manifest: dict) -> DocumentSpec:
    """The spec ``discover`` will produce for this document once it is in place (so hashes agree)."""
    entry = _entry(corpus, doc_id, target, given, manifest)
    if entry is None:
        return DocumentSpec(doc_id, target, {})
    extra = [corpus.resolve() / entry[k] for k in ("raw_source", "english_edition") if entry.get(k)]
    return DocumentSpec(doc_id, target, {k: v for k, v in entry.items() if k != "doc_id"}, extra)


def _finish(corpus: Path, item: _Staged, build: BuildReport, live: dict, manifest: dict) -> UploadResult:
    doc_id, name = item.spec.doc_id, item.upload.name
    if doc_id in build.failed:
        return UploadResult(name, "failed", doc_id, _public(build.failed[doc_id], item),
                            build.failed_kind.get(doc_id, "DocumentError"))
    if item.temp is not None:
        os.replace(item.temp, item.spec.path)  # the upload takes its place only now
        item.temp = None
    given = {k: v for k, v in item.spec.meta.items() if k in META_KEYS}
    entry = _entry(corpus, doc_id, item.spec.path, given, manifest)
    if entry is not None:
        write_manifest(corpus, manifest, entry)
    if doc_id in build.unchanged:
        return UploadResult(name, "already_indexed", doc_id, f"{name}: already indexed as {doc_id!r}")
    status: Status = "replaced" if item.replacing or doc_id in live else "indexed"
    return UploadResult(name, status, doc_id, f"{name}: indexed as {doc_id!r}")


def _public(message: str, item: _Staged) -> str:
    """A build error about this upload, naming the file as the user gave it (no server path)."""
    for path in filter(None, (item.temp, item.spec.path)):
        message = message.replace(str(path), item.upload.name)
    return _one_line(message)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def entry_id(entry: dict) -> str:
    """A manifest entry's document id (its ``doc_id``, or its source file's stem)."""
    return entry.get("doc_id") or Path(str(entry.get("source", ""))).stem


def _known_ids(corpus: Path) -> dict[str, Path]:
    """Documents of the corpus folder by id (manifest and scan)."""
    try:
        return {s.doc_id: s.path for s in discover(corpus)}
    except (errors.DocumentError, OSError, ValueError, KeyError):
        return {}  # a corpus `build` already refuses: the target-name check still protects its files


def read_manifest(corpus: Path) -> dict:
    path = corpus / MANIFEST
    if not path.is_file():
        return {"documents": []}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("documents", [])
    return data


def write_manifest(corpus: Path, manifest: dict, entry: dict) -> None:
    """Add or replace one document's entry, atomically (a temp file, then a rename)."""
    if entry in manifest["documents"]:
        return  # already says so: the maintainer's file is left as it is
    docs = [e for e in manifest["documents"] if entry_id(e) != entry["doc_id"]]
    docs.append(entry)
    manifest["documents"] = docs
    write_text_atomic(corpus / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
