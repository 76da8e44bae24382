"""Indexer: corpus documents → repaired, normalised, structured, chunked, embedded passages in a store."""
from indexer import offline as _offline  # noqa: F401  (must run before any ML library import)
