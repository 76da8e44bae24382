"""English answers and summaries over the English edition; a Persian document without one says so."""
from __future__ import annotations

import re

import pytest

from assistant.answer import PERSIAN_SOURCE_NOTE

PERSIAN = re.compile(r"[\u0600-\u06FF]")
UNTRANSLATED = """حکمرانی هوشمند در شهرداری قزوین

شهرداری قزوین سامانه‌ای برای پایش هوشمند چراغ‌های راهنمایی و رانندگی ساخته است که با حسگرهای اینترنت اشیا کار می‌کند.
این سامانه داده‌های ترافیک را هر پنج دقیقه به مرکز کنترل شهری می‌فرستد و زمان چراغ‌ها را خودکار تنظیم می‌کند.
"""


@pytest.fixture(scope="module")
def untranslated_store(tmp_path_factory):
    """A store of one Persian document that has no English edition."""
    from indexer.pipeline import build_index
    from indexer.settings import Settings

    root = tmp_path_factory.mktemp("untranslated-kb")
    (root / "corpus").mkdir()
    (root / "corpus" / "qazvin.txt").write_text(UNTRANSLATED, encoding="utf-8")
    settings = Settings.load(env={}, overrides={"store_dir": root / "store", "corpus_dir": root / "corpus"})
    report = build_index(settings, progress=None)
    assert report.ok, report.failed
    return settings


def test_estonia_in_english_with_citations_into_the_persian_lines(paper_assistant):
    result = paper_assistant.ask("What does the paper say about Estonia?").to_json()
    assert not result["abstained"] and result["language"] == "en"
    assert all(not PERSIAN.search(s["text"]) for s in result["sentences"])
    assert any("Estonia" in s["text"] for s in result["sentences"])
    by_id = {p["id"]: p for p in result["passages"]}
    for s in result["sentences"]:
        assert s.get("translated") and s["original"] in by_id[s["passage_ids"][0]]["text"]
        assert by_id[s["passage_ids"][0]]["line_start"]  # provenance is the Persian original's


def test_an_english_answer_cites_persian_works_in_english_with_the_original_beside(paper_assistant):
    """The paper's Persian reference list is rendered in the English edition: an English reader gets
    "Jalali et al., 1400 [2021]" and its English reference, the Persian record one field away."""
    result = paper_assistant.ask(
        "Which Iranian works have been published on smartness in government departments and organisations?").to_json()
    jalali = next(c for c in result["citations"] if c.get("original", {}).get("key", "").startswith("جلالی"))
    assert jalali["key"] == "Jalali et al., 1400 [2021]" and not PERSIAN.search(jalali["reference"])
    assert jalali["reference"].startswith("Jalali, S.") and "9(18), 151-174" in jalali["reference"]
    assert "151-174" in jalali["original"]["reference"]
    # works the reference list lacks («کیخا و همکاران 1998») keep their key as the sentence's rendering gives it
    assert all(not PERSIAN.search(c["key"]) and not PERSIAN.search(c["reference"] or "") for c in result["citations"])
    assert any(c["key"] == "Keikha et al., 1998" and c["original"]["key"].startswith("کیخا") for c in result["citations"])
    persian = paper_assistant.ask("چه آثاری در ایران درباره هوشمندی در سازمان‌های دولتی منتشر شده است؟").to_json()
    assert all("original" not in c for c in persian["citations"])   # a Persian reader reads the paper's own list


def test_a_question_for_a_cited_works_record_by_its_author_is_not_off_topic(paper_assistant):
    """No year, so no citation to match: the bibliography's first authors («تقوا», "Ahmadian", as the English
    edition transliterates them) say the question is about the corpus."""
    for question in ("مقاله تقوا و همکاران در کدام نشریه منتشر شده است؟",
                     "In which journal did Ahmadian and Namvar publish their blockchain study?"):
        assert paper_assistant.names_the_corpus(question)
        assert not paper_assistant.ask(question).to_json()["abstained"]
    assert not paper_assistant.names_the_corpus("Which journal published the best study on football tactics?")


def test_untranslated_persian_document_is_quoted_and_says_so(untranslated_store):
    from assistant import Assistant

    result = Assistant(untranslated_store).ask("How does Qazvin municipality monitor traffic lights with IoT sensors?").to_json()
    assert not result["abstained"], result["abstain_reason"]
    qazvin = [s for s in result["sentences"] if any(p.startswith("qazvin:") for p in s["passage_ids"])]
    assert qazvin and all(s["language"] == "fa" and not s.get("translated") for s in qazvin)
    assert PERSIAN_SOURCE_NOTE in result["answer"]


def test_english_summary_writes_english_key_points(paper_assistant, tmp_path):
    from assistant.summarize import summarize
    from assistant.summary_markdown import to_markdown
    from assistant.summary_pdf import to_pdf

    summary = summarize(paper_assistant, section="ابزارهای شفافیت حکمرانی", lang="en")
    assert summary.points and all(p.language == "en" and not PERSIAN.search(p.text) for p in summary.points)
    assert all(p.original and PERSIAN.search(p.original) for p in summary.points)
    assert not PERSIAN.search(summary.title) and "not the author's text" in summary.note
    markdown = to_markdown(summary)
    assert "Key points" in markdown and "<details>" in markdown
    pdf = to_pdf(summary, tmp_path / "summary.pdf")
    assert pdf.stat().st_size > 1000
    topic = summarize(paper_assistant, topic="What does the paper say about leadership?", lang="en")
    assert topic.points and all(not PERSIAN.search(p.text) for p in topic.points)
    assert not any(p.passage_ids[0].startswith("cited-works") for p in topic.points)
