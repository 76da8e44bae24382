
import pytest

from indexer import errors
from indexer.chunking import chunk_document
from indexer.documents import discover, load, read_text_file
from indexer.normalize import normalize_text
from indexer.settings import PROJECT_ROOT
from tests.conftest import write


def test_default_corpus_documents_and_provenance():
    specs = {s.doc_id: s for s in discover(PROJECT_ROOT / "corpus")}
    assert set(specs) == {"smart-statesmanship", "cited-works"}  # raw extraction and README are not extra docs
    paper = load(specs["smart-statesmanship"])
    assert paper.kind == "proofread"
    first = paper.structure.paragraphs[0]
    assert first.section_path == ["Abstract"] and first.language == "en"
    # separators, page furniture and footnote glosses never reach a paragraph
    texts = " ".join(p.text for p in paper.structure.paragraphs)
    assert "Cloud computing" not in texts.replace("cloud computing", "")
    assert "صلنامه مطالعا" not in texts
    nodes = chunk_document(paper)
    assert all(n.metadata["line_start"] <= n.metadata["line_end"] for n in nodes)
    assert {n.metadata["language"] for n in nodes} == {"fa", "en"}
    intro = next(n for n in nodes if "سه ساحت دارد" in n.text)
    assert intro.metadata["section"] == "مقدمه"
    assert intro.metadata["line_start"] <= 63 <= intro.metadata["line_end"]
    assert intro.metadata["page"] >= 1


def test_plain_folder_each_file_is_a_document(tmp_path):
    write(tmp_path / "notes.md", "# حکمرانی هوشمند\n\nمتن نمونه درباره داده‌های باز.\n\n## جزئیات\n\nبند دوم.\n")
    write(tmp_path / "memo.txt", "Smart governance uses open data.\n")
    specs = {s.doc_id: s for s in discover(tmp_path)}
    assert set(specs) == {"notes", "memo"}
    doc = load(specs["notes"])
    assert [s.title for s in doc.structure.sections] == ["حکمرانی هوشمند", "جزئیات"]
    assert doc.structure.paragraphs[1].section_path == ["حکمرانی هوشمند", "جزئیات"]


def test_legacy_windows_1256_text_is_converted(tmp_path):
    # legacy Persian files carry Arabic kaf/yeh (ك ي): cp1256 has no Persian ک/ی code points
    path = write(tmp_path / "old.txt", "كشورداري هوشمند و دولت الكترونيك\n", encoding="cp1256")
    assert normalize_text(read_text_file(path)) == "کشورداری هوشمند و دولت الکترونیک"


@pytest.mark.parametrize("name,content,error", [
    ("empty.txt", b"   \n", errors.EmptyDocumentError),
    ("blob.txt", b"\x00\x01\x02binary", errors.BinaryFileError),
])
def test_bad_text_files_get_specific_errors(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error):
        read_text_file(path)


def test_unsafe_document_id_is_rejected(tmp_path):
    write(tmp_path / "manifest.json", '{"documents": [{"doc_id": "../evil", "source": "a.txt"}]}')
    write(tmp_path / "a.txt", "text")
    with pytest.raises(errors.UnsafePathError):
        discover(tmp_path)
