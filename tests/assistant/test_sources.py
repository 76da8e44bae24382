"""Read-side API and CLI over a real store built from the corpus (one build per session)."""
from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy

from assistant import sources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def store(paper_store):
    """The session's store of the default corpus (tests/conftest.py), not a second build of it."""
    return paper_store


def test_outline(store):
    rows = sources.outline(store)
    paper = [r for r in rows if r["doc_id"] == "smart-statesmanship"]
    titles = [r["title"] for r in paper]
    assert "مقدمه" in titles and "رایانش ابری" in titles and "مآخذ" in titles
    assert all({"title", "level", "line_start", "line_end", "page_start"} <= set(r) for r in paper)


def test_glossary_and_expansion(store):
    glossary = sources.glossary(store)
    assert len(glossary) >= 45
    assert {"fa": "رایانش ابری", "en": "Cloud computing"}.items() <= \
        next(g for g in glossary if g["en"] == "Cloud computing").items()
    assert "رایانش ابری" in sources.glossary_expand("How does cloud computing help?", glossary)
    assert "Blockchain" in sources.glossary_expand("نقش بلاک‌چین در شفافیت", glossary)
    assert sources.glossary_expand("unrelated words only", glossary) == []


def test_sources_and_cited(store):
    works = sources.sources(store)
    assert 74 <= len(works) <= 80
    assert sum(w["occurrences"] for w in works) >= 0.95 * 202
    unresolved = [w for w in works if not w["resolved"]]
    assert not unresolved
    result = sources.cited(store, "Giffinger et al. (2007)")
    assert result["found"] and result["key"] == "Giffinger et al., 2007"
    assert result["confidence"] == "verified" and len(result["occurrences"]) == 14
    assert all("Giffinger" in o["sentence"] for o in result["occurrences"])
    variant = sources.cited(store, "Bertot et al, 2010")
    assert variant["key"] == "Bertot et al., 2010" and len(variant["occurrences"]) == 15
    persian = sources.cited(store, "دانائی فرد، 1402")
    assert persian["found"] and persian["in_reference_list"]
    assert not sources.cited(store, "Nobody, 1900")["found"]


def test_export_section(store):
    keys = sources.keys_in_section(store, "ابزارهای شفافیت حکمرانی")
    assert "Janssen et al., 2012" in keys   # open data portals, cited under the transparency tools
    bib = bibtexparser.parse_string(sources.export(store, keys, "bibtex"))
    assert len(bib.entries) == len(keys) and not bib.failed_blocks
    ris = rispy.loads(sources.export(store, keys, "ris"))
    assert len(ris) == len(keys)
    csl = json.loads(sources.export(store, None, "csl-json"))
    assert len(csl) == 77


def test_citations_in_answer_text(store):
    found = sources.citations_in("… (Bertot, 2010; Giffinger et al., 2007).", store)
    assert [f["key"] for f in found] == ["Bertot et al., 2010", "Giffinger et al., 2007"]
    assert all(f["reference"] for f in found)


def test_cli(store, capsys):
    from assistant.__main__ import main

    args = ["--store", str(store.store_dir)]
    assert main(["glossary", "--json", *args]) == 0
    assert len(json.loads(capsys.readouterr().out)) >= 45
    assert main(["outline", "--json", *args]) == 0
    assert json.loads(capsys.readouterr().out)[0]["level"] == 1
    assert main(["cited", "Heeks, 2003", "--json", *args]) == 0
    assert len(json.loads(capsys.readouterr().out)["occurrences"]) == 9
    assert main(["sources", *args]) == 0
    assert "not in reference list" not in capsys.readouterr().out.split("Giffinger")[0][-5:]
    assert main(["export", "--section", "شفافیت", "--format", "ris", *args]) == 0
    assert "TY  -" in capsys.readouterr().out
    assert main(["export", "--json", *args]) == 0  # --json is CSL-JSON
    assert len(json.loads(capsys.readouterr().out)) >= 70
    assert main(["outline", *args]) == 0
    assert "[lines " in capsys.readouterr().out.splitlines()[0]
    assert main(["glossary", *args]) == 0
    assert capsys.readouterr().out.splitlines()[0].count("\t") == 2


def test_cli_without_an_index(tmp_path, capsys):
    from assistant.__main__ import main

    for command in (["outline"], ["glossary"], ["sources"], ["cited", "Heeks, 2003"], ["export"]):
        assert main([*command, "--store", str(tmp_path / "none")]) == 1
        assert capsys.readouterr().err.startswith("error: ")
