"""A cited work's full text in the app (issue 25): the Maintainers page's picker over the bibliography proposes
the work an uploaded PDF's title page names and links it (Streamlit's AppTest), and the Sources page shows the
linked work, "full text in the knowledge base" and its own passages beside where the paper cites it (a real
browser: ``streamlit run`` driven by Debian's Chromium, as in test_e2e_browser.py)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_ui.i18n import t
from indexer.settings import PROJECT_ROOT, Settings
from tests.app.conftest import streamlit_app
from tests.cited_documents import GIFFINGER_PHRASE, giffinger_pdf

APP = str(PROJECT_ROOT / "app.py")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
GIFFINGER = "Giffinger et al., 2007"
LONG = int(os.environ.get("KB_TEST_BROWSER_TIMEOUT_MS", 240_000))  # ms: the first page loads the model on a busy 2-core machine


@pytest.fixture(scope="module")
def linked_app_store(app_store, tmp_path_factory) -> Settings:
    """A private copy of the app's test store (the paper and its cited works), with a corpus folder of its own;
    the Maintainers page test uploads the Giffinger et al. (2007) report into it."""
    root = tmp_path_factory.mktemp("linked-app")
    shutil.copytree(app_store.store_dir, root / "kb", ignore=shutil.ignore_patterns(".lock", ".uploads.lock"))
    (root / "corpus").mkdir()
    return app_store.replace(store_dir=root / "kb", corpus_dir=root / "corpus", admin_token="s3cret")


def _env(settings: Settings) -> dict[str, str]:
    return {"KB_STORE_DIR": str(settings.store_dir), "KB_CORPUS_DIR": str(settings.corpus_dir),
            "KB_ADMIN_TOKEN": settings.admin_token, "KB_CONFIG": str(settings.corpus_dir / "no-kb.toml")}


def test_the_maintainers_picker_proposes_the_work_and_links_the_upload(linked_app_store, tmp_path, monkeypatch):
    for key, value in _env(linked_app_store).items():
        monkeypatch.setenv(key, value)
    pdf = giffinger_pdf(tmp_path / "giffinger-report.pdf").read_bytes()
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["lang"] = "en"
    at.session_state["page"] = "maintainers"
    at.run()
    at.text_input(key="admin_token").input("s3cret").run()
    at.file_uploader(key="admin_files").set_value([("giffinger-report.pdf", pdf, "application/pdf")]).run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="admin_cites")
    assert picker.label == "This document is the full text of…"
    assert picker.value == GIFFINGER  # proposed from the title page
    assert f"Proposed from the document's title page: {GIFFINGER}" in "\n".join(c.value for c in at.caption)
    at.button(key="admin_go").click().run()
    assert not at.exception, at.exception
    shown = "\n".join(e.value for e in [*at.error, *at.warning, *at.success])
    assert "giffinger-report.pdf was indexed as giffinger-report." in shown
    assert f"giffinger-report is linked to the record of {GIFFINGER} as its full text." in shown
    manifest = json.loads((linked_app_store.corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    [entry] = manifest["documents"]
    assert entry["cites"] == GIFFINGER and entry["title"].startswith("Smart cities: Ranking of European")


@pytest.fixture(scope="module")
def linked_server(linked_app_store, tmp_path_factory):
    """``streamlit run app.py`` over the linked store (after the upload test linked the report)."""
    from indexer.uploads import Upload, ingest

    if "giffinger-report" not in json.dumps(json.loads(
            (linked_app_store.store_dir / "state.json").read_text(encoding="utf-8"))["docs"]):
        # run alone (-k): link the report here, through the same path as the page
        pdf = giffinger_pdf(tmp_path_factory.mktemp("pdf") / "giffinger-report.pdf")
        report = ingest(linked_app_store, [Upload(pdf.name, path=pdf)], {"cites": GIFFINGER}, progress=None)
        assert report.ok, report.results
    with streamlit_app(_env(linked_app_store), tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
@pytest.mark.parametrize("lang, badge, heading", [
    ("en", "full text in the knowledge base", "The work itself: Smart cities"),
    ("fa", "متن کامل در پایگاه دانش", "خود اثر: Smart cities"),
])
def test_the_sources_page_shows_the_linked_work_and_its_passages(linked_server, lang, badge, heading):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking",
                                           "--disable-component-update", "--disable-sync", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1500}, locale="fa-IR")
        page.set_default_timeout(LONG)
        outbound: list[str] = []
        page.on("request", lambda req: outbound.append(req.url)
                if not req.url.startswith((linked_server, "data:", "blob:", "about:")) else None)
        page.goto(linked_server)
        page.locator("[data-testid='stSidebar']").wait_for()
        if lang == "en":
            page.locator("[data-testid='stSidebar'] label").filter(has_text="English").click()
            page.locator(".kb-title[dir='ltr']").wait_for()
        page.locator("[data-testid='stSidebar'] label").filter(has_text="Sources" if lang == "en" else "منابع").click()
        page.locator(".kb-source").first.wait_for()
        page.get_by_label(t("sources.search", lang)).fill("Giffinger 2007")
        page.keyboard.press("Enter")
        sync_api.expect(page.locator(".kb-source")).to_have_count(1, timeout=LONG)  # the search found the one work
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")
        row = page.locator(f".kb-source[data-kb-key='{GIFFINGER}']")
        row.wait_for()
        sync_api.expect(row.locator("[data-kb='full-text']")).to_have_text(badge)
        work = page.locator("[data-testid='stExpander']").filter(has_text=heading)
        work.locator("[data-kb='full-text-passage']").first.wait_for(state="visible")
        passages = work.locator(".kb-passage")
        assert any(GIFFINGER_PHRASE in passages.nth(i).inner_text() for i in range(passages.count()))
        assert passages.first.get_attribute("dir") == "ltr"  # English text reads left to right in both interfaces
        # where the paper cites it stays beside it
        page.locator("[data-testid='stExpander'] summary").filter(has_text=t("sources.where", lang)).first.click()
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.locator("details[open] .kb-passage").filter(has_text="Giffinger et al., 2007").first.wait_for()
        finally:
            page.screenshot(path=str(ARTIFACTS / f"sources-linked-work-{lang}.png"), full_page=True)
        browser.close()
        assert not outbound, f"the app made outbound requests: {outbound}"
