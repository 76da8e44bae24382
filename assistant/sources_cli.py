"""``python -m assistant outline|glossary|sources|cited "KEY"|export`` (``--json`` everywhere)."""
from __future__ import annotations

import argparse
import functools
import json
import sys
from typing import Callable

from indexer.cli_common import add_settings_flags, emit, settings_from


def _with_tables(handler: Callable[[argparse.Namespace, dict], int]) -> Callable[[argparse.Namespace], int]:
    """Run ``handler(args, tables)`` on the store's live tables; exit status 1 when there is no index."""
    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from assistant.sources import NoTablesError, live_tables

        try:
            tables = live_tables(settings_from(args))
        except NoTablesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return handler(args, tables)
    return run


def _dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def _rows(args: argparse.Namespace, rows: list[dict], line: Callable[[dict], str]) -> int:
    """Rows as JSON (``--json``) or one formatted line each."""
    if args.json:
        _dump(rows)
    else:
        for r in rows:
            print(line(r))
    return 0


def _outline_line(r: dict) -> str:
    pages = f"p. {r.get('page_start')}" + (f"–{r['page_end']}" if r.get("page_end") not in
                                           (None, r.get("page_start")) else "")
    return f"{'  ' * (r['level'] - 1)}{r['title']}  [lines {r['line_start']}–{r['line_end']}, {pages}]"


def _source_line(r: dict) -> str:
    ref = r["reference"] or ("not in reference list" + (
        f"; record has no bibliographic details (confidence: {r['confidence']})"
        if r.get("confidence") else ""))
    conf = f" [{r['confidence']}]" if r.get("confidence") else ""
    return f"{r['key']}  ×{r['occurrences']}{conf}\n    {ref}"


@_with_tables
def cmd_outline(args, tables) -> int:
    from assistant.sources import outline

    return _rows(args, [r for r in outline(tables) if not args.doc or r["doc_id"] == args.doc], _outline_line)


@_with_tables
def cmd_glossary(args, tables) -> int:
    from assistant.sources import glossary

    return _rows(args, glossary(tables),
                 lambda r: f"{r['fa']}\t{r['en']}\t(p. {r.get('page')}, line {r.get('marker_line') or r['line_no']})")


@_with_tables
def cmd_sources(args, tables) -> int:
    from assistant.sources import sources

    return _rows(args, [{k: v for k, v in r.items() if k != "record"} for r in sources(tables)], _source_line)


SHOWN_PASSAGES = 5  # passages of a linked work's full text printed by `cited` (--json lists all)


@_with_tables
def cmd_cited(args, tables) -> int:
    from assistant.sources import cited, live_passages

    result = cited(tables, args.key, live_passages(settings_from(args)))
    if args.json:
        _dump(result)
        return 0 if result["found"] else 3
    if not result["found"]:
        print(f"not cited in the indexed documents: {args.key}", file=sys.stderr)
        return 3
    conf = f" [confidence: {result['confidence']}]" if result.get("confidence") else ""
    print(f"{result['key']}{conf}")
    print(f"  {result['reference'] or 'not in reference list'}")
    print(f"\nWhere the paper cites it ({len(result['occurrences'])}):")
    for occ in result["occurrences"]:
        print(f"- line {occ['line_no']}, p. {occ['page']} — {occ['section'] or ''}\n  {occ['sentence']}")
    if not result["full_text"]:
        print(f'\nThe work itself: its full text is not in the knowledge base (python -m indexer add FILE '
              f'--cites "{result["key"]}" adds it).')
    for doc in result["full_text"]:
        shown = doc["passages"][:SHOWN_PASSAGES]
        print(f"\nThe work itself: full text in the knowledge base, document {doc['doc_id']} "
              f"({doc['title']}; {len(doc['passages'])} passages):")
        for p in shown:
            where = " · ".join(str(x) for x in (p.get("section"), f"p. {p['page']}" if p.get("page") else None) if x)
            text = p["text"] if len(p["text"]) <= 300 else p["text"][:300] + "…"
            print(f"- {p['id']}{' · ' + where if where else ''}\n  {text}")
        if len(doc["passages"]) > len(shown):
            print(f"  … {len(doc['passages']) - len(shown)} more (--json lists them all)")
    return 0


@_with_tables
def cmd_export(args, tables) -> int:
    from assistant.sources import export, keys_in_section

    if args.json:
        args.format = "csl-json"
    keys = list(args.key) or None
    if args.section:
        keys = (keys or []) + keys_in_section(tables, args.section)
        if not keys:
            print(f"no citations in a section matching {args.section!r}", file=sys.stderr)
            return 3
    emit(export(tables, keys, args.format), args.out)
    return 0


def _command(subparsers, name: str, help: str, func, json_help: str = "print JSON") -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help=help)
    add_settings_flags(p)
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=func)
    return p


def register(subparsers) -> None:
    p = _command(subparsers, "outline", "sections with levels, line and page spans", cmd_outline)
    p.add_argument("--doc", help="only this document id")
    _command(subparsers, "glossary", "Persian–English terms from the paper's footnotes", cmd_glossary)
    _command(subparsers, "sources", "every cited work with its reference and confidence", cmd_sources)
    p = _command(subparsers, "cited", 'where and for what a work is cited: cited "Heeks, 2003"', cmd_cited)
    p.add_argument("key")
    p = _command(subparsers, "export", "BibTeX / RIS / CSL-JSON of cited works", cmd_export,
                 json_help="same as --format csl-json")
    p.add_argument("key", nargs="*", help="citation keys (default: every cited work with a record)")
    p.add_argument("--section", help="works cited in sections matching this title")
    p.add_argument("--format", choices=["bibtex", "ris", "csl-json"], default="bibtex")
    p.add_argument("--out")
