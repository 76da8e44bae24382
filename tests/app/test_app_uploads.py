"""The maintainers page's upload (issue #23), through Streamlit's AppTest with real files and a real store:
an upload never overwrites or deletes a corpus file, a conflict offers a choice, and no server path shows."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_ui.i18n import t
from indexer.settings import PROJECT_ROOT, Settings
from indexer.store import read_state
from tests.conftest import write

APP = str(PROJECT_ROOT / "app.py")
GOV = "# Governance\n\nSmart governance relies on open data portals and citizen participation.\n"


@pytest.fixture()
def admin_kb(tmp_path, monkeypatch) -> Settings:
    from indexer.pipeline import build_index

    settings = Settings.load(env={}, overrides={"store_dir": tmp_path / "kb",
                                                "corpus_dir": tmp_path / "corpus"})
    write(settings.corpus_dir / "gov.md", GOV)
    write(settings.corpus_dir / "PROVENANCE.md", "# Provenance\n\nThe real provenance notes.\n")
    assert build_index(settings, progress=None).added == ["gov"]
    monkeypatch.setenv("KB_STORE_DIR", str(settings.store_dir))
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_ADMIN_TOKEN", "s3cret")
    monkeypatch.setenv("KB_CONFIG", str(tmp_path / "no-kb.toml"))
    return settings


def _files(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(settings.corpus_dir).iterdir())}


def _upload(files, conflict: str = "refuse", lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    at.session_state["page"] = "maintainers"
    at.run()
    at.text_input(key="admin_token").input("s3cret").run()
    at.radio(key="admin_conflict").set_value(conflict)
    at.file_uploader(key="admin_files").set_value(files).run()
    at.button(key="admin_go").click().run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.error, *at.warning, *at.success])


def test_upload_named_like_corpus_files_changes_nothing(admin_kb):
    before, state = _files(admin_kb), read_state(admin_kb.store_dir)
    at = _upload([("PROVENANCE.md", b"", "text/markdown"), ("gov.md", b"junk " * 140, "text/markdown")])
    shown = _shown(at)
    assert t("admin.status.refused", "en", name="PROVENANCE.md", doc_id="") in shown
    assert "A different document named gov.md is in the corpus" in shown
    assert str(admin_kb.corpus_dir) not in shown and str(admin_kb.store_dir) not in shown
    assert _files(admin_kb) == before and read_state(admin_kb.store_dir)["docs"] == state["docs"]


def test_failed_upload_leaves_the_corpus_as_it_was(admin_kb):
    before = _files(admin_kb)
    at = _upload([("notes.txt", b"\x00\x01binary" * 50, "text/plain")])
    assert "notes.txt could not be indexed" in _shown(at)
    assert _files(admin_kb) == before  # no saved file, no staged file


def test_errors_are_in_the_users_language(admin_kb):
    before = _files(admin_kb)
    at = _upload([("خالی.txt", b"   \n", "text/plain"), ("PROVENANCE.md", b"x", "text/markdown")], lang="fa")
    shown = _shown(at)
    assert t("admin.reason.EmptyDocumentError", "fa") in shown
    assert t("admin.reason.NotADocumentError", "fa") in shown
    captions = "\n".join(c.value for c in at.caption)
    assert str(admin_kb.corpus_dir) not in shown + captions and "/tmp" not in shown + captions
    assert _files(admin_kb) == before


def test_upload_indexes_and_keep_both_on_conflict(admin_kb):
    persian = "# دولت\n\nدولت هوشمند داده‌های باز منتشر می‌کند.\n".encode()
    at = _upload([("نقش دولت.md", persian, "text/markdown")])
    assert "was indexed as نقش-دولت" in _shown(at)
    other = b"# Other\n\nParticipatory budgeting in cities.\n"
    at = _upload([("gov.md", other, "text/markdown")], "keep-both")
    assert "was indexed as gov-2" in _shown(at)
    assert _files(admin_kb)["gov.md"] == GOV.encode()
    assert sorted(read_state(admin_kb.store_dir)["docs"]) == ["gov", "gov-2", "نقش-دولت"]


def test_one_upload_takes_title_author_year_and_language(admin_kb):
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "fa"
    at.session_state["page"] = "maintainers"
    at.run()
    at.text_input(key="admin_token").input("s3cret").run()
    at.file_uploader(key="admin_files").set_value(
        [("report.md", b"# Smart cities\n\nSensors report traffic to the municipality.\n", "text/markdown")]).run()
    at.text_input(key="admin_title").input("گزارش شهر هوشمند")
    at.text_input(key="admin_author").input("Rahimi")
    at.text_input(key="admin_year").input("1402")
    at.selectbox(key="admin_language").set_value("fa")
    at.button(key="admin_go").click().run()
    assert not at.exception, at.exception
    meta = read_state(admin_kb.store_dir)["docs"]["report"]["meta"]
    assert {k: meta.get(k) for k in ("title", "author", "year", "language")} == \
        {"title": "گزارش شهر هوشمند", "author": "Rahimi", "year": "1402", "language": "fa"}
    headers = [c for df in at.dataframe for c in df.value.columns]
    assert t("admin.col.title", "fa") in headers and "title" not in headers
