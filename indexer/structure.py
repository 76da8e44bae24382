"""Document structure: lines → paragraphs with section paths, line spans and pages.

Two entry points:
- :func:`structure_proofread` for a proofread edition (``*.clean.jsonl``: one ``{line_no, kind, clean}``
  object per source line), where the PDF's line breaks, page-bottom separators, footnote glosses and
  the shattered running header are all still visible;
- :func:`structure_plain` for plain text and Markdown (blank lines separate paragraphs, Markdown
  ``#`` headings open sections; pages are separated by form feeds as PDF extraction emits them).
"""
from __future__ import annotations

import functools
import math
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
    list_item: bool = False  # a run-in its section's intro announces: it can hold stand-alone headings


@dataclass
class Paragraph:
    """A paragraph of clean text with its provenance in the source."""

    text: str
    line_start: int
    line_end: int
    page: int | None
    section_path: list[str]
    kind: str = "body"  # body | abstract_en | reference | acknowledgements
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


# a sentence that announces what a section (or the paper) goes on to discuss
_ANNOUNCING = re.compile(r"در این (بخش|نوشته|مقاله)|عبارتند از|خواهیم|خواهند|خواهد شد|به شرح ذیل|ذیلا"
                         r"|می\u200cپردازد|تقسیم")
_ANNOUNCED = 0.45  # share of a heading's (IDF-weighted) words an announcing sentence must contain


@functools.lru_cache(maxsize=1)
def _stemmer():
    from hazm import Stemmer

    return Stemmer()


@functools.lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    """Content-word stems of ``text`` (hazm normalisation, stopwords and numbers dropped)."""
    from indexer.normalize import persian_stopwords, words

    stop, stem = persian_stopwords(), _stemmer().stem
    return frozenset(stem(w.replace("\u200c", "")) for w in words(text)
                     if w not in stop and not w.isdigit() and len(w) > 1)


def _announcements(paragraphs: list["Paragraph"]) -> frozenset[str]:
    """Stems of the sentences of ``paragraphs`` that announce what follows («در این بخش … خواهیم»)."""
    sentences = [x for p in paragraphs for x in re.split(r"(?<=[.؟!])\s", p.text)]
    return frozenset().union(*[_stems(x) for x in sentences if _ANNOUNCING.search(x)])


