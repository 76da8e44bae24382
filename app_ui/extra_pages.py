"""Sources and Summaries pages: presentation over ``assistant.sources`` and ``assistant.summarize``."""
from __future__ import annotations

import logging
import re

import streamlit as st

from app_ui.i18n import t as _t
from app_ui.pages import _bot, _conf, html, label_safe
from app_ui.render import block, esc, location, passage_html
from assistant.summary_markdown import point_text

EXPORT_FORMATS = {"BibTeX": ("bibtex", "bib", "application/x-bibtex"),
                  "RIS": ("ris", "ris", "application/x-research-info-systems"),
                  "CSL-JSON": ("csl-json", "json", "application/json")}


CONFIDENCES = ("verified", "probable", "unknown")


SELECTED = "src_selected"  # the selection, kept across filters (widget states are dropped when unrendered)


def _selection() -> list[str]:
    return st.session_state.setdefault(SELECTED, [])


def _toggle(key: str) -> None:
    chosen = _selection()
    if st.session_state.get(f"src_sel_{key}"):
        if key not in chosen:
            chosen.append(key)
    elif key in chosen:
        chosen.remove(key)


def _select(keys: list[str], on: bool) -> None:
    chosen = _selection()
    for key in keys:
        if on and key not in chosen:
            chosen.append(key)
        elif not on and key in chosen:
            chosen.remove(key)
        st.session_state[f"src_sel_{key}"] = on


def reference_html(reference: str | None, lang: str) -> str:
    """A formatted reference as document text, its ``[cited as: …]`` note in the interface language."""
    from indexer.bibliography import split_cited_as

    text, cited_as = split_cited_as(reference or "")
    out = block(text, None, "kb-meta kb-c")
    if cited_as:
        label = esc(_t("ask.cited_as", lang, work="\u2068\u2069"))
        out += (f'<div class="kb-meta" dir="{"rtl" if lang == "fa" else "ltr"}">'
                + label.replace("\u2068\u2069", f'<bdi class="kb-c">{esc(cited_as)}</bdi>') + "</div>")
    return out


def _export_block(sources, tables, works: list[dict], shown: list[dict], lang: str) -> None:
    chosen = _selection()
    keys = [w["key"] for w in works if w["key"] in chosen] or [w["key"] for w in shown]
    st.subheader(_t("sources.export", lang))
    html(f'<div class="kb-meta" dir="{"rtl" if lang == "fa" else "ltr"}" data-kb="selection-count" '
         f'data-n="{len(chosen)}">'
         + esc(_t("sources.selected", lang, n=len(chosen), total=len(works)) if chosen
               else _t("sources.none_selected", lang)) + "</div>")
    if lang == "fa":  # buttons first on the reading side
        c3, c2, c1 = st.columns([2, 1, 1])
    else:
        c1, c2, c3 = st.columns([1, 1, 2])
    c1.button(_t("sources.select_all", lang), key="src_all", on_click=_select,
              args=([w["key"] for w in shown], True), disabled=not shown)
    c2.button(_t("sources.select_none", lang), key="src_none", on_click=_select,
              args=([w["key"] for w in works], False), disabled=not chosen)
    with c3:
        fmt = st.radio(_t("sources.format", lang), list(EXPORT_FORMATS), key="src_fmt", horizontal=True)
    code, ext, mime = EXPORT_FORMATS[fmt]
    try:
        data = sources.export(tables, keys, code)
    except Exception:  # noqa: BLE001 — said plainly, the page keeps working (the details go to the log)
        logging.getLogger(__name__).exception("export failed")
        st.error(_t("sources.export_failed", lang))
        return
    st.download_button(_t("sources.download", lang, fmt=fmt), data.encode("utf-8"),
                       file_name=f"smart-statesmanship-sources.{ext}", mime=mime, key="src_dl",
                       on_click="ignore")  # a rerun on click replaced the file's URL mid-transfer


