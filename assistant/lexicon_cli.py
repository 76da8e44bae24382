"""``python -m assistant lexicon-gaps [--top N]``: Persian words of the store the lexicon cannot render.

English questions reach Persian passages through ``assistant/data/lexicon_fa_en.tsv``, made from the
paper's vocabulary. After indexing new Persian documents, this lists their most frequent content
words that have no English rendering yet, to be added as ``english|variants<TAB>persian`` lines.
"""
from __future__ import annotations

import sys

from indexer.cli_common import add_settings_flags, settings_from


def cmd_lexicon_gaps(args) -> int:
    from pathlib import Path

    from assistant.lexicon import lexicon, uncovered_words
    from indexer.store import live_tables_dir, load_passages

    settings = settings_from(args)
    folder = live_tables_dir(Path(settings.store_dir))
    if folder is None:
        print(f"error: no index in {settings.store_dir}: run `python -m indexer build` first", file=sys.stderr)
        return 1
    texts = [p.text for p in load_passages(folder).values()
             if p.metadata.get("language") == "fa" and not p.is_record]
    gaps = uncovered_words(texts, lexicon(), args.top)
    for word, count in gaps:
        print(f"{count}\t{word}")
    if not gaps:
        print("no gaps: the lexicon renders every frequent Persian content word of the store")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("lexicon-gaps", help="frequent Persian words of the store with no English rendering")
    add_settings_flags(p)
    p.add_argument("--top", type=int, default=50, help="how many words to list (most frequent first)")
    p.set_defaults(func=cmd_lexicon_gaps)
