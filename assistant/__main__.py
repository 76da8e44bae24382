"""``python -m assistant ask|outline|glossary|sources|cited|summarize`` (see README)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from indexer import offline as _offline  # noqa: F401
from indexer.cli_common import add_settings_flags, settings_from, utf8_stdout

if TYPE_CHECKING:
    from assistant.result import AskResult


OFFTOPIC = {"en": "This question is outside what this knowledge base covers: one paper on smart statesmanship "
                  "(AI, cloud computing, big data and IoT in governance, public administration and executive "
                  "operations) and the works it cites.",
            "fa": "این پرسش بیرون از حوزه این پایگاه دانش است: مقاله «کشورداری هوشمند» (هوش مصنوعی، رایانش ابری، "
                  "داده‌های کلان و اینترنت اشیا در حکمرانی، مدیریت دولتی و عملیات اجرایی) و آثاری که به آن‌ها "
                  "استناد می‌کند."}


class _TerminalStream:
    """Prints the model's reply as it streams (the checked answer is printed after it)."""

    def __init__(self) -> None:
        self.started = False

    def __call__(self, text: str) -> None:
        if not self.started:
            print("✍  ", end="")
            self.started = True
        print(text, end="", flush=True)

    def close(self) -> None:
        if self.started:
            print("\n")


def _print_human(result: AskResult, show_original: bool = False) -> None:
    print(f"❓ {result.question}")
    if result.decline and result.decline.kind == "offtopic":
        print(OFFTOPIC.get(result.language, OFFTOPIC["en"]))
        return  # the nearest passages of an off-topic question are not related to it
    elif result.decline:
        print("The paper does not answer this. / مقاله به این پرسش پاسخ نمی‌دهد.")
        print(f"  ({result.decline.reason})")  # no note: the notes introduce an answer, and there is none
    else:
        if result.note:  # the answer is an English rendering, or quotes Persian text (with glosses), or a
            print("  " + result.note.replace("\n", "\n  "))  # cited work's full text (or its absence)
        ids = {h.passage.id: i for i, h in enumerate(result.passages, start=1)}
        for s in result.sentences:
            marks = "".join(f"[{ids.get(pid, '?')}]" for pid in s.passage_ids)
            check = f"  ({s.support} {s.score:.2f})" if s.generated else ""
            machine = "⚙ " if s.translated_by else ""  # rendered by the local backend (answer note says by whom)
            print(f"  {s.text} {machine}{marks}{check}")
            if show_original and s.original:
                print(f"      original: {s.original}")
    print()
    for i, hit in enumerate(result.passages, start=1):
        p = hit.to_json()
        where = f"lines {p['line_start']}–{p['line_end']}"
        if p.get("page"):
            where += f", page {p['page']}"
        print(f"[{i}] {p['id']} · {p['section'] or '-'} · {where} · score {p['score']}")
        text = p["text"]
        print("    " + (text[:300] + "…" if len(text) > 300 else text))
    if result.citations:
        print("\nCited works:")
        for c in result.citations:
            print(f"  - {c.key}: {c.reference or 'not in reference list'}")
            if show_original and c.original:
                print(f"      original: {c.original.reference or c.original.key}")


def cmd_ask(args) -> int:
    from assistant import Assistant
    from assistant.question_check import USAGE, has_words
    from assistant.retrieval import EmptyStoreError

    if args.question and not has_words(" ".join(args.question)):
        print(f"error: {USAGE['en']}", file=sys.stderr)
        return 2
    settings = settings_from(args)
    try:
        bot = Assistant(settings)
    except EmptyStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.questions:
        from assistant.batch import answer_file

        def emit(item_id: str | None, result: AskResult) -> None:
            if args.json:
                print(json.dumps({"id": item_id, **result.to_json()}, ensure_ascii=False), flush=True)
            else:
                _print_human(result, args.show_original)
                print("-" * 60)

        return answer_file(args.questions, lambda q: bot.ask(q, k=args.k), emit)
    if not args.question:
        print("error: give a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return 2
    question = " ".join(args.question)
    session = None
    if args.session:
        from assistant.conversations import Conversation

        if not Conversation.valid_name(args.session):
            print(f"error: session name {args.session!r}: use letters, digits, '-' or '_'", file=sys.stderr)
            return 2
        session = Conversation(settings.store_dir, args.session, fresh=args.new_conversation)
    stream = _TerminalStream() if settings.llm_enabled and not args.json else None
    result = bot.ask(question, k=args.k, context=session.context() if session else None, on_text=stream)
    if stream:
        stream.close()
    if session:
        session.add(result)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_human(result, args.show_original)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ask", help="answer a question (Persian or English) with cited passages")
    add_settings_flags(p)
    p.add_argument("question", nargs="*")
    p.add_argument("--questions", help="JSONL file of {id, question}: one JSON result per line")
    p.add_argument("--k", type=int, default=None, help="passages to return")
    p.add_argument("--json", action="store_true")
    p.add_argument("--session", metavar="NAME",
                   help="a conversation: the question is read in the context of the previous one")
    p.add_argument("--new-conversation", action="store_true", help="start the --session conversation anew")
    p.add_argument("--show-original", action="store_true",
                   help="print the Persian original under each English (translated) answer sentence and cited work")
    p.set_defaults(func=cmd_ask)
    for module in ("assistant.sources_cli", "assistant.summarize_cli", "assistant.lexicon_cli"):
        try:
            register = __import__(module, fromlist=["register"]).register
        except ImportError:
            continue
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    utf8_stdout()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
