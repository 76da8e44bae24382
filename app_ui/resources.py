"""Process-wide resources: settings and the assistant (model + store).

The assistant (embedding model, Chroma client, BM25, tables) is created once per process with
``st.cache_resource``; it reopens the store by itself when a build publishes a new version.
"""
from __future__ import annotations

import streamlit as st

import indexer  # noqa: F401  (offline environment before any ML import)
from indexer.settings import Settings


def settings() -> Settings:
    """Settings as configured now (defaults → kb.toml → KB_* environment)."""
    return Settings.load()


@st.cache_resource(show_spinner=False)
def _assistant(store_dir: str, _settings: Settings):
    from assistant import Assistant

    return Assistant(_settings)


def assistant():
    """The shared assistant for the configured store, or raise the store's error."""
    s = settings()
    bot = _assistant(str(s.store_dir), s)
    bot.retriever.refresh()
    return bot
