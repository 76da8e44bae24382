"""Repair of garbled right-to-left text, line by line: ``detect.classify_line`` says how a line is garbled
and the matching repair is applied. The chunk repair (the seed extractor's garbling, DESIGN §4) is
``chunks.unchunk``; detection uses it too, which is why it lives in its own module.
"""
from __future__ import annotations

import re

from indexer.rtl.chunks import FA_WORD, fix_latin, unchunk
from indexer.rtl.detect import classify_line, zwnj_swaps
from indexer.rtl.lm import get_lm
from indexer.rtl.text import fix_presentation_forms, strip_embedding_marks

__all__ = ["fix_latin", "repair_line", "repair_many", "repair_text", "tidy", "unchunk"]


_LTR_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.&'\-]*[A-Za-z0-9]")


def _reverse_line(line: str) -> str:
    """Visual order (pypdf layout mode) → logical: reverse the line, then each Latin/digit run back."""
    return _LTR_RUN.sub(lambda m: m.group()[::-1], line[::-1])


def _fix_digits(line: str) -> str:
    return re.sub(r"\d{2,}", lambda m: m.group()[::-1], line)


def _fix_zwnj_swaps(line: str) -> str:
    def fix(m: re.Match) -> str:
        return zwnj_swaps(m.group()) or m.group()
    return FA_WORD.sub(fix, line)


def tidy(text: str) -> str:
    """Typography of a rebuilt line: one space after Persian punctuation, none before it."""
    text = re.sub(r"([،؛:!?؟]|\)\.)(?=[\u0621-\u06cc])", r"\1 ", text)
    text = re.sub(r"(?<=[\u0621-\u06cc\d]) +([،؛:.!?؟])", r"\1", text)
    text = re.sub(r"(?<=[\u0621-\u06cc])\((?=[A-Za-z\u0621-\u06cc])", " (", text)  # باشند (Harrison
    return re.sub(r" {2,}", " ", text).strip()


def repair_line(line: str) -> str:
    """The line in logical order with standard characters; clean lines come back unchanged."""
    kind = classify_line(line)
    if kind in ("clean_fa", "not_fa"):
        return line
    if kind == "bidi_marks":
        fixed = strip_embedding_marks(line)
        return fixed if classify_line(fixed) in ("clean_fa", "not_fa", "bidi_marks") else repair_line(fixed)
    if kind == "presentation_forms":
        fixed = fix_presentation_forms(line)
        return fixed if classify_line(fixed) in ("clean_fa", "not_fa", "presentation_forms") else repair_line(fixed)
    if kind == "garbled_reversed":
        return _reverse_line(line)
    if kind == "garbled_zwnj_swap":
        return _fix_zwnj_swaps(line)
    if kind == "reversed_digits":
        return _fix_digits(line)
    return tidy(unchunk(line))


def repair_text(text: str) -> str:
    """Repair every line of ``text``; the number and order of lines is kept."""
    return "\n".join(repair_line(x) for x in text.split("\n"))


def _repair_chunk(lines: list[str]) -> list[str]:
    return [repair_line(x) for x in lines]


def repair_many(lines: list[str], workers: int | None = None) -> list[str]:
    """``repair_line`` over many lines, in order, on ``workers`` processes (default: all CPUs, max 4)."""
    import os

    workers = workers or min(4, os.cpu_count() or 1)
    if workers <= 1 or len(lines) < 50:
        return _repair_chunk(lines)
    import multiprocessing as mp

    get_lm()  # load once in the parent; forked workers share it
    size = max(1, len(lines) // (workers * 8))
    parts = [lines[i:i + size] for i in range(0, len(lines), size)]
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return _repair_chunk(lines)
    with ctx.Pool(workers) as pool:
        return [x for part in pool.map(_repair_chunk, parts) for x in part]
