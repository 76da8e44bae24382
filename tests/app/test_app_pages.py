"""Streamlit AppTest tests of the page logic (no browser): language switch, ask, abstain, pages."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_ui.i18n import STRINGS, t
from app_ui.render import block, esc, highlight
from indexer.settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


def html_of(at: AppTest) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def run_app(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_every_label_is_translated():
    for key, entry in STRINGS.items():
        assert entry.get("fa") and entry.get("en"), key


def test_rendering_escapes_document_text():
    out = block("<script>alert(1)</script> <img src=x onerror=alert(2)>", None)
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out
    assert 'dir="ltr"' in out
    assert esc("alert('x') & 1") == "alert(&#x27;x&#x27;) &amp; 1"  # escaped exactly once
    assert 'dir="rtl"' in block("کشورداری هوشمند", None)
    assert "<mark" in highlight("الف ب. کشورداری  هوشمند است.", ["کشورداری هوشمند است."])


def test_a_persian_work_cited_in_an_english_answer_shows_english_with_the_original_one_click_away():
    from app_ui.pages import _works_html

    work = {"key": "Jalali et al., 1400 [2021]", "confidence": "verified",
            "reference": "Jalali, S. (1400 [2021]). Presenting a smart leadership model. Journal, 9(18), 151-174.",
            "original": {"key": "جلالی و همکاران، 1400", "reference": "جلالی، سلمان (1400). ارائه مدل رهبری هوشمند."}}
    out = _works_html([work], "en", "Works cited")
    shown, hidden = out.split("<details", 1)
    assert "Jalali, S. (1400" in shown and "جلالی" not in shown   # English first …
    assert t("ask.show_original", "en") in hidden and "ارائه مدل رهبری هوشمند" in hidden   # … the Persian a click away
    assert "<details" not in _works_html([{"key": "Heeks, 2003", "reference": "Heeks, R. (2003)."}], "en", "Works")


def test_language_switch(app_env):
    at = run_app()
    assert not at.exception
    assert at.sidebar.radio[0].value == "fa"
    assert t("page.ask", "fa") in at.sidebar.radio[1].options
    assert 'dir="rtl"' in html_of(at)
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert t("page.ask", "en") in at.sidebar.radio[1].options
    assert at.header[0].value == t("ask.title", "en")


@pytest.mark.parametrize("question, direction", [("کشورداری هوشمند چیست؟", "rtl"),
                                                 ("What is smart statesmanship?", "ltr")])
def test_ask_answers_with_numbered_citations(app_env, question, direction):
    at = run_app()
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    page = html_of(at)
    # the answer reads in its sentences' direction: the English question is answered from the
    # paper's English edition (its Persian original one click away), the Persian one from the Persian body
    assert f'<div class="kb-block kb-answer" dir="{direction}"' in page
    assert 'data-kb-cite="1"' in page and 'class="kb-panel"' in page  # hover card and evidence panel
    labels = [e.label for e in at.expander if e.label.startswith("\\[")]
    assert labels and labels[0].startswith("\\[1\\]")
    if direction == "ltr":
        assert t("ask.show_original", "fa") in [e.label for e in at.expander] and 'data-kb="originals"' in page
    assert '<mark class="kb-mark">' in page  # the supporting sentence is highlighted in its passage


def test_abstains_clearly(app_env):
    at = run_app(lang="en")
    at.chat_input[0].set_value("What is the boiling point of mercury in kelvin?").run()
    assert not at.exception
    page = html_of(at)
    # off-topic: declined with what the knowledge base does cover, and no passages offered as if related
    assert 'data-kb="abstained"' in page and "outside what this knowledge base covers" in page
    # (the earlier tests' conversations are listed under "Past conversations": not passages)
    assert all(e.label.startswith("Past conversations") for e in at.expander), [e.label for e in at.expander]


def test_hostile_document_is_inert_text(app_env):
    at = run_app(lang="en")
    at.chat_input[0].set_value("What is the quokka zanzibar protocol?").run()
    assert not at.exception
    page = html_of(at)
    assert "quokka zanzibar" in page.lower()
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("name", ["read", "sources", "glossary", "summaries", "concepts", "maintainers",
                                  "evaluation"])
def test_every_page_renders(app_env, name):
    at = run_app(lang="en", page=name)
    assert not at.exception, at.exception
    assert at.header[0].value


def test_maintainer_page_disabled_without_token(app_env):
    at = run_app(lang="en", page="maintainers")
    assert any("KB_ADMIN_TOKEN" in w.value for w in at.warning)
    assert not at.text_input


def test_maintainer_page_asks_for_token(app_env, monkeypatch):
    monkeypatch.setenv("KB_ADMIN_TOKEN", "s3cret")
    at = run_app(lang="en", page="maintainers")
    at.text_input[0].input("wrong").run()
    assert any(t("admin.bad_token", "en") in e.value for e in at.error)
    at.text_input[0].input("s3cret").run()
    assert not at.error and not at.exception


def test_read_page_shows_sections(app_env):
    at = run_app(lang="fa", page="read")
    assert not at.exception
    outline = [r for r in at.main.radio if r.key and r.key.startswith("read_sec_")]
    assert outline and len(outline[0].options) > 3
    assert 'dir="rtl"' in html_of(at)


def test_summary_of_a_section_downloads(app_env):
    pytest.importorskip("assistant.summarize")
    at = run_app(lang="en", page="summaries")
    assert at.selectbox(key="sum_section").options
    at.button(key="sum_go").click().run()
    assert not at.exception, at.exception
    assert "summary_md" in at.session_state and at.session_state["summary_md"].strip()
    assert 'dir="' in html_of(at)


def test_sources_filter_and_where_cited(app_env):
    pytest.importorskip("assistant.sources")
    at = run_app(lang="en", page="sources")
    assert not at.exception, at.exception
    before = len([c for c in at.checkbox if c.key and c.key.startswith("src_sel_")])
    if not before:
        pytest.skip("the store has no bibliography tables")
    at.text_input(key="src_q").input("Giffinger").run()
    after = len([c for c in at.checkbox if c.key and c.key.startswith("src_sel_")])
    assert 0 < after < before
