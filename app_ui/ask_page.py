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


def _support(result: AskResult, pid: str, english: bool = False) -> list[str]:
    """The passage's sentences the answer rests on: the Persian original of a translated sentence, or (``english``)
    the English rendering the answer shows."""
    return [s.text if english else (s.original or s.text) for s in result.sentences if pid in s.passage_ids]


def answer_language(result: AskResult) -> str | None:
    """The language most of the answer's sentences are in (a Persian answer to an English question is Persian)."""
    langs = [s.language for s in result.sentences if s.language in ("fa", "en")]
    return max(("fa", "en"), key=langs.count) if langs else None


def _panel_id(uid: int, n: int) -> str:
    return f"kb-ev-{uid}-{n}"


class Evidence:
    """One cited passage as the answer's reader sees it: in English (the parallel edition's rendering, the
    Persian original one click away) when the answer is English and the passage has a rendering; else as written."""

    def __init__(self, result: AskResult, hit, tables: dict, lang: str) -> None:
        from assistant.sources import section_in_english

        self.passage = hit.to_json()
        pid = self.passage["id"]
        self.support = _support(result, pid)
        english = (hit.passage.metadata.get("text_en") or "").strip()
        self.english = english if (answer_language(result) == "en" and self.passage.get("language") == "fa"
                                   and english) else None
        self.support_en = _support(result, pid, english=True) if self.english else []
        section = self.passage.get("section")
        self.section = (section_in_english(tables, section) if self.english else section) \
            or self.passage.get("doc_title") or self.passage.get("doc_id") or ""
        self.lang = lang
        self.result = result

    @property
    def text(self) -> str:
        return self.english or self.passage["text"]

    def snippet(self) -> str:
        if self.english:
            return (f'<span class="kb-tip-text" dir="ltr" lang="en">{snippet_html(self.english, self.support_en)}'
                    "</span>")
        return (f'<span class="kb-tip-text" dir="{text_dir(self.passage["text"], self.passage.get("language"))}">'
                f'{snippet_html(self.passage["text"], self.support)}</span>')

    def rendering_note(self) -> str:
        """Who wrote the English shown: the model of its supporting sentences' machine rendering, else the edition."""
        models = list(dict.fromkeys(s.translated_by for s in self.result.sentences
                                    if self.passage["id"] in s.passage_ids and s.translated_by))
        return " ".join(_t("ask.translated_by", self.lang, model=m) for m in models) or _t("ask.rendering", self.lang)

    def body(self) -> str:
        """The passage, its supporting sentence highlighted; the original in a disclosure under an English one."""
        if not self.english:
            return passage_html(self.passage["text"], self.support, self.passage.get("language"))
        return (passage_html(self.english, self.support_en, "en").replace(
                    'class="kb-block kb-passage"', 'class="kb-block kb-passage" lang="en" data-kb="english"', 1)
                + f'<div class="kb-meta" dir="{_dir(self.lang)}">{esc(self.rendering_note())}</div>'
                f'<details class="kb-original" data-kb="original">'
                f'<summary class="kb-original-toggle" dir="{_dir(self.lang)}">'
                f'{esc(_t("ask.show_original", self.lang))}</summary>'
                + passage_html(self.passage["text"], self.support, self.passage.get("language")) + "</details>")


def _evidence(result: AskResult, tables: dict, lang: str) -> dict[str, Evidence]:
    return {h.passage.id: Evidence(result, h, tables, lang) for h in result.passages}


def _tip(ev: Evidence, lang: str) -> str:
    """The hover card of one citation: section, page and lines, and the passage around its sentence."""
    loc = location(ev.passage, lambda k: _t(k, lang))
    return (f'<span class="kb-tip" role="tooltip" dir="{_dir(lang)}"' + (' data-kb="english"' if ev.english else "")
            + f'><span class="kb-tip-head"><bdi>{esc(ev.section)}</bdi>'
            + (f' · <bdi>{esc(loc)}</bdi>' if loc else "") + "</span>" + ev.snippet()
            + f'<span class="kb-tip-hint">{esc(_t("ask.cite_open_original" if ev.english else "ask.cite_open", lang))}'
            "</span></span>")


