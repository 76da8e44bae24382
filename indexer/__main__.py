"""``python -m indexer build|add|remove|list|repair|translate`` (see README)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer import offline as _offline  # noqa: F401
from indexer import translate
from indexer.cli_common import add_settings_flags, settings_from, utf8_stdout
from indexer.documents import SUPPORTED_SUFFIXES, DocumentSpec, check_doc_id, id_from_name
from indexer.errors import DocumentError, UnsupportedFormatError
from indexer.links import UnknownWorkError, Work
from indexer.pipeline import BuildReport, build_index, remove_document
from indexer.store import read_state


def _print_report(report: BuildReport) -> int:
    # each failure was already reported once, as it happened, on stderr (build_index's progress)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_build(args) -> int:
    settings = settings_from(args)
    return _print_report(build_index(settings))


def cmd_add(args) -> int:
    """Files inside the corpus folder, or copied there (``--copy``), go through the safe upload path
    (:mod:`indexer.uploads`, shared with the app); other files are indexed where they are, with a warning."""
    from indexer.uploads import Conflict, Upload, ingest

    settings = settings_from(args)
    corpus = Path(settings.corpus_dir).resolve()
    meta = {"title": args.title, "author": args.author, "year": args.year, "language": args.language}
    uploads, outside, failed = [], [], 0
    for flag, value in (("--doc-id", args.doc_id), ("--cites", args.cites)):
        if value and len(args.paths) > 1:
            print(f"error: {flag} names one document: give one PATH with it", file=sys.stderr)
            return 2
    try:
        work = _cited_work(args, settings, meta)
    except UnknownWorkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if work is not None:
        meta["cites"] = work.key  # (a document without --title takes the record's title: indexer/uploads.py)
    for raw in args.paths:
        path = Path(raw)
        inside = path.resolve().is_relative_to(corpus)
        if args.copy or inside:
            uploads.append(Upload(raw, path=path, in_place=inside))
            continue
        try:
            if not path.is_file():
                raise DocumentError(str(path), "file not found")
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise UnsupportedFormatError(str(path), f"suffix {path.suffix or '(none)'}")
            doc_id = check_doc_id(args.doc_id) if args.doc_id else id_from_name(path.stem, path)
        except DocumentError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"warning: {_shown(path)} is outside the corpus folder: it is indexed where it is and the next "
              "`build` removes it again (add --copy to keep it)", file=sys.stderr)
        outside.append(DocumentSpec(doc_id, path.resolve(), {k: v for k, v in meta.items() if v}))
    code = 1 if failed else 0
    if uploads:
        on_conflict: Conflict = "replace" if args.replace else "keep-both" if args.keep_both else "refuse"
        result = ingest(settings, uploads, meta, doc_id=args.doc_id, on_conflict=on_conflict)
        if result.build is not None:
            print(result.build.summary())
        code = max(code, 0 if result.ok else 1)
        if meta.get("cites") and result.ok:
            print(f"linked to \"{meta['cites']}\": {result.results[0].doc_id} is its full text")
    if outside or not uploads:
        outside_code = _print_report(build_index(settings, specs=outside, remove_missing=False)
                                     if outside else BuildReport())
        if meta.get("cites") and outside and outside_code == 0:
            print(f"linked to \"{meta['cites']}\": {outside[0].doc_id} is its full text")
        code = max(code, outside_code)
    return code


def _cited_work(args, settings, meta: dict) -> Work | None:
    """The cited work the document is the full text of: ``--cites``, or the work its title page
    names (:func:`indexer.links.propose_work`), linked once the maintainer agrees (``--yes``, or ``y`` at the
    prompt on a terminal; without a terminal the proposal is printed and nothing is linked)."""
    from indexer.links import document_head, propose_work, resolve_work, store_works

    works = store_works(Path(settings.store_dir))
    if args.cites:
        return resolve_work(args.cites, works)
    if len(args.paths) != 1 or not works:
        return None
    try:
        head = document_head(Path(args.paths[0]), meta, settings.max_file_mb)
    except (DocumentError, OSError):
        return None  # the build says what is wrong with the file
    proposal = propose_work(head, works)
    if proposal is None:
        return None
    work = proposal.work
    print(f"{_shown(Path(args.paths[0]))} looks like the full text of the cited work \"{work.key}\" "
          f"({proposal.matched} on its title page)")
    if work.reference:
        print(f"  {work.reference}")
    if args.yes:
        answer = "y"
    elif sys.stdin.isatty():
        answer = input("link the document to this record? [y/N] ").strip().lower()
    else:
        print(f'not linked (no terminal to ask): add --yes to accept, or --cites "{work.key}"')
        return None
    if answer in ("y", "yes", "بله", "آری"):
        return work
    print("not linked")
    return None


def _shown(path: Path) -> str:
    text = str(path)
    return text if text.isprintable() else repr(text)


def cmd_remove(args) -> int:
    settings = settings_from(args)
    cites = read_state(Path(settings.store_dir))["docs"].get(args.doc_id, {}).get("meta", {}).get("cites")
    try:
        code = _print_report(remove_document(settings, args.doc_id))
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 1
    if cites and code == 0:
        print(f"\"{cites}\": its full text ({args.doc_id}) is no longer in the knowledge base; the record stays")
    return code


def cmd_list(args) -> int:
    settings = settings_from(args)
    docs = read_state(Path(settings.store_dir))["docs"]
    rows = [{"doc_id": d, "kind": e["kind"], "title": e.get("title"), "passages": e["n_passages"],
             "path": e["path"], "hash": e["hash"][:12], "indexed_at": e.get("indexed_at"),
             "meta": e.get("meta", {})} for d, e in docs.items()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            cites = f"  [full text of {r['meta']['cites']}]" if r["meta"].get("cites") else ""
            print(f"{r['doc_id']:<32} {r['kind']:<10} {r['passages']:>6} passages  {r['title'] or ''}{cites}")
    return 0


def cmd_repair(args) -> int:
    from indexer.rtl.cli import repair_command

    return repair_command(args.file)


def main(argv: list[str] | None = None) -> int:
    utf8_stdout()
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="index the corpus folder (incremental)")
    add_settings_flags(p)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("add", help="add or update documents (PDF, text, Markdown, DOCX)")
    add_settings_flags(p)
    p.add_argument("paths", nargs="+")
    p.add_argument("--doc-id", help="document id (default: file name without extension)")
    p.add_argument("--title")
    p.add_argument("--author")
    p.add_argument("--year")
    p.add_argument("--language", choices=["fa", "en"])
    p.add_argument("--cites", metavar="KEY",
                   help='the cited work this document is the full text of: --cites "Giffinger et al., 2007" '
                        "(without it, the work its title page names is proposed)")
    p.add_argument("--yes", action="store_true", help="accept the proposed cited work without asking")
    p.add_argument("--copy", action="store_true",
                   help="copy the file into the corpus folder (only once it is indexed), so `build` keeps it")
    conflict = p.add_mutually_exclusive_group()
    conflict.add_argument("--replace", action="store_true",
                          help="a different corpus file has this name: index the new one as its new version")
    conflict.add_argument("--keep-both", action="store_true",
                          help="a different corpus file has this name: add the new one under a new id")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("remove", help="remove a document from every index")
    add_settings_flags(p)
    p.add_argument("doc_id")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("list", help="list indexed documents")
    add_settings_flags(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("repair", help="repair garbled right-to-left Persian lines (file or - for stdin)")
    p.add_argument("file", nargs="?", default="-")
    p.set_defaults(func=cmd_repair)
    translate.register(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
