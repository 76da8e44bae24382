"""PDF ingestion on real PDFs generated here from known text (fpdf2 with text shaping, LibreOffice headless).

System packages (CI installs them; these tests fail, not skip, when they are missing):
  fonts-noto-core (NotoNaskhArabic), fonts-dejavu-core, poppler-utils (pdftotext), libreoffice-writer-nogui.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

import indexer  # noqa: F401
from evals.repair_metrics import score
from indexer.errors import CorruptPdfError, EmptyDocumentError, EncryptedPdfError, ImageOnlyPdfError
from indexer.pdf import extract_pdf, fix_pdftotext_line

NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

SOURCE = [
    "کشورداری هوشمند به یکپارچه‌سازی فناوری‌های پیشرفته می‌پردازد (Heeks, 2003).",
    "در سال 1399 دانائی‌فرد این مفهوم را کشورداری نام‌گذاری کرده است.",
    "هوش مصنوعی، رایانش ابری، یادگیری ماشین و اینترنت اشیاء بر فرایندهای کشورداری اثر دارند.",
    "شهرهای هوشمند مانند سنگاپور و بارسلونا در دهه 2010 به الگو تبدیل شدند (Neirotti et al., 2014).",
    "Smart statesmanship refers to the integration of advanced technologies.",
    "حکومت‌ها باید در تدابیر امنیت سایبری سرمایه‌گذاری کنند و داده‌های شهروندان را حفظ کنند.",
    "این شفافیت همچنین نوآوری‌های شهروندی را تسهیل می‌کند (Bertot et al., 2010).",
]


def _require(tool: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} is missing: apt-get install -y poppler-utils libreoffice-writer-nogui"
    return exe


def _accuracy(pages: list[str], source: list[str]) -> float:
    return score([("\n".join(pages).replace("\n", " "), " ".join(source))])["word_accuracy"]


def _fpdf(path: Path, lines: list[str]) -> Path:
    from fpdf import FPDF

    assert NASKH.exists() and DEJAVU.exists(), "apt-get install -y fonts-noto-core fonts-dejavu-core"
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("naskh", fname=str(NASKH))
    pdf.add_font("dejavu", fname=str(DEJAVU))
    pdf.set_font("naskh", size=11)
    pdf.set_fallback_fonts(["dejavu"])
    pdf.set_text_shaping(True)
    for line in lines:
        pdf.multi_cell(0, 9, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:style style:name="P1" style:family="paragraph">
<style:paragraph-properties style:writing-mode="rl-tb" fo:text-align="end"/>
<style:text-properties style:font-name-complex="Noto Naskh Arabic"/></style:style></office:automatic-styles>
<office:body><office:text>{paras}</office:text></office:body></office:document>
"""


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory) -> list[Path]:
    import docx

    exe = _require("soffice")
    d = tmp_path_factory.mktemp("lo")
    doc = docx.Document()
    for line in SOURCE:
        doc.add_paragraph(line)
    doc.save(str(d / "paper.docx"))
    from xml.sax.saxutils import escape

    paras = "".join(f'<text:p text:style-name="P1">{escape(x)}</text:p>' for x in SOURCE)
    (d / "paper2.fodt").write_text(FODT.format(paras=paras), encoding="utf-8")
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{d}/profile", "--convert-to", "pdf",
                    "--outdir", str(d), str(d / "paper.docx"), str(d / "paper2.fodt")],
                   check=True, capture_output=True, timeout=180)
    out = [d / "paper.pdf", d / "paper2.pdf"]
    assert all(p.exists() for p in out), list(d.iterdir())
    return out


def test_fpdf2_shaped_persian_pdf(tmp_path):
    _require("pdftotext")
    pages = extract_pdf(_fpdf(tmp_path / "a.pdf", SOURCE))
    assert len(pages) == 1
    assert _accuracy(pages, SOURCE) >= 0.97, pages
    text = pages[0]
    assert "(Heeks, 2003)." in text and "1399" in text and "\u202b" not in text and "\u202c" not in text
    assert "می‌پردازد" in text and "فناوری‌های" in text


def test_libreoffice_pdfs_docx_and_odt(libreoffice_pdfs):
    _require("pdftotext")
    for pdf in libreoffice_pdfs:
        pages = extract_pdf(pdf)
        assert _accuracy(pages, SOURCE) >= 0.97, (pdf.name, pages)
        assert "(Neirotti et al., 2014)." in " ".join(pages[0].split())


