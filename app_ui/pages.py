"""The app's pages. Each takes the interface language; logic lives in ``assistant/`` and ``indexer/``."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

from app_ui import resources
from app_ui.i18n import STRINGS
from app_ui.i18n import t as _t
from app_ui.render import block, esc, location, passage_html
from indexer.chunking import SECTION_SEP

if TYPE_CHECKING:
    from indexer.uploads import Conflict


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
        else:  # the details (paths, exception text) go to the log, not to the user
            import logging

            logging.getLogger(__name__).exception("the store could not be loaded")
            st.error(_t("store.error", lang))
        return None


def _conf(lang: str, value: str | None) -> str:
    return _t(f"conf.{value or 'unknown'}", lang)


# ---------------------------------------------------------------------------------------- ask
def _works_html(works: list[dict], lang: str, heading: str) -> str:
    from indexer.bibliography import split_cited_as

    items = []
    for w in works:
        ref, cited_as = split_cited_as(w.get("reference") or w.get("key") or "")
        note = _t("ask.cited_as", lang, work="\u2068\u2069").replace("\u2068\u2069", "")  # label before the key
        as_html = (f' <span class="kb-meta">{esc(note)}<bdi class="kb-c">{esc(cited_as)}</bdi></span>'
                   if cited_as else "")
        original = w.get("original") or {}   # an English reader's Persian work: the paper's own key and record
        original_html = (f'<details class="kb-original"><summary>{esc(_t("ask.show_original", lang))}</summary>'
                         f'<bdi dir="rtl" lang="fa">{esc(original.get("reference") or original.get("key") or "")}'
                         f'</bdi></details>' if original else "")
        items.append(f'<li dir="auto"><span class="kb-c">{esc(ref)}</span>{as_html} <span class="kb-meta">'
                     f'({esc(_t("conf.label", lang))}: {esc(_conf(lang, w.get("confidence")))})</span>'
                     f'{original_html}</li>')
    d = "rtl" if lang == "fa" else "ltr"
    return f'<div dir="{d}"><b>{esc(heading)}</b><ul class="kb-works">{"".join(items)}</ul></div>'


def _passage_details(passage: dict, sentences: list[str], tables: dict, lang: str, body: str | None = None,
                     section: str | None = None) -> None:
    """A passage's section, place and document, the passage (``body``: markup made by the caller, e.g. the
    English rendering with the original beneath) and the works it cites."""
    from assistant.citations import cited_works

    meta = [f"<b>{esc(_t('ask.section', lang))}:</b> "
            f"<span dir=\"auto\">{esc(section or passage.get('section') or '—')}</span>"]
    loc = location(passage, lambda k: _t(k, lang))
    if loc:
        meta.append(f"<b>{esc(_t('ask.location', lang))}:</b> {esc(loc)}")
    meta.append(f"<b>{esc(_t('ask.document', lang))}:</b> "
                f"<span dir=\"auto\">{esc(passage.get('doc_title') or passage.get('doc_id'))}</span>")
    html(f'<div class="kb-meta" dir="{"rtl" if lang == "fa" else "ltr"}">' + " · ".join(meta) + "</div>")
    html(body or passage_html(passage["text"], sentences, passage.get("language")))
    works = cited_works([passage["text"]], tables, lang)
    if works:
        html(_works_html(works, lang, _t("ask.works", lang)))
    else:
        st.caption(_t("ask.no_works", lang))


def _passage_label(n: int | None, passage: dict, lang: str) -> str:
    head = f"[{n}] " if n else ""
    loc = location(passage, lambda k: _t(k, lang))
    title = passage.get("section") or passage.get("doc_title") or passage.get("doc_id")
    return label_safe(f"{head}{title}" + (f" · {loc}" if loc else ""))


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
            html('<ol class="kb-notes kb-c" dir="ltr">' + "".join(
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
CONFLICT_CHOICES = ("refuse", "replace", "keep-both")


def _cites_picker(settings, upload, meta: dict, lang: str) -> str | None:
    """"This document is the full text of…": a picker over the bibliography, the work the uploaded file's title
    page names preselected (:func:`indexer.links.propose_work`, worked out once per file)."""
    from indexer.links import store_works

    works = store_works(Path(settings.store_dir))
    if not works:
        return None
    keys = [w.key for w in works]
    proposed_key = f"admin_cites_proposed_{upload.name}_{upload.size}"
    if proposed_key not in st.session_state:
        st.session_state[proposed_key] = _proposal(upload, meta, works, settings)
    proposed = st.session_state[proposed_key]
    titles = {w.key: w.title for w in works}
    choice = st.selectbox(_t("admin.meta.cites", lang), ["", *keys], key="admin_cites",
                          index=1 + keys.index(proposed) if proposed in keys else 0,
                          format_func=lambda k: (f"{k} — {titles[k][:80]}" if titles.get(k) else k) if k
                          else _t("admin.meta.cites_none", lang))
    if proposed:
        st.caption(_t("admin.meta.cites_proposed", lang, work=proposed))
    return choice or None


def _proposal(upload, meta: dict, works, settings) -> str | None:
    """The key of the work an uploaded file's title page names, or None (also when it cannot be read: the
    upload itself then says why)."""
    import tempfile

    from indexer.errors import DocumentError
    from indexer.links import document_head, propose_work

    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload.getvalue())
        try:
            proposal = propose_work(document_head(path, meta, settings.max_file_mb), works)
        except (DocumentError, OSError, ValueError):
            return None
    return proposal.work.key if proposal else None


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
    from indexer.store import read_state
    from indexer.uploads import Upload, ingest

    files = st.file_uploader(_t("admin.upload", lang), type=list(ALLOWED), accept_multiple_files=True,
                             key="admin_files")
    policy = cast("Conflict", st.radio(_t("admin.conflict", lang), CONFLICT_CHOICES, key="admin_conflict",
                                       format_func=lambda c: _t(f"admin.conflict.{c}", lang)))
    meta: dict[str, str | None] = {}
    if files and len(files) == 1:  # a document's own details (several files at once keep their own)
        c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
        meta = {"title": c1.text_input(_t("admin.meta.title", lang), key="admin_title").strip() or None,
                "author": c2.text_input(_t("admin.meta.author", lang), key="admin_author").strip() or None,
                "year": c3.text_input(_t("admin.meta.year", lang), key="admin_year").strip() or None,
                "language": c4.selectbox(_t("admin.meta.language", lang), ["", "fa", "en"], key="admin_language",
                                         format_func=lambda c: {"": "—", "fa": "فارسی", "en": "English"}[c])
                or None}
        meta["cites"] = _cites_picker(settings, files[0], meta, lang)
    if files and st.button(_t("admin.index", lang), key="admin_go"):
        bar = st.progress(0.0, text=_t("admin.progress", lang))
        log = st.empty()

        def progress(message: str) -> None:
            m = re.search(r"(\d+)/(\d+)", message)
            frac = int(m.group(1)) / max(1, int(m.group(2))) if m else None
            # the indexer's progress lines are English: the bar says it in the interface language
            text = _t("admin.progress_n", lang, done=m.group(1), total=m.group(2)) if m else _t("admin.progress", lang)
            bar.progress(min(frac, 1.0) if frac is not None else 0.5, text=text)
            if lang == "en":
                log.caption(message[:300])

        report = ingest(settings, [Upload(f.name, data=f.getvalue()) for f in files], meta,
                        on_conflict=policy, progress=progress)
        bar.progress(1.0, text=_t("admin.done", lang))
        for r in report.results:
            text = _t(f"admin.status.{r.status}", lang, name=r.name, doc_id=r.doc_id or "")
            if r.ok:
                st.success(text)
                if meta.get("cites"):
                    st.success(_t("admin.status.linked", lang, doc_id=r.doc_id or "", work=str(meta["cites"])))
                continue
            key = f"admin.reason.{r.kind}"
            reason = _t(key, lang) if r.status != "conflict" and key in STRINGS else ""
            (st.warning if r.status == "conflict" else st.error)(f"{text} {reason}".strip())
            if r.message:
                st.caption(r.message)  # the technical detail: the file as uploaded, never a server path
    state = read_state(Path(settings.store_dir))
    if state.get("docs"):
        st.subheader(_t("admin.docs", lang))
        cols = [_t(f"admin.col.{c}", lang) for c in ("doc_id", "title", "passages", "indexed_at")]
        st.dataframe([dict(zip(cols, (d, e.get("title"), e.get("n_passages"), e.get("indexed_at"))))
                      for d, e in state["docs"].items()], hide_index=True)
