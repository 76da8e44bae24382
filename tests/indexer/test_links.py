"""Linking a document to the cited work it is the full text of (issue 25): the bibliography's own records,
the real documents' title pages, and the errors a maintainer sees."""
from __future__ import annotations

import json

import pytest

from indexer.links import UnknownWorkError, document_head, propose_work, resolve_work, works_of
from indexer.settings import PROJECT_ROOT
from tests.cited_documents import giffinger_pdf, janssen_docx


@pytest.fixture(scope="module")
def works():
    """The paper's bibliography as a store's tables hold it: the real CSL records, keyed by their in-text form."""
    records = json.loads((PROJECT_ROOT / "corpus" / "cited_works.json").read_text(encoding="utf-8"))
    return works_of({"paper": {"bibliography": [{"key": r["cite_as"], "record": r} for r in records]}})


@pytest.mark.parametrize("given", ["Giffinger et al., 2007", "Giffinger et al. (2007)", "Giffinger 2007",
                                   "giffinger et al, 2007", "giffinger 2007", "(Giffinger et al., 2007)"])
def test_a_key_in_any_written_form_resolves_to_the_record(works, given):
    assert resolve_work(given, works).key == "Giffinger et al., 2007"


def test_a_persian_key_resolves_with_letter_variants(works):
    assert resolve_work("دانائي فرد، 1402", works).key == "دانائی‌فرد، 1402"


def test_an_unknown_key_is_a_clear_error_listing_close_keys(works):
    with pytest.raises(UnknownWorkError) as err:
        resolve_work("Giffinger et al., 2009", works)
    assert str(err.value) == ('no cited work "Giffinger et al., 2009" in the bibliography; '
                              'close keys: "Giffinger et al., 2007"')
    with pytest.raises(UnknownWorkError) as err:
        resolve_work("Janssen 2013", works)
    assert err.value.close[0] == "Janssen et al., 2012"
    with pytest.raises(UnknownWorkError) as err:
        resolve_work("Smith, 1999", works)
    assert err.value.close == [] and "`python -m assistant sources` lists every key" in str(err.value)


def test_the_title_page_of_a_pdf_and_a_docx_proposes_their_works(tmp_path, works):
    pdf = giffinger_pdf(tmp_path / "report.pdf")
    proposal = propose_work(document_head(pdf, {}), works)
    assert proposal is not None and proposal.work.key == "Giffinger et al., 2007"
    assert proposal.matched == "author, title and year"
    docx = janssen_docx(tmp_path / "article.docx")
    proposal = propose_work(document_head(docx, {}), works)
    assert proposal is not None and proposal.work.key == "Janssen et al., 2012"


def test_no_proposal_without_the_year_or_for_an_unrelated_document(works):
    assert propose_work("Smart cities: Ranking of European medium-sized cities\nRudolf Giffinger", works) is None
    assert propose_work("Minutes of the 2007 board meeting on bicycle lanes", works) is None


def test_the_maintainers_title_author_and_year_count(tmp_path, works):
    path = tmp_path / "notes.txt"
    path.write_text("Chapter one\n\nSome notes on smart mobility.\n", encoding="utf-8")
    head = document_head(path, {"title": "Smart cities in Europe", "author": "Caragliu", "year": "2011"})
    proposal = propose_work(head, works)
    assert proposal is not None and proposal.work.key == "Caragliu et al., 2011"
