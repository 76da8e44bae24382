"""The paper's framework as a graph: its sections (the outline), the concepts each one introduces (the footnote
glossary: a term is attached to the section where its footnote marker stands) and the works it cites (attached to
the sections that cite them). Every node carries a Persian and an English label (the parallel English edition's
heading, the glossary's English term; a work keeps its key) and the passages a click opens.

Built from the live store's structure tables and passages only (what ``outline``, ``glossary`` and ``cited``
show); the app draws it (``app_ui/concept_page.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

from indexer.chunking import SECTION_SEP
from indexer.normalize import fold

NodeKind = Literal["document", "section", "concept", "work"]
EdgeKind = Literal["contains", "introduces", "cites"]

#: the reference list is a section of the outline but not of the framework: its works are the work nodes
_REFERENCE_SECTIONS = {"مآخذ", "منابع", "فهرست منابع", "References", "تقدیر و تشکر"}


@dataclass(frozen=True)
class MapNode:
    """One node: ``label_fa``/``label_en`` name it; ``passage_ids`` open on a click (a section's text, the passage
    where a concept is introduced, the passages citing a work), in reading order; ``section`` is the section
    path (Persian) the node belongs to; ``detail`` a work's full reference."""

    id: str
    kind: NodeKind
    label_fa: str
    label_en: str
    level: int
    doc_id: str
    section: str = ""
    passage_ids: tuple[str, ...] = ()
    detail: str | None = None

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_fa


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    kind: EdgeKind


@dataclass(frozen=True)
class ConceptMap:
    nodes: list[MapNode]
    edges: list[MapEdge]
    _by_id: dict[str, MapNode] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({n.id: n for n in self.nodes})

    def node(self, node_id: str | None) -> MapNode | None:
        return self._by_id.get(node_id or "")

    def count(self, kind: NodeKind) -> int:
        return sum(n.kind == kind for n in self.nodes)

    def focus(self, section_id: str) -> ConceptMap:
        """The part of the map under one section: it, its subsections and their concepts and works."""
        keep = {section_id}
        changed = True
        while changed:
            changed = False
            for e in self.edges:
                if e.source in keep and e.target not in keep:
                    keep.add(e.target)
                    changed = True
        return ConceptMap([n for n in self.nodes if n.id in keep],
                          [e for e in self.edges if e.source in keep and e.target in keep])

    def without(self, kinds: Iterable[NodeKind]) -> ConceptMap:
        drop = set(kinds)
        nodes = [n for n in self.nodes if n.kind not in drop]
        ids = {n.id for n in nodes}
        return ConceptMap(nodes, [e for e in self.edges if e.source in ids and e.target in ids])


def _innermost(sections: list[tuple[str, dict]], line: int | None) -> str | None:
    """The id of the deepest section whose line span holds ``line``."""
    if line is None:
        return None
    best, best_level = None, -1
    for section_id, s in sections:
        if s["line_start"] <= line <= s["line_end"] and s.get("level", 1) > best_level:
            best, best_level = section_id, s.get("level", 1)
    return best


def _passages_at(passages: list[Any], line: int | None) -> tuple[str, ...]:
    if line is None:
        return ()
    return tuple(p.id for p in passages
                 if (p.metadata.get("line_start") or 0) <= line <= (p.metadata.get("line_end") or -1))[:1]


