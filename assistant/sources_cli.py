"""``python -m assistant outline|glossary|sources|cited "KEY"|export`` (``--json`` everywhere)."""
from __future__ import annotations

import json
import sys

from indexer.cli_common import add_settings_flags, emit, settings_from


def _tables(args):
    from assistant.sources import NoTablesError, live_tables

    try:
        return live_tables(settings_from(args))
    except NoTablesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def cmd_outline(args) -> int:
    from assistant.sources import outline

    tables = _tables(args)
    if tables is None:
        return 1
    rows = [r for r in outline(tables) if not args.doc or r["doc_id"] == args.doc]
    if args.json:
        _dump(rows)
        return 0
    for r in rows:
        pages = f"p. {r.get('page_start')}" + (f"–{r['page_end']}" if r.get("page_end") not in
                                               (None, r.get("page_start")) else "")
        print(f"{'  ' * (r['level'] - 1)}{r['title']}  [lines {r['line_start']}–{r['line_end']}, "
              f"{pages}]")
    return 0


def cmd_glossary(args) -> int:
    from assistant.sources import glossary

    tables = _tables(args)
    if tables is None:
        return 1
    rows = glossary(tables)
    if args.json:
        _dump(rows)
        return 0
    for r in rows:
        print(f"{r['fa']}\t{r['en']}\t(p. {r.get('page')}, line {r.get('marker_line') or r['line_no']})")
    return 0


def cmd_sources(args) -> int:
    from assistant.sources import sources

    tables = _tables(args)
    if tables is None:
        return 1
    rows = sources(tables)
    if args.json:
        _dump([{k: v for k, v in r.items() if k != "record"} for r in rows])
        return 0
    for r in rows:
        ref = r["reference"] or ("not in reference list" + (
            f"; record has no bibliographic details (confidence: {r['confidence']})"
            if r.get("confidence") else ""))
        conf = f" [{r['confidence']}]" if r.get("confidence") else ""
        print(f"{r['key']}  ×{r['occurrences']}{conf}\n    {ref}")
    return 0


def cmd_cited(args) -> int:
    from assistant.sources import cited

    tables = _tables(args)
    if tables is None:
        return 1
    result = cited(tables, args.key)
    if args.json:
        _dump(result)
        return 0 if result["found"] else 3
    if not result["found"]:
        print(f"not cited in the indexed documents: {args.key}", file=sys.stderr)
        return 3
    conf = f" [confidence: {result['confidence']}]" if result.get("confidence") else ""
    print(f"{result['key']}{conf}")
    print(f"  {result['reference'] or 'not in reference list'}")
    for occ in result["occurrences"]:
        print(f"\n- line {occ['line_no']}, p. {occ['page']} — {occ['section'] or ''}\n  {occ['sentence']}")
    return 0


def cmd_export(args) -> int:
    from assistant.sources import export, keys_in_section

    tables = _tables(args)
    if tables is None:
        return 1
    keys = list(args.key) or None
    if args.section:
        keys = (keys or []) + keys_in_section(tables, args.section)
        if not keys:
            print(f"no citations in a section matching {args.section!r}", file=sys.stderr)
            return 3
    text = export(tables, keys, args.format)
    emit(text, args.out)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("outline", help="sections with levels, line and page spans")
    add_settings_flags(p)
    p.add_argument("--doc", help="only this document id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_outline)

    p = subparsers.add_parser("glossary", help="Persian–English terms from the paper's footnotes")
    add_settings_flags(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_glossary)

    p = subparsers.add_parser("sources", help="every cited work with its reference and confidence")
    add_settings_flags(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    p = subparsers.add_parser("cited", help='where and for what a work is cited: cited "Heeks, 2003"')
    add_settings_flags(p)
    p.add_argument("key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cited)

    p = subparsers.add_parser("export", help="BibTeX / RIS / CSL-JSON of cited works")
    add_settings_flags(p)
    p.add_argument("key", nargs="*", help="citation keys (default: every cited work with a record)")
    p.add_argument("--section", help="works cited in sections matching this title")
    p.add_argument("--format", choices=["bibtex", "ris", "csl-json"], default="bibtex")
    p.add_argument("--out")
    p.add_argument("--json", action="store_true", help="same as --format csl-json")
    p.set_defaults(func=lambda a: cmd_export(_json_format(a)))


def _json_format(args):
    if args.json:
        args.format = "csl-json"
    return args
