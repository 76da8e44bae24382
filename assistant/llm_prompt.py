"""The generative backend's prompt and the parsing of its reply into cited sentences.

The model sees only the question and the retrieved passages, numbered ``[1] … [n]`` (with section and
page); it must end every sentence with the number(s) of the passage(s) that support it, answer in the
question's language, and reply ``NO_ANSWER`` when the passages do not answer. For an English question a
Persian passage is shown in its parallel English edition (``text_en``) when the store has one, so that the
model can stay close to wording it can copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.fusion import Hit
from indexer.normalize import ascii_digits

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

LANG_NAME = {"fa": "Persian (Farsi)", "en": "English"}
_MARKER = re.compile(r"\[\s*([0-9۰-۹٠-٩]+(?:\s*[,،;]\s*[0-9۰-۹٠-٩]+)*)\s*\]")
_SPLIT = re.compile(r"(?<=[.!?؟])\s+|\n+")


@dataclass
class ParsedSentence:
    """One sentence of the model's reply, its citation markers removed, and the passage numbers it cites."""

    text: str
    numbers: list[int] = field(default_factory=list)


def passage_text(hit: Hit, language: str) -> str:
    """What the model reads of a passage: its English edition for an English question when there is one."""
    meta = hit.passage.metadata or {}
    if language == "en" and meta.get("language") != "en" and meta.get("text_en"):
        return str(meta["text_en"])
    return hit.passage.text


def passage_blocks(hits: list[Hit], language: str) -> str:
    """The numbered passages the model reads: ``[n] (section · p. N)`` and the text."""
    blocks = []
    for i, hit in enumerate(hits, start=1):
        meta = hit.passage.metadata or {}
        where = " · ".join(x for x in [meta.get("section") or "", f"p. {meta['page']}" if meta.get("page") else ""]
                           if x)
        text = passage_text(hit, language)
        blocks.append(f"[{i}] ({where})\n{text}" if where else f"[{i}]\n{text}")
    return "Passages:\n\n" + "\n\n".join(blocks)


def build_messages(question: str, hits: list[Hit], language: str, max_sentences: int = 5) -> list[Any]:
    """The chat messages: system rules, then numbered passages and the question."""
    from llama_index.core.llms import ChatMessage, MessageRole

    user = passage_blocks(hits, language) + f"\n\nQuestion: {question}\nAnswer:"
    system = SYSTEM_PROMPT.format(language=LANG_NAME.get(language, language), max_sentences=max_sentences)
    return [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]


SUMMARY_PROMPT = (
    "You write the key points of one section of a Persian academic paper for a reading summary, using ONLY "
    "the numbered passages given.\n"
    "Rules:\n"
    "1. Every sentence you write must end with the number(s) of the passage(s) that support it, in "
    "square brackets, e.g. [2] or [1][3].\n"
    "2. Stay close to the passages' wording; do not add facts, names, numbers or citations that are "
    "not in the cited passage.\n"
    "3. Write in {language}. Keep in-text citations such as (Heeks, 2003) as they appear.\n"
    "4. At most {max_sentences} sentences, one key point each."
)


def build_summary_messages(title: str, hits: list[Hit], language: str, max_sentences: int) -> list[Any]:
    """The chat messages of a written summary of the section ``title`` from its key points' passages."""
    from llama_index.core.llms import ChatMessage, MessageRole

    user = passage_blocks(hits, language) + f"\n\nSection: {title}\nKey points:"
    system = SUMMARY_PROMPT.format(language=LANG_NAME.get(language, language), max_sentences=max_sentences)
    return [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]


def is_no_answer(reply: str) -> bool:
    """The model's refusal (``NO_ANSWER``, perhaps with a trailing full stop or markup)."""
    return reply.strip().strip("*`\"'").upper().startswith(NO_ANSWER)


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
        nums += [int(x) for x in re.split(r"\s*[,،;]\s*", ascii_digits(group)) if x]
    return nums
