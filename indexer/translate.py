"""``python -m indexer translate [--doc ID] [--limit N] [--retry-failed]``: the parallel English text of a
maintainer's Persian documents, written by the optional model server (``llm_*`` settings, off by default).

A Persian document added to the corpus has no English edition: English questions meet it through glosses and
its Persian sentences, marked untranslated. This step fills its English text through the same
OpenAI-compatible backend as written answers (:mod:`indexer.llm_client`), segment by segment — each heading
and each sentence of the document, with the source lines it spans, the shape of the shipped edition
(:mod:`indexer.english`) — into ``<document>.en.jsonl`` beside the document, named in ``manifest.json``
(``english_edition``, ``english_edition_by``). The next ``python -m indexer build`` re-indexes that document
with its English view (BM25 and dense), and English answers quote the renderings, saying that they are
"English rendering by <model> via the local backend, not the author's text".

- **Checked**: each segment's rendering must keep the invariants of the shipped edition
  (:func:`indexer.english.rendering_problems`: no Persian left, every number and Latin citation key kept) and a
  length within :data:`MIN_LENGTH_RATIO`–:data:`MAX_LENGTH_RATIO` of the Persian; a failing segment is kept
  untranslated, with its reason, in the file (retried only with ``--retry-failed``).
- **Resumable**: the file is rewritten atomically after every segment; a rerun keeps every translated segment
  (matched on its Persian text, so a changed document keeps what still applies) and continues with the rest.
  ``--limit N`` stops after N segments.
- **Never blocking indexing**: a separate command that holds no store lock while the model writes (only the
  manifest write takes the uploads lock, briefly); ``build`` and ``add`` never wait on it.
- A timeout or server error on one segment leaves it for the next run; a server that is down or lacks the
  model stops the run, with what to do, keeping what was done.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from indexer import documents as docs_mod
from indexer.english import rendering_problems
from indexer.llm_client import make_llm, stream_reply
from indexer.normalize import match_key, split_sentences
from indexer.settings import Settings
from indexer.store import write_text_atomic

#: Lengths (English characters / Persian characters) of the shipped edition's 413 body, heading and
#: acknowledgement renderings: 0.83 (min), 1.15 (median), 1.64 (99th percentile), 2.5 (max). A machine
#: rendering outside 0.5–3.0 has dropped or added text (a base model that continues the prompt).
MIN_LENGTH_RATIO = 0.5
MAX_LENGTH_RATIO = 3.0
#: … checked only from this many Persian characters (a two-word heading's English may well be 3× longer)
RATIO_MIN_CHARS = 20
#: reply budget of one segment, in answer sentences' worth of tokens (indexer.llm_client.TOKENS_PER_SENTENCE):
#: a segment is one sentence (95th percentile 67 Gemma tokens in the English edition)
SEGMENT_SENTENCES = 2

SYSTEM_PROMPT = (
    "You translate one segment of a Persian academic text into plain academic English.\n"
    "Translate faithfully and completely: add nothing, leave nothing out, do not summarise.\n"
    "Keep every number, year and in-text citation exactly as written, e.g. (Heeks, 2003).\n"
    "Reply with the English translation only, on one line."
)
NOT_CONFIGURED = ("translate needs the generative backend (off by default): set llm_enabled = true, "
                  "llm_base_url and llm_model in kb.toml, or KB_LLM_ENABLED=1 "
                  "KB_LLM_BASE_URL=http://localhost:11434/v1 KB_LLM_MODEL=<a model your server has> "
                  "(docs/answers.md); nothing was translated")

Say = Callable[[str], None]


@dataclass(frozen=True)
class Segment:
    """A heading or a sentence of a Persian document, with the source lines it spans."""

    seg: int
    line_start: int
    line_end: int
    kind: str  # heading | body | acknowledgements
    fa: str


@dataclass
class DocumentReport:
    """What one run did to one document."""

    doc_id: str
    edition: str | None = None        # the edition file, relative to the corpus
    translated: int = 0               # segments translated by this run
    kept: int = 0                     # … translated before, kept
    failed: list[tuple[int, str]] = field(default_factory=list)  # (seg, reason): left untranslated by this run
    failed_before: int = 0            # left untranslated by an earlier run (retried with --retry-failed)
    to_go: int = 0                    # segments no run has tried yet (--limit, a transient failure, a stop)
    skipped: str | None = None        # why the document was not translated at all

    def summary(self) -> str:
        if self.skipped:
            return f"{self.doc_id}: {self.skipped}"
        failed = "; ".join(f"seg {s}: {r}" for s, r in self.failed[:5]) + (" …" if len(self.failed) > 5 else "")
        return (f"{self.doc_id}: {self.translated} segment(s) translated, {self.kept} kept from before, "
                f"{len(self.failed)} left untranslated" + (f" ({failed})" if failed else "")
                + (f", {self.failed_before} untranslated before" if self.failed_before else "")
                + f", {self.to_go} to go; English text in {self.edition}")


@dataclass
class TranslateReport:
    documents: list[DocumentReport] = field(default_factory=list)
    stopped: str | None = None        # the server problem that ended the run

    @property
    def ok(self) -> bool:
        return self.stopped is None


class NotConfigured(RuntimeError):
    """The generative backend is off: nothing to translate with."""


def segments_of(doc: docs_mod.LoadedDocument) -> list[Segment]:
    """The document's Persian headings and sentences, in reading order, as the index splits them."""
    rows: list[tuple[int, int, str, str]] = []
    for section in doc.structure.sections:
        if not section.run_in and section.title.strip():
            rows.append((section.line_start, section.line_start, "heading", section.title.strip()))
    for paragraph in doc.structure.paragraphs:
        if paragraph.kind in ("reference", "abstract_en") or paragraph.language != "fa":
            continue
        pos = 0
        for sentence in split_sentences(paragraph.text):
            start = paragraph.text.find(sentence, pos)
            start = pos if start < 0 else start
            end = start + len(sentence)
            pos = end
            first, last = paragraph.lines_for(start, end)
            kind = "acknowledgements" if paragraph.kind == "acknowledgements" else "body"
            rows.append((first, last, kind, sentence))
    rows.sort(key=lambda r: (r[0], r[2] != "heading"))
    return [Segment(i, a, b, kind, fa) for i, (a, b, kind, fa) in enumerate(rows, start=1)]


