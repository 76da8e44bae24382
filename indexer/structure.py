"""Document structure: lines → paragraphs with section paths, line spans and pages.

Two entry points:
- :func:`structure_proofread` for a proofread edition (``*.clean.jsonl``: one ``{line_no, kind, clean}``
  object per source line), where the PDF's line breaks, page-bottom separators, footnote glosses and
  the shattered running header are all still visible;
- :func:`structure_plain` for plain text and Markdown (blank lines separate paragraphs, Markdown
  ``#`` headings open sections; pages are separated by form feeds as PDF extraction emits them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.lang import detect_language

# A proofread line shorter than this share of the median body line that ends a sentence ends its
# paragraph: justified PDF lines run full width except the last one of a paragraph.
_SHORT_LINE_RATIO = 0.86
_SENTENCE_END = (".", ":", "؟", "?", "!", "»", ")")
_FOOTNOTE_RE = re.compile(r"^\s*(\d{1,2})\s+(.+?)\s*$")


@dataclass
class Section:
    """A heading and the span of source lines it governs."""

    title: str
    level: int
    path: list[str]
    line_start: int
    line_end: int
    page_start: int | None = None
    page_end: int | None = None
    run_in: bool = False  # a run-in heading opening a paragraph («رایانش ابری: …»)


@dataclass
class Paragraph:
    """A paragraph of clean text with its provenance in the source."""

    text: str
    line_start: int
    line_end: int
    page: int | None
    section_path: list[str]
    kind: str = "body"  # body | abstract_en | reference
    language: str = "fa"
    lines: list[int] = field(default_factory=list)
    line_offsets: list[int] = field(default_factory=list)  # start of each source line in ``text``

    def lines_for(self, start: int, end: int) -> tuple[int, int]:
        """Source line span of the characters ``text[start:end]``."""
        first = last = self.line_start
        for offset, line_no in zip(self.line_offsets, self.lines):
            if offset <= start:
                first = line_no
            if offset < end:
                last = line_no
        return first, last


@dataclass
class Footnote:
    """A page-bottom gloss such as ``1 Cloud computing``."""

    number: int
    text: str
    line_no: int
    page: int | None


@dataclass
class DocumentStructure:
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def outline(self) -> list[dict]:
        return [{"title": s.title, "level": s.level, "line_start": s.line_start,
                 "line_end": s.line_end, "page_start": s.page_start, "page_end": s.page_end,
                 "path": list(s.path), "run_in": s.run_in}
                for s in self.sections]


_TOP_LEVEL = {"مقدمه", "چکیده", "نتیجه‌گیری", "نتیجه گیری", "مآخذ", "منابع", "فهرست منابع",
              "تقدیر و تشکر", "Abstract", "References", "Introduction", "Conclusion"}
_CONNECTIVE_END = ("و", "در", "از", "به", "با", "برای", "بر", "of", "and", "the", "in", "for")
# a run-in heading: a short noun phrase opening a paragraph and ending in a colon («رایانش ابری: …»)
_RUN_IN = re.compile(r"^(?P<title>[^:.()؛!?؟«»]{2,80}?)\s*(?P<marker>\d{1,2})?\s*:\s")
_RUN_IN_MAX_WORDS = 8
_VERBISH = {"است", "هست", "دارد", "دارند", "هستند", "باشد", "باشند", "شود", "شوند", "کرد", "کند",
            "کنند", "گفت", "بود", "بودند", "شد", "شدند"}


def _heading_level(title: str, previous: list["Section"] | None = None) -> int:
    """Level of a stand-alone heading.

    Numbered headings («1- …») sit under the previous top-level heading; a heading that repeats and
    extends the previous top-level title («چالش‌ها … » → «چالش‌ها … در زمان ورود») is its child;
    everything else is top level (the PDF lost font sizes, so deeper nesting is not guessed).
    """
    title = title.strip()
    if title in _TOP_LEVEL or not previous:
        return 1
    top = next((s for s in reversed(previous) if s.level == 1), None)
    if re.match(r"^\s*\d+\s*[-–.)]", title):
        return 2
    if top is not None and title != top.title and title.startswith(top.title):
        return 2
    return 1


def run_in_title(text: str) -> str | None:
    """The run-in heading that opens a paragraph («رایانش ابری1: …» → «رایانش ابری»), if any."""
    m = _RUN_IN.match(text)
    if not m:
        return None
    title = m.group("title").strip()
    words = title.split()
    if not words or len(words) > _RUN_IN_MAX_WORDS or any(w in _VERBISH for w in words):
        return None
    if any(w.startswith("می\u200c") or w.startswith("نمی\u200c") for w in words):
        return None
    if re.search(r"\d{4}", title):
        return None
    return title


def _pages(rows: list[dict]) -> dict[int, int]:
    """Page number of every line: a run of separator/furniture/footnote lines closes a page."""
    page, pages, in_break = 1, {}, False
    for row in rows:
        kind = row["kind"]
        if kind in ("separator", "page_furniture"):
            if not in_break:
                page += 1
                in_break = True
        elif kind == "footnote":
            # footnotes sit below the page-bottom rule, on the page that just closed
            pages[row["line_no"]] = page - 1 if in_break else page
            continue
        else:
            in_break = False
        pages[row["line_no"]] = page
    return pages


def structure_proofread(rows: list[dict]) -> DocumentStructure:
    """Assemble proofread lines into sections and paragraphs (see module docstring)."""
    rows = sorted(rows, key=lambda r: r["line_no"])
    pages = _pages(rows)
    body_lengths = sorted(len(r["clean"]) for r in rows if r["kind"] == "body")
    median = body_lengths[len(body_lengths) // 2] if body_lengths else 80
    short = median * _SHORT_LINE_RATIO

    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    footnotes: list[Footnote] = []
    path: list[str] = []
    heading_path: list[str] = []  # path of the last stand-alone heading (run-ins nest below it)
    current: list[dict] = []
    current_kind = ""
    last_kind = ""

    def flush() -> None:
        nonlocal current
        if not current:
            return
        text, offsets = _join_lines([r["clean"] for r in current])
        first, last = current[0]["line_no"], current[-1]["line_no"]
        paragraphs.append(Paragraph(
            text=text, line_start=first, line_end=last, page=pages.get(first),
            section_path=list(path), kind=current_kind,
            language="en" if current_kind == "abstract_en" else detect_language(text),
            lines=[r["line_no"] for r in current], line_offsets=offsets))
        current = []

    for row in rows:
        kind, text = row["kind"], row["clean"].strip()
        if kind in ("separator", "page_furniture") or not text:
            continue  # a page break never ends a paragraph by itself
        if kind == "footnote":
            m = _FOOTNOTE_RE.match(text)
            if m:
                footnotes.append(Footnote(int(m.group(1)), m.group(2), row["line_no"],
                                          pages.get(row["line_no"])))
            continue
        if kind == "heading":
            flush()
            if last_kind == "heading" and sections and \
                    sections[-1].title.split()[-1] in _CONNECTIVE_END:
                # a heading that wrapped onto a second line («… فراگیر و» / «بازیابی‌های …»)
                merged = sections[-1]
                merged.title = f"{merged.title} {text}"
                merged.path[-1] = merged.title
                merged.line_end = row["line_no"]
                path = list(merged.path)
                heading_path = list(merged.path)
                last_kind = kind
                continue
            level = _heading_level(text, [s for s in sections if not s.run_in])
            stand_alone = [s for s in sections if not s.run_in]
            parent = next((s.path for s in reversed(stand_alone) if s.level < level), []) \
                if level > 1 else []
            path = list(parent) + [text]
            level = len(path)
            heading_path = list(path)
            sections.append(Section(text, level, list(path), row["line_no"], row["line_no"],
                                    pages.get(row["line_no"])))
            last_kind = kind
            continue
        last_kind = kind
        if kind != current_kind:
            flush()
            current_kind = kind
            if kind == "abstract_en" and not path:
                path = ["Abstract"]
                sections.append(Section("Abstract", 1, ["Abstract"], row["line_no"], row["line_no"],
                                        pages.get(row["line_no"])))
            elif kind == "body" and path == ["Abstract"]:
                path = ["چکیده"]
                sections.append(Section("چکیده", 1, ["چکیده"], row["line_no"], row["line_no"],
                                        pages.get(row["line_no"])))
        if not current and kind == "body":
            title = run_in_title(text)
            if title and title != (path[-1] if path else None):
                base = heading_path if heading_path else []
                path = list(base) + [title]
                sections.append(Section(title, len(path), list(path), row["line_no"], row["line_no"],
                                        pages.get(row["line_no"]), run_in=True))
        current.append(row)
        ends_paragraph = kind == "reference" and text.endswith(".") and len(text) < short
        if kind == "body" and text.endswith(_SENTENCE_END) and len(text) < short:
            ends_paragraph = True
        if ends_paragraph:
            flush()
    flush()
    _close_sections(sections, paragraphs)
    return DocumentStructure(sections, paragraphs, footnotes)


def _close_sections(sections: list[Section], paragraphs: list[Paragraph]) -> None:
    """Set each section's end line/page from the paragraphs under it."""
    for section in sections:
        under = [p for p in paragraphs if p.section_path[: len(section.path)] == section.path]
        if under:
            section.line_end = max(p.line_end for p in under)
            section.page_end = max((p.page or 0) for p in under) or section.page_start


