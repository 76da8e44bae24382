"""Terminal output that a document or a question cannot take over.

Document text, file names and questions reach the CLIs' stdout and stderr. Escape sequences in them (ESC
``[2J``, OSC ``]0;title``, C1 controls) would drive the user's terminal, and bidi overrides (U+202E)
would show text other than what is there. :class:`SafeStream` drops those characters from everything
written; line breaks, tabs, ZWNJ/ZWJ and the RLM/LRM marks Persian text needs are kept.
"""
from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# C0 controls but \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without terminal control characters and bidi overrides.

    >>> clean("ok\\x1b[2J\\x1b]0;pwned\\x07 \\u202etxt.exe\\nنقش\\u200cها")
    'ok[2J]0;pwned txt.exe\\nنقش\\u200cها'
    """
    return _UNSAFE.sub("", text)


class SafeStream:
    """A text stream wrapper that writes :func:`clean` text (everything else is the wrapped stream's)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(clean(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (once)."""
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
    if not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)
