"""Works cited inside answer sentences, resolved against the store's bibliography tables."""
from __future__ import annotations

from typing import Any

from assistant.sources import citations_in


def cited_works(sentences: list[str], tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"key", "reference", "confidence"}]`` for the in-text citations in ``sentences``, first seen first.

    Keys are resolved through the bibliography (``Bertot, 2010`` → ``Bertot et al., 2010``), so
    variants of one work count once.
    """
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence in sentences:
        for entry in citations_in(sentence, tables):
            if entry["key"] not in seen:
                seen.add(entry["key"])
                out.append(entry)
    return out
