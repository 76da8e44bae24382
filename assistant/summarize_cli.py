"""``python -m assistant summarize (--section TITLE | --topic TEXT) [--lang fa|en] [--format md|json|pdf]
[--out FILE] [--llm]``."""
from __future__ import annotations

import sys
from pathlib import Path

from indexer.cli_common import add_settings_flags, emit, settings_from


def cmd_summarize(args) -> int:
    from assistant import Assistant
    from assistant.retrieval import EmptyStoreError
    from assistant.summarize import SectionNotFound, summarize
    from assistant.summary_markdown import to_json, to_markdown
    from assistant.summary_pdf import to_pdf

    try:
        bot = Assistant(settings_from(args))
    except EmptyStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        summary = summarize(bot, section=args.section, topic=args.topic, lang=args.lang)
    except SectionNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.llm:
        from assistant.summary_llm import write_summary

        write_summary(summary, bot)
        print((summary.generation or {}).get("note") or "", file=sys.stderr)  # the whole note, "sentence(s)" too
    if args.format == "pdf":
        out = Path(args.out or "summary.pdf")
        to_pdf(summary, out)
        print(str(out))
        return 0
    text = to_json(summary) if args.format == "json" else to_markdown(summary)
    emit(text, args.out)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("summarize", help="reading summary of a section or topic (Markdown/JSON/PDF)")
    add_settings_flags(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--section", help="section title (Persian; close matches accepted)")
    what.add_argument("--topic", help="a theme, in Persian or English")
    p.add_argument("--lang", choices=["fa", "en"], default="fa", help="headings and labels language")
    p.add_argument("--format", choices=["md", "json", "pdf"], default="md")
    p.add_argument("--out", help="output file (required name for pdf; default summary.pdf)")
    p.add_argument("--llm", action="store_true",
                   help="key points written by the model server (llm_base_url, llm_model), each checked against "
                        "its passage; the extractive summary when the server fails")
    p.set_defaults(func=cmd_summarize)
