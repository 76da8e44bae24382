"""The concept map page: the paper's sections, the concepts they introduce and the works they cite, drawn with
streamlit-flow (react-flow: each node is an HTML box, so Persian labels are laid out by the browser, right to left).

A click on a node opens, below the map, its passages (a section's text, the passage introducing a concept with the
term highlighted, the passages citing a work with the citing sentence highlighted) and a button that asks about it
on the Ask page. English readers read the English edition's rendering, the Persian original one click away.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_ui.i18n import t as _t
from app_ui.pages import _bot, html
from app_ui.render import esc, location, passage_html

if TYPE_CHECKING:
    from assistant.concept_map import ConceptMap, MapNode, NodeKind

#: node colours by kind (light enough for dark text in both themes: the graph's canvas is light)
COLOURS = {"document": "#1f4e79", "section": "#dbe9f6", "concept": "#fff1b8", "work": "#e3f1df"}
#: the graph's height in pixels: the whole paper's tree fits at a readable zoom on a laptop screen
HEIGHT = 760


def _dir(lang: str) -> str:
    return "rtl" if lang == "fa" else "ltr"


def _flow_state(cmap: ConceptMap, lang: str):
    from streamlit_flow.elements import StreamlitFlowEdge, StreamlitFlowNode
    from streamlit_flow.state import StreamlitFlowState

    rtl = lang == "fa"
    # the tree grows in the reading direction: from the right in Persian, from the left in English
    out_side, in_side = ("left", "right") if rtl else ("right", "left")
    nodes = []
    for n in cmap.nodes:
        label = n.label(lang)
        style = {"direction": "rtl" if rtl and n.kind != "work" else "auto" if n.kind == "work" else "ltr",
                 "unicodeBidi": "plaintext", "textAlign": "start", "background": COLOURS[n.kind],
                 "color": "#ffffff" if n.kind == "document" else "#1a1a1a", "fontSize": "13px",
                 "fontFamily": "'KB Persian','Noto Naskh Arabic','Source Sans Pro',sans-serif",
                 "border": "1px solid #8a99a8", "borderRadius": "14px" if n.kind == "concept" else "6px",
                 "padding": "4px 10px", "maxWidth": "240px", "cursor": "pointer"}
        nodes.append(StreamlitFlowNode(n.id, (0, 0), {"content": esc(label)}, "default", out_side, in_side,
                                       draggable=False, selectable=True, style=style))
    edges = [StreamlitFlowEdge(f"{e.source}->{e.target}", e.source, e.target,
                               style={"stroke": {"contains": "#5f6b76", "introduces": "#c9a227",
                                                 "cites": "#4c8c4a"}[e.kind]})
             for e in cmap.edges]
    return StreamlitFlowState(nodes, edges)


def _english(passage) -> str | None:
    return (passage.metadata.get("text_en") or "").strip() or None


def _show_passages(bot, node: MapNode, lang: str) -> None:
    """The node's passages: the English rendering for English readers (the original beneath), else the text."""
    from assistant.sources import section_in_english

    passages = [bot.retriever.passages[p] for p in node.passage_ids if p in bot.retriever.passages]
    if not passages:
        st.caption(_t("map.no_passage", lang))
        return
    marks = {"concept": [node.label_en, node.label_en.lower(), node.label_en.capitalize()] if lang == "en"
             else [node.label_fa], "work": [node.label_fa]}.get(node.kind, [])
    limit = 8 if node.kind == "section" else 5
    for p in passages[:limit]:
        pj = p.to_json()
        loc = location(pj, lambda k: _t(k, lang))
        english = _english(p) if lang == "en" and pj.get("language") == "fa" else None
        section = section_in_english(bot.tables, pj.get("section")) if english else pj.get("section")
        html(f'<div class="kb-meta" dir="{_dir(lang)}" data-kb="map-passage-meta"><bdi>{esc(section or "—")}'
             f'</bdi>' + (f" · {esc(loc)}" if loc else "") + "</div>")
        if english:
            html(passage_html(english, marks, "en").replace('class="kb-block kb-passage"',
                                                             'class="kb-block kb-passage" data-kb="map-passage"', 1))
            with st.expander(_t("map.original", lang)):
                html(passage_html(p.text, [node.label_fa] if node.kind != "section" else [], pj.get("language")))
        else:
            html(passage_html(p.text, [node.label_fa] if node.kind != "section" else [], pj.get("language"))
                 .replace('class="kb-block kb-passage"', 'class="kb-block kb-passage" data-kb="map-passage"', 1))
    if len(passages) > limit:
        st.caption(_t("map.more", lang, n=len(passages) - limit))


def ask_about(question: str) -> None:
    """Send a question to the Ask page (a button callback: runs before the page is drawn again)."""
    st.session_state["pending_question"] = question
    st.session_state["page"] = "ask"


