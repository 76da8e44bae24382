"""The Ask page: a chat whose numbered citations can be hovered (a snippet of the passage) and clicked
(the passage opens in a side panel with the supporting sentence highlighted).

The hover card and the panel are plain HTML and CSS (``:hover``/``:focus`` and ``:target``): no script
runs in the page, so nothing here can execute document text.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import streamlit as st

from app_ui.i18n import t as _t
from app_ui.live import LiveText
from app_ui.pages import _bot, _passage_details, _passage_label, _works_html, html
from app_ui.render import block, esc, location, passage_html, snippet_html, text_dir

if TYPE_CHECKING:
    from assistant.result import AskResult


def citation_numbers(result: AskResult) -> list[str]:
    """Passage ids in the order the answer first cites them (citation n is index n-1)."""
    return result.cited_passage_ids()


def _dir(lang: str) -> str:
    return "rtl" if lang == "fa" else "ltr"


def _support(result: AskResult, pid: str) -> list[str]:
    """The passage's sentences the answer rests on (the Persian original of a translated sentence)."""
    return [s.original or s.text for s in result.sentences if pid in s.passage_ids]


def _panel_id(uid: int, n: int) -> str:
    return f"kb-ev-{uid}-{n}"


def _tip(passage: dict, support: list[str], lang: str) -> str:
    """The hover card of one citation: section, page and lines, and the passage around its sentence."""
    loc = location(passage, lambda k: _t(k, lang))
    head = esc(passage.get("section") or passage.get("doc_title") or passage.get("doc_id") or "")
    return (f'<span class="kb-tip" role="tooltip" dir="{_dir(lang)}">'
            f'<span class="kb-tip-head"><bdi>{head}</bdi>'
            + (f' · <bdi>{esc(loc)}</bdi>' if loc else "") + "</span>"
            f'<span class="kb-tip-text" dir="{text_dir(passage["text"], passage.get("language"))}">'
            f'{snippet_html(passage["text"], support)}</span>'
            f'<span class="kb-tip-hint">{esc(_t("ask.cite_open", lang))}</span></span>')


def answer_html(result: AskResult, uid: int = 0, lang: str = "en") -> str:
    """The answer, sentence by sentence, each followed by its numbered citations: links to the evidence
    panel of their passage, with a hover card."""
    order = citation_numbers(result)
    passages = {h.passage.id: h.to_json() for h in result.passages}
    parts = []
    for sentence in result.sentences:
        marks = []
        for pid in sentence.passage_ids:
            n = order.index(pid) + 1
            tip = _tip(passages[pid], _support(result, pid), lang) if pid in passages else ""
            marks.append(f'<a class="kb-cite" href="#{_panel_id(uid, n)}" data-kb-cite="{n}" '
                         f'aria-label="{esc(_t("ask.cite_label", lang, n=n))}">'
                         f'<sup class="kb-cite-n">[{n}]</sup>{tip}</a>')
        unchecked = sentence.generated and sentence.supported is False  # llm_unsupported = "mark"
        flag = f' <span class="kb-unsupported">({esc(_t("ask.unsupported", lang))})</span>' if unchecked else ""
        parts.append(f'<span class="kb-sent">{esc(sentence.text)}{flag}{"".join(marks)}</span>')
    # the direction follows the answer's sentences (a Persian answer to an English question reads
    # RTL, even when its sentences quote English terms such as «(Statesmanship)»)
    langs = [s.language for s in result.sentences if s.language in ("fa", "en")]
    text_lang = max(("fa", "en"), key=langs.count) if langs else None
    return (f'<div class="kb-block kb-answer" dir="{text_dir(result.answer, text_lang)}" lang="{text_lang or ""}">'
            + " ".join(parts) + "</div>")


def evidence_panels(result: AskResult, tables: dict, uid: int, lang: str) -> str:
    """One hidden side panel per cited passage, shown while its citation is the page's target."""
    from assistant.citations import cited_works

    passages = {h.passage.id: h.to_json() for h in result.passages}
    out = []
    for n, pid in enumerate(citation_numbers(result), 1):
        p = passages.get(pid)
        if p is None:
            continue
        loc = location(p, lambda k: _t(k, lang))
        meta = [f"<b>{esc(_t('ask.section', lang))}:</b> <bdi>{esc(p.get('section') or '—')}</bdi>"]
        if loc:
            meta.append(f"<b>{esc(_t('ask.location', lang))}:</b> {esc(loc)}")
        meta.append(f"<b>{esc(_t('ask.document', lang))}:</b> <bdi>{esc(p.get('doc_title') or p.get('doc_id'))}</bdi>")
        works = cited_works([p["text"]], tables)
        out.append(
            f'<aside class="kb-panel" id="{_panel_id(uid, n)}" dir="{_dir(lang)}" data-kb="evidence" '
            f'aria-label="{esc(_t("ask.passage", lang))} {n}">'
            f'<div class="kb-panel-bar"><b>[{n}] {esc(_t("ask.passage", lang))}</b>'
            f'<a class="kb-panel-close" href="#kb-q-{uid}" title="{esc(_t("ask.cite_close", lang))}">✕</a></div>'
            f'<div class="kb-meta">{" · ".join(meta)}</div>'
            f'{passage_html(p["text"], _support(result, pid), p.get("language"))}'
            + (_works_html(works, lang, _t("ask.works", lang)) if works else "")
            + "</aside>")
    return "".join(out)


