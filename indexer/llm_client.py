"""Talking to the model server: a streamed chat completion within a time budget, failures named.

The client is llama-index's ``OpenAILike`` (the ``[llm]`` extra), which speaks the OpenAI chat-completions
protocol that Ollama, llama.cpp's server and vLLM all serve. :func:`stream_reply` never raises: a server that
is down, a model the server does not have, a timeout or any protocol error comes back as a
:class:`Reply` with ``failure`` set and a message a user can act on, in English (``message``) and Persian
(``message_fa``). It lives in the indexer because both layers talk to the server: the assistant writes
answers and summaries through it, ``python -m indexer translate`` the English text of new documents.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal

log = logging.getLogger(__name__)

Failure = Literal["timeout", "unreachable", "model-missing", "server-error"]

#: retries of a failed request: none — a fallback answer now beats a written one after a second wait
MAX_RETRIES = 0
#: reply tokens allowed per answer sentence: the paper's body sentences are 57 (median) / 89 (95th percentile)
#: Gemma 3 tokens in Persian, 37 / 67 in the English edition (420 sentences each), plus a few for the markers;
#: without a bound a model that does not stop (a base model) writes until the timeout
TOKENS_PER_SENTENCE = 100


@dataclass(frozen=True)
class Reply:
    """What the server wrote (possibly partial when it failed mid-stream), and why it failed if it did."""

    text: str
    seconds: float
    failure: Failure | None = None
    message: str | None = None
    message_fa: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class _Deadline(Exception):
    pass


def make_llm(settings: Any, max_sentences: int | None = None) -> Any:
    """llama-index ``OpenAILike`` client for the configured endpoint (``llm_base_url``, ``llm_model`` …), its
    reply bounded to ``max_sentences`` (default ``answer_max_sentences + 1``) sentences' worth of tokens."""
    from indexer.extras import require

    require("llama_index.llms.openai_like", "the generative backend (llm_enabled)")
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key or "none",
                      is_chat_model=True, is_function_calling_model=False, temperature=0.0,
                      max_tokens=TOKENS_PER_SENTENCE * (max_sentences or settings.answer_max_sentences + 1),
                      context_window=settings.llm_context_window,
                      timeout=settings.llm_timeout_s, max_retries=MAX_RETRIES)


def stream_reply(llm: Any, messages: list[Any], timeout_s: float, base_url: str, model: str,
                 on_text: Callable[[str], None] | None = None) -> Reply:
    """Stream the model's reply, handing each new piece of text to ``on_text``; give up after ``timeout_s``
    seconds in all (the client's own timeout also bounds a server that sends nothing)."""
    started = time.monotonic()
    parts: list[str] = []
    try:
        for chunk in llm.stream_chat(messages):
            delta = chunk.delta or ""
            if delta:
                parts.append(delta)
                if on_text is not None:
                    on_text(delta)
            if time.monotonic() - started > timeout_s:
                raise _Deadline()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a named fallback
        failure, message = classify(exc, base_url, model, timeout_s)
        log.warning("LLM backend: %s (%s)", message, exc)
        return Reply("".join(parts), time.monotonic() - started, failure, message,
                     message_fa(failure, base_url, model, timeout_s, exc))
    return Reply("".join(parts), time.monotonic() - started)


def classify(exc: BaseException, base_url: str, model: str, timeout_s: float) -> tuple[Failure, str]:
    """The failure kind of an exception raised while talking to the server, and a message for the user.

    >>> classify(TimeoutError(), "http://x/v1", "m", 5)[0]
    'timeout'
    """
    import httpx

    try:
        import openai
    except ImportError:  # pragma: no cover - the [llm] extra brings it
        openai = None  # type: ignore[assignment]
    if isinstance(exc, (_Deadline, TimeoutError, httpx.TimeoutException)) or \
            (openai is not None and isinstance(exc, openai.APITimeoutError)):
        return "timeout", f"the model server at {base_url} did not finish within {timeout_s:g} s"
    if openai is not None and isinstance(exc, openai.NotFoundError) or _says_model_missing(exc):
        return "model-missing", (f"the model server at {base_url} has no model '{model}' "
                                 f"(Ollama: `ollama pull {model}`; or set llm_model / KB_LLM_MODEL)")
    if isinstance(exc, (ConnectionError, httpx.ConnectError)) or \
            (openai is not None and isinstance(exc, openai.APIConnectionError)):
        return "unreachable", f"no model server answers at {base_url} (is it running? llm_base_url / KB_LLM_BASE_URL)"
    return "server-error", f"the model server at {base_url} failed: {type(exc).__name__}: {str(exc)[:200]}"


def message_fa(failure: Failure, base_url: str, model: str, timeout_s: float, exc: BaseException | None = None) -> str:
    """The Persian message of a failure (:func:`classify` gives the English one); names and settings stay Latin.

    >>> message_fa("timeout", "http://x/v1", "m", 5)
    'کارساز مدل در http://x/v1 در 5 ثانیه پاسخ را تمام نکرد'
    """
    if failure == "timeout":
        return f"کارساز مدل در {base_url} در {timeout_s:g} ثانیه پاسخ را تمام نکرد"
    if failure == "model-missing":
        return (f"کارساز مدل در {base_url} مدل «{model}» را ندارد (در Ollama: `ollama pull {model}`؛ "
                "یا llm_model / KB_LLM_MODEL را تنظیم کنید)")
    if failure == "unreachable":
        return f"هیچ کارساز مدلی در {base_url} پاسخ نمی‌دهد (آیا روشن است؟ llm_base_url / KB_LLM_BASE_URL)"
    detail = f": {type(exc).__name__}" if exc is not None else ""
    return f"کارساز مدل در {base_url} با خطا روبه‌رو شد{detail}"


def _says_model_missing(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "model" in text and ("not found" in text or "does not exist" in text)
