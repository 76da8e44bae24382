"""Reading summaries over the real paper, and their Markdown / JSON / PDF exports."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from assistant.summarize import SectionNotFound, match_section, summarize
from assistant.summary_markdown import to_json, to_markdown
from assistant.summary_pdf import to_pdf
from indexer.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
SECTION = "راهبردهایی برای برپایی کشورداری هوشمند"  # typed without the paper's ZWNJ


@pytest.fixture(scope="module")
def section_summary(paper_assistant):
    return summarize(paper_assistant, section=SECTION)


def test_match_section_is_forgiving():
    titles = ["مقدمه", "راهبرد\u200cهایی برای برپایی کشورداری هوشمند", "نتیجه\u200cگیری"]
    assert match_section(SECTION, titles) == titles[1]
    assert match_section("نتیجه گیری", titles) == titles[2]
    assert match_section("فیزیک کوانتوم", titles) is None


def test_section_summary_points_are_cited_verbatim(paper_assistant, section_summary):
    s = section_summary
    assert s.kind == "section" and s.title.replace("\u200c", "") == SECTION.replace("\u200c", "")
    assert len(s.subsections) >= 2  # the section and its numbered subsections
    passages = paper_assistant.retriever.passages
    # the points come from both numbered strategies («1- …», «2- …») under the section
    sections = {passages[pid].metadata["section"] for sub in s.subsections for point in sub.points
                for pid in point.passage_ids}
    assert any("› 1-" in sec for sec in sections) and any("› 2-" in sec for sec in sections)
    for sub in s.subsections:
        assert 1 <= len(sub.points) <= 4 and sub.pages and sub.lines
        for point in sub.points:
            assert all(point.text in passages[pid].text for pid in point.passage_ids)
            assert point.page and point.line_start
    assert s.works and all(w["key"] for w in s.works)
    # the works cited anywhere in the section are listed (a point is often the run-in heading's
    # sentence, which cites nothing itself), and a point's own citations are among them
    keys = {w["key"] for w in s.works}
    assert "Bertot et al., 2010" in keys
    assert all(set(p.citations) <= keys for p in s.points)


def test_markdown_and_json(section_summary):
    md = to_markdown(section_summary)
    assert md.startswith('<div dir="rtl">') and "## نکته‌های کلیدی" in md and "## آثار استنادشده" in md
    assert section_summary.points[0].text in md
    # references read as text («ص ۸، سطرهای …», isolated); passage ids only in comments, not in the text
    visible = re.sub(r"<!--.*?-->", "", md)
    assert "smart-statesmanship:" not in visible and "<!-- smart-statesmanship:" in md
    assert re.search(r"<bdi>\(ص [۰-۹]+، سطرهای [۰-۹]+–[۰-۹]+\)</bdi>", md)
    terms = [g["en"].casefold() for g in section_summary.glossary]
    assert len(terms) == len(set(terms))  # one entry per term, whatever its capitals
    data = json.loads(to_json(section_summary))
    assert data["subsections"][0]["points"][0]["passage_ids"]


def test_pdf_renders_persian_in_logical_order(section_summary, tmp_path):
    path = to_pdf(section_summary, tmp_path / "summary.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        from pypdf import PdfReader
        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    text = re.sub("[\u202a-\u202e\u200e\u200f]", "", text)
    flat = re.sub(r"\s+", " ", text)
    # words come back in reading (logical) order, not visual order and not as presentation forms
    assert "نکته‌های کلیدی" in flat.replace(" ", " ")
    assert "برپایی کشورداری هوشمند" in flat
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)
    words = section_summary.points[0].text.split()[:4]
    assert " ".join(words) in flat


def test_pdf_first_page_png_bullets_and_references(paper_assistant, tmp_path):
    """The first page rendered to PNG (poppler): bullets at the start (right) of Persian lines, references
    as «(ص ۱، سطرهای ۶۳–۸۴)», no passage ids, one glossary entry per term."""
    summary = summarize(paper_assistant, section="مقدمه")
    path = to_pdf(summary, tmp_path / "summary.pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / "summary-pdf")],
                   check=True)
    png = ARTIFACTS / "summary-pdf-1.png"
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = re.sub("[\u202a-\u202e\u200e\u200f\u2066-\u2069]", "", text)
    assert "smart-statesmanship:" not in text
    point = summary.points[0]
    # poppler moves the neutrals around an RTL run's digits when it extracts («(ص ،۱ سطرهای )۸۴–۶۳»):
    # the label words, the page and the line pair are what is checked here; the PNG shows the layout
    lines = re.findall(r"\(ص[،\s]*([۰-۹]+)[،\s]*سطرهای[\s)]*([۰-۹]+)–([۰-۹]+)", text)
    fa = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    # poppler returns the digits of an RTL run in display order: the pair is the range, either way round
    found = {(int(p.translate(fa)), frozenset({int(a.translate(fa)), int(b.translate(fa))})) for p, a, b in lines}
    assert (point.page, frozenset({point.line_start, point.line_end})) in found, (lines, point)
    # the bullet of each Persian point is the rightmost word of its line
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', bbox)]
    bullets = [w for w in words if w[3] == "•"]
    assert bullets
    for x0, y0, _x1, _ in bullets:
        same_line = [w for w in words if abs(w[1] - y0) < 3 and w[3] != "•"]
        assert same_line and all(w[2] <= x0 + 0.5 for w in same_line), "a bullet is not at the line's start"


def test_topic_summary_in_english(paper_assistant):
    s = summarize(paper_assistant, topic="Estonia digital identity and online voting", lang="en")
    assert s.kind == "topic" and s.subsections
    md = to_markdown(s)
    assert "## Key points" in md and "## Glossary" in md and "## Works cited" in md
    assert any("Estonia" in p.text for p in s.points) and all(p.language == "en" for p in s.points)
    assert any("استونی" in (p.original or "") for p in s.points)  # the Persian original beside each point


def test_unknown_section(paper_assistant):
    with pytest.raises(SectionNotFound):
        summarize(paper_assistant, section="فیزیک کوانتوم و سیاهچاله‌ها")


def test_cli_summarize_md(paper_store):
    store = ["--store", str(paper_store.store_dir)]
    md = subprocess.run([sys.executable, "-m", "assistant", "summarize", "--section", "نتیجه‌گیری", "--lang", "en",
                         *store], check=True, cwd=PROJECT_ROOT, timeout=600, capture_output=True, text=True).stdout
    assert md.startswith("# Reading summary: Conclusion") and "## Key points" in md


def test_an_unsupported_written_point_is_replaced_only_by_a_key_point_of_a_passage_it_cites():
    """The model's unsupported sentence gives way to the cited passage's key point; with none there, it is left
    out (never a key point of another passage, which would not say what the sentence claimed)."""
    from assistant.fusion import Hit
    from assistant.llm_support import SupportCheck
    from assistant.summarize import KeyPoint, SubsectionSummary
    from assistant.summary_llm import _rewrite
    from indexer.store import Passage

    a, b = (Passage(pid, "d", text, {"page": 1, "line_start": n, "line_end": n})
            for pid, text, n in (("d:1", "Cloud computing lowers the cost of public services.", 3),
                                 ("d:2", "Big data helps governments plan.", 7)))
    point_b = KeyPoint(b.text, ["d:2"], 1, 7, 7)
    sub = SubsectionSummary("Tools", ["Tools"], [1], (3, 7), [point_b])
    checks = [SupportCheck("Cloud computing lowers costs.", [1], True, "e5"),
              SupportCheck("Big data replaces planners.", [2], False, "unsupported"),
              SupportCheck("Cloud computing ends all corruption.", [1], False, "unsupported")]
    points, written, replaced, dropped = _rewrite(sub, checks, [Hit(a, 0.0), Hit(b, 0.0)], "en")
    assert [p.text for p in points] == ["Cloud computing lowers costs.", b.text]
    assert (written, replaced, dropped) == (1, 1, 1)
    # passage 1 has no key point: its unsupported sentence is left out, point_b is not borrowed for it
    points, written, replaced, dropped = _rewrite(sub, [checks[0], checks[2]], [Hit(a, 0.0), Hit(b, 0.0)], "en")
    assert [p.text for p in points] == ["Cloud computing lowers costs."] and (written, replaced, dropped) == (1, 0, 1)
