"""``python -m indexer build|add|remove|list|repair`` (see README)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from indexer import offline as _offline  # noqa: F401
from indexer.cli_common import add_settings_flags, settings_from, utf8_stdout
from indexer.documents import DocumentSpec, check_doc_id, SUPPORTED_SUFFIXES
from indexer.errors import DocumentError, UnsafePathError, UnsupportedFormatError
from indexer.pipeline import BuildReport, build_index, remove_document
from indexer.store import read_state


def _print_report(report: BuildReport) -> int:
    for doc_id, message in report.failed.items():
        print(f"error: {message}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_build(args) -> int:
    settings = settings_from(args)
    return _print_report(build_index(settings))


def cmd_add(args) -> int:
    settings = settings_from(args)
    specs, failed, copied = [], 0, {}
    for raw in args.paths:
        path = Path(raw)
        try:
            if not path.is_file():
                raise DocumentError(str(path), "file not found")
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise UnsupportedFormatError(str(path), f"suffix {path.suffix or '(none)'}")
            doc_id = check_doc_id(args.doc_id or path.stem, path)
            if args.copy:
                # keep the corpus folder the single source of truth for later `build` runs; the copy
                # must have a name `build` accepts (its stem becomes the id there)
                check_doc_id(path.stem, path)
                target = Path(settings.corpus_dir) / path.name
                if target.resolve() != path.resolve():
                    if target.exists():
                        raise UnsafePathError(str(target), "a different file with this name is in the corpus")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_name(f".{target.name}.part")  # hidden: `build` skips dot files
                    shutil.copy2(path, tmp)
                    os.replace(tmp, target)
                    copied[doc_id] = target
                    path = target
        except DocumentError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        meta = {k: v for k, v in {"title": args.title, "author": args.author, "year": args.year,
                                  "language": args.language}.items() if v}
        specs.append(DocumentSpec(doc_id, path.resolve(), meta))
    try:
        report = build_index(settings, specs=specs, remove_missing=False) if specs else BuildReport()
    except BaseException:
        for target in copied.values():
            target.unlink(missing_ok=True)
        raise
    for doc_id in report.failed:
        if doc_id in copied:  # a refused document must not stay in the corpus to fail every `build`
            copied[doc_id].unlink(missing_ok=True)
    return max(_print_report(report), 1 if failed else 0)


def cmd_remove(args) -> int:
    settings = settings_from(args)
    try:
        return _print_report(remove_document(settings, args.doc_id))
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 1


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
            print(f"{r['doc_id']:<32} {r['kind']:<10} {r['passages']:>6} passages  {r['title'] or ''}")
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
    p.add_argument("--copy", action="store_true", help="also copy the file into the corpus folder")
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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