def answer_html(result: AskResult, uid: int = 0, lang: str = "en", tables: dict | None = None) -> str:
    """The answer, sentence by sentence, each followed by its numbered citations: links to the evidence
    panel of their passage, with a hover card."""
    order = citation_numbers(result)
    evidence = _evidence(result, tables or {}, lang)
    parts = []
    for sentence in result.sentences:
        marks = []
        for pid in sentence.passage_ids:
            n = order.index(pid) + 1
            tip = _tip(evidence[pid], lang) if pid in evidence else ""
            marks.append(f'<a class="kb-cite" href="#{_panel_id(uid, n)}" data-kb-cite="{n}" '
                         f'aria-label="{esc(_t("ask.cite_label", lang, n=n))}">'
                         f'<sup class="kb-cite-n">[{n}]</sup>{tip}</a>')
        unchecked = sentence.generated and sentence.supported is False  # llm_unsupported = "mark"
        flag = f' <span class="kb-unsupported">({esc(_t("ask.unsupported", lang))})</span>' if unchecked else ""
        parts.append(f'<span class="kb-sent">{esc(sentence.text)}{flag}{"".join(marks)}</span>')
    # the direction follows the answer's sentences (a Persian answer to an English question reads
    # RTL, even when its sentences quote English terms such as «(Statesmanship)»)
    text_lang = answer_language(result)
    return (f'<div class="kb-block kb-answer" dir="{text_dir(result.answer, text_lang)}" lang="{text_lang or ""}">'
            + " ".join(parts) + "</div>")


