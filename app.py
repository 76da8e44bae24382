"""Streamlit app: a bilingual (Persian/English), right-to-left research assistant over the paper.

Run: ``streamlit run app.py`` (settings from kb.toml / KB_* environment, e.g. KB_STORE_DIR).
Presentation only: answers, sources, glossary and summaries come from ``assistant/``.
"""
from __future__ import annotations

import streamlit as st

from app_ui import pages
from app_ui.ask_page import page_ask
from app_ui.concept_page import page_concept_map
from app_ui.eval_page import page_evaluation
from app_ui.extra_pages import page_sources, page_summaries
from app_ui.i18n import LANGUAGES, t
from app_ui.render import page_css
from app_ui.resources import settings

PAGES = {
    "ask": page_ask, "read": pages.page_read, "sources": page_sources,
    "glossary": pages.page_glossary, "summaries": page_summaries,
    "concepts": page_concept_map, "maintainers": pages.page_maintainers, "evaluation": page_evaluation,
}

st.set_page_config(page_title="کشورداری هوشمند · Smart statesmanship", page_icon="📚", layout="wide")

if "lang" not in st.session_state:  # the URL's language (a reload keeps it), else the configured one
    default = st.query_params.get("lang") or settings().ui_language
    st.session_state["lang"] = default if default in LANGUAGES else "fa"

with st.sidebar:
    lang = st.radio(t("lang.label", st.session_state["lang"]), LANGUAGES, key="lang", horizontal=True,
                    format_func=lambda code: {"fa": "فارسی", "en": "English"}[code])
    page = st.radio(t("nav.label", lang), list(PAGES), key="page",
                    format_func=lambda name: t(f"page.{name}", lang))
    st.caption(t("privacy", lang))
st.query_params["lang"] = lang

st.html(page_css(lang, dark=st.context.theme.type == "dark"))
st.html(f'<div class="kb-title" dir="{"rtl" if lang == "fa" else "ltr"}" lang="{lang}">'
        f'<h1 style="margin:0">{t("app.title", lang)}</h1><p class="kb-meta">{t("app.caption", lang)}</p></div>')
PAGES[page](lang)