def copy_text(result: AskResult, lang: str) -> str:
    """The answer as plain text with its numbered references, for the copy box."""
    order = citation_numbers(result)
    passages = {h.passage.id: h.to_json() for h in result.passages}
    lines = [" ".join(s.text + "".join(f"[{order.index(pid) + 1}]" for pid in s.passage_ids)
                      for s in result.sentences), ""]
    for n, pid in enumerate(order, 1):
        p = passages.get(pid, {})
        loc = location(p, lambda k: _t(k, lang)) if p else ""
        where = " · ".join(x for x in (p.get("section"), loc, p.get("doc_title")) if x)
        lines.append(f"[{n}] {where}")
    return "\n".join(lines).strip()


def render_question(question: str, uid: int) -> None:
    with st.chat_message("user"):
        html(f'<span id="kb-q-{uid}" class="kb-anchor"></span>' + block(question))


def render_answer(result: AskResult, tables: dict, lang: str, uid: int) -> None:
    passages = {h.passage.id: h.to_json() for h in result.passages}
    if result.decline:
        offtopic = result.decline.kind == "offtopic"
        html(f'<div class="kb-abstain" dir="{_dir(lang)}" data-kb="abstained">'
             f'{esc(_t("ask.offtopic" if offtopic else "ask.abstained", lang))}</div>')
        if passages and not offtopic:
            st.caption(_t("ask.abstained_more", lang))
            for p in list(passages.values())[:3]:
                with st.expander(_passage_label(None, p, lang)):
                    _passage_details(p, [], tables, lang)
        return
    originals = [x.original for x in result.sentences if x.original]
    # the note: "answered from the Persian text" + glosses, or what the generative backend left out and why;
    # the translation note is said by the caption below instead
    if result.note and (not originals or result.generation is not None):
        html(block(result.note, None, "kb-meta kb-note"))
    html(answer_html(result, uid, lang) + evidence_panels(result, tables, uid, lang))
    if originals:
        st.caption(_t("ask.translated", lang))
        with st.expander(_t("ask.show_original", lang)):
            html('<div class="kb-block" dir="rtl" data-kb="originals">'
                 + " ".join(esc(x) for x in originals) + "</div>")
    st.caption(_t("ask.citations", lang))
    for n, pid in enumerate(citation_numbers(result), 1):
        if pid not in passages:
            continue
        p = passages[pid]
        with st.expander(_passage_label(n, p, lang)):
            _passage_details(p, _support(result, pid), tables, lang)
    if result.citations:
        html(_works_html([c.to_json() for c in result.citations], lang, _t("ask.answer_works", lang)))
    with st.expander(_t("ask.copy", lang)):
        st.code(copy_text(result, lang), language=None, wrap_lines=True)
    st.caption(_t("ask.latency", lang, s=f"{result.latency_ms / 1000:.1f}"))


def render_exchange(result: AskResult, tables: dict, lang: str, uid: int = 0) -> None:
    render_question(result.question, uid)
    with st.chat_message("assistant"):
        render_answer(result, tables, lang, uid)


def _history_nav(history: list[AskResult], lang: str) -> None:
    """The conversation's questions, each a link to its exchange."""
    with st.expander(_t("ask.history", lang, n=len(history))):
        html(f'<ol class="kb-history" dir="{_dir(lang)}">' + "".join(
            f'<li><a href="#kb-q-{i}" dir="{text_dir(r.question)}">{esc(r.question)}</a></li>'
            for i, r in enumerate(history)) + "</ol>")


def page_ask(lang: str) -> None:
    st.header(_t("ask.title", lang))
    # the example in the other language is a question to type, not interface text
    example = ("What is smart statesmanship?", "ltr") if lang == "fa" else ("سه ساحت کشورداری هوشمند کدام‌اند؟", "rtl")
    hint = esc(_t("ask.hint", lang, example="\u2068\u2069")).replace(
        "\u2068\u2069", f'<bdi class="kb-c" dir="{example[1]}">{esc(example[0])}</bdi>')
    html(f'<div class="kb-meta" dir="{_dir(lang)}">{hint}</div>')
    bot = _bot(lang)
    history: list[AskResult] = st.session_state.setdefault("chat", [])
    question = st.chat_input(_t("ask.placeholder", lang), key="ask_input")
    if bot is None:
        return
    from assistant.question_check import has_words

    question = re.sub(r"\s+", " ", question or "").strip()
    if question and not has_words(question):  # "???", "1+1": nothing to look up
        st.warning(_t("ask.no_words", lang))
        question = ""
    if history:
        _history_nav(history, lang)
    for i, result in enumerate(history):
        render_exchange(result, bot.tables, lang, i)
    if question:
        # the question shows at once, the status beside it while the answer is computed
        uid = len(history)
        render_question(question, uid)
        with st.chat_message("assistant"):
            # with the generative backend on, the model's reply streams into a draft (outside the collapsed
            # status, so it is seen) that the checked answer replaces
            live = LiveText(st.empty()) if bot.settings.llm_enabled else None
            with st.status(_t("ask.thinking", lang), expanded=False) as status:
                # a follow-up is read in the context of the last two questions (off-topic ones left out);
                # the "new conversation" button below clears it
                context = " ".join(r.question for r in history[-2:]
                                   if not (r.decline and r.decline.kind == "offtopic"))
                result = bot.ask(question, context=context or None, on_text=live)
                if live is not None:
                    live.clear()
                status.update(label=_t("ask.done", lang, s=f"{result.latency_ms / 1000:.1f}"), state="complete")
            history.append(result)
            render_answer(result, bot.tables, lang, uid)
    if history and st.button(_t("ask.clear", lang), key="ask_clear"):
        st.session_state["chat"] = []
        st.rerun()
