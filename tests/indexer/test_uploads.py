"""Uploads and ``add`` never lose a document (issue #23): the shared safe path of indexer/uploads.py.

Real store, real e5 model, tiny documents; every case checks the corpus folder byte for byte.
"""
from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest

from indexer.__main__ import main
from indexer.settings import Settings
from indexer.store import read_state
from indexer.uploads import Upload, ingest
from tests.conftest import write

GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"
PROVENANCE = "# Provenance\n\nWhere the corpus came from.\n"


@pytest.fixture()
def kb(tmp_path) -> Settings:
    from indexer.pipeline import build_index

    settings = Settings.load(env={}, overrides={"store_dir": tmp_path / "kb",
                                                "corpus_dir": tmp_path / "corpus"})
    write(settings.corpus_dir / "gov.md", GOV)
    write(settings.corpus_dir / "PROVENANCE.md", PROVENANCE)
    assert build_index(settings, progress=None).added == ["gov"]
    return settings


def corpus_files(settings: Settings) -> dict[str, bytes]:
    """Every file of the corpus folder, hidden ones included, with its bytes."""
    root = Path(settings.corpus_dir)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_uploads_never_overwrite_or_delete_a_corpus_file(kb):
    before_files, before_state = corpus_files(kb), read_state(kb.store_dir)
    cases = [
        (Upload("PROVENANCE.md", data=b""), "refused"),  # not a document, whatever its bytes
        (Upload("manifest.json", data=b"{}"), "refused"),
        (Upload("gov.md", data=b"junk " * 140), "conflict"),  # a live document's name, other bytes
        (Upload("empty.txt", data=b"   \n"), "failed"),  # fails to index: never lands in the corpus
        (Upload("../../etc/passwd.txt", data=b"Smart cities in Tehran.\n"), None),  # only the name counts
    ]
    for upload, expected in cases:
        report = ingest(kb, [upload], progress=None)
        (result,) = report.results
        if expected is None:
            assert result.ok and result.doc_id == "passwd"
            assert (Path(kb.corpus_dir) / "passwd.txt").is_file()
            continue
        assert result.status == expected, result
        assert str(kb.corpus_dir) not in result.message and "/tmp" not in result.message  # no server path
    assert {k: v for k, v in corpus_files(kb).items() if k != "passwd.txt"} == before_files
    assert read_state(kb.store_dir)["docs"]["gov"] == before_state["docs"]["gov"]


def test_same_bytes_is_already_indexed_and_a_failed_replace_keeps_the_old_file(kb):
    (result,) = ingest(kb, [Upload("gov.md", data=GOV.encode())], progress=None).results
    assert result.status == "already_indexed" and result.doc_id == "gov"
    before_files, before_state = corpus_files(kb), read_state(kb.store_dir)
    # a replacement that cannot be indexed: the old version stays, in the corpus and in the store
    (result,) = ingest(kb, [Upload("gov.md", data=b"\n\n")], on_conflict="replace", progress=None).results
    assert result.status == "failed" and "no text" in result.message
    assert corpus_files(kb) == before_files and read_state(kb.store_dir)["docs"] == before_state["docs"]


def test_replace_as_a_new_version_or_keep_both(kb):
    new = "# Governance\n\nDigital twins of cities help municipal planning and open budgets.\n"
    report = ingest(kb, [Upload("gov.md", data=new.encode())], on_conflict="replace", progress=None)
    (result,) = report.results
    assert result.status == "replaced" and result.doc_id == "gov"
    assert (Path(kb.corpus_dir) / "gov.md").read_text() == new
    other = "# Other\n\nA second governance text about participatory budgeting.\n"
    report = ingest(kb, [Upload("gov.md", data=other.encode())], on_conflict="keep-both", progress=None)
    (result,) = report.results
    assert result.status == "indexed" and result.doc_id == "gov-2"
    assert (Path(kb.corpus_dir) / "gov.md").read_text() == new
    assert (Path(kb.corpus_dir) / "gov-2.md").read_text() == other
    assert sorted(read_state(kb.store_dir)["docs"]) == ["gov", "gov-2"]
    assert not [n for n in corpus_files(kb) if n.startswith(".")]  # no staged file left behind


def test_a_name_clash_across_formats_is_refused(kb):
    """gov.txt would give the id of gov.md: never a second file for one id, whatever the choice."""
    before = corpus_files(kb)
    for policy in ("refuse", "replace"):
        (result,) = ingest(kb, [Upload("gov.txt", data=GOV.encode())], on_conflict=policy,
                           progress=None).results
        assert result.status == "conflict" and result.kind == "NameConflictError", result
    assert corpus_files(kb) == before
    (result,) = ingest(kb, [Upload("gov.txt", data=GOV.encode())], on_conflict="keep-both",
                       progress=None).results
    assert result.status == "failed" and result.kind == "DuplicateDocumentError"  # same bytes as gov
    assert corpus_files(kb) == before


