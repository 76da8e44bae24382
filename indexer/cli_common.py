"""Shared CLI plumbing: settings flags and stdout that prints Persian correctly."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.settings import Settings


def add_settings_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="store folder (default: .kb/ in the project)")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: corpus/)")
    parser.add_argument("--config", type=Path, help="TOML settings file (default: ./kb.toml)")


def settings_from(args: argparse.Namespace, **extra) -> Settings:
    overrides = {"store_dir": getattr(args, "store", None), "corpus_dir": getattr(args, "corpus", None)}
    overrides.update(extra)
    return Settings.load(config_file=getattr(args, "config", None), overrides=overrides)


def utf8_stdout() -> None:
    """Persian output must not crash on a terminal or pipe with a non-UTF-8 locale, and document text or a
    question must not drive the terminal (control characters and bidi overrides are dropped)."""
    from indexer import terminal

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    terminal.install()


def emit(text: str, out: str | Path | None) -> None:
    """Write ``text`` to ``out`` (and print the path), or print it when no file is given."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
        print(out)
    else:
        print(text)
