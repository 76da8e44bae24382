"""Optional back-ends are pip extras (pyproject ``[project.optional-dependencies]``); this says which one is
missing in words a user can act on, instead of a bare ``ModuleNotFoundError``."""
from __future__ import annotations

import importlib.util

EXTRAS = {"sentence_transformers": "st", "torch": "st", "transformers": "st",
          "llama_index.llms.openai_like": "llm", "matplotlib": "plots"}


class MissingExtraError(ImportError):
    """An optional back-end was asked for but its extra is not installed."""


def require(module: str, feature: str) -> None:
    """Raise :class:`MissingExtraError` naming the extra to install when ``module`` is not importable.

    >>> require("json", "anything")
    >>> require("no_such_package", "charts")
    Traceback (most recent call last):
    ...
    indexer.extras.MissingExtraError: charts needs the optional package no_such_package
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        found = False
    if not found:
        extra = EXTRAS.get(module) or EXTRAS.get(module.split(".")[0])
        hint = f": pip install -e '.[{extra}]'" if extra else ""
        raise MissingExtraError(f"{feature} needs the optional package {module}{hint}")
