"""The concept map's graph: sections from the outline, concepts from the footnote glossary, cited works where they
are cited; on a small document's tables (fast) and on the real paper (its store, slow)."""
from __future__ import annotations

from assistant.concept_map import concept_map, mapped_documents
from indexer.store import Passage

TABLES = {"d": {
    "doc_id": "d", "title": "کشورداری هوشمند",
    "outline": [
        {"title": "مقدمه", "level": 1, "line_start": 1, "line_end": 9, "path": ["مقدمه"]},
        {"title": "حکمرانی هوشمند", "level": 1, "line_start": 10, "line_end": 30, "path": ["حکمرانی هوشمند"]},
        {"title": "رایانش ابری", "level": 2, "line_start": 20, "line_end": 30,
         "path": ["حکمرانی هوشمند", "رایانش ابری"]},
        {"title": "مآخذ", "level": 1, "line_start": 31, "line_end": 40, "path": ["مآخذ"]},
    ],
    "glossary": [
        {"fa": "رایانش ابری", "en": "Cloud computing", "number": 1, "line_no": 29, "page": 2, "marker_line": 21},
        {"fa": "رایانش  ابری", "en": "Cloud Computing", "number": 2, "line_no": 29, "page": 2, "marker_line": 5},
        {"fa": "حکمرانی", "en": "Governance", "number": 1, "line_no": 12, "page": 1, "marker_line": 11},
    ],
    "citations": [
        {"key": "Heeks, 2003", "line_no": 22, "page": 2, "section": "حکمرانی هوشمند › رایانش ابری"},
        {"key": "Heeks, 2003", "line_no": 5, "page": 1, "section": "مقدمه"},
    ],
    "bibliography": [{"key": "Heeks, 2003", "reference": "Heeks, R. (2003). Most eGovernment projects fail."}],
}}
PASSAGES = {pid: Passage(pid, "d", text, {"section": section, "line_start": a, "line_end": b, "language": "fa"})
            for pid, text, section, a, b in [
                ("d:1", "مقدمه … (Heeks, 2003)", "مقدمه", 1, 9),
                ("d:2", "حکمرانی1 هوشمند …", "حکمرانی هوشمند", 10, 19),
                ("d:3", "رایانش ابری1 … (Heeks, 2003)", "حکمرانی هوشمند › رایانش ابری", 20, 30)]}
ENGLISH = {"کشورداری هوشمند": "Smart statesmanship", "حکمرانی هوشمند": "Smart governance",
           "رایانش ابری": "Cloud computing", "مقدمه": "Introduction"}


def _map():
    return concept_map(TABLES, PASSAGES, "d", english_title=ENGLISH.get)


def test_sections_concepts_and_works_form_a_tree_rooted_at_the_document():
    cmap = _map()
    by_label = {n.label_fa: n for n in cmap.nodes}
    assert (cmap.count("section"), cmap.count("concept"), cmap.count("work")) == (3, 2, 1)  # no «مآخذ»
    edges = {(cmap.node(e.source).label_fa, cmap.node(e.target).label_fa, e.kind) for e in cmap.edges}
    assert ("کشورداری هوشمند", "حکمرانی هوشمند", "contains") in edges
    assert ("حکمرانی هوشمند", "رایانش ابری", "contains") in edges
    # a concept hangs under the innermost section holding its footnote marker, once however often it is glossed
    assert ("رایانش ابری", "رایانش ابری", "introduces") in edges
    # glossed again in another section: a second edge, and its passage opens too
    assert ("مقدمه", "رایانش ابری", "introduces") in edges
    assert next(n for n in cmap.nodes if n.kind == "concept" and n.label_fa == "رایانش ابری").passage_ids == \
        ("d:3", "d:1")
    assert ("حکمرانی هوشمند", "حکمرانی", "introduces") in edges
    # a work under every section that cites it; its citing passages in reading order
    assert {("مقدمه", "Heeks, 2003", "cites"), ("رایانش ابری", "Heeks, 2003", "cites")} <= edges
    work = by_label["Heeks, 2003"]
    assert work.passage_ids == ("d:1", "d:3") and work.detail.startswith("Heeks, R.")


def test_labels_in_both_languages_and_passages_a_click_opens():
    cmap = _map()
    section = next(n for n in cmap.nodes if n.kind == "section" and n.label_fa == "رایانش ابری")
    concept = next(n for n in cmap.nodes if n.kind == "concept" and n.label_fa == "حکمرانی")
    assert (section.label("en"), section.label("fa")) == ("Cloud computing", "رایانش ابری")
    assert concept.label("en") == "Governance" and concept.passage_ids == ("d:2",)
    assert section.passage_ids == ("d:3",) and section.section == "حکمرانی هوشمند › رایانش ابری"
    assert cmap.node("doc:d").label("en") == "Smart statesmanship"
    # a heading over subsections only opens its subsections' text
    governance = next(n for n in cmap.nodes if n.label_fa == "حکمرانی هوشمند")
    assert governance.passage_ids == ("d:2",)


def test_focus_keeps_one_part_and_without_drops_a_kind():
    cmap = _map()
    governance = next(n for n in cmap.nodes if n.label_fa == "حکمرانی هوشمند")
    part = cmap.focus(governance.id)
    assert {n.label_fa for n in part.nodes} == {"حکمرانی هوشمند", "رایانش ابری", "حکمرانی", "Heeks, 2003"}
    bare = cmap.without(["concept", "work"])
    assert {n.kind for n in bare.nodes} == {"document", "section"}
    assert all(bare.node(e.target) is not None for e in bare.edges)
    assert mapped_documents({**TABLES, "cards": {"outline": []}}) == ["d"]


def test_the_papers_map(paper_assistant):
    """The real paper: its framework's sections, the glossary's concepts under the sections that introduce them
    (English labels from the English edition and the glossary), and Giffinger et al. where cited."""
    tables, passages = paper_assistant.tables, paper_assistant.retriever.passages
    doc = mapped_documents(tables)[0]
    assert doc == "smart-statesmanship"
    cmap = concept_map(tables, passages, doc, title_en="Smart statesmanship: a conceptual framework")
    assert cmap.node(f"doc:{doc}").label("en") == "Smart statesmanship: a conceptual framework"
    assert cmap.count("section") > 20 and cmap.count("concept") > 20 and cmap.count("work") > 40
    nodes = {(n.kind, n.label_fa): n for n in cmap.nodes}
    governance = nodes[("section", "حکمرانی هوشمند")]
    assert governance.label_en.lower() == "smart governance" and governance.passage_ids
    cloud = next(n for n in cmap.nodes if n.kind == "concept" and n.label_en.lower() == "cloud computing")
    assert cloud.passage_ids and "رایانش ابری" in passages[cloud.passage_ids[0]].text
    parents = [cmap.node(e.source) for e in cmap.edges if e.target == cloud.id]
    assert parents and all(p.kind == "section" for p in parents)
    giffinger = next(n for n in cmap.nodes if n.kind == "work" and n.label_fa.startswith("Giffinger"))
    assert giffinger.passage_ids and all("Giffinger" in passages[p].text for p in giffinger.passage_ids)
    # every node a click can open has a passage, and every edge joins two nodes of the map
    assert all(n.passage_ids for n in cmap.nodes if n.kind in ("section", "concept", "work"))
    assert all(cmap.node(e.source) and cmap.node(e.target) for e in cmap.edges)
