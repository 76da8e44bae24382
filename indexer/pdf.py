"""PDF → clean text, one string per page (lines kept), Persian repaired.

pypdf opens the file and tells encrypted, corrupt and image-only PDFs apart. For the text itself poppler's
``pdftotext`` is used when it is installed, because measured on generated Persian PDFs (tests/indexer/
test_pdf.py, docs/repair.md) it keeps the logical order of Persian words while pypdf reorders runs, swaps
pieces around ZWNJ or (on LibreOffice PDFs) joins words with ZWNJ; its only artefacts are the U+202A–U+202E
embedding marks and misplaced neutrals around Latin runs, which are fixed here. Without pdftotext, pypdf's
text goes through the same detection and repair (indexer.rtl) as any other text.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from indexer.errors import CorruptPdfError, EmptyDocumentError, EncryptedPdfError, ImageOnlyPdfError
from indexer.rtl import repair_line
from indexer.rtl.text import fa_count, fix_presentation_forms, has_presentation_forms

LRE, RLE, PDF_MARK, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
_MARKS = re.compile("[\u202a-\u202e]")
_LTR_SEG = re.compile("\u202a([^\u202a-\u202e]*)\u202c")
_CORE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.&'\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def _open(path: str):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CorruptPdfError(path, str(exc)) from exc
    if not data.lstrip().startswith(b"%PDF"):
        raise CorruptPdfError(path, "no %PDF header")
    if b"%%EOF" not in data[-2048:]:
        raise CorruptPdfError(path, "truncated: no %%EOF trailer")
    try:
        import io

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # unsupported algorithm
                raise EncryptedPdfError(path, str(exc)) from exc
            if not ok:
                raise EncryptedPdfError(path)
        n = len(reader.pages)
    except (EncryptedPdfError, CorruptPdfError):
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise CorruptPdfError(path, f"{type(exc).__name__}: {exc}") from exc
    if n == 0:
        raise CorruptPdfError(path, "no pages")
    return reader


def _page_has_images(page) -> bool:
    try:
        res = page.get("/Resources") or {}
        res = res.get_object() if hasattr(res, "get_object") else res
        xobj = res.get("/XObject")
        if not xobj:
            return False
        xobj = xobj.get_object()
        return any(xobj[k].get_object().get("/Subtype") == "/Image" for k in xobj)
    except Exception:
        return False


def fix_pdftotext_line(line: str) -> str:
    """Logical text from one pdftotext line: embedding marks removed, Latin runs and their neutrals put back.

    pdftotext writes an RTL line as RLE … PDF with each LTR run as LRE … PDF; a run's neutrals (brackets,
    full stop) may sit on the wrong side (``(‪.)Heeks, 2003‬`` for ``(Heeks, 2003).``), and a run that
    ends the logical line may be written first.
    """
    if not _MARKS.search(line):
        return line
    rtl = line.lstrip().startswith(RLE)
    body = line.strip()
    if rtl and body.startswith(RLE):
        body = body[1:]
        if body.endswith(PDF_MARK):
            body = body[:-1]
    # an LTR run written first in an RTL line belongs at its end (a trailing citation or full stop)
    if rtl and fa_count(body) > 0:
        m = re.match("^\u202a([^\u202a-\u202e]*)\u202c", body)
        if m and not re.match(r"^\s*\d", m.group(1)) and fa_count(body[m.end():]) > 0:
            tail = m.group(1).strip()
            body = body[m.end():].rstrip() + ("" if tail in ".:،؛" else " ") + tail

    def seg(m: re.Match) -> str:
        text = m.group(1)
        core = _CORE.search(text)
        if not core:
            return text
        outside = text[:core.start()] + text[core.end():]
        if "(" in outside and ")" in outside:
            return "(" + core.group() + ")" + ("." if "." in outside else "")
        if ")" in outside:
            return core.group() + ")" + ("." if "." in outside else "")
        if "(" in outside:
            return "(" + core.group()
        return text

    body = _LTR_SEG.sub(seg, body)
    body = _MARKS.sub("", body)
    # "(" left before a rebuilt "(…)" and ")" duplicates
    body = re.sub(r"\(\s*\((?=[A-Za-z])", "(", body)
    body = re.sub(r"\)\.?\)\.", ").", body)
    body = re.sub(r"(?<=\d)(?=[\u0621-\u06cc])", " ", body)
    body = re.sub(r"\s+([،؛:])(?=[\u0621-\u06cc])", r"\1 ", body)
    return re.sub(r"[ \t]{2,}", " ", body).strip()


_RUN = re.compile(r"[()\[\].]*[A-Za-z0-9][A-Za-z0-9 ,.&'\-]*[A-Za-z0-9]?[()\[\].]*")


def fix_pypdf_runs(line: str) -> str:
    """pypdf (plain mode) writes a mixed line's runs in visual order, each run in logical order: reverse the
    runs and put a Latin run's brackets and full stop back (``.)Heeks, 2003( متن`` → ``متن (Heeks, 2003).``)."""
    if fa_count(line) == 0 or not re.search(r"[A-Za-z0-9]", line):
        return line
    parts: list[str] = []
    pos = 0
    for m in _RUN.finditer(line):
        if m.start() > pos:
            parts.append(line[pos:m.start()])
        run = m.group()
        core = _CORE.search(run)
        outside = run[:core.start()] + run[core.end():] if core else ""
        if core and ("(" in outside or ")" in outside):
            run = "(" + core.group().strip() + ")" + ("." if "." in outside else "")
        parts.append(run)
        pos = m.end()
    if pos < len(line):
        parts.append(line[pos:])
    if len(parts) < 2:
        return line
    out = " ".join(p.strip() for p in reversed(parts) if p.strip())
    out = re.sub(r" ([.،:؛])(?=\s|$)", r"\1", out)
    return out


