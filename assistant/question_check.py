"""Is this text a question at all? A question with no letter in any script ("???", "1 + 1", "--;") has
nothing to look up: the CLI prints a usage message and ``Assistant.ask`` returns a declined result
(``abstain_kind: "no_words"``) instead of a confident answer."""
from __future__ import annotations

import unicodedata

from assistant.result import AskResult, Decline

USAGE = {"en": "The question has no words: ask in words, e.g. \"What is smart statesmanship?\" "
               "or «کشورداری هوشمند چیست؟».",
         "fa": "پرسش واژه‌ای ندارد: پرسش را با واژه بنویسید، مثلاً «کشورداری هوشمند چیست؟»."}


def has_words(question: str) -> bool:
    """True when the question has at least one letter (Persian, Latin or any other script).

    >>> has_words("کشورداری؟"), has_words("What?"), has_words("?!؟ 123 -- ;"), has_words("\\u200c\\u202e")
    (True, True, False, False)
    """
    return any(unicodedata.category(c).startswith("L") for c in question or "")


def no_words_result(question: str) -> AskResult:
    """The result of :meth:`assistant.api.Assistant.ask` for a question without words."""
    return AskResult(question=question, read_as=question, language="en", answer="", sentences=[], passages=[],
                     citations=[], decline=Decline("no_words", USAGE["en"]), latency_ms=0.0)
