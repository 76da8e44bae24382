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
    client = make_llm(_settings(llm))
    client.additional_kwargs = {"extra_body": {"grammar": f"root ::= {_gbnf_literal(reply)}"}}
    pieces: list[str] = []
    generation = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(llm), embed_model=e5, llm=client,
                                 on_text=pieces.append)
    assert generation.reply == reply and len(pieces) > 1
    assert [c.supported for c in generation.checks] == [True, False]
    assert "1850" in generation.checks[1].missing
    assert [s.text for s in generation.sentences] == [FIRST_P1]
    assert generation.sentences[0].passage_ids == ["doc:0001"] and generation.sentences[0].generated
    assert generation.dropped == 1 and "1 unsupported sentence(s) left out" in (generation.note("en") or "")
    marked = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(llm), embed_model=e5, llm=client,
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
