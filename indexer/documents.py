"""The corpus: which documents exist (manifest + folder scan) and how each file becomes text.

A corpus folder holds documents of these formats: ``.pdf``, ``.txt``, ``.md``, ``.docx``, a proofread
edition ``.jsonl`` (``{line_no, kind, clean}`` per line) and CSL-JSON bibliographies named in the
manifest. ``manifest.json`` (optional) names documents and their metadata; every other supported file
in the folder is a document too, with ``doc_id`` = its file name without extension.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import errors
from indexer.english import Rendering, read_edition
from indexer.normalize import normalize_text
from indexer.structure import DocumentStructure, Paragraph, Section, structure_plain, structure_proofread

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".docx")
MANIFEST = "manifest.json"
# Files that describe the corpus rather than belong to it (a manifest may add more under "ignore").
DEFAULT_IGNORE = ("README.md", "PROVENANCE.md", "LICENSE", "LICENSE.md")
# Bumped whenever loading/structuring/chunking/lexical tokens change, so that `build` re-indexes
# everything (7: BM25 tokens fold آ to ا; 8: acknowledgements paragraphs have their own kind;
# 9: passages carry their English rendering, indexed in an English view).
PIPELINE_VERSION = "9"
_SAFE_ID = re.compile(r"^[\w\u0600-\u06FF][\w\u0600-\u06FF.\-]{0,127}$")
# Printable characters a file name may have that an id may not: spaces, ZWNJ/ZWJ, NBSP, Persian and other
# punctuation. Each run becomes one "-" (``نقش دولت‌ها (۱).pdf`` → ``نقش-دولت-ها-۱``); control characters,
# path separators and a leading dot are never mapped: such names stay refused.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAME_JUNK = re.compile(r"[^\w\u0600-\u06FF.\-/\\]+")


@dataclass
class DocumentSpec:
    """A document to index: where it is and what the manifest says about it."""

    doc_id: str
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    extra_paths: list[Path] = field(default_factory=list)
    # where the bytes are read from when they are not yet at ``path`` (an upload staged under a hidden
    # name, moved to ``path`` only once indexing succeeded: indexer/uploads.py)
    read_from: Path | None = None

    def content_hash(self) -> str:
        """Hash of the source bytes, the manifest entry and the pipeline version."""
        h = hashlib.sha256(PIPELINE_VERSION.encode())
        for path in [self.read_from or self.path, *self.extra_paths]:
            with path.open("rb") as fh:  # streamed: a huge file is refused later, not read into memory
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        h.update(json.dumps(self.meta, sort_keys=True, ensure_ascii=False).encode())
        return h.hexdigest()


@dataclass
class LoadedDocument:
    """A document's clean structure, ready for chunking."""

    spec: DocumentSpec
    structure: DocumentStructure
    kind: str  # proofread | text | markdown | pdf | docx | csl-json
    english: list[Rendering] = field(default_factory=list)  # the parallel English edition, if any

    @property
    def doc_id(self) -> str:
        return self.spec.doc_id

    @property
    def title(self) -> str:
        meta = self.spec.meta
        return meta.get("title_fa") or meta.get("title_en") or meta.get("title") or self.doc_id


def check_doc_id(doc_id: str, path: Path | str = "") -> str:
    """Reject ids that could escape the store or confuse filters (path separators, control chars)."""
    if not _SAFE_ID.fullmatch(doc_id or ""):  # fullmatch: `$` would accept a trailing newline
        shown = str(path or doc_id)
        shown = shown if shown.isprintable() else repr(shown)  # never print raw newlines/NULs
        raise errors.UnsafePathError(shown, f"document id {doc_id!r} is not a safe name")
    return doc_id


def id_from_name(stem: str, shown: Path | str = "") -> str:
    """The document id of a file name (without its suffix): spaces, ZWNJ and punctuation become ``-``.

    >>> id_from_name("نقش\u200cهای دولت (نسخه 2)")
    'نقش-های-دولت-نسخه-2'
    >>> id_from_name("Smart Gov")
    'Smart-Gov'
    """
    if stem.startswith(".") or any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS
                                   for c in stem):
        return check_doc_id(stem, shown or stem)  # refused, shown escaped
    return check_doc_id(_NAME_JUNK.sub("-", stem).strip("-") or stem, shown or stem)


