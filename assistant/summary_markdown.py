"""A :class:`assistant.summarize.Summary` as Markdown (right-to-left for Persian) or JSON."""
from __future__ import annotations

import dataclasses
import json

from assistant.summarize import LABELS, KeyPoint, Summary
from indexer.chunking import SECTION_SEP


def to_json(summary: Summary) -> str:
    return json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=1)


def point_location(point: KeyPoint, lab: dict) -> str:
    bits = []
    if point.page:
        bits.append(f"{lab['page']} {point.page}")
    if point.line_start:
        bits.append(f"{lab['lines']} {point.line_start}–{point.line_end or point.line_start}")
    return "، ".join(bits) if lab is LABELS["fa"] else ", ".join(bits)


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
            lines += [f"<sub>{' · '.join(where)}</sub>", ""]
        for point in sub.points:
            ref = f"[{', '.join(point.passage_ids)}]"
            cites = f" — {'; '.join(point.citations)}" if point.citations else ""
            lines.append(f"- {point.text} `{ref}` ({point_location(point, lab)}){cites}")
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
