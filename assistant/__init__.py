"""Assistant: hybrid retrieval, extractive answers with citations, summaries, over the indexer's store."""
from assistant.api import Assistant  # noqa: E402
from indexer import offline as _offline  # noqa: F401  (offline env before any ML import)

__all__ = ["Assistant"]
