"""The optional generative backend: prompt, citation parsing and per-sentence verification.

A tiny threaded HTTP server on 127.0.0.1 speaks the OpenAI chat-completions protocol and replies
with a scripted answer, so that exact replies (invented, mis-cited, uncited sentences) can be checked.
It is not a model server: tests/assistant/test_llm_server.py runs the same contract against a real one
(llama.cpp's server with a small GGUF model).
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.fusion import Hit
from assistant.llm import generate_answer
from assistant.llm_prompt import build_messages, parse_cited_sentences
from assistant.llm_support import verify
from indexer.normalize import split_sentences
from indexer.store import Passage

P1 = ("کشورداری هوشمند از سه ساحت حکمرانی هوشمند، مدیریت دولتی هوشمند و عملیات اجرایی هوشمند تشکیل "
      "می‌شود. این سه ساحت در هم تنیده‌اند.")
P2 = ("Smart public administration uses digital technologies to deliver public services efficiently. "
      "It relies on data and citizen participation.")
HITS = [Hit(Passage("doc:0001", "doc", P1, {"section": "چارچوب مفهومی", "page": 4, "line_start": 10,
                                             "line_end": 14, "language": "fa", "kind": "body"}), 0.9),
        Hit(Passage("doc:0002", "doc", P2, {"section": "Abstract", "page": 1, "line_start": 1,
                                             "line_end": 3, "language": "en", "kind": "abstract_en"}), 0.8)]


class _Server:
    def __init__(self, reply, status: int = 200):
        self.reply = reply
        self.status = status
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body})
                content = outer.reply(body) if callable(outer.reply) else outer.reply
                payload = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": content}}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                if outer.status != 200:  # Ollama's answer for a model it does not have
                    payload = {"error": {"message": f"model \"{body['model']}\" not found, try pulling it first",
                                         "type": "api_error"}}
                if outer.status == 200 and body.get("stream"):
                    return self._stream(body["model"], content)
                data = json.dumps(payload).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str, content: str) -> None:
                """Server-sent events, the content in three pieces, as an OpenAI-compatible server streams."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                third = max(1, len(content) // 3)
                pieces = [content[i:i + third] for i in range(0, len(content), third)] or [""]
                for i, piece in enumerate(pieces + [None]):
                    choice = {"index": 0, "delta": {"content": piece} if piece is not None else {},
                              "finish_reason": None if piece is not None else "stop"}
                    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                             "choices": [choice]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


def _settings(paper_store, url: str):
    return paper_store.replace(llm_enabled=True, llm_base_url=url, llm_model="fake-model")


def test_parse_cited_sentences_variants():
    got = parse_cited_sentences("الف ب است [1]. ج د است. [2][3]\n- E is F [۴، 1]\nNo citation here.")
    assert [(s.text, s.numbers) for s in got] == [
        ("الف ب است.", [1]), ("ج د است.", [2, 3]), ("E is F", [4, 1]), ("No citation here.", [])]


def test_prompt_numbers_passages_and_asks_for_citations():
    messages = build_messages("کشورداری هوشمند چیست؟", HITS, "fa")
    system, user = messages[0].content, messages[1].content
    assert "[2]" in system and "NO_ANSWER" in system and "Persian" in system
    assert "[1] (چارچوب مفهومی · p. 4)" in user and "[2] (Abstract · p. 1)" in user
    assert P1 in user and user.rstrip().endswith("Answer:")


def test_verify_ngram_rule_and_e5_rule(paper_assistant):
    embed = paper_assistant.retriever.embed_model
    rows = verify(parse_cited_sentences(
        "کشورداری هوشمند از سه ساحت حکمرانی هوشمند، مدیریت دولتی هوشمند و عملیات اجرایی هوشمند تشکیل می‌شود [1]. "
        "Smart public administration uses digital technologies to deliver public services [1]. "
        "The moon is made of cheese and was annexed in 1999 [2]. "
        "Smart public administration relies on data [7]."), HITS, embed)
    assert [r.supported for r in rows] == [True, False, False, False]
    assert rows[0].how == "4-gram"
    assert rows[1].how == "unsupported"  # true, but cites the wrong passage
    assert rows[2].how in ("unsupported", "number")
    assert rows[3].numbers == [] and rows[3].how == "no citation"  # [7] is out of range