def check(fa: str, en: str) -> list[str]:
    """Why a machine rendering of ``fa`` is not kept (nothing: kept).

    >>> check("در سال 1399 دولت هوشمند شد.", "In 1399 the government became smart.")
    []
    >>> check("در سال 1399 دولت هوشمند شد.", "In 1399 the government became smart. " * 5)
    ['rendering 6.9× the length of the Persian (the shipped edition: 0.83–2.5×)']
    """
    if not en.strip():
        return ["empty reply"]
    problems = rendering_problems(fa, en)
    if len(fa) >= RATIO_MIN_CHARS:
        ratio = len(en) / len(fa)
        if not MIN_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO:
            problems.append(f"rendering {ratio:.1f}× the length of the Persian (the shipped edition: 0.83–2.5×)")
    return problems


def clean_reply(text: str) -> str:
    """The rendering in a reply: one line, surrounding quotes and a leading "Translation:" dropped."""
    text = " ".join(text.split())
    for label in ("Translation:", "English:", "English translation:"):
        if text.lower().startswith(label.lower()):
            text = text[len(label):].strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text


def edition_path(spec: docs_mod.DocumentSpec) -> Path:
    """Where the machine edition of a document lives: ``<name>.en.jsonl`` beside it."""
    return spec.path.with_name(f"{spec.path.stem}.en.jsonl")


def _candidates(settings: Settings, doc_id: str | None) -> list[docs_mod.DocumentSpec]:
    specs = docs_mod.discover(Path(settings.corpus_dir))
    if doc_id is not None:
        chosen = [s for s in specs if s.doc_id == doc_id]
        if not chosen:
            raise KeyError(f"no document {doc_id!r} in the corpus folder {settings.corpus_dir} "
                           f"(documents: {', '.join(s.doc_id for s in specs)})")
        return chosen
    return specs


def _why_not(spec: docs_mod.DocumentSpec, doc: docs_mod.LoadedDocument | None) -> str | None:
    meta = spec.meta
    if meta.get("english_edition") and not meta.get("english_edition_by"):
        return "has its own English edition (not machine-translated): left as it is"
    if meta.get("edition") == "csl-json":
        return "a bibliography (CSL-JSON): nothing to translate"
    if meta.get("language") == "en":
        return "an English document: nothing to translate"
    if doc is not None:
        persian = sum(len(p.text) for p in doc.structure.paragraphs if p.language == "fa")
        if persian * 2 < sum(len(p.text) for p in doc.structure.paragraphs):
            return "not a Persian document: nothing to translate"
    return None


def _read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # never written by this module (atomic rewrites); a hand edit's broken line is dropped
    return rows


def _write_rows(path: Path, rows: list[dict]) -> None:
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def _register(settings: Settings, spec: docs_mod.DocumentSpec, path: Path) -> None:
    """Name the edition in the manifest (under the uploads lock, atomically), so the next build indexes it."""
    from indexer.pipeline import store_lock
    from indexer.uploads import entry_id, read_manifest, write_manifest

    corpus = Path(settings.corpus_dir).resolve()
    with store_lock(Path(settings.store_dir), ".uploads.lock"):
        manifest = read_manifest(corpus)
        old = next((e for e in manifest["documents"] if entry_id(e) == spec.doc_id), None)
        entry = dict(old or {"doc_id": spec.doc_id, "source": spec.path.resolve().relative_to(corpus).as_posix()})
        entry.setdefault("doc_id", spec.doc_id)
        entry.update({"english_edition": path.resolve().relative_to(corpus).as_posix(),
                      "english_edition_by": settings.llm_model,
                      "english_edition_note": f"English rendering by {settings.llm_model} via the local backend, "
                                              "not the author's text (python -m indexer translate: segment by "
                                              "segment, each checked for numbers, citation keys and Persian "
                                              "left; failing segments stay Persian)"})
        write_manifest(corpus, manifest, entry)