def evidence_panels(result: AskResult, tables: dict, uid: int, lang: str) -> str:
    """One hidden side panel per cited passage, shown while its citation is the page's target."""
    from assistant.citations import cited_works

    evidence = _evidence(result, tables, lang)
    out = []
    for n, pid in enumerate(citation_numbers(result), 1):
        ev = evidence.get(pid)
        if ev is None:
            continue
        p = ev.passage
        loc = location(p, lambda k: _t(k, lang))
        meta = [f"<b>{esc(_t('ask.section', lang))}:</b> <bdi>{esc(ev.section or '—')}</bdi>"]
        if loc:
            meta.append(f"<b>{esc(_t('ask.location', lang))}:</b> {esc(loc)}")
        meta.append(f"<b>{esc(_t('ask.document', lang))}:</b> <bdi>{esc(p.get('doc_title') or p.get('doc_id'))}</bdi>")
        works = cited_works([p["text"]], tables, lang)
        out.append(
            f'<aside class="kb-panel" id="{_panel_id(uid, n)}" dir="{_dir(lang)}" data-kb="evidence" '
            f'aria-label="{esc(_t("ask.passage", lang))} {n}">'
            f'<div class="kb-panel-bar"><b>[{n}] {esc(_t("ask.passage", lang))}</b>'
            f'<a class="kb-panel-close" href="#kb-q-{uid}" title="{esc(_t("ask.cite_close", lang))}">✕</a></div>'
            f'<div class="kb-meta">{" · ".join(meta)}</div>'
            f'{ev.body()}'
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


def translation_caption(sentences, lang: str) -> str:
    """Who wrote the English of the answer's translated sentences: the edition prepared for this knowledge base,
    or the model that rendered them (``indexer translate``, ``translated_by``), or both."""
    models = list(dict.fromkeys(s.translated_by for s in sentences if s.translated_by))
    parts = [_t("ask.translated_by", lang, model=m) for m in models]
    if any(s.original and not s.translated_by for s in sentences):
        parts.insert(0, _t("ask.translated", lang))
    return " ".join(parts)


def page_notes(result: AskResult) -> list[str]:
    """The result's notes the page shows above the answer: all but the translation notice, which the caption
    under the answer says in the reader's language (:func:`translation_caption`)."""
    from assistant.answer import answer_note

    said_below = answer_note(result.sentences, result.language) \
        if any(s.original for s in result.sentences) and all(s.language == "en" for s in result.sentences) else None
    return [n for n in (result.note or "").split("\n") if n.strip() and n != said_below]


def _notes(result: AskResult) -> None:
    for note in page_notes(result):
        html(block(note, None, "kb-meta kb-note"))


def render_question(question: str, uid: int) -> None:
    with st.chat_message("user"):
        html(f'<span id="kb-q-{uid}" class="kb-anchor"></span>' + block(question))


def render_answer(result: AskResult, tables: dict, lang: str, uid: int) -> None:
    passages = {h.passage.id: h.to_json() for h in result.passages}
    if result.decline:
        _notes(result)  # e.g. the full text of the work it names is not in the knowledge base
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
    _notes(result)
    html(answer_html(result, uid, lang, tables) + evidence_panels(result, tables, uid, lang))
    if originals:
        st.caption(translation_caption(result.sentences, lang))
        with st.expander(_t("ask.show_original", lang)):
            html('<div class="kb-block" dir="rtl" data-kb="originals">'
                 + " ".join(esc(x) for x in originals) + "</div>")
    st.caption(_t("ask.citations", lang))
    evidence = _evidence(result, tables, lang)
    for n, pid in enumerate(citation_numbers(result), 1):
        if pid not in passages:
            continue
        ev = evidence[pid]
        with st.expander(_passage_label(n, {**ev.passage, "section": ev.section}, lang)):
            _passage_details(ev.passage, ev.support, tables, lang,
                             body=ev.body() if ev.english else None, section=ev.section)
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


def _conversation_href(name: str, lang: str) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode({"c": name, "lang": lang})


def _past_conversations(store_dir, current: str, lang: str) -> None:
    """Stored conversations (the app's and ``ask --session``'s), each a link that reopens it."""
    from assistant.conversations import list_conversations

    past = [c for c in list_conversations(store_dir) if c.name != current]
    if not past:
        return
    with st.expander(_t("ask.past", lang, n=len(past))):
        html(f'<ul class="kb-history" dir="{_dir(lang)}" data-kb="past-conversations">' + "".join(
            f'<li><a href="{esc(_conversation_href(c.name, lang))}" target="_self" data-kb-conv="{esc(c.name)}">'
            f'<bdi dir="{text_dir(c.first_question)}">{esc(c.first_question)}</bdi></a> '
            f'<span class="kb-meta">({esc(_t("ask.past_n", lang, n=c.n_questions))})</span></li>'
            for c in past) + "</ul>")


def _open_conversation(bot, lang: str):
    """The conversation named in the URL (``?c=…``), its exchanges restored into the session on a reload;
    a new id when the URL has none (or a bad one)."""
    from assistant.conversations import Conversation, restore_result

    name = st.query_params.get("c") or ""
    if not Conversation.valid_name(name):
        name = Conversation.new_name()
        st.query_params["c"] = name
    conv = Conversation(bot.settings.store_dir, name)
    if st.session_state.get("chat_id") != name:
        st.session_state["chat_id"] = name
        st.session_state["chat"] = [restore_result(t["result"], bot.retriever.passages)
                                    for t in conv.turns if isinstance(t.get("result"), dict)]
    return conv


def new_conversation() -> None:
    """Start a fresh conversation (a button callback: runs before the page is drawn again)."""
    from assistant.conversations import Conversation

    st.session_state["chat"] = []
    st.session_state["chat_id"] = name = Conversation.new_name()
    st.query_params["c"] = name


def page_ask(lang: str) -> None:
    st.header(_t("ask.title", lang))
    # the example in the other language is a question to type, not interface text
    example = ("What is smart statesmanship?", "ltr") if lang == "fa" else ("سه ساحت کشورداری هوشمند کدام‌اند؟", "rtl")
    hint = esc(_t("ask.hint", lang, example="\u2068\u2069")).replace(
        "\u2068\u2069", f'<bdi class="kb-c" dir="{example[1]}">{esc(example[0])}</bdi>')
    html(f'<div class="kb-meta" dir="{_dir(lang)}">{hint}</div>')
    bot = _bot(lang)
    typed = st.chat_input(_t("ask.placeholder", lang), key="ask_input")
    if bot is None:
        return
    conv = _open_conversation(bot, lang)
    history: list[AskResult] = st.session_state["chat"]
    from assistant.question_check import has_words

    # a question typed here, or one the concept map sent ("Ask: …"); the latter stays pending until answered, as a
    # rerun (the map's component reporting its last state as it goes) can interrupt this run
    pending = None if typed else st.session_state.get("pending_question")
    question = re.sub(r"\s+", " ", typed or pending or "").strip()
    if question and not has_words(question):  # "???", "1+1": nothing to look up
        st.warning(_t("ask.no_words", lang))
        st.session_state.pop("pending_question", None)
        question = ""
    if history:
        _history_nav(history, lang)
    _past_conversations(bot.settings.store_dir, conv.name, lang)
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
                # a follow-up is read in the context of the conversation's last two questions (off-topic ones
                # left out), as `ask --session` reads it; "new conversation" starts a fresh one
                result = bot.ask(question, context=conv.context(), on_text=live)
                if live is not None:
                    live.clear()
                status.update(label=_t("ask.done", lang, s=f"{result.latency_ms / 1000:.1f}"), state="complete")
            history.append(result)
            conv.add(result)  # kept beside the store: a reload of the page (same ?c=…) shows it again
            st.session_state.pop("pending_question", None)
            render_answer(result, bot.tables, lang, uid)
    if history:
        st.button(_t("ask.clear", lang), key="ask_clear", on_click=new_conversation)
