"""Works cited inside answer sentences, resolved against the store's bibliography tables."""
from __future__ import annotations

from typing import Any


def cited_works(sentences: list[str], tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"key", "reference"}]`` for the in-text citations found in ``sentences`` (first seen first)."""
    try:
        from indexer.citations import extract_citations
    except ImportError:
        return []
    bibliography: dict[str, dict] = {}
    for table in tables.values():
        for entry in table.get("bibliography", []):
            bibliography.setdefault(entry["key"], entry)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence in sentences:
        for citation in extract_citations(sentence):
            if citation.key in seen:
                continue
            seen.add(citation.key)
            entry = bibliography.get(citation.key, {})
            out.append({"key": citation.key, "reference": entry.get("reference"),
                        "confidence": entry.get("confidence")})
    return out
