"""Bad input never costs what is already indexed: each case is refused with a specific message,
a non-zero exit, `list --json` unchanged and queries still answered (issue #9, item 3).

Every case goes through the CLI entry point (`indexer.__main__.main`, in-process: a cold
`python -m indexer` start costs ~5 s of CPU, ~20 s on this shared 2-core machine); one test runs
the real `python -m indexer add` subprocess over all bad files at once.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from indexer.__main__ import main
from indexer.settings import PROJECT_ROOT, Settings
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"


def _text_pdf(text: str = "Smart governance needs open data and digital public services.") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for _ in range(20):
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_text_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_only_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "scanned page, no text layer", fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())


def _blank_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


# name -> (file name, bytes maker, substring expected in the error line)
PDF_CASES = {
    "corrupt_pdf": ("corrupt.pdf", lambda: b"%PDF-1.4\n" + os.urandom(3000), "corrupt"),
    "truncated_pdf": ("truncated.pdf", lambda: _text_pdf()[:700], "corrupt"),
    "encrypted_pdf": ("encrypted.pdf", _encrypted_pdf, "encrypted"),
    "blank_pdf": ("blank.pdf", _blank_pdf, "no text"),
    "image_only_pdf": ("scan.pdf", _image_only_pdf, "OCR"),
}
TEXT_CASES = {
    "empty_txt": ("empty.txt", lambda: b"", "contains no text"),
    "whitespace_md": ("blank.md", lambda: b"  \n\n\t\n", "contains no text"),
    "binary_txt": ("binary.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000), "binary"),
    "unknown_format": ("table.xlsx", lambda: b"PK\x03\x04 not supported", "unsupported format"),
    "no_suffix": ("README", lambda: b"plain words", "unsupported format"),
    "bad_docx": ("broken.docx", lambda: b"PK\x03\x04 a truncated zip", "not a readable .docx"),
}


def _has_pdf_module() -> bool:
    try:
        import indexer.pdf  # noqa: F401
    except ImportError:
        return False
    return True


needs_pdf = pytest.mark.skipif(not _has_pdf_module(), reason="indexer/pdf.py (extract_pdf) is not there yet")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """A small store with one English document; every test must leave it as it is."""
    from indexer.pipeline import build_index

    root = tmp_path_factory.mktemp("bad-input")
    settings = Settings.load(overrides={"store_dir": root / "kb", "corpus_dir": root / "corpus"})
    write(root / "corpus" / "gov.md", GOV)
    report = build_index(settings, progress=None)
    assert report.added == ["gov"]
    return settings


_READERS: dict = {}


def _reader(settings):
    """One long-lived reader per store, like a running app."""
    from assistant import Assistant

    if settings.store_dir not in _READERS:
        _READERS[settings.store_dir] = Assistant(settings)
    return _READERS[settings.store_dir]


def _flags(settings):
    return ["--store", str(settings.store_dir), "--corpus", str(settings.corpus_dir)]


def _cli(capsys, settings, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([args[0], *_flags(settings), *args[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def _listing(capsys, settings) -> list[dict]:
    code, out, _ = _cli(capsys, settings, "list", "--json")
    assert code == 0
    return json.loads(out)


def _assert_store_intact(capsys, settings, before: list[dict]) -> None:
    assert _listing(capsys, settings) == before
    top = _reader(settings).retrieve("open data portals", k=1)  # retrieve() re-reads the live state
    assert top and top[0].passage.doc_id == "gov"
    # a refused file must not have been left in the corpus either
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["gov.md"]


def _refused(capsys, settings, tmp_path, case, *extra):
    name, make, expected = case
    path = tmp_path / name
    path.write_bytes(make())
    before = _listing(capsys, settings)
    code, _, err = _cli(capsys, settings, "add", str(path), *extra)
    assert code != 0
    assert expected.lower() in err.lower(), err
    assert name in err  # the message names the file
    _assert_store_intact(capsys, settings, before)
    return err


@needs_pdf
@pytest.mark.parametrize("case", list(PDF_CASES))
def test_bad_pdf_is_refused(kb, tmp_path, capsys, case):
    _refused(capsys, kb, tmp_path, PDF_CASES[case])


@needs_pdf
def test_bad_pdf_with_copy_leaves_no_file_in_the_corpus(kb, tmp_path, capsys):
    _refused(capsys, kb, tmp_path, PDF_CASES["encrypted_pdf"], "--copy")


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_bad_text_or_format_is_refused(kb, tmp_path, capsys, case):
    _refused(capsys, kb, tmp_path, TEXT_CASES[case])


def test_huge_file_is_refused_by_the_configured_limit(kb, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_MAX_FILE_MB", "0.001")
    err = _refused(capsys, kb, tmp_path, ("huge.txt", lambda: ("Open data portals. " * 300).encode(), "larger than"))
    assert "MB >" in err


def test_duplicate_content_under_another_name_is_refused(kb, tmp_path, capsys):
    err = _refused(capsys, kb, tmp_path, ("gov-copy.md", lambda: GOV.encode(), "already indexed as 'gov'"))
    assert "same content" in err


def test_same_file_again_is_a_no_op(kb, capsys):
    before = _listing(capsys, kb)
    code, out, _ = _cli(capsys, kb, "add", str(kb.corpus_dir / "gov.md"))
    assert code == 0 and "unchanged 1" in out and "0 passages embedded" in out
    assert _listing(capsys, kb) == before


@pytest.mark.parametrize("doc_id", ["../x", "a/b", "x\ny", ".hidden"])
def test_unsafe_document_id_is_refused(kb, tmp_path, capsys, doc_id):
    path = write(tmp_path / "fine.txt", "Digital twins of cities support planning.\n")
    before = _listing(capsys, kb)
    code, _, err = _cli(capsys, kb, "add", str(path), "--doc-id", doc_id)
    assert code != 0 and "unsafe file name or path" in err
    _assert_store_intact(capsys, kb, before)


def test_file_name_with_newline_is_refused(kb, tmp_path, capsys):
    path = write(tmp_path / "bad\nname.txt", "Digital twins of cities support planning.\n")
    before = _listing(capsys, kb)
    for extra in ([], ["--copy"]):
        code, _, err = _cli(capsys, kb, "add", str(path), *extra)
        assert code != 0 and "unsafe file name or path" in err
        assert "\n" not in err.strip()  # the name is shown escaped, on one line
    _assert_store_intact(capsys, kb, before)


def test_nul_in_a_manifest_id_or_source_outside_the_corpus_is_refused(kb, tmp_path, capsys):
    outside = write(tmp_path / "outside.txt", "Secrets outside the corpus folder.\n")
    manifest = kb.corpus_dir / "manifest.json"
    before = _listing(capsys, kb)
    try:
        for entry, expected in (({"doc_id": "a\u0000b", "source": "gov.md"}, "not a safe name"),
                                ({"source": "../" + outside.name}, "outside the corpus"),
                                ({"source": str(outside)}, "outside the corpus"),
                                ({"source": "gov\u0000.md"}, "NUL")):
            manifest.write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
            code, _, err = _cli(capsys, kb, "build")
            assert code != 0 and expected in err, err
    finally:
        manifest.unlink()
    _assert_store_intact(capsys, kb, before)


def test_copy_never_writes_outside_the_corpus(kb, tmp_path, capsys, monkeypatch):
    """`add --copy ../x.txt` or an absolute path elsewhere lands in the corpus folder under its name;
    a name already used by a different corpus file is refused."""
    elsewhere = tmp_path / "elsewhere" / "sub"
    elsewhere.mkdir(parents=True)
    write(tmp_path / "elsewhere" / "x.txt", "Smart grids balance electricity demand.\n")
    monkeypatch.chdir(elsewhere)
    before = _listing(capsys, kb)
    code, _, err = _cli(capsys, kb, "add", "--copy", "../x.txt")
    assert code == 0, err
    assert (kb.corpus_dir / "x.txt").is_file() and sorted(os.listdir(tmp_path / "elsewhere")) == ["sub", "x.txt"]
    # an absolute path outside the corpus whose name clashes with a different corpus file
    clash = write(tmp_path / "other" / "gov.md", "A different governance text entirely.\n")
    code, _, err = _cli(capsys, kb, "add", "--copy", str(clash))
    assert code != 0 and "a different file with this name is in the corpus" in err
    assert (kb.corpus_dir / "gov.md").read_text() == GOV
    code, _, err = _cli(capsys, kb, "remove", "x")
    assert code == 0, err
    (kb.corpus_dir / "x.txt").unlink()
    _assert_store_intact(capsys, kb, before)


def test_cli_subprocess_refuses_every_bad_file_and_keeps_the_store(kb, tmp_path, capsys):
    """The real `python -m indexer add` over all bad files at once: one specific line per file."""
    cases = dict(TEXT_CASES)
    if _has_pdf_module():
        cases.update(PDF_CASES)
    paths = []
    for name, make, _ in cases.values():
        (tmp_path / name).write_bytes(make())
        paths.append(str(tmp_path / name))
    before = _listing(capsys, kb)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "indexer", "add", *_flags(kb), *paths],
                          capture_output=True, text=True, env=env, cwd=str(PROJECT_ROOT), timeout=300)
    assert proc.returncode == 1, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    for name, _, expected in cases.values():
        line = next((e for e in errors if name in e), None)
        assert line and expected.lower() in line.lower(), (name, proc.stderr)
    _assert_store_intact(capsys, kb, before)