def page_sources(lang: str) -> None:
    st.header(_t("sources.title", lang))
    from assistant import sources

    bot = _bot(lang)
    if bot is None:
        return
    tables = bot.tables
    works = sources.sources(tables)
    c1, c2 = st.columns([1, 2] if lang == "fa" else [2, 1])
    search_col, conf_col = (c2, c1) if lang == "fa" else (c1, c2)
    query = search_col.text_input(_t("sources.search", lang), key="src_q").strip()
    levels = conf_col.multiselect(_t("sources.confidence", lang), CONFIDENCES, default=list(CONFIDENCES),
                                  key="src_conf", format_func=lambda c: _t(f"conf.{c}", lang))
    shown = [w for w in sources.search_sources(works, query) if (w.get("confidence") or "unknown") in levels]
    _export_block(sources, tables, works, shown, lang)
    st.caption(_t("sources.count", lang, n=len(shown)))
    chosen = _selection()
    d = "rtl" if lang == "fa" else "ltr"
    for w in shown:
        widget = f"src_sel_{w['key']}"
        if widget not in st.session_state:
            st.session_state[widget] = w["key"] in chosen
        # the tick box stands at the start of its row: the right in Persian, the left in English
        if lang == "fa":
            body, tick = st.columns([0.95, 0.05])
        else:
            tick, body = st.columns([0.05, 0.95])
        tick.checkbox(_t("sources.select", lang), key=widget, label_visibility="collapsed",
                      on_change=_toggle, args=(w["key"],))
        with body:
            conf = w.get("confidence") or "unknown"
            n = int(w.get("occurrences") or 0)
            full = (f' <span class="kb-conf kb-full-text" data-kb="full-text">'
                    f'{esc(_t("sources.full_text_badge", lang))}</span>') if w.get("full_text") else ""
            html(f'<div class="kb-source" dir="{d}" data-kb-key="{esc(w["key"])}">'
                 f'<b class="kb-c" dir="auto">{esc(w["key"])}</b> '
                 f'<span class="kb-conf kb-conf-{esc(conf)}">{esc(_conf(lang, conf))}</span>'
                 f' <span class="kb-meta">{esc(_t("sources.occurrences", lang, n=n))}</span>{full}</div>')
            if w.get("reference"):
                html(reference_html(w["reference"], lang))
            with st.expander(_t("sources.where", lang)):
                _where_cited(sources, tables, w["key"], lang)
            if w.get("full_text"):
                _full_text(sources, bot, w["key"], lang)


SHOWN_PASSAGES = 10  # passages of a linked work listed beside "where the paper cites it"


def _full_text(sources, bot, key: str, lang: str) -> None:
    """The linked work's own passages (its full text in the knowledge base), beside where the paper cites it."""
    found = sources.cited(bot.tables, key, bot.retriever.passages)
    for doc in found.get("full_text") or []:
        passages = doc.get("passages") or []
        label = _t("sources.full_text", lang, title=doc.get("title") or doc["doc_id"], n=len(passages))
        with st.expander(label_safe(label), expanded=True):
            for p in passages[:SHOWN_PASSAGES]:
                html(f'<div class="kb-meta" dir="auto" data-kb="full-text-passage">{esc(p.get("section") or "—")} · '
                     f'{esc(location(p, lambda k: _t(k, lang)))}</div>')
                html(passage_html(p["text"], [], p.get("language")))
            if len(passages) > SHOWN_PASSAGES:
                st.caption(_t("sources.full_text_more", lang, n=len(passages) - SHOWN_PASSAGES))


def _where_cited(sources, tables, key: str, lang: str) -> None:
    found = sources.cited(tables, key)
    occurrences = found.get("occurrences") or []
    if not occurrences:
        st.caption(_t("sources.not_cited", lang))
        return
    for o in occurrences:
        loc = location({"page": o.get("page"), "line_start": o.get("line_no"), "line_end": o.get("line_no")},
                       lambda k: _t(k, lang))
        html(f'<div class="kb-meta" dir="auto">{esc(o.get("section") or "—")} · {esc(loc)}</div>')
        sentence = o.get("sentence") or o.get("raw") or ""
        html(passage_html(sentence, [o["raw"]] if o.get("raw") else []))