def translate(settings: Settings, doc_id: str | None = None, limit: int | None = None, retry_failed: bool = False,
              llm: Any = None, say: Say = lambda _m: None) -> TranslateReport:
    """Fill the English text of the corpus's Persian documents (or of ``doc_id``) through the model server."""
    if not settings.llm_enabled:
        raise NotConfigured(NOT_CONFIGURED)
    llm = llm or make_llm(settings, max_sentences=SEGMENT_SENTENCES)
    report = TranslateReport()
    budget = limit if limit is not None else -1
    for spec in _candidates(settings, doc_id):
        doc_report = DocumentReport(spec.doc_id)
        report.documents.append(doc_report)
        why = _why_not(spec, None)
        doc = None
        if why is None:
            doc = docs_mod.load(spec, max_file_mb=settings.max_file_mb, max_chars=settings.max_document_chars)
            why = _why_not(spec, doc)
        if why is not None or doc is None:
            doc_report.skipped = why
            continue
        path = edition_path(spec)
        doc_report.edition = path.resolve().relative_to(Path(settings.corpus_dir).resolve()).as_posix()
        old = {match_key(r.get("fa", "")): r for r in _read_rows(path)}
        segments = segments_of(doc)
        rows: list[dict | None] = []
        for s in segments:  # what an earlier run did, re-aligned to the document as it is now
            r = old.get(match_key(s.fa))
            if r is not None and (r.get("en") or (r.get("failed") and not retry_failed)):
                rows.append({**r, "seg": s.seg, "lines": [s.line_start, s.line_end], "kind": s.kind, "fa": s.fa})
                doc_report.kept += bool(r.get("en"))
                doc_report.failed_before += bool(r.get("failed"))
            else:
                rows.append(None)
        registered = bool(spec.meta.get("english_edition_by")) and path.is_file()
        for i, (s, row) in enumerate(zip(segments, list(rows))):
            if row is not None:
                continue
            if budget == 0:
                doc_report.to_go += 1
                continue
            budget -= 1
            reply = stream_reply(llm, _messages(s.fa), settings.llm_timeout_s, settings.llm_base_url,
                                 settings.llm_model)
            if not reply.ok:
                if reply.failure in ("unreachable", "model-missing"):
                    report.stopped = reply.message
                    # this segment and those after it still untranslated (the earlier ones left for the
                    # next run are counted already)
                    doc_report.to_go += sum(1 for r in rows[i:] if r is None)
                    return report
                say(f"{spec.doc_id} seg {s.seg}: {reply.message} (left for the next run)")
                doc_report.to_go += 1
                continue
            en = clean_reply(reply.text)
            problems = check(s.fa, en)
            new = {"seg": s.seg, "lines": [s.line_start, s.line_end], "kind": s.kind, "fa": s.fa,
                   "en": "" if problems else en, "by": settings.llm_model}
            if problems:
                reason = "; ".join(problems)
                new.update(failed=reason, reply=en[:500])
                doc_report.failed.append((s.seg, reason))
                say(f"{spec.doc_id} seg {s.seg}: left untranslated ({reason})")
            else:
                doc_report.translated += 1
                say(f"{spec.doc_id} seg {s.seg}: translated")
            rows[s.seg - 1] = new
            _write_rows(path, [r for r in rows if r is not None])
            if not registered:
                _register(settings, spec, path)
                registered = True
    return report


def _messages(fa: str) -> list[Any]:
    from llama_index.core.llms import ChatMessage, MessageRole

    return [ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM_PROMPT),
            ChatMessage(role=MessageRole.USER, content=f"Persian:\n{fa}\n\nEnglish:")]


def cmd_translate(args: Any) -> int:
    from indexer.cli_common import settings_from

    settings = settings_from(args)
    say: Say = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    try:
        report = translate(settings, args.doc, args.limit, args.retry_failed, say=say)
    except NotConfigured as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except ImportError as exc:  # the [llm] extra
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for doc in report.documents:
        print(doc.summary())
    if report.stopped:
        print(f"error: stopped: {report.stopped}; what was translated is kept, rerun to continue", file=sys.stderr)
        return 1
    if any(d.translated for d in report.documents):
        print("run `python -m indexer build` to index the English text")
    return 0


def register(subparsers: Any) -> None:
    from indexer.cli_common import add_settings_flags

    p = subparsers.add_parser("translate", help="fill the English text of Persian documents through the model "
                                                "server (llm_* settings; resumable)")
    add_settings_flags(p)
    p.add_argument("--doc", help="only this document id")
    p.add_argument("--limit", type=int, help="translate at most this many segments in this run")
    p.add_argument("--retry-failed", action="store_true", help="try again the segments left untranslated")
    p.set_defaults(func=cmd_translate)
