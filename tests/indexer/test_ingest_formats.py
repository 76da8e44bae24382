"""Persian Word files and legacy-encoded text ingest correctly (issue #9, item 1)."""
from __future__ import annotations

import json

from indexer.__main__ import main
from indexer.settings import Settings
from indexer.store import load_passages, read_state, tables_dir

INTRO = "کشورداری هوشمند چارچوبی برای حکمرانی، مدیریت دولتی و عملیات اجرایی هوشمند است."
GOV = "حکمرانی هوشمند بر داده‌های باز و مشارکت شهروندان در تصمیم‌گیری عمومی تکیه دارد."
OPS = "عملیات اجرایی هوشمند خدمات عمومی را با سامانه‌های برخط به شهروندان می‌رساند."
LEGACY = ("# شهر هوشمند\n\nشهرداری‌ها با حسگرهای هوشمند ترافیک و مصرف انرژی شهر را اندازه می‌گیرند. "
          "این داده‌ها به مدیران شهری کمک می‌کند تا تصمیم‌های بهتری بگیرند.\n")


def _rtl(paragraph) -> None:
    """Mark a Word paragraph and its runs right-to-left, as Persian Word files are."""
    from docx.oxml import OxmlElement

    paragraph.paragraph_format.element.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run.font.rtl = True
        run.font.complex_script = True


def _persian_docx(path) -> None:
    import docx

    document = docx.Document()
    for text, style in (("کشورداری هوشمند", "Heading 1"), (INTRO, None), ("حکمرانی هوشمند", "Heading 2"),
                        (GOV, None), ("عملیات اجرایی", "Heading 2"), (OPS, None)):
        p = document.add_heading(text, level=int(style[-1])) if style else document.add_paragraph(text)
        _rtl(p)
    document.save(str(path))


def _passages(settings, doc_id):
    state = read_state(settings.store_dir)
    folder = tables_dir(settings.store_dir, state["tables"])
    return [p for p in load_passages(folder).values() if p.doc_id == doc_id]


def test_persian_docx_and_windows_1256_text(tmp_path, capsys):
    settings = Settings.load(overrides={"store_dir": tmp_path / "kb", "corpus_dir": tmp_path / "corpus"})
    flags = ["--store", str(settings.store_dir), "--corpus", str(settings.corpus_dir)]
    _persian_docx(tmp_path / "statesmanship.docx")
    # a legacy Windows-1256 file: Arabic yeh/kaf (cp1256 has no Persian ی/ک), ZWNJ is byte 0x9D
    (tmp_path / "legacy.txt").write_bytes(LEGACY.replace("ی", "ي").replace("ک", "ك").encode("cp1256"))
    code = main(["add", *flags, str(tmp_path / "statesmanship.docx"), "--title", "کشورداری هوشمند",
                 "--author", "دانائی‌فرد", "--year", "1403", "--language", "fa", "--copy"])
    assert code == 0, capsys.readouterr().err
    code = main(["add", *flags, str(tmp_path / "legacy.txt"), "--language", "fa"])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()

    docx_passages = _passages(settings, "statesmanship")
    text = " ".join(p.text for p in docx_passages)
    for sentence in (INTRO, GOV, OPS):
        assert sentence.split()[0] in text and sentence.split()[-1].rstrip(".") in text
    sections = {p.metadata.get("section") for p in docx_passages}
    assert any(s and "حکمرانی هوشمند" in s for s in sections), sections
    assert any(s and "عملیات اجرایی" in s for s in sections), sections
    gov = next(p for p in docx_passages if "مشارکت" in p.text)
    assert "حکمرانی هوشمند" in gov.metadata["section"]  # the passage sits under its own heading

    legacy = " ".join(p.text for p in _passages(settings, "legacy"))
    assert "حسگرهای" in legacy and "انرژی" in legacy  # decoded from Windows-1256, not mojibake

    assert main(["list", "--json", *flags]) == 0
    rows = {r["doc_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["statesmanship"]["kind"] == "docx" and rows["legacy"]["kind"] == "text"
    # the add metadata, as the manifest entry that keeps it across builds holds it (issue 23)
    assert rows["statesmanship"]["meta"] == {"source": "statesmanship.docx", "title": "کشورداری هوشمند",
                                             "author": "دانائی‌فرد", "year": "1403", "language": "fa"}
    assert (settings.corpus_dir / "statesmanship.docx").is_file()  # --copy put it in the corpus

    from assistant import Assistant

    top = Assistant(settings).retrieve("What does smart governance rely on?", k=1)[0]
    assert top.passage.doc_id == "statesmanship"
