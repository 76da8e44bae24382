"""Works cited inside answer sentences, resolved against the store's bibliography tables."""
from __future__ import annotations

import re
from typing import Any

from assistant.sources import citations_in
from indexer.english import PERSIAN, EnglishEdition


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


# "Jalali, S., Keikha, A., & Haddadi, E. (1400 [2021]). Title." — the authors' family names and the year
_AUTHORS_YEAR = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>[^()]*\d{4}[^()]*)\)")
_FAMILY = re.compile(r"(?:^|,\s*&?\s*|&\s*)([A-Z][\w'’\- ]*?),\s*(?:[A-Z]\.\s*)+")


def english_key(reference_en: str) -> str | None:
    """The in-text form of an English reference: "Jalali et al., 1400 [2021]", "Ahmadian & Namvar, 1403 [2024]".

    >>> english_key("Ahmadian, V., & Namvar, R. (1403 [2024]). Examining blockchain. Journal, 11(2), 135-166.")
    'Ahmadian & Namvar, 1403 [2024]'
    >>> english_key("Jalali, S., Keikha, A., & Haddadi, E. (1400 [2021]). A model.")
    'Jalali et al., 1400 [2021]'
    >>> english_key("Danaeifard, H. (1399 [2020]). Editorial.")
    'Danaeifard, 1399 [2020]'
    """
    m = _AUTHORS_YEAR.match(reference_en)
    if not m:
        return None
    families = [f.strip() for f in _FAMILY.findall(m.group("authors"))]
    if not families:
        return None
    names = families[0] if len(families) == 1 else \
        f"{families[0]} & {families[1]}" if len(families) == 2 else f"{families[0]} et al."
    return f"{names}, {m.group('year')}"


def in_english(works: list[dict[str, Any]], edition: EnglishEdition) -> list[dict[str, Any]]:
    """An English reader's citations: a Persian reference becomes its rendering in the English edition (the
    paper's reference list is rendered there) and its key the rendering's in-text form; the Persian kept as
    ``original``. A work the edition does not render stays as it is."""
    out = []
    for work in works:
        reference = work.get("reference") or ""
        found = edition.find(reference) if PERSIAN.search(reference) else None
        if found is None or found.kind != "reference":
            out.append(work)
            continue
        out.append({**work, "key": english_key(found.en) or work["key"], "reference": found.en,
                    "original": {"key": work["key"], "reference": reference}})
    return out