def test_generate_answer_against_local_openai_server(paper_store, paper_assistant):
    reply = ("کشورداری هوشمند از سه ساحت حکمرانی هوشمند، مدیریت دولتی هوشمند و عملیات اجرایی هوشمند تشکیل می‌شود [1]. "
             "این سه ساحت در هم تنیده‌اند. [1]\n"
             "این مفهوم نخستین بار در سال ۱۹۹۹ در ژاپن ابداع شد [2].\n"
             "جمله‌ای بدون ارجاع.")
    embed = paper_assistant.retriever.embed_model
    with _Server(reply) as server:
        settings = _settings(paper_store, server.url)
        generation = generate_answer("کشورداری هوشمند چیست؟", HITS, settings, embed_model=embed)
        kept = generation.sentences
        marked = generate_answer("کشورداری هوشمند چیست؟", HITS, settings, embed_model=embed,
                                 unsupported="mark").sentences
    request = server.requests[0]
    assert request["path"].endswith("/chat/completions") and request["body"]["model"] == "fake-model"
    assert [m["role"] for m in request["body"]["messages"]] == ["system", "user"]
    assert [s.text for s in kept] == [
        "کشورداری هوشمند از سه ساحت حکمرانی هوشمند، مدیریت دولتی هوشمند و عملیات اجرایی هوشمند تشکیل می‌شود.",
        "این سه ساحت در هم تنیده‌اند."]
    assert all(s.passage_ids == ["doc:0001"] and s.generated and s.supported for s in kept)
    assert generation.dropped == 2 and generation.fallback is None and "2 unsupported" in generation.note("en")
    assert not generation.checks[2].supported and "1999" in generation.checks[2].missing  # not in passage [2]
    assert generation.checks[3].how == "no citation"
    assert [s.supported for s in marked] == [True, True, False, False]
    assert marked[2].to_json()["supported"] is False and marked[3].passage_ids == []


def test_no_answer_and_unreachable_server_fall_back(paper_store, paper_assistant):
    embed = paper_assistant.retriever.embed_model
    with _Server("NO_ANSWER") as server:
        refused = generate_answer("کشورداری هوشمند چیست؟", HITS, _settings(paper_store, server.url), embed)
    assert refused.fallback == "no-answer" and not refused.generated
    # nothing listens on this port: the extractive composer answers instead, saying why
    dead = _settings(paper_store, "http://127.0.0.1:9/v1").replace(llm_model="x")
    fallback = generate_answer("What is smart public administration?", HITS, dead, embed)
    assert fallback.fallback == "unreachable" and "127.0.0.1:9" in (fallback.message or "")
    assert fallback.sentences and not fallback.generated
    assert all(s.text in P1 + P2 for s in fallback.sentences)
    with _Server("", status=404) as server:
        missing = generate_answer("What is smart public administration?", HITS,
                                  _settings(paper_store, server.url).replace(llm_model="qwen9:1b"), embed)
    assert missing.fallback == "model-missing" and "ollama pull qwen9:1b" in (missing.message or "")
    assert missing.sentences and "No written answer" in (missing.note("en") or "")


@pytest.mark.parametrize("enabled", [False, True])
def test_ask_uses_llm_only_when_enabled(paper_store, enabled):
    from assistant import Assistant

    def reply(body: dict) -> str:
        # echo the first sentence of passage [1] of the prompt, cited, plus an invented one
        user = body["messages"][-1]["content"]
        first = user.split("[1]", 1)[1].split("\n", 2)[1]
        sentence = split_sentences(first)[0].rstrip(".")
        return f"{sentence} [1]. Aliens wrote this paper in 1850 [1]."

    with _Server(reply) as server:
        bot = Assistant(paper_store.replace(llm_enabled=enabled, llm_base_url=server.url, llm_model="m"))
        result = bot.ask("What is smart public administration?").to_json()
    assert not result["abstained"] and result["sentences"]
    assert bool(server.requests) is enabled
    assert not any("Aliens" in s["text"] for s in result["sentences"])
    assert all(s.get("generated", False) is enabled for s in result["sentences"])
    assert result.get("generated", False) is enabled and ("generation" in result) is enabled
    by_id = {p["id"]: p["text"] for p in result["passages"]}
    for s in result["sentences"]:
        assert s["passage_ids"] and all(pid in by_id for pid in s["passage_ids"])
