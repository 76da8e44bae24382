"""The app's pages. Each takes the interface language; logic lives in ``assistant/`` and ``indexer/``."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from app_ui import resources
from app_ui.i18n import t as _t
from app_ui.live import LiveText
from app_ui.render import block, esc, location, passage_html, text_dir
from indexer.chunking import SECTION_SEP
from indexer.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from assistant.result import AskResult

EVAL_DIR = PROJECT_ROOT / "evals" / "results"


def label_safe(text: str) -> str:
    """Document text made safe for a widget label (labels read Markdown)."""
    return re.sub(r"([\\`*_{}\[\]()#+!|~$<>])", r"\\\1", str(text or ""))


def html(markup: str) -> None:
    """Our own markup (all dynamic parts already escaped)."""
    st.html(markup)


def _bot(lang: str):
    """The shared assistant, or None after telling the user why not."""
    try:
        return resources.assistant()
    except Exception as exc:  # noqa: BLE001 — shown to the user, the app keeps running
        from assistant.retrieval import EmptyStoreError

        if isinstance(exc, EmptyStoreError):
            st.warning(_t("store.missing", lang))
        else:
            st.error(f"{_t('store.error', lang)} {exc}")
        return None


def _conf(lang: str, value: str | None) -> str:
    return _t(f"conf.{value or 'unknown'}", lang)


# ---------------------------------------------------------------------------------------- ask
def citation_numbers(result: AskResult) -> list[str]:
    """Passage ids in the order the answer first cites them (citation n is index n-1)."""
    order: list[str] = []
    for sentence in result.sentences:
        for pid in sentence.passage_ids:
            if pid not in order:
                order.append(pid)
    return order


def answer_html(result: AskResult) -> str:
    """The answer, sentence by sentence, each followed by its numbered citations."""
    order = citation_numbers(result)
    parts = []
    for sentence in result.sentences:
        marks = "".join(f'<sup class="kb-cite">[{order.index(pid) + 1}]</sup>' for pid in sentence.passage_ids)
        parts.append(f"{esc(sentence.text)}{marks}")
    # the direction follows the answer's sentences (a Persian answer to an English question reads
    # RTL, even when its sentences quote English terms such as «(Statesmanship)»)
    langs = [s.language for s in result.sentences if s.language in ("fa", "en")]
    lang = max(("fa", "en"), key=langs.count) if langs else None
    return (f'<div class="kb-block kb-answer" dir="{text_dir(result.answer, lang)}">'
            + " ".join(parts) + "</div>")


def _works_html(works: list[dict], lang: str, heading: str) -> str:
    items = []
    for w in works:
        ref = w.get("reference") or w.get("key")
        items.append(f'<li dir="auto">{esc(ref)} <span class="kb-meta">({esc(_t("conf.label", lang))}: '
                     f'{esc(_conf(lang, w.get("confidence")))})</span></li>')
    d = "rtl" if lang == "fa" else "ltr"
    return f'<div dir="{d}"><b>{esc(heading)}</b><ul class="kb-works">{"".join(items)}</ul></div>'


def _passage_details(passage: dict, sentences: list[str], tables: dict, lang: str) -> None:
    from assistant.citations import cited_works

    meta = [f"<b>{esc(_t('ask.section', lang))}:</b> "
            f"<span dir=\"auto\">{esc(passage.get('section') or '—')}</span>"]
    loc = location(passage, lambda k: _t(k, lang))
    if loc:
        meta.append(f"<b>{esc(_t('ask.location', lang))}:</b> {esc(loc)}")
    meta.append(f"<b>{esc(_t('ask.document', lang))}:</b> "
                f"<span dir=\"auto\">{esc(passage.get('doc_title') or passage.get('doc_id'))}</span>")
    html(f'<div class="kb-meta" dir="{"rtl" if lang == "fa" else "ltr"}">' + " · ".join(meta) + "</div>")
    html(passage_html(passage["text"], sentences, passage.get("language")))
    works = cited_works([passage["text"]], tables)
    if works:
        html(_works_html(works, lang, _t("ask.works", lang)))
    else:
        st.caption(_t("ask.no_works", lang))


def _passage_label(n: int | None, passage: dict, lang: str) -> str:
    head = f"[{n}] " if n else ""
    loc = location(passage, lambda k: _t(k, lang))
    title = passage.get("section") or passage.get("doc_title") or passage.get("doc_id")
    return label_safe(f"{head}{title}" + (f" · {loc}" if loc else ""))


def render_exchange(result: AskResult, tables: dict, lang: str) -> None:
    with st.chat_message("user"):
        html(block(result.question))
    with st.chat_message("assistant"):
        passages = {h.passage.id: h.to_json() for h in result.passages}
        if result.decline:
            offtopic = result.decline.kind == "offtopic"
            html(f'<div class="kb-abstain" dir="{"rtl" if lang == "fa" else "ltr"}" data-kb="abstained">'
                 f'{esc(_t("ask.offtopic" if offtopic else "ask.abstained", lang))}</div>')
            if passages and not offtopic:
                st.caption(_t("ask.abstained_more", lang))
                for p in list(passages.values())[:3]:
                    with st.expander(_passage_label(None, p, lang)):
                        _passage_details(p, [], tables, lang)
            return
        originals = [x.original for x in result.sentences if x.original]
        if result.note and not originals:
            html(block(result.note, None, "kb-meta kb-note"))  # "answered from the Persian text" + glosses
        html(answer_html(result))
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
            support = [s.original or s.text for s in result.sentences if pid in s.passage_ids]
            with st.expander(_passage_label(n, p, lang)):
                _passage_details(p, support, tables, lang)
        if result.citations:
            html(_works_html([c.to_json() for c in result.citations], lang, _t("ask.answer_works", lang)))
        st.caption(f"{_t('ask.latency', lang)} {result.latency_ms:.0f} ms")


def page_ask(lang: str) -> None:
    st.header(_t("ask.title", lang))
    st.caption(_t("ask.hint", lang))
    bot = _bot(lang)
    history: list[AskResult] = st.session_state.setdefault("chat", [])
    question = st.chat_input(_t("ask.placeholder", lang), key="ask_input")
    if bot is None:
        return
    if question and question.strip():
        # a follow-up is read in the context of the last two questions (off-topic ones left out);
        # the "new conversation" button below clears it
        context = " ".join(r.question for r in history[-2:] if not (r.decline and r.decline.kind == "offtopic"))
        # with the generative backend on, the model's reply streams into a draft the checked answer replaces
        live = LiveText(st.empty()) if bot.settings.llm_enabled else None
        with st.spinner(_t("ask.thinking", lang)):
            history.append(bot.ask(question, context=context or None, on_text=live))
        if live is not None:
            live.clear()
    for result in history:
        render_exchange(result, bot.tables, lang)
    if history and st.button(_t("ask.clear", lang), key="ask_clear"):
        st.session_state["chat"] = []
        st.rerun()


# ---------------------------------------------------------------------------------------- read
def _strip_overlap(prev: str, nxt: str) -> str:
    """``nxt`` without the sentences it repeats from the end of ``prev`` (chunk overlap)."""
    for size in range(min(len(prev), len(nxt), 1500), 15, -1):
        if prev.endswith(nxt[:size]):
            return nxt[size:].lstrip()
    return nxt


def document_sections(bot, doc_id: str) -> list[dict[str, Any]]:
    """Sections of one document in reading order: title, level, text, pages, language."""
    outline = bot.tables.get(doc_id, {}).get("outline") or []
    levels: dict[str, int] = {}
    for item in outline:
        if isinstance(item, dict) and item.get("title"):
            levels.setdefault(item["title"], item.get("level", 1))
    sections: list[dict[str, Any]] = []
    for p in bot.retriever.passages.values():
        if p.doc_id != doc_id:
            continue
        m = p.metadata
        title = m.get("section") or ""
        if not sections or sections[-1]["path"] != title:
            leaf = title.split(SECTION_SEP)[-1].strip() if title else ""
            level = levels.get(leaf, title.count(SECTION_SEP) + 1)
            sections.append({"path": title, "title": leaf or "—", "level": level,
                             "text": p.text, "pages": set(), "language": m.get("language")})
        else:
            sections[-1]["text"] += "\n\n" + _strip_overlap(sections[-1]["text"], p.text)
        if m.get("page"):
            sections[-1]["pages"].add(m["page"])
    return sections


def page_read(lang: str) -> None:
    st.header(_t("read.title", lang))
    bot = _bot(lang)
    if bot is None:
        return
    docs = bot.retriever.state.get("docs", {})
    doc_ids = [d for d in docs if bot.tables.get(d, {}).get("outline") or d in bot.tables] or list(docs)
    if not doc_ids:
        st.warning(_t("store.missing", lang))
        return
    doc_id = st.selectbox(_t("read.document", lang), doc_ids, key="read_doc",
                          format_func=lambda d: docs.get(d, {}).get("title") or d)
    sections = document_sections(bot, doc_id)
    if not sections:
        st.info(_t("read.empty", lang))
        return
    if lang == "fa":  # the outline stands on the reading side: right in Persian, left in English
        body, nav = st.columns([2.4, 1])
    else:
        nav, body = st.columns([1, 2.4])
    with nav:
        idx = st.radio(_t("read.outline", lang), range(len(sections)), key=f"read_sec_{doc_id}",
                       format_func=lambda i: "\u2003" * (max(1, sections[i]["level"]) - 1)
                       + label_safe(sections[i]["title"]))
    sec = sections[idx]
    with body:
        html(block(sec["path"] or sec["title"], None, "kb-meta"))
        for para in sec["text"].split("\n\n"):
            if para.strip():
                html(block(para, sec["language"]))
        notes = [f for f in bot.tables.get(doc_id, {}).get("footnotes", [])
                 if f.get("page") in sec["pages"]]
        if notes:
            st.subheader(_t("read.footnotes", lang))
            html('<ol class="kb-notes" dir="ltr">' + "".join(
                f'<li value="{int(f["number"]) if str(f.get("number", "")).isdigit() else 0}" dir="auto">'
                f'{esc(f["text"])}</li>' for f in notes) + "</ol>")


# ---------------------------------------------------------------------------------------- glossary
def page_glossary(lang: str) -> None:
    st.header(_t("glossary.title", lang))
    bot = _bot(lang)
    if bot is None:
        return
    from assistant.sources import glossary

    entries = list(glossary(bot.tables))
    query = st.text_input(_t("glossary.search", lang), key="glossary_q").strip().lower()
    if query:
        entries = [e for e in entries if query in (e.get("fa") or "").lower() or query in (e.get("en") or "").lower()]
    if not entries:
        st.info(_t("glossary.none", lang))
        return
    for i, e in enumerate(entries):
        with st.expander(label_safe(f"{e.get('fa') or '—'}  ↔  {e.get('en') or '—'}")):
            html(f'<div class="kb-term"><div dir="rtl">{esc(e.get("fa"))}</div>'
                 f'<div dir="ltr">{esc(e.get("en"))}</div></div>')
            st.caption(_t("glossary.occurs", lang))
            term = e.get("fa") or e.get("en") or ""
            for p in _occurrences(bot, term, e)[:5]:
                html(f'<div class="kb-meta" dir="auto">{esc(p.get("section") or "—")} · '
                     f'{esc(location(p, lambda k: _t(k, lang)))}</div>')
                html(passage_html(p["text"], [term] if term else [], p.get("language")))


def _occurrences(bot, term: str, entry: dict) -> list[dict]:
    """Passages that contain the term (exact, ZWNJ/space tolerant)."""
    if entry.get("occurrences"):
        ids = [o.get("passage_id") for o in entry["occurrences"] if isinstance(o, dict)]
        found = [bot.retriever.passages[i].to_json() for i in ids if i in bot.retriever.passages]
        if found:
            return found
    if not term:
        return []
    pat = re.compile(r"[\s\u200c]*".join(re.escape(w) for w in term.split()), re.IGNORECASE)
    return [p.to_json() for p in bot.retriever.passages.values() if pat.search(p.text)]


# ---------------------------------------------------------------------------------------- maintainers
ALLOWED = ("txt", "md", "pdf", "docx")


def page_maintainers(lang: str) -> None:
    st.header(_t("admin.title", lang))
    settings = resources.settings()
    if not settings.admin_token:
        st.warning(_t("admin.disabled", lang))
        return
    token = st.text_input(_t("admin.token", lang), type="password", key="admin_token")
    if not token:
        return
    import hmac

    if not hmac.compare_digest(token.encode(), settings.admin_token.encode()):
        st.error(_t("admin.bad_token", lang))
        return
    from indexer.documents import DocumentSpec, check_doc_id, discover
    from indexer.errors import DocumentError
    from indexer.pipeline import build_index
    from indexer.store import read_state

    files = st.file_uploader(_t("admin.upload", lang), type=list(ALLOWED), accept_multiple_files=True,
                             key="admin_files")
    if files and st.button(_t("admin.index", lang), key="admin_go"):
        corpus = Path(settings.corpus_dir)
        corpus.mkdir(parents=True, exist_ok=True)
        specs = []
        saved: dict[str, Path] = {}
        live = read_state(Path(settings.store_dir)).get("docs", {})
        for f in files:
            name = Path(f.name).name
            stem, _, ext = name.rpartition(".")
            doc_id = re.sub(r"[^\w\u0600-\u06FF.\-]+", "-", stem).strip(".-") or "document"
            try:
                check_doc_id(doc_id, name)
                if ext.lower() not in ALLOWED:
                    raise DocumentError(name, f"unsupported file type .{ext}")
                target = corpus / f"{doc_id}.{ext.lower()}"
                existing = live.get(doc_id, {}).get("path")
                if existing and Path(existing).resolve() != target.resolve():
                    raise DocumentError(name, f"a different document is already indexed as {doc_id!r}; "
                                              "rename the file")
                target.write_bytes(f.getvalue())
                specs.append(DocumentSpec(doc_id, target, {}))
                saved[doc_id] = target
                st.caption(_t("admin.saved", lang, name=target.name))
            except DocumentError as exc:
                st.error(f"{_t('admin.file_error', lang, name=name)} {exc}")
        if specs:
            bar = st.progress(0.0, text=_t("admin.progress", lang))
            log = st.empty()
            seen: list[str] = []

            def progress(message: str) -> None:
                seen.append(message)
                m = re.search(r"(\d+)/(\d+)", message)
                frac = int(m.group(1)) / max(1, int(m.group(2))) if m else None
                bar.progress(min(frac, 1.0) if frac is not None else 0.5, text=message[:120])
                log.caption(message[:300])

            known = {s.doc_id: s for s in discover(corpus)}
            specs = [known.get(s.doc_id, s) for s in specs]
            report = build_index(settings, specs=specs, remove_missing=False, progress=progress)
            bar.progress(1.0, text=_t("admin.done", lang))
            (st.warning if report.failed else st.success)(f"{_t('admin.done', lang)} {report.summary()}")
            for doc_id, err in report.failed.items():
                st.error(f"{_t('admin.file_error', lang, name=doc_id)} {err}")
                if doc_id in saved and doc_id not in live:  # a failed new upload does not stay in the corpus
                    saved[doc_id].unlink(missing_ok=True)
    state = read_state(Path(settings.store_dir))
    if state.get("docs"):
        st.subheader(_t("admin.docs", lang))
        st.dataframe([{"doc_id": d, "title": e.get("title"), "passages": e.get("n_passages"),
                       "indexed_at": e.get("indexed_at")} for d, e in state["docs"].items()],
                     hide_index=True)


# ---------------------------------------------------------------------------------------- evaluation
def latest_results(folder: Path = EVAL_DIR) -> tuple[Path | None, Path | None, dict | None]:
    """The newest results Markdown, its chart and JSON (any may be None)."""
    if not folder.is_dir():
        return None, None, None
    mds = sorted(folder.glob("*.md"), key=lambda p: p.stat().st_mtime)
    if not mds:
        return None, None, None
    md = mds[-1]
    png = md.with_suffix(".png")
    js = md.with_suffix(".json")
    data = None
    if js.is_file():
        try:
            data = json.loads(js.read_text(encoding="utf-8"))
        except ValueError:
            data = None
    return md, (png if png.is_file() else None), data


def page_evaluation(lang: str) -> None:
    st.header(_t("eval.title", lang))
    md, png, _data = latest_results()
    if md is None:
        st.info(_t("eval.none", lang))
        return
    st.caption(f"{_t('eval.file', lang)}: evals/results/{md.name}")
    if png:
        st.image(str(png))
    text = md.read_text(encoding="utf-8")
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)\n?", "", text)  # the chart is shown above
    st.markdown(text.replace("<", "&lt;"))
