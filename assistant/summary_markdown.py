"""A :class:`assistant.summarize.Summary` as Markdown (right-to-left for Persian) or JSON."""
from __future__ import annotations

import dataclasses
import json

from assistant.answer import MACHINE_MARK
from assistant.summarize import LABELS, KeyPoint, Summary
from indexer.chunking import SECTION_SEP


def to_json(summary: Summary) -> str:
    data = dataclasses.asdict(summary)
    if summary.generation is None:  # an extractive summary: the same object as before written summaries existed
        data.pop("generation")
        for sub in data["subsections"]:
            for point in sub["points"]:
                point.pop("generated")
                point.pop("support")
    return json.dumps(data, ensure_ascii=False, indent=1)


#: the mark of a key point written by the model (Markdown and PDF), in the summary's language
WRITTEN = {"fa": "(نوشته مدل)", "en": "(written by the model)"}


def point_text(point: KeyPoint, lang: str) -> str:
    """A key point as shown: a written one opens with its mark, a machine rendering ends with its own."""
    text = point.text + (MACHINE_MARK if point.translated_by else "")
    return f"{WRITTEN.get(lang, WRITTEN['en'])} {text}" if point.generated else text


_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def digits(text: str, lang: str) -> str:
    """Persian digits in Persian labels («ص ۱»), Latin ones in English."""
    return text.translate(_FA_DIGITS) if lang == "fa" else text


def point_location(point: KeyPoint, lab: dict) -> str:
    """Where a key point stands, readable: «ص ۱، سطرهای ۶۳–۸۴» or "p. 1, lines 63–84".

    >>> p = KeyPoint("…", ["smart-statesmanship:0003"], 1, 63, 84)
    >>> point_location(p, LABELS["fa"]), point_location(p, LABELS["en"])
    ('ص ۱، سطرهای ۶۳–۸۴', 'p. 1, lines 63–84')
    """
    fa = lab is LABELS["fa"]
    bits = []
    if point.page:
        bits.append(f"{lab['page']} {point.page}")
    if point.line_start:
        end = point.line_end or point.line_start
        bits.append(f"{lab['lines']} {point.line_start}–{end}" if end != point.line_start
                    else f"{lab['line']} {point.line_start}")
    return digits("، ".join(bits), "fa") if fa else ", ".join(bits)


def heading(summary: Summary) -> str:
    lab = LABELS[summary.lang]
    head = lab["summary"] if summary.kind == "section" else lab["topic"]
    return f"{head}: {summary.title}"


def to_markdown(summary: Summary) -> str:
    """Markdown, right-to-left for Persian (``dir="rtl"`` blocks render RTL on GitHub and in browsers)."""
    lab = LABELS[summary.lang]
    rtl = summary.lang == "fa"
    lines = [f"# {heading(summary)}", ""]
    if summary.doc_title:
        pages = f" · {lab['pages']} {page_range(summary.pages)}" if summary.pages else ""
        lines += [f"*{summary.doc_title}*{pages}", ""]
    lines += [f"> {summary.note}", ""]
    lines += [f"## {lab['key_points']}", ""]
    for sub in summary.subsections:
        where = []
        if sub.pages:
            where.append(f"{lab['pages']} {page_range(sub.pages)}")
        if sub.lines:
            where.append(f"{lab['lines']} {sub.lines[0]}–{sub.lines[1]}")
        lines += [f"### {SECTION_SEP.join(sub.path) or summary.title}", ""]
        if where:
            lines += [f"<sub>{digits(' · '.join(where), summary.lang)}</sub>", ""]
        for point in sub.points:
            # the reference as readable text, isolated so that its digits keep their order in either
            # direction; the passage ids stay out of the text (an HTML comment keeps them for tools)
            cites = f" — {'; '.join(point.citations)}" if point.citations else ""
            lines.append(f"- {point_text(point, summary.lang)} <bdi>({point_location(point, lab)})</bdi>{cites}"
                         f" <!-- {', '.join(point.passage_ids)} -->")
            if point.original:
                lines.append(f'  <details><summary>{lab["original"]}</summary>'
                             f'<div dir="rtl">{point.original}</div></details>')
        lines.append("")
    lines += [f"## {lab['glossary']}", ""]
    if summary.glossary:
        lines += [("| فارسی | English |" if rtl else "| Persian | English |"), "|---|---|"]
        lines += [f"| {g['fa']} | {g['en']} |" for g in summary.glossary]
    else:
        lines.append(lab["none"])
    lines += ["", f"## {lab['works']}", ""]
    if summary.works:
        for w in summary.works:
            missing = lab["not_in_refs"] if summary.references_resolved else lab["unresolved"]
            lines.append(f"- **{w['key']}**: {w.get('reference') or missing}")
    else:
        lines.append(lab["none"])
    lines.append("")
    body = "\n".join(lines)
    return f'<div dir="rtl">\n\n{body}\n</div>\n' if rtl else body


def page_range(pages: list[int]) -> str:
    if not pages:
        return ""
    return f"{pages[0]}–{pages[-1]}" if len(pages) > 1 else str(pages[0])