class _Outline:
    """Nesting of headings without font sizes (see :func:`structure_proofread`).

    A heading is the child of the deepest open section whose intro announces it; a stand-alone
    heading that the introduction's roadmap announces, or a conventional one («مقدمه», «مآخذ»), is top
    level; numbered headings («1- …») and headings that extend the top-level title sit under the
    top-level section, and so does any other stand-alone heading. A run-in heading sits under the
    deepest stand-alone heading or announced run-in; a run-in its stand-alone parent announces (the
    parts «حکمرانی هوشمند، … و عملیات اجرایی هوشمند» of «ارکان اصلی …») is a list item that can hold
    stand-alone headings, and a run-in shaped like an open list item (same last word, about as long)
    is the next item of that list.
    """

    def __init__(self, rows: list[dict]) -> None:
        body = [r["clean"] for r in rows if r["kind"] == "body"]
        windows = [_stems(" ".join(body[i:i + 5])) for i in range(0, len(body), 5)]
        self.df: dict[str, int] = {}
        for window in windows:
            for stem in window:
                self.df[stem] = self.df.get(stem, 0) + 1
        self.n = len(windows)
        self.roadmap: frozenset[str] = frozenset()

    def coverage(self, title: str, announced: frozenset[str]) -> float:
        """IDF-weighted share of the title's words found in ``announced`` (or of its part before a
        colon: «پایداری: بهره‌وری انرژی و مدیریت پسماند» is announced as «پایداری»)."""
        head = title.split(":")[0]
        if head != title:
            return max(self.coverage(head, announced), self.coverage(title.replace(":", " "), announced))
        weights = {s: math.log((self.n + 1) / (self.df.get(s, 0) + 1)) for s in _stems(title)}
        total = sum(weights.values())
        return sum(w for s, w in weights.items() if s in announced) / total if total else 0.0

    def intro(self, section: "Section", paragraphs: list["Paragraph"]) -> frozenset[str]:
        return _announcements([p for p in paragraphs if p.section_path == section.path])

    def stand_alone_parent(self, title: str, path: list["Section"],
                           paragraphs: list["Paragraph"]) -> list["Section"]:
        """The sections a new stand-alone heading ``title`` sits under."""
        title = title.strip()
        if title in _TOP_LEVEL or not path:
            return []
        top = path[0]
        if re.match(r"^\s*\d+\s*[-–.)]", title) or (title != top.title and title.startswith(top.title)):
            return [top]
        for i in range(len(path) - 1, -1, -1):
            if (not path[i].run_in or path[i].list_item) and path[i].title not in _TOP_LEVEL and \
                    self.coverage(title, self.intro(path[i], paragraphs)) >= _ANNOUNCED:
                return path[: i + 1]
        if self.coverage(title, self.roadmap) >= _ANNOUNCED or top.title in _TOP_LEVEL:
            return []
        return [top]

    def run_in_parent(self, title: str, path: list["Section"],
                      paragraphs: list["Paragraph"]) -> tuple[list["Section"], bool]:
        """The sections a new run-in heading sits under, and whether it is an announced list item."""
        if title in _TOP_LEVEL:
            return [], False
        depth = max((i + 1 for i, s in enumerate(path) if not s.run_in or s.list_item), default=0)
        parent = path[:depth]
        if parent and not parent[-1].run_in and \
                self.coverage(title, _stems(parent[-1].title)) >= _ANNOUNCED:
            return parent, False  # «شبکه‌های هوشمند» under «زیرساخت‌ها: شبکه‌های هوشمند و حمل و نقل»
        words = title.split()
        for i in range(len(path) - 1, -1, -1):
            item = path[i]
            if item.list_item and item.title.split()[-1] == words[-1] and \
                    abs(len(item.title.split()) - len(words)) <= 1:
                return path[:i], True
        announced = bool(parent) and not parent[-1].run_in and \
            self.coverage(title, self.intro(parent[-1], paragraphs)) >= _ANNOUNCED
        return parent, announced


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
    outline = _Outline(rows)
    open_: list[Section] = []  # the sections the next paragraph belongs to, outermost first
    path: list[str] = []
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

    def open_section(parent: list[Section], title: str, row: dict, **flags) -> None:
        nonlocal open_, path
        open_ = list(parent)
        path = [s.title for s in open_] + [title]
        section = Section(title, len(path), list(path), row["line_no"], row["line_no"],
                          pages.get(row["line_no"]), **flags)
        sections.append(section)
        open_.append(section)

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
                last_kind = kind
                continue
            if not outline.roadmap and open_ and open_[0].title in ("مقدمه", "Introduction"):
                outline.roadmap = outline.intro(open_[0], paragraphs)
            open_section(outline.stand_alone_parent(text, open_, paragraphs), text, row)
            last_kind = kind
            continue
        last_kind = kind
        if kind != current_kind:
            flush()
            current_kind = kind
            if kind == "abstract_en" and not path:
                open_section([], "Abstract", row)
            elif kind == "body" and path == ["Abstract"]:
                open_section([], "چکیده", row)
        title = run_in_title(text) if kind == "body" else None
        if title and current and current[-1]["clean"].strip().endswith(_SENTENCE_END):
            flush()  # a run-in heading after a full-width line that ends a sentence
        if not current and title and title != (path[-1] if path else None):
            parent, item = outline.run_in_parent(title, open_, paragraphs)
            open_section(parent, title, row, run_in=True, list_item=item)
        current.append(row)
        ends_paragraph = kind == "reference" and text.endswith(".") and len(text) < short
        if kind == "body" and text.endswith(_SENTENCE_END) and len(text) < short:
            ends_paragraph = True
        if ends_paragraph:
            flush()
    flush()
    _close_sections(sections, paragraphs)
    _mark_acknowledgements(paragraphs)
    return DocumentStructure(sections, paragraphs, footnotes)


def _close_sections(sections: list[Section], paragraphs: list[Paragraph]) -> None:
    """Set each section's end line/page from the paragraphs under it."""
    for section in sections:
        under = [p for p in paragraphs if p.section_path[: len(section.path)] == section.path]
        if under:
            section.line_end = max(p.line_end for p in under)
            section.page_end = max((p.page or 0) for p in under) or section.page_start


# the author's thanks and funding note («تقدیر و تشکر», «سپاسگزاری», "Acknowledgements")
_ACKNOWLEDGEMENTS = re.compile(r"^\s*(تقدیر\s+و\s+تشکر|سپاس\s*\u200c?\s*گزاری|acknowledg)", re.IGNORECASE)


def _mark_acknowledgements(paragraphs: list[Paragraph], skip: int = 0) -> None:
    """Give the body paragraphs of an acknowledgements section their own kind (``skip``: leading path
    entries that are not sections, such as a document title).

    The funding note names «منابع» (sources) and «مرکز» (centre) while saying nothing about the
    field, so retrieval ranks it like a bibliography record unless a question asks about thanks or
    funding: that needs to know the section, not guess it from each passage's heading.

    >>> ps = [Paragraph("…", 1, 1, 1, ["تقدیر و تشکر"]), Paragraph("…", 2, 2, 1, ["Acknowledgements", "Funding"]),
    ...       Paragraph("…", 3, 3, 1, ["مقدمه"])]
    >>> _mark_acknowledgements(ps); [p.kind for p in ps]
    ['acknowledgements', 'acknowledgements', 'body']
    """
    for paragraph in paragraphs:
        if paragraph.kind == "body" and any(_ACKNOWLEDGEMENTS.match(t) for t in paragraph.section_path[skip:]):
            paragraph.kind = "acknowledgements"


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
    _mark_acknowledgements(paragraphs, skip=1 if title else 0)
    return DocumentStructure(sections, paragraphs)