def _join_lines(lines: list[str]) -> tuple[str, list[int]]:
    """Join PDF lines into running text (lines join with a space) and each line's start offset."""
    parts, offsets, pos = [], [], 0
    for line in lines:
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            continue
        offsets.append(pos)
        parts.append(line)
        pos += len(line) + 1
    return " ".join(parts), offsets


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def structure_plain(text: str, title: str | None = None) -> DocumentStructure:
    """Paragraphs and sections of plain text or Markdown; form feeds separate pages."""
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    path: list[str] = [title] if title else []
    buf: list[tuple[int, str]] = []
    page = 1
    page_of_line: dict[int, int] = {}

    def flush() -> None:
        nonlocal buf
        if buf:
            joined, offsets = _join_lines([t for _, t in buf])
            if joined:
                paragraphs.append(Paragraph(
                    text=joined, line_start=buf[0][0], line_end=buf[-1][0],
                    page=page_of_line.get(buf[0][0]), section_path=list(path),
                    language=detect_language(joined), lines=[n for n, _ in buf],
                    line_offsets=offsets))
        buf = []

    for line_no, raw in enumerate(text.splitlines(), start=1):
        page += raw.count("\f")
        line = raw.replace("\f", "").strip()
        page_of_line[line_no] = page
        m = _MD_HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            base = 1 if title else 0
            path = path[: base + level - 1] + [m.group(2)]
            sections.append(Section(m.group(2), level, list(path), line_no, line_no, page))
        elif not line:
            flush()
        else:
            buf.append((line_no, line))
    flush()
    _close_sections(sections, paragraphs)
    return DocumentStructure(sections, paragraphs)