def test_persian_names_with_zwnj_and_spaces_map_to_a_safe_id(kb, tmp_path, capsys):
    src = write(tmp_path / "نقش\u200cهای دولت هوشمند.txt", "دولت هوشمند از داده‌های باز استفاده می‌کند.\n")
    flags = ["--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir)]
    assert main(["add", *flags, "--copy", str(src)]) == 0
    assert (Path(kb.corpus_dir) / "نقش-های-دولت-هوشمند.txt").is_file()
    assert "نقش-های-دولت-هوشمند" in read_state(kb.store_dir)["docs"]
    # the folder scan derives the same id: the next build changes nothing
    assert main(["build", "--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir)]) == 0
    assert "unchanged 2" in capsys.readouterr().out


def test_add_metadata_lives_in_the_manifest_and_survives_build(kb, tmp_path, capsys):
    src = write(tmp_path / "budget.md", "# Budgets\n\nOpen budgets let citizens follow public spending.\n")
    flags = ["--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir)]
    assert main(["add", *flags, "--copy", str(src), "--title", "Open budgets", "--author", "Rahimi",
                 "--year", "1402", "--language", "en"]) == 0
    manifest = json.loads((Path(kb.corpus_dir) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == [{"doc_id": "budget", "source": "budget.md", "title": "Open budgets",
                                      "author": "Rahimi", "year": "1402", "language": "en"}]
    capsys.readouterr()
    assert main(["build", *flags]) == 0
    assert "updated 0, unchanged 2" in capsys.readouterr().out  # not re-embedded
    meta = read_state(kb.store_dir)["docs"]["budget"]["meta"]
    assert meta["title"] == "Open budgets" and meta["author"] == "Rahimi" and meta["year"] == "1402"


def test_add_without_copy_of_an_outside_file_warns(kb, tmp_path, capsys):
    src = write(tmp_path / "elsewhere.md", "# Elsewhere\n\nSmart grids balance electricity demand.\n")
    capsys.readouterr()
    assert main(["add", "--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir), str(src)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "outside the corpus folder" in err and "--copy" in err


def test_rerun_after_a_killed_add_copy_is_idempotent(kb, tmp_path, capsys):
    """What an interrupted `add --copy` of the old code left: the copy in the corpus, not indexed."""
    src = write(tmp_path / "grid.md", "# Grids\n\nSmart grids balance electricity demand.\n")
    (Path(kb.corpus_dir) / "grid.md").write_bytes(src.read_bytes())
    capsys.readouterr()
    code = main(["add", "--store", str(kb.store_dir), "--corpus", str(kb.corpus_dir), "--copy", str(src)])
    assert code == 0, capsys.readouterr().err
    assert "grid" in read_state(kb.store_dir)["docs"]


def test_one_document_over_the_text_budget_is_refused_with_its_setting(kb, tmp_path):
    big = "Open data portals publish budgets. " * 400  # 14,000 characters
    settings = kb.replace(max_document_chars=10_000)
    (result,) = ingest(settings, [Upload("big.txt", data=big.encode())], progress=None).results
    assert result.status == "failed" and "max_document_chars" in result.message and "14,000" in result.message
    assert "big.txt" not in corpus_files(kb)
    settings = kb.replace(max_document_passages=1)
    (result,) = ingest(settings, [Upload("big.txt", data=big.encode())], progress=None).results
    assert result.status == "failed" and "max_document_passages" in result.message
    # raising the setting lets it through
    (result,) = ingest(kb.replace(max_document_chars=20_000), [Upload("big.txt", data=big.encode())],
                       progress=None).results
    assert result.ok, result


def test_a_file_just_under_the_size_limit_is_refused_in_seconds(kb, tmp_path):
    import time

    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        line = ("Smart governance and open data portals for citizens. " * 20 + "\n").encode()
        while fh.tell() < 49_900_000:
            fh.write(line)
    started = time.perf_counter()
    (result,) = ingest(kb, [Upload("huge.txt", path=path)], progress=None).results
    assert result.status == "failed" and "max_document_chars" in result.message
    assert time.perf_counter() - started < 60


def test_cancel_mid_build_releases_the_writer_lock(kb, tmp_path):
    before = (Path(kb.store_dir) / "state.json").read_bytes()

    def cancel(message: str) -> None:
        if message.startswith("embedding"):
            raise KeyboardInterrupt  # what Ctrl-C, or Streamlit stopping the script, raises here

    with pytest.raises(KeyboardInterrupt):
        ingest(kb, [Upload("grid.md", data=b"# Grids\n\nSmart grids balance electricity demand.\n")],
               progress=cancel)
    with open(Path(kb.store_dir) / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if still held
        fcntl.flock(fh, fcntl.LOCK_UN)
    assert (Path(kb.store_dir) / "state.json").read_bytes() == before
    assert "grid.md" not in corpus_files(kb) and not [n for n in corpus_files(kb) if n.startswith(".")]