def _pdftotext_pages(path: str, n_pages: int) -> list[str] | None:
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-enc", "UTF-8", "-l", str(n_pages), path, "-"], capture_output=True,
                             timeout=120, check=True).stdout.decode("utf-8", "replace")
    except (subprocess.SubprocessError, OSError):
        return None
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages[:n_pages]


def _clean_page(text: str, from_pdftotext: bool) -> str:
    lines = []
    for line in text.splitlines():
        if from_pdftotext:
            line = fix_pdftotext_line(line)
        else:
            line = fix_pypdf_runs(line)
        if has_presentation_forms(line):
            line = fix_presentation_forms(line)
        lines.append(repair_line(line.rstrip()))
    return "\n".join(lines).strip("\n")


def extract_pdf(path, max_pages: int | None = None) -> list[str]:
    """Repaired, clean text of each page (one list item per page, lines kept).

    Raises EncryptedPdfError, CorruptPdfError (also truncated files), ImageOnlyPdfError (scanned pages: run
    OCR first) and EmptyDocumentError (no text at all).
    """
    path = str(path)
    reader = _open(path)
    n = len(reader.pages) if max_pages is None else min(max_pages, len(reader.pages))
    raw: list[str] = []
    images = 0
    for i in range(n):
        page = reader.pages[i]
        try:
            t = page.extract_text() or ""
        except Exception as exc:
            raise CorruptPdfError(path, f"page {i + 1}: {type(exc).__name__}: {exc}") from exc
        raw.append(t)
        if not t.strip() and _page_has_images(page):
            images += 1
    if not any(t.strip() for t in raw):
        if images:
            raise ImageOnlyPdfError(
                path, f"{images} of {n} pages are images without a text layer; OCR is the missing step")
        raise EmptyDocumentError(path)
    pages = _pdftotext_pages(path, n)
    if pages is not None and len(pages) == n and any(p.strip() for p in pages):
        return [_clean_page(p, True) for p in pages]
    return [_clean_page(t, False) for t in raw]
