"""A :class:`assistant.summarize.Summary` as PDF: Persian shaped and laid out right-to-left (fpdf2 + HarfBuzz)."""
from __future__ import annotations

from pathlib import Path

from assistant.summarize import LABELS, Summary
from assistant.summary_markdown import digits, heading, page_range, point_location, point_text
from indexer.chunking import SECTION_SEP
from indexer.lang import detect_language

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
_SYSTEM_FONTS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto")]


def find_fonts() -> dict[str, Path]:
    """Persian (Naskh) and Latin fonts: the shipped ``assets/fonts`` first, then system Noto fonts."""
    want = {"fa": ["NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf"],
            "faB": ["NotoNaskhArabic-Bold.ttf", "NotoSansArabic-Bold.ttf"],
            "la": ["NotoSans-Latin-Regular.ttf", "NotoSans-Regular.ttf"],
            "laB": ["NotoSans-Latin-Bold.ttf", "NotoSans-Bold.ttf"]}
    out: dict[str, Path] = {}
    for role, names in want.items():
        for folder in [FONT_DIR, *_SYSTEM_FONTS]:
            hit = next((folder / n for n in names if (folder / n).is_file()), None)
            if hit:
                out[role] = hit
                break
    if "fa" not in out:
        raise FileNotFoundError("no Persian-capable font: ship assets/fonts/ or `apt-get install fonts-noto-core`")
    return out


def to_pdf(summary: Summary, path: str | Path) -> Path:
    """A PDF with Persian shaped and laid out right-to-left (fpdf2 text shaping via HarfBuzz)."""
    from fpdf import FPDF

    fonts = find_fonts()
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("fa", "", str(fonts["fa"]))
    pdf.add_font("fa", "B", str(fonts.get("faB", fonts["fa"])))
    fallbacks = []
    if "la" in fonts:
        pdf.add_font("la", "", str(fonts["la"]))
        pdf.add_font("la", "B", str(fonts.get("laB", fonts["la"])))
        fallbacks = ["la"]
    pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_title(heading(summary))
    pdf.set_creator("assistant.summarize")
    pdf.add_page()
    lab = LABELS[summary.lang]
    rtl = summary.lang == "fa"

    def para(text: str, size: float = 11, style: str = "", gap: float = 1.5, color=(0, 0, 0),
             rtl: bool | None = None) -> None:
        """One paragraph, laid out in its own direction: a Persian paragraph is right-to-left as a whole,
        so its bullet stands at the line start (the right) and «(ص ۱، سطرهای ۶۳–۸۴)» keeps its order."""
        rtl = detect_language(text) == "fa" if rtl is None else rtl
        pdf.set_font("fa", style, size)
        pdf.set_text_color(*color)
        if rtl:  # Persian shaping: Persian digit forms (۴ ۵ ۶), right-to-left paragraph
            pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fa")
        else:
            pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        pdf.multi_cell(0, size * 0.62, text, align="R" if rtl else "L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(heading(summary), 17, "B", 3)
    if summary.doc_title:
        para(summary.doc_title + (digits(f" · {lab['pages']} {page_range(summary.pages)}", summary.lang)
                                  if summary.pages else ""), 10,
             color=(80, 80, 80))
    para(summary.note, 9, color=(90, 90, 90), gap=4)
    para(lab["key_points"], 14, "B", 2)
    for sub in summary.subsections:
        para(SECTION_SEP.join(sub.path) or summary.title, 12, "B", 1)
        where = []
        if sub.pages:
            where.append(f"{lab['pages']} {page_range(sub.pages)}")
        if sub.lines:
            where.append(f"{lab['lines']} {sub.lines[0]}–{sub.lines[1]}")
        if where:
            para(digits(" · ".join(where), summary.lang), 8.5, color=(100, 100, 100), gap=1, rtl=rtl)
        for point in sub.points:
            para("• " + point_text(point, summary.lang), 11, gap=0.5,
                 rtl=point.language == "fa" or detect_language(point.text) == "fa")
            # readable reference, no passage ids (they stay in the JSON and the Markdown's comments)
            meta = f"({point_location(point, lab)})"
            if point.citations:
                meta += " — " + "; ".join(point.citations)
            para(meta, 8, color=(110, 110, 110), gap=2, rtl=rtl)
    para(lab["glossary"], 14, "B", 2)
    if summary.glossary:
        for g in summary.glossary:
            para(f"• {g['fa']}: {g['en']}" if rtl else f"• {g['en']}: {g['fa']}", 10, gap=0.5, rtl=rtl)
    else:
        para(lab["none"], 10)
    pdf.ln(2)
    para(lab["works"], 14, "B", 2)
    missing = lab["not_in_refs"] if summary.references_resolved else lab["unresolved"]
    for w in summary.works or []:
        para(f"{w['key']}: {w.get('reference') or missing}", 9.5, gap=0.8)
    if not summary.works:
        para(lab["none"], 10)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
