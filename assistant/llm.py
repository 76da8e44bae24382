"""Optional generative answers through an OpenAI-compatible server (Ollama, llama.cpp, vLLM …).

Off by default (``llm_enabled = false``). When on, :func:`generate_answer`

1. builds a prompt of **numbered passages** (``[1] … [n]``, with section and page) and the question,
   asking the model to end every sentence with the number(s) of the passage(s) that support it and
   to reply ``NO_ANSWER`` when the passages do not answer;
2. sends it through llama-index's LLM interface (``OpenAILike`` from ``llama-index-llms-openai-like``);
3. parses the reply into sentences and their cited passage numbers (``[2]``, ``[1][3]``, ``[1, 3]``,
   Persian digits, a marker before or after the full stop);
4. **verifies every sentence against the passage(s) it cites**: it is supported when at least 60% of
   its character 4-grams occur in one cited passage (the rule :mod:`evals.metrics` scores answers
   with), or — for paraphrase and for English sentences citing Persian passages, where 4-grams cannot
   match — when its e5 cosine with its most similar sentence of a cited passage reaches
   :data:`SUPPORT_SIMILARITY` (see that constant for the measurement behind it). Unsupported
   sentences and sentences that cite nothing (or a number outside 1..n) are dropped, or kept with
   ``supported=False`` when ``unsupported="mark"``.

Any transport error falls back to the extractive composer, so an unreachable server never costs
the user an answer.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answer import AnswerSentence, citation_keys, compose
from assistant.fusion import Hit
from assistant.selection import unit
from indexer.grams import GramPool, ngrams, normalise
from indexer.lang import detect_language
from indexer.normalize import split_sentences

log = logging.getLogger(__name__)

#: share of a sentence's character 4-grams that must occur in a cited passage (same as evals)
SUPPORT_NGRAM = 0.60
#: e5 cosine (passage role on both sides) between a generated sentence and its closest sentence of a
#: cited passage. NOT YET MEASURED on this corpus: 0.90 is a conservative placeholder (e5-small
#: cosines of unrelated Persian sentences commonly sit at 0.75-0.85). ``python -m assistant.llm
#: --calibrate`` measures the false-support rate (sentence vs a passage of another section) and the
#: true-support rate (English abstract vs the Persian abstract) at this threshold; set it from that.
SUPPORT_SIMILARITY = 0.90

NO_ANSWER = "NO_ANSWER"

SYSTEM_PROMPT = (
    "You answer questions about one Persian academic paper using ONLY the numbered passages given.\n"
    "Rules:\n"
    "1. Every sentence you write must end with the number(s) of the passage(s) that support it, in "
    "square brackets, e.g. [2] or [1][3].\n"
    "2. Stay close to the passages' wording; do not add facts, names, numbers or citations that are "
    "not in the cited passage.\n"
    "3. If the passages do not answer the question, reply exactly: NO_ANSWER\n"
    "4. Answer in {language}. Keep in-text citations such as (Heeks, 2003) as they appear.\n"
    "5. At most {max_sentences} sentences."
)

_LANG_NAME = {"fa": "Persian (Farsi)", "en": "English"}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_MARKER = re.compile(r"\[\s*([0-9۰-۹٠-٩]+(?:\s*[,،;]\s*[0-9۰-۹٠-٩]+)*)\s*\]")
_SPLIT = re.compile(r"(?<=[.!?؟])\s+|\n+")


@dataclass
class ParsedSentence:
    text: str
    numbers: list[int]


def build_messages(question: str, hits: list[Hit], language: str, max_sentences: int = 5):
    """The chat messages: system rules, then numbered passages and the question."""
    from llama_index.core.llms import ChatMessage, MessageRole

    blocks = []
    for i, hit in enumerate(hits, start=1):
        meta = hit.passage.metadata or {}
        where = " · ".join(x for x in [meta.get("section") or "", f"p. {meta['page']}" if meta.get("page") else ""]
                           if x)
        blocks.append(f"[{i}] ({where})\n{hit.passage.text}" if where else f"[{i}]\n{hit.passage.text}")
    user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer:"
    system = SYSTEM_PROMPT.format(language=_LANG_NAME.get(language, language), max_sentences=max_sentences)
    return [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]


def parse_cited_sentences(reply: str) -> list[ParsedSentence]:
    """Sentences of a model reply with the passage numbers each cites.

    >>> [(s.text, s.numbers) for s in parse_cited_sentences("A is B [1]. C is D. [2][3] E [۴، 1]")]
    [('A is B.', [1]), ('C is D.', [2, 3]), ('E', [4, 1])]
    """
    reply = (reply or "").strip()
    pieces = [p.strip() for p in _SPLIT.split(reply) if p and p.strip()]
    out: list[ParsedSentence] = []
    for piece in pieces:
        # markers that open a piece belong to the previous sentence ("… end. [2] Next …")
        lead = re.match(r"^((?:\s*" + _MARKER.pattern + r")+)", piece)
        if lead and out:
            out[-1].numbers += _numbers(lead.group(1))
            piece = piece[lead.end():].strip()
        if not piece:
            continue
        numbers = _numbers(piece)
        text = _MARKER.sub("", piece)
        text = re.sub(r"\s+([.!?؟،,;:])", r"\1", text)
        text = re.sub(r"\s{2,}", " ", text).strip()
        text = re.sub(r"^[-*•\d.)\s]+(?=\S)", "", text) if re.match(r"^\s*(?:[-*•]|\d+[.)])\s", text) else text
        if text:
            out.append(ParsedSentence(text, numbers))
    for s in out:
        s.numbers = list(dict.fromkeys(s.numbers))
    return out


def _numbers(text: str) -> list[int]:
    nums: list[int] = []
    for group in _MARKER.findall(text):
        nums += [int(x) for x in re.split(r"\s*[,،;]\s*", group.translate(_DIGITS)) if x]
    return nums


def ngram_support(sentence: str, passage: str) -> float:
    """Share of the sentence's character 4-grams that occur in the passage (the scorer's normalisation)."""
    grams = ngrams(normalise(sentence))
    if not grams:
        return 1.0
    pool = GramPool(max_chars=None)
    pool.add(passage)
    return pool.coverage(grams)


def verify(sentences: list[ParsedSentence], hits: list[Hit], embed_model=None,
           similarity: float = SUPPORT_SIMILARITY, ngram: float = SUPPORT_NGRAM) -> list[dict]:
    """Check each sentence against its cited passages: ``[{text, numbers, supported, how, score}]``."""
    out: list[dict[str, Any]] = []
    pending: list[tuple[int, list[str]]] = []
    for s in sentences:
        valid = [n for n in s.numbers if 1 <= n <= len(hits)]
        row = {"text": s.text, "numbers": valid, "supported": False, "how": "no citation", "score": 0.0}
        if valid:
            best = max(ngram_support(s.text, hits[n - 1].passage.text) for n in valid)
            row["score"] = round(best, 3)
            if best >= ngram:
                row.update(supported=True, how="4-gram")
            else:
                row["how"] = "unsupported"
                if embed_model is not None:
                    cited = [sent for n in valid for sent in split_sentences(hits[n - 1].passage.text)]
                    pending.append((len(out), cited))
        out.append(row)
    if pending and embed_model is not None:
        texts = [out[i]["text"] for i, _ in pending]
        vecs = unit(embed_model.get_text_embedding_batch(texts))
        for (i, cited), v in zip(pending, vecs):
            if not cited:
                continue
            cv = unit(embed_model.get_text_embedding_batch(cited))
            sim = float(np.max(cv @ v))
            if sim >= similarity:
                out[i].update(supported=True, how="e5", score=round(sim, 3))
            else:
                out[i]["e5"] = round(sim, 3)
    return out


def make_llm(settings):
    """llama-index ``OpenAILike`` client for the configured endpoint."""
    from indexer.extras import require

    require("llama_index.llms.openai_like", "the generative backend (llm_enabled)")
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url, api_key=settings.llm_api_key,
                      is_chat_model=True, is_function_calling_model=False, temperature=0.0,
                      context_window=settings.llm_context_window,
                      timeout=settings.llm_timeout_s, max_retries=1)


def generate_answer(question: str, hits: list[Hit], settings, embed_model=None, llm=None,
                    unsupported: str | None = None, tables: dict | None = None) -> list[AnswerSentence]:
    """Cited sentences written by the configured model and verified against their passages.

    Falls back to the extractive :func:`assistant.answer.compose` when the server cannot be reached.
    """
    if not question.strip() or not hits:
        return []
    language = detect_language(question)
    unsupported = unsupported or settings.llm_unsupported
    max_sentences = settings.answer_max_sentences + 1
    try:
        llm = llm or make_llm(settings)
        reply = llm.chat(build_messages(question, hits, language, max_sentences)).message.content or ""
    except Exception as exc:  # noqa: BLE001 - any transport/protocol failure: answer extractively
        log.warning("LLM backend failed (%s); using the extractive composer", exc)
        return compose(question, hits, embed_model, settings.answer_max_sentences, tables=tables) \
            if embed_model is not None else []
    if reply.strip().upper().startswith(NO_ANSWER):
        return []
    checked = verify(parse_cited_sentences(reply), hits, embed_model)
    out: list[AnswerSentence] = []
    for row in checked:
        if not row["supported"] and unsupported != "mark":
            continue
        ids = [hits[n - 1].passage.id for n in row["numbers"]]
        first = hits[row["numbers"][0] - 1].passage if row["numbers"] else None
        meta = first.metadata if first else {}
        out.append(AnswerSentence(
            text=row["text"], passage_ids=ids, score=row["score"],
            rank=row["numbers"][0] - 1 if row["numbers"] else -1, language=detect_language(row["text"]),
            section=meta.get("section") or None, page=meta.get("page") or None,
            line_start=meta.get("line_start"), citations=citation_keys(row["text"]),
            generated=True, supported=row["supported"], support=row["how"]))
    return out


# ---------------------------------------------------------------------------- calibration
def calibrate(settings, samples: int = 300, seed: int = 0) -> dict[str, Any]:
    """Measure :data:`SUPPORT_SIMILARITY` on the store.

    *False support*: a Persian sentence against the sentences of a random passage of another top-level
    section (what a sentence citing the wrong passage scores). *True support across languages*: each
    English abstract sentence against the sentences of the Persian abstract (چکیده), its translation.
    """
    from assistant.retrieval import HybridRetriever

    retriever = HybridRetriever(settings)
    rng = np.random.default_rng(seed)
    body = [p for p in retriever.passages.values() if (p.metadata or {}).get("kind") != "reference"]
    top = {p.id: (p.metadata.get("section_path") or "").split("\n")[0] for p in body}
    sents = {p.id: [s for s in split_sentences(p.text) if len(s.split()) >= 6] for p in body}
    fa_ids = [p.id for p in body if p.metadata.get("language") == "fa" and sents[p.id]]
    emb = retriever.embed_model
    cache: dict[str, np.ndarray] = {}

    def vecs(pid: str) -> np.ndarray:
        if pid not in cache:
            cache[pid] = unit(emb.get_text_embedding_batch(sents[pid]))
        return cache[pid]

    neg = []
    for _ in range(samples):
        a = fa_ids[rng.integers(len(fa_ids))]
        others = [b for b in fa_ids if top[b] != top[a]]
        b = others[rng.integers(len(others))]
        i = rng.integers(len(sents[a]))
        neg.append(float(np.max(vecs(b) @ vecs(a)[i])))
    en_ids = [p.id for p in body if p.metadata.get("language") == "en" and sents[p.id]]
    fa_abstract = [p.id for p in body if top[p.id] == "چکیده" and sents[p.id]]
    pos = []
    if en_ids and fa_abstract:
        fa_vecs = np.vstack([vecs(pid) for pid in fa_abstract])
        for pid in en_ids:
            pos += [float(x) for x in np.max(vecs(pid) @ fa_vecs.T, axis=1)]
    pct = lambda xs, q: round(float(np.percentile(xs, q)), 3) if xs else None  # noqa: E731
    return {"false_support_samples": len(neg), "false_p50": pct(neg, 50), "false_p90": pct(neg, 90),
            "false_p99": pct(neg, 99),
            "false_rate_at_threshold": round(float(np.mean(np.array(neg) >= SUPPORT_SIMILARITY)), 4),
            "en_vs_fa_abstract_samples": len(pos), "true_p10": pct(pos, 10), "true_p50": pct(pos, 50),
            "true_rate_at_threshold": round(float(np.mean(np.array(pos) >= SUPPORT_SIMILARITY)), 4) if pos else None,
            "threshold": SUPPORT_SIMILARITY}


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import json

    from indexer import offline as _offline  # noqa: F401
    from indexer.cli_common import add_settings_flags, settings_from

    parser = argparse.ArgumentParser(prog="python -m assistant.llm")
    add_settings_flags(parser)
    parser.add_argument("--calibrate", action="store_true", help="measure the e5 support threshold")
    args = parser.parse_args()
    if args.calibrate:
        print(json.dumps(calibrate(settings_from(args)), indent=1))
