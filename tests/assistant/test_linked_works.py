"""The cited literature itself (issue 25), end to end on a copy of the real paper store: an English PDF and a
DOCX whose title pages name a cited work's authors and year are added through the CLI, linked to their records
by the proposal, listed by ``cited``, exported, asked about in English and Persian, kept by ``build`` and
removed cleanly."""
from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest

from indexer.__main__ import main as indexer_main
from indexer.settings import PROJECT_ROOT, Settings
from indexer.store import live_tables_dir, load_passages, read_state
from tests.cited_documents import GIFFINGER_PHRASE, giffinger_pdf, janssen_docx

GIFFINGER, JANSSEN = "Giffinger et al., 2007", "Janssen et al., 2012"


@pytest.fixture(scope="module")
def linked_kb(paper_store, tmp_path_factory):
    """A private copy of the paper store and corpus, with the two full texts added as a maintainer would."""
    root = tmp_path_factory.mktemp("linked-kb")
    shutil.copytree(paper_store.store_dir, root / "kb", ignore=shutil.ignore_patterns(".lock", ".uploads.lock"))
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    settings = paper_store.replace(store_dir=root / "kb", corpus_dir=root / "corpus")
    giffinger_pdf(root / "incoming" / "giffinger-report.pdf")
    janssen_docx(root / "incoming" / "open-data-myths.docx")
    return settings


def _cli(settings: Settings, *args: str) -> list[str]:
    return [*args, "--store", str(settings.store_dir), "--corpus", str(settings.corpus_dir)]


