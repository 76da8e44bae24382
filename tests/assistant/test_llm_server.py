"""The generative backend against a real model server: llama.cpp's server serving Gemma 3 270M (tests/llm_server.py).

What is tested is our contract, not the tiny model's prose: the reply streams through the real HTTP client,
every kept sentence cites a passage of the prompt and passed the support check, an unsupported sentence is
dropped and the answer says so, a timeout and a dead server fall back to the extractive answer with a reason,
declines never reach the model, and the CLI streams and reports support scores.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from assistant.llm import generate_answer
from indexer.llm_client import make_llm
from indexer.settings import PROJECT_ROOT, Settings
from tests import llm_server
from tests.assistant.test_llm import HITS, P1, P2

FIRST_P1 = P1.split(". ")[0].strip() + "."
INVENTED = "This paper was written on the Moon in 1850."


@pytest.fixture(scope="module")
def llm(tmp_path_factory):
    server = llm_server.start(tmp_path_factory.mktemp("llm"))
    yield server
    llm_server.stop(server)


@pytest.fixture(scope="module")
def e5():
    from indexer.embedding import get_embedding

    return get_embedding(Settings.load())


def _settings(server, **changes) -> Settings:
    values = {"llm_enabled": True, "llm_base_url": server.url, "llm_model": server.model, "llm_timeout_s": 60.0}
    return Settings.load().replace(**(values | changes))


def _gbnf_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_reply_streams_and_every_kept_sentence_is_cited_and_supported(llm, e5):
    pieces: list[str] = []
    # two sentences' worth of tokens: the base model does not stop by itself, and a busy 2-core machine
    # generates a few tokens a second
    settings = _settings(llm, llm_timeout_s=300.0)
    generation = generate_answer("کشورداری هوشمند از چه ساحت‌هایی تشکیل می‌شود؟", HITS, settings, embed_model=e5,
                                 llm=make_llm(settings, max_sentences=2), on_text=pieces.append)
    assert len(pieces) > 1, "the reply came in one piece: not streamed"
    assert "".join(pieces) == generation.reply and generation.reply.strip()
    assert generation.fallback in (None, "no-answer", "unsupported"), generation.message
    for check in generation.checks:
        assert all(1 <= n <= len(HITS) for n in check.numbers)
    if generation.generated:
        for s in generation.sentences:
            assert s.passage_ids and s.supported and s.support in ("4-gram", "e5")
    else:  # the tiny model wrote nothing supported: the extractive answer, and it says why
        assert all(s.text in P1 + P2 and not s.generated for s in generation.sentences)
        assert generation.note("en") and "quotes the paper" in generation.note("en")


def test_unsupported_sentence_is_dropped_and_the_answer_says_so(llm, e5):
    """The real model, held by a grammar to one supported and one invented sentence, through the real server."""
    reply = f"{FIRST_P1[:-1]} [1]. {INVENTED[:-1]} [2]."
    # 60 s ran out once with the shared 2-core machine at load 10 (the reply stopped after "This"): 300 s
    client = make_llm(_settings(llm, llm_timeout_s=300.0))
    client.additional_kwargs = {"extra_body": {"grammar": f"root ::= {_gbnf_literal(reply)}"}}
    pieces: list[str] = []
    generation = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(llm, llm_timeout_s=300.0), embed_model=e5,
                                 llm=client, on_text=pieces.append)
    assert generation.reply == reply and len(pieces) > 1
    assert [c.supported for c in generation.checks] == [True, False]
    assert "1850" in generation.checks[1].missing
    assert [s.text for s in generation.sentences] == [FIRST_P1]
    assert generation.sentences[0].passage_ids == ["doc:0001"] and generation.sentences[0].generated
    assert generation.dropped == 1 and "1 unsupported sentence(s) left out" in (generation.note("en") or "")
    marked = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(llm, llm_timeout_s=300.0), embed_model=e5, llm=client,
                             unsupported="mark")
    assert [s.supported for s in marked.sentences] == [True, False]
    replaced = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(llm), embed_model=e5, llm=client,
                               unsupported="replace")
    assert replaced.replaced == 1 and not replaced.sentences[1].generated
    assert replaced.sentences[1].text in HITS[1].passage.text


def test_timeout_falls_back_to_the_extractive_answer(llm, e5):
    """A reply held (by a grammar) to ~600 tokens cannot finish in 0.5 s: the answer is extractive, at once."""
    client = make_llm(_settings(llm, llm_timeout_s=0.5))
    client.additional_kwargs = {"extra_body": {"grammar": "root ::= " + _gbnf_literal("smart statesmanship " * 150)}}
    started = time.monotonic()
    generation = generate_answer("What is smart public administration?", HITS, _settings(llm, llm_timeout_s=0.5),
                                 embed_model=e5, llm=client)
    assert time.monotonic() - started < 10, "a timeout must not block"
    assert generation.fallback == "timeout" and "0.5 s" in (generation.message or "")
    assert generation.sentences and not generation.generated
    assert "No written answer" in (generation.note("en") or "")


def test_dead_server_falls_back_with_a_clear_message(llm, e5):
    url = f"http://127.0.0.1:{llm_server.free_port()}/v1"  # nothing listens there
    generation = generate_answer("What is smart public administration?", HITS, _settings(llm, llm_base_url=url),
                                 embed_model=e5)
    assert generation.fallback == "unreachable" and url in (generation.message or "")
    assert generation.sentences and not generation.generated
    persian = generate_answer("مدیریت دولتی هوشمند چیست؟", HITS, _settings(llm, llm_base_url=url), embed_model=e5)
    note = persian.note("fa") or ""  # a Persian question reads why in Persian
    assert note.startswith("(مدل زبانی پاسخ نداد: هیچ کارساز مدلی در") and url in note and "No " not in note


def test_declined_questions_never_reach_the_model(llm, paper_store):
    from assistant import Assistant

    streamed: list[str] = []
    bot = Assistant(paper_store.replace(llm_enabled=True, llm_base_url=llm.url, llm_model=llm.model))
    result = bot.ask("Who painted the Mona Lisa?", on_text=streamed.append)
    assert result.decline is not None and result.generation is None and streamed == []


def test_cli_streams_a_cited_answer_and_json_reports_support(llm, paper_store):
    # two passages keep the prompt (~600 tokens) and the reply within the time of a busy 2-core machine
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KB_LLM_ENABLED": "1", "KB_LLM_BASE_URL": llm.url,
           "KB_LLM_MODEL": llm.model, "KB_STORE_DIR": str(paper_store.store_dir), "KB_LLM_TIMEOUT_S": "300"}
    ask = [sys.executable, "-m", "assistant", "ask", "--k", "2", "What is smart governance?"]
    human = subprocess.run(ask, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert human.returncode == 0, human.stderr[-2000:]
    assert "✍" in human.stdout and "[1]" in human.stdout
    out = subprocess.run(ask + ["--json"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert isinstance(result["generated"], bool) and result["generation"]["model"] == llm.model
    assert result["generation"]["support_threshold"] > 0 and result["generation"]["reply"]
    ids = {p["id"] for p in result["passages"]}
    for s in result["sentences"]:
        assert s["passage_ids"] and set(s["passage_ids"]) <= ids
        if s.get("generated"):
            assert s["supported"] and isinstance(s["support_score"], float)
    if not result["generated"]:  # the tiny base model rarely writes a supported sentence
        assert result["generation"]["fallback"] in ("no-answer", "unsupported"), result["generation"]["message"]
        assert result["answer"].startswith("(No written answer")


# ---------------------------------------------------------------------------- indexer translate
RENDERINGS = {  # what the real model is held to (by a grammar per request) for each segment of the document
    "دولت هوشمند": "Smart government",
    "دولت هوشمند از داده‌ها": "Smart government uses data to make decisions about public services.",
    "در سال 1399": "In 1398 the programme began in several ministries (Heeks, 2003).",  # mangled: 1399 → 1398
    "شهروندان اکنون": "Citizens now receive government services online.",
}


class HeldPerSegment:
    """The real client to the real server, each request held by a grammar to its segment's rendering."""

    def __init__(self, client):
        self.client, self.requests = client, 0

    def stream_chat(self, messages):
        from indexer.normalize import match_key

        persian = match_key(messages[-1].content)
        key = max((k for k in RENDERINGS if match_key(k) in persian), key=len)
        self.client.additional_kwargs = {"extra_body": {"grammar": f"root ::= {_gbnf_literal(RENDERINGS[key])}"}}
        self.requests += 1
        return self.client.stream_chat(messages)


