"""Signposting: sentences that announce what the text goes on to do, never an answer.

«در این بخش، … تعریف خواهیم کرد» / "In this section we will first define …" tells the reader where
something is, not what it is. Such a sentence has two marks in both languages: it points at the text
itself (this section / paper / what follows / below) and its verb is a future or a verb of discourse
(discuss, examine, present, introduce, address) — or its authors speak in their own future ("we will
examine", «بررسی خواهیم کرد»). A sentence with only one of the two marks («این مقاله
نشان می‌دهد که …» with a claim after it, "will increase efficiency") states something and is kept.

These are grammatical marks of the genre, not words fitted to questions. Against the paper's 388 body
sentences labelled blind (``evals/data/signposting.json``) the rule finds most of the labelled ones
and few others (docs/evals.md gives the figures).

>>> is_signposting("در این بخش، سازوکارهای مدیریت دولتی هوشمند را بررسی خواهیم کرد.")
True
>>> is_signposting("In this section, we examine the key enabling technologies of smart governance.")
True
>>> is_signposting("مدیریت دولتی هوشمند کارایی دولت را افزایش خواهد داد.")
False
"""
from __future__ import annotations

import re

_SELF_FA = re.compile(r"(این|همین)\s+(بخش|نوشته|مقاله|فصل|قسمت|پژوهش)|در\s+ادامه|به\s+شرح\s+(ذیل|زیر)|ذیلا|"
                      r"در\s+(بخش|قسمت)\s*(های)?\s*(بعد|بعدی|آتی|زیر)")
_VERB_FA = re.compile(r"خواه(یم|ند|د)(?![\w\u200c])|می[\u200c ]?پرداز|پرداخته\s+(می|خواهد)|"
                      r"(بحث|بررسی|معرفی|ارائه|تشریح|تبیین|تعریف)\s+(می[\u200c ]?(شود|شوند|کنیم|کند|کنند|دهیم|دهد)|"
                      r"شده\s+است|کرد|کرده|کنیم|خواهد|خواهیم)")
_SELF_EN = re.compile(r"\b(this|the present|the following|the next)\s+(section|paper|article|study|part|chapter|"
                      r"work|writing)\b|\bin what follows\b|\bbelow\b|\bas follows\b", re.IGNORECASE)
_VERB_EN = re.compile(r"\b(will|shall)\b|\b(examines?|discuss(es)?|presents?|introduces?|addresses|reviews?|"
                      r"explores?|describes?|outlines?|deals? with|turns? to|(is|are|be) (explained|discussed|"
                      r"examined|presented|introduced|reviewed|described))\b", re.IGNORECASE)


# the authors' own future ("we will examine"): in an academic paper it announces, with or without "here"
_WE_WILL_FA = re.compile(r"خواهیم\s+\S+|\S+\s+خواهیم(?![\w\u200c])")
_WE_WILL_EN = re.compile(r"\bwe\s+(will|shall)\b", re.IGNORECASE)


# a relative clause: "X are A, B and C, which will be discussed below" states X first
_RELATIVE = re.compile(r"\sکه\s|,\s*(which|that)\b", re.IGNORECASE)
_MARKS = (_SELF_FA, _VERB_FA, _SELF_EN, _VERB_EN, _WE_WILL_FA, _WE_WILL_EN)


def _announces(text: str) -> bool:
    return bool((_SELF_FA.search(text) and _VERB_FA.search(text)) or (_SELF_EN.search(text) and _VERB_EN.search(text))
                or _WE_WILL_FA.search(text) or _WE_WILL_EN.search(text))


def is_signposting(sentence: str) -> bool:
    """Does the sentence announce what the text does, in its main clause (either language)?

    >>> is_signposting("These pillars are smart governance and smart leadership, which will be discussed below.")
    False
    """
    if not _announces(sentence):
        return False
    head = _RELATIVE.split(sentence, maxsplit=1)[0]
    return any(mark.search(head) for mark in _MARKS)
