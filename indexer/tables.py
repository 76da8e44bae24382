"""Structure tables of each indexed document (outline, footnotes, glossary, citations).

Written beside the passages table in each tables folder, one JSON file per document, so that an
unchanged document's tables are carried over and a removed document's tables disappear with it.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from indexer.documents import LoadedDocument


def document_tables(doc: LoadedDocument) -> dict[str, Any]:
    """The tables of one loaded document."""
    structure = doc.structure
    tables: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "outline": structure.outline,
        "footnotes": [{"number": f.number, "text": f.text, "line_no": f.line_no, "page": f.page}
                      for f in structure.footnotes],
        # the parallel English edition (indexer.english): answers render Persian sentences from it
        "english": [r.to_json() for r in doc.english],
        # the bibliography key of the cited work this document is the full text of (indexer/links.py)
        "cites": doc.spec.meta.get("cites") or None,
        "file": doc.spec.path.name,  # the corpus file's name (never a server path): exports' `file` field
    }
    try:  # glossary, citations and bibliography come from indexer.references when present
        from indexer.references import reference_tables
    except ImportError:
        return tables
    tables.update(reference_tables(doc))
    return tables


def build_tables(folder: Path, loaded: dict[str, LoadedDocument], old_folder: Path | None,
                 live: dict[str, dict]) -> None:
    """Write tables for newly loaded documents; carry over unchanged ones from ``old_folder``."""
    out = folder / "docs"
    out.mkdir(parents=True, exist_ok=True)
    for doc_id in live:
        target = out / f"{doc_id}.json"
        if doc_id in loaded:
            target.write_text(json.dumps(document_tables(loaded[doc_id]), ensure_ascii=False),
                              encoding="utf-8")
        elif old_folder is not None and (old_folder / "docs" / f"{doc_id}.json").is_file():
            shutil.copyfile(old_folder / "docs" / f"{doc_id}.json", target)


def load_tables(folder: Path) -> dict[str, dict[str, Any]]:
    """All documents' tables of one tables folder, by document id."""
    out = {}
    for path in sorted((folder / "docs").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[data["doc_id"]] = data
    return out