def _manifest_entry(settings: Settings, doc_id: str) -> dict:
    manifest = json.loads((settings.corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return next(e for e in manifest["documents"] if e.get("doc_id") == doc_id)


def _tables(settings: Settings) -> dict:
    from assistant.sources import live_tables

    return live_tables(settings)


def _run(main, argv: list[str]) -> tuple[int, str, str]:
    """A CLI run in this process (the model stays loaded): exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def linked(linked_kb):
    """Both documents added: the PDF linked by --yes to the proposal, the DOCX first without a terminal (only
    proposed: stdin is not one under pytest), then with --yes."""
    incoming = linked_kb.store_dir.parent / "incoming"
    pdf, docx = str(incoming / "giffinger-report.pdf"), str(incoming / "open-data-myths.docx")
    return {"pdf": _run(indexer_main, _cli(linked_kb, "add", "--copy", pdf, "--yes")),
            "docx": _run(indexer_main, _cli(linked_kb, "add", "--copy", docx)),
            "docx again": _run(indexer_main, _cli(linked_kb, "add", "--copy", docx, "--yes"))}


def test_the_title_page_proposes_the_record_and_yes_links_it(linked, linked_kb):
    code, out, err = linked["pdf"]
    assert code == 0, err
    assert f'looks like the full text of the cited work "{GIFFINGER}" (author, title and year on its title page)' \
        in out
    assert f'linked to "{GIFFINGER}"' in out
    entry = _manifest_entry(linked_kb, "giffinger-report")
    assert entry["cites"] == GIFFINGER
    # the record's title becomes the document's title when the maintainer gave none
    assert entry["title"] == "Smart cities: Ranking of European medium-sized cities. Final report"
    assert _tables(linked_kb)["giffinger-report"]["cites"] == GIFFINGER


def test_without_a_terminal_or_yes_the_proposal_is_printed_and_nothing_linked(linked, linked_kb):
    code, out, err = linked["docx"]
    assert code == 0, err
    assert f'looks like the full text of the cited work "{JANSSEN}"' in out
    assert f'not linked (no terminal to ask): add --yes to accept, or --cites "{JANSSEN}"' in out
    code, out, err = linked["docx again"]
    assert code == 0 and f'linked to "{JANSSEN}"' in out, err
    assert _manifest_entry(linked_kb, "open-data-myths")["cites"] == JANSSEN
    assert _tables(linked_kb)["open-data-myths"]["cites"] == JANSSEN


def test_an_unknown_key_is_refused_with_the_close_keys_and_nothing_changes(linked, linked_kb, capsys, tmp_path):
    before = read_state(linked_kb.store_dir)
    path = giffinger_pdf(tmp_path / "other.pdf")
    assert indexer_main(_cli(linked_kb, "add", "--copy", str(path), "--cites", "Giffinger et al., 2009")) == 2
    err = capsys.readouterr().err
    assert err.strip() == f'error: no cited work "Giffinger et al., 2009" in the bibliography; close keys: "{GIFFINGER}"'
    assert read_state(linked_kb.store_dir) == before and not (linked_kb.corpus_dir / "other.pdf").exists()


def test_cited_lists_where_the_paper_cites_the_work_and_the_work_itself(linked, linked_kb, capsys):
    from assistant.__main__ import main as assistant_main

    assert assistant_main(_cli(linked_kb, "cited", "Giffinger 2007", "--json")) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["key"] == GIFFINGER and len(result["occurrences"]) >= 10
    assert all("Giffinger" in o["sentence"] for o in result["occurrences"])
    [doc] = result["full_text"]
    assert doc["doc_id"] == "giffinger-report" and doc["file"] == "giffinger-report.pdf"
    assert any(GIFFINGER_PHRASE in p["text"] for p in doc["passages"])
    assert assistant_main(_cli(linked_kb, "cited", GIFFINGER)) == 0
    text = capsys.readouterr().out
    assert "Where the paper cites it (" in text
    assert "The work itself: full text in the knowledge base, document giffinger-report" in text
    assert assistant_main(_cli(linked_kb, "cited", "Heeks, 2003")) == 0
    assert "The work itself: its full text is not in the knowledge base" in capsys.readouterr().out


def test_exports_say_the_full_text_is_in_the_knowledge_base(linked, linked_kb):
    import bibtexparser
    import rispy

    from assistant.sources import export

    tables = _tables(linked_kb)
    [entry] = bibtexparser.parse_string(export(tables, [JANSSEN], "bibtex")).entries
    assert entry.fields_dict["file"].value == "open-data-myths.docx"
    assert "full text in the knowledge base: open-data-myths" in entry.fields_dict["note"].value
    [ris] = rispy.loads(export(tables, [JANSSEN], "ris"))
    assert ris["file_attachments1"] == "open-data-myths.docx"
    assert "full text in the knowledge base: open-data-myths" in ris["notes"]
    [csl] = json.loads(export(tables, [JANSSEN], "csl-json"))
    assert csl["note"].endswith("full text in the knowledge base: open-data-myths")
    [plain] = rispy.loads(export(tables, ["Heeks, 2003"], "ris"))
    assert "file_attachments1" not in plain


@pytest.fixture(scope="module")
def linked_bot(linked, linked_kb):
    from assistant import Assistant

    return Assistant(linked_kb)


@pytest.mark.parametrize("question", ["What does Giffinger et al. (2007) say about smart mobility?",
                                      "Giffinger et al. (2007) درباره تحرک هوشمند چه می‌گوید؟"])
def test_a_question_naming_the_work_is_answered_from_its_full_text(linked_bot, question):
    result = linked_bot.ask(question)
    assert result.decline is None
    assert result.passages[0].passage.doc_id == "giffinger-report"
    docs = [h.passage.doc_id for h in result.passages]
    assert "smart-statesmanship" in docs  # the paper's sentences about the work stay beside it
    assert all(linked_bot.retriever.passages[pid].doc_id == "giffinger-report"
               for s in result.sentences for pid in s.passage_ids)
    assert any("mobility" in s.text for s in result.sentences)
    note = {"en": f"Answered from the full text of {GIFFINGER}, which is in the knowledge base.",
            "fa": f"پاسخ از متن کامل {GIFFINGER} است که در پایگاه دانش هست (به زبان خود اثر)."}[result.language]
    assert result.note.startswith(note) and result.answer.startswith(note)


@pytest.mark.parametrize("question", [
    "What are the myths of open data according to 'Benefits, adoption barriers and myths of open data and open "
    "government'?", "What are the myths of open data according to Janssen et al. (2012)?"])
def test_the_work_is_named_by_its_title_or_by_author_and_year(linked_bot, question):
    result = linked_bot.ask(question)
    assert result.passages[0].passage.doc_id == "open-data-myths"
    assert any("myth" in s.text for s in result.sentences)


def test_persian_questions_reach_the_english_full_text_across_languages(linked_bot):
    result = linked_bot.ask("تحرک هوشمند در شهرهای هوشمند چه مؤلفه‌هایی دارد؟")
    assert "giffinger-report" in [h.passage.doc_id for h in result.passages]
    hits = linked_bot.retrieve("موانع پذیرش داده‌های باز چیست؟", k=10)
    assert "open-data-myths" in [h.passage.doc_id for h in hits]


def test_a_work_whose_full_text_is_absent_says_so(linked_bot):
    result = linked_bot.ask("What does Zhao et al. (2012) say about big data?")
    assert result.note.startswith("The full text of Zhao et al., 2012 is not in the knowledge base: what follows is "
                                  "what the paper says about it, not the work itself.")
    assert "giffinger-report" not in [h.passage.doc_id for h in result.passages[:1]]
    fa = linked_bot.ask("Heeks (2003) درباره شکست پروژه‌های دولت الکترونیک چه می‌گوید؟")
    assert fa.note and fa.note.startswith("متن کامل Heeks, 2003 در پایگاه دانش نیست")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_concept_maps_question_about_a_cited_work_is_answered_from_the_paper(linked_bot, language):
    """«Where and why does the paper cite …?» names the linked work but asks about the paper: a citation question
    (assistant.answer.question_type), so the work's full text does not lead and the answer quotes the paper."""
    from app_ui.i18n import t
    from assistant.answer import CITATION, question_type
    from assistant.linked_works import named_works, work_docs

    question = t("map.ask.work", language, x=GIFFINGER)
    assert question_type(question) == CITATION
    named = named_works(question, linked_bot.tables)
    assert [n.work.key for n in named if n.linked] == [GIFFINGER] and work_docs(question, named) == ()
    result = linked_bot.ask(question)
    assert result.decline is None and result.sentences
    assert result.passages[0].passage.doc_id == "smart-statesmanship"
    assert all(linked_bot.retriever.passages[pid].doc_id == "smart-statesmanship"
               for s in result.sentences for pid in s.passage_ids)
    assert any("Giffinger" in (s.original or s.text) for s in result.sentences)
    assert not result.note or "full text" not in result.note and "متن کامل" not in result.note
    # the same work asked about by content is still answered from its full text
    assert work_docs("What does Giffinger et al. (2007) say about smart mobility?", named) == \
        named[0].linked.doc_ids


def test_a_declined_question_naming_an_absent_work_gets_no_note(paper_store, capsys):
    from assistant import Assistant
    from assistant.__main__ import _print_human

    result = Assistant(paper_store).ask("How many employees did Heeks (2003) interview in Kenya in 1998?")
    assert result.decline is not None and not result.sentences
    assert result.note is None and result.answer == ""
    _print_human(result)
    out = capsys.readouterr().out
    assert "The paper does not answer this." in out and "what follows" not in out


def test_build_keeps_the_links(linked, linked_kb, capsys):
    assert indexer_main(_cli(linked_kb, "build")) == 0
    assert "added 0, updated 0, unchanged 4, removed 0, failed 0" in capsys.readouterr().out
    tables = _tables(linked_kb)
    assert tables["giffinger-report"]["cites"] == GIFFINGER and tables["open-data-myths"]["cites"] == JANSSEN


def test_remove_takes_the_full_text_and_its_link_away(linked, linked_kb, linked_bot, capsys):
    from assistant.sources import cited, sources

    assert indexer_main(_cli(linked_kb, "remove", "giffinger-report")) == 0
    assert (f'"{GIFFINGER}": its full text (giffinger-report) is no longer in the knowledge base; the record stays'
            in capsys.readouterr().out)
    passages = load_passages(live_tables_dir(linked_kb.store_dir))
    assert not any(p.doc_id == "giffinger-report" for p in passages.values())
    assert cited(linked_kb, GIFFINGER)["full_text"] == []
    work = next(w for w in sources(linked_kb) if w["key"] == GIFFINGER)
    assert work["full_text"] == [] and work["occurrences"] >= 10
    result = linked_bot.ask("What does Giffinger et al. (2007) say about smart mobility?")
    assert "giffinger-report" not in [h.passage.doc_id for h in result.passages]
    assert result.note.startswith(f"The full text of {GIFFINGER} is not in the knowledge base")


def test_with_no_document_linked_retrieval_is_what_it_was(paper_store, dev_questions):
    """The linked-work list and step add nothing when no document is linked: the same hits as without them."""
    from assistant.retrieval import HybridRetriever

    names = paper_store.retrievers.split(",")
    assert "linked-work" in names
    without = HybridRetriever(paper_store.replace(retrievers=",".join(n for n in names if n != "linked-work"),
                                                  linked_work_slots=0))
    with_ = HybridRetriever(paper_store)
    questions = [q["question"] for q in dev_questions][:12] + ["What does Giffinger et al. (2007) say about ICT?"]
    for question in questions:
        a, b = with_.retrieve(question, 10), without.retrieve(question, 10)
        assert [(h.passage.id, h.score) for h in a] == [(h.passage.id, h.score) for h in b], question