def discover(corpus_dir: Path) -> list[DocumentSpec]:
    """Documents of a corpus folder: manifest entries first, then other supported files."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    specs: list[DocumentSpec] = []
    claimed: set[Path] = set()
    ignore = set(DEFAULT_IGNORE)
    manifest = corpus_dir / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        ignore.update(data.get("ignore", []))
        for entry in data.get("documents", []):
            path = _inside(corpus_dir, entry["source"])
            extra = [_inside(corpus_dir, entry[key]) for key in ("raw_source", "english_edition") if entry.get(key)]
            doc_id = check_doc_id(entry.get("doc_id") or path.stem, path)
            meta = {k: v for k, v in entry.items() if k not in ("doc_id",)}
            specs.append(DocumentSpec(doc_id, path, meta, extra))
            claimed.update([path, *extra])
    for path in sorted(corpus_dir.rglob("*")):
        if path.name in ignore or any(part.startswith(".") for part in path.relative_to(corpus_dir).parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.resolve() not in claimed:
            specs.append(DocumentSpec(id_from_name(path.stem, path), path.resolve(), {}))
    seen: dict[str, Path] = {}
    for spec in specs:
        if spec.doc_id in seen:
            raise errors.DuplicateDocumentError(
                str(spec.path), f"document id {spec.doc_id!r} is also used by {seen[spec.doc_id]}")
        seen[spec.doc_id] = spec.path
    return specs


def _inside(corpus_dir: Path, source: str) -> Path:
    """A manifest path, which must stay inside the corpus folder (no ``..``, absolute paths or NUL)."""
    root = corpus_dir.resolve()
    if not isinstance(source, str) or "\x00" in source:
        raise errors.UnsafePathError(repr(source), "manifest source must be a file name without NUL bytes")
    path = (root / source).resolve()
    if not path.is_relative_to(root):
        raise errors.UnsafePathError(source, f"manifest source points outside the corpus folder {root}")
    return path


def load(spec: DocumentSpec, max_file_mb: float = 50.0, max_chars: int | None = None) -> LoadedDocument:
    """Read a document into clean structure, raising a specific :class:`DocumentError`.

    ``max_chars``: the text budget of one document, checked on the extracted text before the (slow)
    repair, normalisation and structure steps.
    """
    path = spec.read_from or spec.path
    if not path.is_file():
        raise errors.DocumentError(str(path), "file not found")
    size_mb = path.stat().st_size / 1e6
    if size_mb > max_file_mb:
        raise errors.FileTooLargeError(str(path), f"{size_mb:.1f} MB > {max_file_mb:g} MB")

    def budget(text: str) -> str:
        if max_chars is not None and len(text) > max_chars:
            raise errors.DocumentTooLongError(str(path), f"{len(text):,} characters > {max_chars:,}")
        return text

    suffix = spec.path.suffix.lower()
    if spec.meta.get("edition") == "proofread" or suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        structure, kind = structure_proofread(rows), "proofread"
    elif spec.meta.get("edition") == "csl-json":
        structure, kind = structure_csl(json.loads(path.read_text(encoding="utf-8"))), "csl-json"
    elif suffix in (".txt", ".md", ".markdown"):
        text = budget(read_text_file(path))
        structure = structure_plain(_repair_if_garbled(text), title=None)
        kind = "markdown" if suffix != ".txt" else "text"
    elif suffix == ".pdf":
        from indexer.pdf import extract_pdf

        pages = extract_pdf(path)
        structure, kind = structure_plain(budget("\f".join(pages))), "pdf"
    elif suffix == ".docx":
        structure, kind = structure_plain(budget(read_docx(path))), "docx"
    else:
        raise errors.UnsupportedFormatError(str(path), f"suffix {suffix or '(none)'}")
    for paragraph in structure.paragraphs:
        paragraph.text = normalize_text(paragraph.text)
    structure.paragraphs = [p for p in structure.paragraphs if p.text]
    if not structure.paragraphs:
        raise errors.EmptyDocumentError(str(path))
    edition = _edition_path(spec)
    english = read_edition(edition) if edition else []
    return LoadedDocument(spec, structure, kind, english)


def _edition_path(spec: DocumentSpec) -> Path | None:
    """The document's English edition file (manifest ``english_edition``), when it has one."""
    name = spec.meta.get("english_edition")
    return next((p for p in spec.extra_paths if name and p.name == Path(name).name), None)


def read_text_file(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else a legacy Persian code page."""
    data = path.read_bytes()
    if not data.strip():
        raise errors.EmptyDocumentError(str(path))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise errors.BinaryFileError(str(path), "NUL bytes in the first 4 KB")
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Windows-1256 is the common legacy code page of Persian Word/Notepad files.
    for encoding in ("cp1256", "iso8859_6"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if re.search(r"[\u0600-\u06FF]", text):
            return text
    raise errors.EncodingError(str(path))


def read_docx(path: Path) -> str:
    """Text of a Word file as Markdown-like text: heading styles become ``#`` headings."""
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise errors.DocumentError(str(path), f"not a readable .docx file: {exc}") from exc
    lines = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text = para.text.strip()
        if not text:
            continue
        m = re.match(r"Heading (\d)", style)
        lines.append(("#" * int(m.group(1)) + " " + text) if m else text)
        lines.append("")
    return "\n".join(lines)


def _repair_if_garbled(text: str) -> str:
    """Repair right-to-left extraction damage when the text shows it (clean text is unchanged)."""
    try:
        from indexer.rtl import classify_document, repair_text
    except ImportError:  # the repair component is optional for plain English corpora
        return text
    # decide per document first: a clean document is never touched line by line
    if classify_document(text.splitlines()) in ("clean_fa", "not_fa"):
        return text
    return repair_text(text)


def structure_csl(records: list[dict]) -> DocumentStructure:
    """One passage per cited work, so retrieval can surface the bibliography itself."""
    from indexer.bibliography import format_reference

    paragraphs = []
    for i, record in enumerate(records, start=1):
        text = format_reference(record)
        paragraphs.append(Paragraph(text=text, line_start=i, line_end=i, page=None,
                                    section_path=["Cited works"], kind="reference",
                                    language="en" if record.get("language", "en") == "en" else "fa",
                                    lines=[i], line_offsets=[0]))
    section = Section("Cited works", 1, ["Cited works"], 1, len(records))
    return DocumentStructure([section], paragraphs)