def concept_map(tables: dict[str, dict[str, Any]], passages: dict[str, Any], doc_id: str,
                english_title=None, title_en: str | None = None) -> ConceptMap:
    """The map of one document. ``passages``: the store's passages (``{id: Passage}``, reading order);
    ``english_title``: Persian heading → English heading or None (default: the parallel English edition's);
    ``title_en``: the document's English title (the manifest's ``title_en``)."""
    if english_title is None:
        from assistant.answer import english_edition

        english_title = english_edition(tables).title
    table = tables.get(doc_id) or {}
    doc_passages = [p for p in passages.values() if p.doc_id == doc_id and not p.is_record]
    title = table.get("title") or doc_id
    root = MapNode(f"doc:{doc_id}", "document", title, title_en or english_title(title) or title, 0, doc_id,
                   passage_ids=tuple(p.id for p in doc_passages[:1]))
    nodes, edges = [root], []
    sections: list[tuple[str, dict]] = []
    by_path: dict[tuple[str, ...], str] = {}
    for i, s in enumerate(table.get("outline") or []):
        path = tuple(s.get("path") or [s["title"]])
        if path[0] in _REFERENCE_SECTIONS or s["title"] in _REFERENCE_SECTIONS:
            continue
        sid = f"sec:{doc_id}:{i}"
        sections.append((sid, s))
        by_path[path] = sid
        joined = SECTION_SEP.join(path)
        # its own text, else (a heading over subsections only) its subsections' text
        own = tuple(p.id for p in doc_passages if p.metadata.get("section") == joined) or \
            tuple(p.id for p in doc_passages if (p.metadata.get("section") or "").startswith(joined + SECTION_SEP))
        nodes.append(MapNode(sid, "section", s["title"], english_title(s["title"]) or s["title"],
                             int(s.get("level") or len(path)), doc_id, joined, own))
        parent = by_path.get(path[:-1]) if len(path) > 1 else None
        edges.append(MapEdge(parent or root.id, sid, "contains"))
    section_path = {sid: SECTION_SEP.join(s.get("path") or [s["title"]]) for sid, s in sections}
    level = {sid: int(s.get("level") or 1) for sid, s in sections}

    concepts: dict[str, MapNode] = {}
    for n, entry in enumerate(table.get("glossary") or []):
        fa, en = (entry.get("fa") or "").strip(), (entry.get("en") or "").strip()
        if not fa:
            continue
        line = entry.get("marker_line") or entry.get("line_no")
        home = _innermost(sections, line) or ""
        key = fold(fa)
        node = concepts.get(key)
        if node is None:  # one node per term («Cloud computing» / «Cloud Computing» glossed twice)
            node = MapNode(f"term:{doc_id}:{n}", "concept", fa, en or fa, level.get(home, 0) + 1, doc_id,
                           section_path.get(home, ""), _passages_at(doc_passages, line))
            concepts[key] = node
            nodes.append(node)
        else:  # glossed again elsewhere: that passage opens too
            more = tuple(p for p in _passages_at(doc_passages, line) if p not in node.passage_ids)
            if more:
                grown = MapNode(node.id, node.kind, node.label_fa, node.label_en, node.level, node.doc_id,
                                node.section, node.passage_ids + more)
                nodes[nodes.index(node)] = concepts[key] = grown
                node = grown
        edge = MapEdge(home or root.id, node.id, "introduces")
        if edge not in edges:
            edges.append(edge)

    refs = {e["key"]: e.get("reference") or e.get("reference_list_entry")
            for e in table.get("bibliography") or []}
    works: dict[str, MapNode] = {}
    citing: dict[str, list[str]] = {}
    for c in table.get("citations") or []:
        key = c.get("key")
        if not key:
            continue
        home = _innermost(sections, c.get("line_no")) or ""
        at = _passages_at(doc_passages, c.get("line_no"))
        citing.setdefault(key, [])
        citing[key] += [p for p in at if p not in citing[key]]
        if key not in works:
            works[key] = MapNode(f"work:{doc_id}:{len(works)}", "work", key, key, level.get(home, 0) + 1,
                                 doc_id, section_path.get(home, ""), detail=refs.get(key))
        edge = MapEdge(home or root.id, works[key].id, "cites")
        if edge not in edges:
            edges.append(edge)
    order = {pid: i for i, pid in enumerate(passages)}
    for key, node in works.items():
        nodes.append(MapNode(node.id, node.kind, node.label_fa, node.label_en, node.level, node.doc_id, node.section,
                             tuple(sorted(citing[key], key=lambda p: order.get(p, 0))), node.detail))
    return ConceptMap(nodes, edges)


def mapped_documents(tables: dict[str, dict[str, Any]]) -> list[str]:
    """Documents with a framework to draw (an outline of more than one section), the largest first."""
    docs = [d for d, t in tables.items() if len(t.get("outline") or []) > 1]
    return sorted(docs, key=lambda d: -(len(tables[d].get("outline") or []) + len(tables[d].get("glossary") or [])))
