"""Sources and Summaries pages: presentation over ``assistant.sources`` and ``assistant.summarize``."""
from __future__ import annotations

import streamlit as st

from app_ui import resources
from app_ui.i18n import t as _t
from app_ui.pages import _bot, _conf, _missing, html, label_safe
from app_ui.render import block, esc, location, passage_html

EXPORT_FORMATS = {"BibTeX": ("bibtex", "bib", "application/x-bibtex"),
                  "RIS": ("ris", "ris", "application/x-research-info-systems"),
                  "CSL-JSON": ("csl-json", "json", "application/json")}


def page_sources(lang: str) -> None:
    st.header(_t("sources.title", lang))
    sources = resources.optional("sources")
    if sources is None:
        _missing(lang, "sources")
        return
    bot = _bot(lang)
    if bot is None:
        return
    st.info("assistant.sources landed: wiring pending")


def page_summaries(lang: str) -> None:
    st.header(_t("sum.title", lang))
    summarize = resources.optional("summarize")
    if summarize is None:
        _missing(lang, "summarize")
        return
    bot = _bot(lang)
    if bot is None:
        return
    st.info("assistant.summarize landed: wiring pending")
