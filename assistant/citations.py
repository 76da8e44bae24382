"""Works cited inside answer sentences, resolved against the store's bibliography tables — for an English
reader in English: a Persian work's key and reference as the parallel English edition renders them
(:func:`in_english`), the paper's own kept as ``original``."""
from __future__ import annotations

import re
from typing import Any, Sequence

from assistant.answer import english_edition
from assistant.sources import citations_in
from indexer.citations import extract_citations
from indexer.english import PERSIAN, EnglishEdition


def cited_works(sentences: list[str], tables: dict[str, dict[str, Any]], language: str = "fa",
                pairs: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """``[{"key", "reference", "confidence"}]`` for the in-text citations in ``sentences``, first seen first.

    Keys are resolved through the bibliography (``Bertot, 2010`` → ``Bertot et al., 2010``), so
    variants of one work count once. For an English reader (``language="en"``) Persian works are given as the
    English edition renders them (:func:`in_english`; ``pairs``: the answer's Persian sentences and their
    renderings).
    """
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence in sentences:
        for entry in citations_in(sentence, tables):
            if entry["key"] not in seen:
                seen.add(entry["key"])
                out.append(entry)
    return in_english(out, english_edition(tables), pairs) if language == "en" else out


# "Jalali, S., Keikha, A., & Haddadi, E. (1400 [2021]). Title." — the authors' family names and the year
_AUTHORS_YEAR = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>[^()]*\d{4}[^()]*)\)")
_FAMILY = re.compile(r"(?:^|,\s*&?\s*|&\s*)([A-Z][\w'’\- ]*?),\s*(?:[A-Z][a-z]?\.[\s\-]*)+")


def english_key(reference_en: str) -> str | None:
    """The in-text form of an English reference: "Jalali et al., 1400 [2021]", "Ahmadian & Namvar, 1403 [2024]".

    >>> english_key("Ahmadian, V., & Namvar, R. (1403 [2024]). Examining blockchain. Journal, 11(2), 135-166.")
    'Ahmadian & Namvar, 1403 [2024]'
    >>> english_key("Jalali, S., Keikha, A., & Haddadi, E. (1400 [2021]). A model.")
    'Jalali et al., 1400 [2021]'
    >>> english_key("Danaeifard, H. (1399 [2020]). Editorial.")
    'Danaeifard, 1399 [2020]'
    >>> english_key("Keikha, Sh., Amiri, M., & Raeisi, Kh. (1400 [2021]). T.")
    'Keikha et al., 1400 [2021]'
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


def rendered_keys(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Persian citation key → its in-text form in the English rendering, from (Persian, English) sentence
    pairs whose citations correspond one to one, in order, with the same years.

    >>> rendered_keys([("(جلالی و همکاران، 1400؛ Heeks, 2003)", "(Jalali et al., 1400 [2021]; Heeks, 2003)")])
    {'جلالی و همکاران، 1400': 'Jalali et al., 1400 [2021]'}
    """
    out: dict[str, str] = {}
    for fa, en in pairs:
        fa_keys = [c.key for c in extract_citations(fa)]
        en_keys = [c.key for c in extract_citations(en)]
        if len(fa_keys) != len(en_keys):
            continue
        for k_fa, k_en in zip(fa_keys, en_keys):
            year = k_fa.rsplit(" ", 1)[-1]
            if PERSIAN.search(k_fa) and k_en.endswith(year):
                bracket = re.search(re.escape(k_en) + r"\s*(\[\d{4}\])", en)
                out[k_fa] = f"{k_en} {bracket.group(1)}" if bracket else k_en
    return out


def in_english(works: list[dict[str, Any]], edition: EnglishEdition,
               pairs: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """An English reader's citations. A Persian work's key becomes the one its answer sentence's rendering
    gives it (``pairs``: the answer's Persian sentences and their renderings), else its rendered reference's
    in-text form; its reference becomes the rendering in the English edition (the paper's reference list is
    rendered there), else none. The paper's own key and reference are kept as ``original``."""
    keys = rendered_keys(list(pairs))
    out = []
    for work in works:
        key, reference = work["key"], work.get("reference") or ""
        found = edition.find(reference) if PERSIAN.search(reference) else None
        rendered = found.en if found is not None and found.kind == "reference" else None
        if not (PERSIAN.search(key) or PERSIAN.search(reference)) or not (rendered or key in keys):
            out.append(work)
            continue
        english = keys.get(key) or (english_key(rendered) if rendered else None) or key
        out.append({**work, "key": english, "reference": rendered,
                    "original": {"key": key, "reference": work.get("reference")}})
    return out
