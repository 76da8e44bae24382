"""The model's reply shown while it streams (generative backend on); replaced by the checked answer after."""
from __future__ import annotations

from typing import Any


class LiveText:
    """An ``on_text`` callback for :meth:`assistant.Assistant.ask` writing into a Streamlit placeholder.

    The reply is only a draft: the answer shown after it keeps only the sentences that passed the support check,
    so the draft is cleared (:meth:`clear`) once ``ask`` returns.

    >>> class Slot:
    ...     def __init__(self): self.shown = []
    ...     def markdown(self, text): self.shown.append(text)
    ...     def empty(self): self.shown.append(None)
    >>> slot = Slot(); live = LiveText(slot); live("A is"); live(" B [1].")
    >>> slot.shown[-1]
    '✍ A is B [1].'
    >>> live.clear(); slot.shown[-1] is None
    True
    """

    def __init__(self, placeholder: Any) -> None:
        self.placeholder = placeholder
        self.text = ""

    def __call__(self, piece: str) -> None:
        self.text += piece
        self.placeholder.markdown("✍ " + self.text)

    def clear(self) -> None:
        self.placeholder.empty()