def test_without_pdftotext_pypdf_text_is_repaired(tmp_path, monkeypatch):
    """Fallback when poppler is absent: pypdf's text still goes through detection and repair."""
    import indexer.pdf as pdfmod

    pdf = _fpdf(tmp_path / "b.pdf", SOURCE)
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    pages = extract_pdf(pdf)
    assert "Smart statesmanship" in pages[0]
    assert _accuracy(pages, SOURCE) >= 0.9, pages
    assert "(Heeks, 2003)." in pages[0]


def test_max_pages_and_page_split(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("naskh", fname=str(NASKH))
    pdf.set_font("naskh", size=12)
    pdf.set_text_shaping(True)
    for line in SOURCE[:3]:
        pdf.add_page()
        pdf.multi_cell(0, 9, line, align="R")
    path = tmp_path / "three.pdf"
    pdf.output(str(path))
    pages = extract_pdf(path)
    assert len(pages) == 3 and "دانائی‌فرد" in pages[1]
    assert len(extract_pdf(path, max_pages=2)) == 2


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    src = _fpdf(tmp_path / "c.pdf", SOURCE[:2])
    w = PdfWriter()
    for p in PdfReader(str(src)).pages:
        w.add_page(p)
    w.encrypt("secret")
    enc = tmp_path / "enc.pdf"
    with open(enc, "wb") as f:
        w.write(f)
    with pytest.raises(EncryptedPdfError):
        extract_pdf(enc)


def test_corrupt_and_truncated_pdf(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage garbage \n%%EOF\n")
    with pytest.raises(CorruptPdfError):
        extract_pdf(bad)
    good = _fpdf(tmp_path / "d.pdf", SOURCE)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CorruptPdfError):
        extract_pdf(cut)
    notpdf = tmp_path / "x.pdf"
    notpdf.write_text("hello", encoding="utf-8")
    with pytest.raises(CorruptPdfError):
        extract_pdf(notpdf)


def test_image_only_pdf_names_ocr(tmp_path):
    from fpdf import FPDF
    from PIL import Image

    img = Image.new("RGB", (200, 80), "white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=100)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(ImageOnlyPdfError) as exc:
        extract_pdf(path)
    assert "OCR" in str(exc.value)


def test_empty_pdf(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "empty.pdf"
    pdf.output(str(path))
    with pytest.raises(EmptyDocumentError):
        extract_pdf(path)


def test_pdftotext_line_fixer():
    line = "\u202bکشورداری هوشمند می‌پردازد (\u202a.)Heeks, 2003\u202c\u202c"
    assert fix_pdftotext_line(line) == "کشورداری هوشمند می‌پردازد (Heeks, 2003)."
    line = "\u202b\u202a (Heeks, 2003).\u202cکشورداری هوشمند می‌پردازد\u202c"
    assert fix_pdftotext_line(line) == "کشورداری هوشمند می‌پردازد (Heeks, 2003)."
    assert fix_pdftotext_line("plain line") == "plain line"


def test_garbled_persian_pdf_yields_repaired_text(tmp_path):
    """A PDF whose text layer carries the seed's garbling (dev lines) comes out repaired, not garbled.

    Measured: 0.76 word accuracy on these lines through pdftotext + repair (higher when the same lines are
    repaired as plain text: pdftotext's own bidi pass moves some neutrals first); raw text ≈ 0.08.
    """
    from evals.repair_metrics import dev_lines

    _require("pdftotext")
    dev = dev_lines()[:6]
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("naskh", fname=str(NASKH))
    pdf.add_font("dejavu", fname=str(DEJAVU))
    pdf.set_font("naskh", size=10)
    pdf.set_fallback_fonts(["dejavu"])
    pdf.set_text_shaping(True)
    for r in dev:
        pdf.cell(0, 8, r["garbled"].strip(), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "garbled.pdf"
    pdf.output(str(path))
    lines = [x for x in extract_pdf(path)[0].split("\n") if x.strip()]
    assert len(lines) == len(dev)
    before = score([(r["garbled"], r["gold"]) for r in dev])["word_accuracy"]
    after = score(list(zip(lines, [r["gold"] for r in dev])))["word_accuracy"]
    assert before < 0.15 and after >= 0.65, (before, after, lines)