def test_translate_is_resumable_checked_and_becomes_the_english_view(llm, tmp_path):
    from assistant import Assistant
    from indexer.pipeline import build_index
    from indexer.translate import SEGMENT_SENTENCES, translate
    from tests.indexer.test_translate import corpus_with_document

    settings = corpus_with_document(tmp_path).replace(llm_enabled=True, llm_base_url=llm.url, llm_model=llm.model,
                                                      llm_timeout_s=120.0)
    question = "How does smart government use data for decisions about public services?"
    assert build_index(settings, progress=None).ok
    reader = settings.replace(llm_enabled=False)  # answers stay extractive: the renderings are what is tested
    before = Assistant(reader).ask(question)
    assert before.decline is None and before.sentences
    assert all(s.language == "fa" and not s.translated_by for s in before.sentences)
    assert "without an English edition" in (before.note or "")  # untranslated, and the answer says so

    client = HeldPerSegment(make_llm(settings, max_sentences=SEGMENT_SENTENCES))
    first = translate(settings, limit=1, llm=client)  # interrupted after one segment
    doc = first.documents[0]
    assert (doc.translated, doc.to_go, client.requests) == (1, 3, 1)
    edition = settings.corpus_dir / "gov.en.jsonl"
    rows = [json.loads(line) for line in edition.read_text(encoding="utf-8").splitlines()]
    assert [(r["seg"], r["en"], r["by"]) for r in rows] == [(1, "Smart government", llm.model)]
    manifest = json.loads((settings.corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["documents"][0]
    assert entry["english_edition"] == "gov.en.jsonl" and entry["english_edition_by"] == llm.model
    assert f"English rendering by {llm.model} via the local backend, not the author's text" in \
        entry["english_edition_note"]

    second = translate(settings, llm=client)  # the rerun continues where the first stopped
    doc = second.documents[0]
    assert (doc.kept, doc.translated, doc.to_go, client.requests) == (1, 2, 0, 4)
    assert doc.failed == [(3, "number 1399 missing")]
    rows = [json.loads(line) for line in edition.read_text(encoding="utf-8").splitlines()]
    assert [r["seg"] for r in rows] == [1, 2, 3, 4]
    assert rows[2]["en"] == "" and rows[2]["failed"] == "number 1399 missing" and "1398" in rows[2]["reply"]
    third = translate(settings, llm=client)  # nothing left: nothing asked
    assert client.requests == 4 and third.documents[0].kept == 3 and third.documents[0].failed_before == 1

    report = build_index(settings, progress=None)  # the next incremental build indexes the English text
    assert report.updated == ["gov"]
    bot = Assistant(reader)
    passage = next(p for p in bot.retriever.passages.values() if p.doc_id == "gov" and p.metadata.get("language") == "fa")
    assert "Smart government uses data" in passage.metadata["text_en"] and "1398" not in passage.metadata["text_en"]
    after = bot.ask(question)
    rendered = [s for s in after.sentences if s.translated_by]
    assert rendered and all(s.translated_by == llm.model and s.original for s in rendered)
    assert any(s.text == RENDERINGS["دولت هوشمند از داده‌ها"] for s in rendered)
    assert f"English rendering by {llm.model} via the local backend, not the author's text" in (after.note or "")
    assert all("1398" not in s.text for s in after.sentences)  # the mangled rendering never reaches an answer
    js = after.to_json()
    assert any(s.get("translated_by") == llm.model for s in js["sentences"])

    # an English summary quoting the renderings says who wrote them, and marks each such point
    from assistant.summarize import summarize
    from assistant.summary_markdown import to_markdown

    summary = summarize(bot, topic=question, lang="en")
    machine = [p for sub in summary.subsections for p in sub.points if p.translated_by]
    assert machine and all(p.translated_by == llm.model and p.original for p in machine)
    assert f"English rendering by {llm.model} via the local backend, not the author's text" in summary.note
    assert any(f"{p.text} ⚙" in to_markdown(summary) for p in machine)


# ---------------------------------------------------------------------------- written summaries
def test_written_summary_is_checked_and_falls_back_on_a_dead_server(llm, paper_store, tmp_path):
    from assistant import Assistant
    from assistant.summarize import summarize
    from assistant.summary_llm import write_summary
    from assistant.summary_markdown import to_json, to_markdown

    # one subsection (one passage): one request, within the time of a busy 2-core machine
    bot = Assistant(paper_store.replace(llm_base_url=llm.url, llm_model=llm.model, llm_timeout_s=300.0))
    section = "درگاه‌های داده‌باز"
    extractive = summarize(bot, section=section, lang="en")
    quoted = extractive.subsections[0].points[0]
    reply = f"{quoted.text} [1] {INVENTED[:-1]} [1]."
    client = make_llm(bot.settings)
    client.additional_kwargs = {"extra_body": {"grammar": f"root ::= {_gbnf_literal(reply)}"}}
    written = write_summary(summarize(bot, section=section, lang="en"), bot, llm=client)
    gen = written.generation or {}
    assert gen["fallback"] is None and gen["written"] >= 1 and gen["replaced"] + gen["dropped"] >= 1
    first = written.subsections[0].points[0]
    assert first.generated and first.text == quoted.text and first.passage_ids == quoted.passage_ids
    assert first.support in ("4-gram", "e5")
    points = [p for s in written.subsections for p in s.points]
    assert all("Moon" not in p.text for p in points)  # the invented sentence: replaced by the paper's key point
    assert all(p.generated or p in extractive.points for p in points)
    assert "1850" in json.dumps(gen["checks"])  # the check that refused it is reported
    md = to_markdown(written)
    assert f"- (written by the model) {quoted.text}" in md and "written by gemma-3-270m" in written.note
    assert '"generation"' in to_json(written) and '"generation"' not in to_json(extractive)
    assert written.note.startswith(gen["note"]) and gen["note"].endswith(".)")  # the whole note, not cut at ")"

    dead = Assistant(paper_store.replace(llm_base_url=f"http://127.0.0.1:{llm_server.free_port()}/v1",
                                         llm_model=llm.model))
    for lang, opening in (("en", "(No written summary: no model server answers at"),
                          ("fa", "(خلاصه نوشته نشد: هیچ کارساز مدلی در")):
        fallback = write_summary(summarize(dead, section=section, lang=lang), dead)
        assert (fallback.generation or {})["fallback"] == "unreachable"
        assert fallback.note.startswith(opening)
        assert [p.text for p in fallback.points] == [p.text for p in summarize(dead, section=section, lang=lang).points]