def _question(node: MapNode, lang: str) -> str:
    return _t(f"map.ask.{node.kind}", lang, x=node.label(lang))


def _details(bot, node: MapNode, lang: str) -> None:
    other = node.label_fa if lang == "en" else node.label_en
    pair = f' <span class="kb-meta">↔ <bdi>{esc(other)}</bdi></span>' if other and other != node.label(lang) else ""
    html(f'<div dir="{_dir(lang)}" data-kb="map-selected" data-node="{esc(node.id)}" data-kind="{node.kind}">'
         f'<b>{esc(_t(f"map.kind.{node.kind}", lang))}:</b> <bdi>{esc(node.label(lang))}</bdi>{pair}</div>')
    if node.detail:
        html(f'<div class="kb-meta kb-c" dir="auto">{esc(node.detail)}</div>')
    st.button(_t("map.ask", lang, q=_question(node, lang)), key=f"map_ask_{node.id}", on_click=ask_about,
              args=(_question(node, lang),))
    _show_passages(bot, node, lang)


def page_concept_map(lang: str) -> None:
    st.header(_t("map.title", lang))
    bot = _bot(lang)
    if bot is None:
        return
    from streamlit_flow import streamlit_flow
    from streamlit_flow.layouts import TreeLayout

    from assistant.concept_map import concept_map, mapped_documents

    docs = mapped_documents(bot.tables)
    if not docs:
        st.info(_t("map.empty", lang))
        return
    html(f'<div class="kb-meta" dir="{_dir(lang)}">{esc(_t("map.hint", lang))}</div>')
    titles = bot.retriever.state.get("docs", {})
    doc_id = docs[0] if len(docs) == 1 else st.selectbox(
        _t("read.document", lang), docs, key="map_doc", format_func=lambda d: titles.get(d, {}).get("title") or d)
    full = concept_map(bot.tables, bot.retriever.passages, doc_id,
                       title_en=(titles.get(doc_id, {}).get("meta") or {}).get("title_en"))
    tops = [n for n in full.nodes if n.kind == "section" and any(
        e.source == f"doc:{doc_id}" and e.target == n.id for e in full.edges)]
    c1, c2, c3 = st.columns([3, 1, 1])
    labels = {n.id: n.label(lang) for n in tops} | {"all": _t("map.focus_all", lang)}
    # the paper's framework (its largest part) first: the whole paper's ~100 nodes are readable only zoomed in
    largest = sorted(tops, key=lambda n: -len(full.focus(n.id).nodes))[:1]
    order = [n.id for n in largest] + [i for i in labels if i not in {n.id for n in largest}]
    focus: str = c1.selectbox(_t("map.focus", lang), order, key=f"map_focus_{doc_id}",
                              format_func=lambda i: labels[i]) or "all"
    show_concepts = c2.checkbox(_t("map.show_concepts", lang), value=True, key="map_concepts")
    show_works = c3.checkbox(_t("map.show_works", lang), value=False, key=f"map_works_{focus}")
    cmap = full if focus == "all" else full.focus(focus)
    shown: dict[NodeKind, bool] = {"concept": show_concepts, "work": show_works}
    hidden = [k for k, on in shown.items() if not on]
    cmap = cmap.without(hidden)
    html(f'<div class="kb-meta" dir="{_dir(lang)}" data-kb="map-counts" data-sections="{cmap.count("section")}" '
         f'data-concepts="{cmap.count("concept")}" data-works="{cmap.count("work")}">'
         + esc(_t("map.counts", lang, s=cmap.count("section"), c=cmap.count("concept"), w=cmap.count("work")))
         + "</div>")
    legend = "".join(f'<span class="kb-legend" style="background:{COLOURS[k]};color:'
                     f'{"#fff" if k == "document" else "#1a1a1a"}">{esc(_t(f"map.kind.{k}", lang))}</span>'
                     for k in ("section", "concept", "work"))
    html(f'<div dir="{_dir(lang)}" data-kb="map-legend">{legend}</div>')
    view = f"{lang}-{doc_id}-{focus}-{int(show_concepts)}{int(show_works)}"
    slot = f"map_state_{view}"
    if slot not in st.session_state:
        st.session_state[slot] = _flow_state(cmap, lang)
    st.session_state[slot] = streamlit_flow(
        f"map_{view}", st.session_state[slot], height=HEIGHT, fit_view=True, show_controls=True,
        layout=TreeLayout("left" if lang == "fa" else "right", node_node_spacing=10), get_node_on_click=True,
        min_zoom=0.1, hide_watermark=True, pan_on_drag=True, allow_zoom=True)
    node = full.node(st.session_state[slot].selected_id)
    if node is None:
        st.caption(_t("map.click", lang))
        return
    _details(bot, node, lang)