def page_summaries(lang: str) -> None:
    st.header(_t("sum.title", lang))
    from assistant import summarize, summary_markdown

    bot = _bot(lang)
    if bot is None:
        return
    body = [p for p in bot.retriever.passages.values()]
    titles = summarize.section_titles(body)
    mode = st.radio(_t("sum.mode", lang), ["section", "topic"], key="sum_mode", horizontal=True,
                    format_func=lambda m: _t(f"sum.mode_{m}", lang))
    if mode == "section":
        query = st.selectbox(_t("sum.section", lang), titles, key="sum_section") if titles else None
    else:
        query = st.text_input(_t("sum.topic", lang), key="sum_topic").strip()
    out_lang = st.radio(_t("sum.language", lang), ["fa", "en"], key="sum_lang", horizontal=True,
                        index=0 if lang == "fa" else 1,
                        format_func=lambda c: {"fa": "فارسی", "en": "English"}[c])
    if st.button(_t("sum.go", lang), key="sum_go", disabled=not query):
        # a status by the button says what is being done (key points, then the Markdown and the PDF)
        with st.status(_t("sum.making", lang), expanded=True) as status:
            try:
                section, topic = (query, None) if mode == "section" else (None, query)
                status.write(_t("ask.thinking", lang))
                summary = summarize.summarize(bot, section=section, topic=topic, lang=out_lang)
            except LookupError:
                status.update(state="error")
                st.error(_t("sum.not_found", lang))
                return
            status.write(_t("sum.files", lang))
            st.session_state["summary"] = summary
            st.session_state["summary_md"] = summary_markdown.to_markdown(summary).encode("utf-8")
            st.session_state["summary_pdf"] = _pdf_bytes(summary)
            status.update(label=_t("sum.done", lang), state="complete", expanded=False)
    shown = st.session_state.get("summary")
    if shown is None:
        return
    _render_summary(shown, lang)
    name = re.sub(r"[^\w\u0600-\u06FF]+", "-", shown.title).strip("-")[:60] or "summary"
    c1, c2 = st.columns(2)
    c1.download_button(_t("sum.md", lang), st.session_state["summary_md"], file_name=f"{name}.md",
                       mime="text/markdown", key="sum_dl_md", on_click="ignore")
    pdf = st.session_state.get("summary_pdf")
    if isinstance(pdf, bytes):
        c2.download_button(_t("sum.pdf", lang), pdf, file_name=f"{name}.pdf", mime="application/pdf",
                           key="sum_dl_pdf", on_click="ignore")
    else:
        c2.warning(_t("sum.pdf_failed", lang))


def _pdf_bytes(summary) -> bytes | str:
    """The summary as PDF bytes, or the error message when it cannot be made."""
    import tempfile
    from pathlib import Path

    from assistant.summary_pdf import to_pdf

    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = to_pdf(summary, Path(tmp) / "summary.pdf")
            return Path(path).read_bytes()
    except Exception as exc:  # noqa: BLE001 — said plainly beside the Markdown download; details in the log
        logging.getLogger(__name__).exception("summary PDF failed")
        return type(exc).__name__


def _render_summary(summary, lang: str) -> None:
    d = "rtl" if summary.lang == "fa" else "ltr"
    html(f'<h3 class="kb-block" dir="auto">{esc(summary.title)}</h3>')
    if summary.note:
        html(block(summary.note, summary.lang, "kb-meta"))
    if not summary.points:
        st.info(_t("read.empty", lang))
    for sub in summary.subsections:
        html(f'<h4 class="kb-block" dir="auto">{esc(sub.title)}</h4>')
        items = []
        for p in sub.points:
            where = location({"page": p.page, "line_start": p.line_start, "line_end": p.line_end},
                             lambda k: _t(k, lang))
            items.append(f'<li dir="{"rtl" if p.language == "fa" else "auto"}">'
                         f'<span class="kb-c">{esc(point_text(p, lang))}</span>'
                         f' <span class="kb-meta">({esc(where)})</span></li>')
        html(f'<ul class="kb-summary" dir="{d}">{"".join(items)}</ul>')
    if summary.glossary:
        st.caption(_t("page.glossary", lang))
        html(f'<ul class="kb-c" dir="{d}">' + "".join(
            f'<li><span dir="rtl">{esc(g.get("fa"))}</span> — '
                                          f'<span dir="ltr">{esc(g.get("en"))}</span></li>'
                                          for g in summary.glossary) + "</ul>")
    if summary.works:
        st.caption(_t("ask.works", lang))
        html(f'<ul class="kb-c" dir="{d}">' + "".join(
            f'<li dir="auto">{esc(w.get("reference") or w.get("key"))}</li>'
                                          for w in summary.works) + "</ul>")
