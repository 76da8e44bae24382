"""Real documents made in the tests: English full texts of two works the paper cites (issue 25).

Each has a title page naming the work's authors and year (as the real report and article do) and a few
paragraphs on its subject; the sentences are written for these tests (not the works' text), each with a
phrase no other document of the corpus has, so a test can tell where an answer came from.
"""
from __future__ import annotations

from pathlib import Path

GIFFINGER_TITLE = "Smart cities: Ranking of European medium-sized cities"
GIFFINGER_AUTHORS = "Rudolf Giffinger, Christian Fertner, Hans Kramar, Robert Kalasek, Natasa Pichler-Milanovic, Evert Meijers"
GIFFINGER_BODY = [
    ("Smart mobility", [
        "Smart mobility is one of the six characteristics of a smart city in this ranking, beside smart economy, "
        "smart people, smart governance, smart environment and smart living.",
        "Smart mobility combines local accessibility, international accessibility, the availability of information "
        "and communication infrastructure, and sustainable, innovative and safe transport systems.",
        "A medium-sized city scores well on smart mobility when its residents reach work by public transport, "
        "on foot or by bicycle, and when its tram and bus network is dense and punctual.",
    ]),
    ("Ranking method", [
        "The ranking compares seventy European medium-sized cities with between one hundred thousand and five "
        "hundred thousand inhabitants and at least one university.",
        "Each characteristic is measured by factors and each factor by indicators taken from public statistics; "
        "the indicators are standardised as z-transformations before they are aggregated.",
    ]),
    ("Smart governance", [
        "Smart governance covers participation in decision-making, public and social services, transparent "
        "governance and political strategies and perspectives.",
        "Its indicators include the number of city representatives per resident, the political activity of "
        "inhabitants, the importance of politics for inhabitants and the share of female city representatives.",
        "Expenditure of the municipal government per resident and the share of children in day care measure "
        "the public and social services a city offers.",
    ]),
]
GIFFINGER_PHRASE = "sustainable, innovative and safe transport systems"

JANSSEN_TITLE = "Benefits, adoption barriers and myths of open data and open government"
JANSSEN_AUTHORS = "Marijn Janssen, Yannis Charalabidis, Anneke Zuiderwijk"
JANSSEN_BODY = [
    ("Open data benefits", [
        "Opening government data is expected to bring political and social benefits such as transparency and "
        "citizen participation, economic benefits such as new services from private firms, and operational benefits.",
        "The benefits of open data do not come automatically: data must be found, understood and reused, and the "
        "institutional arrangements for that are often missing.",
    ]),
    ("Myths of open data", [
        "The first myth is that the publication of data will automatically yield benefits; the second is that all "
        "information should be unrestricted and publicly available.",
        "Another myth holds that every constituent can make use of open data, while in practice interpreting "
        "datasets needs skills that many citizens lack.",
    ]),
    ("Adoption barriers", [
        "Barriers to the adoption of open data include the lack of a unified policy, the fear of losing control "
        "over data, poor data quality, missing metadata and the absence of feedback from users.",
        "Institutional barriers such as a risk-averse culture and an unclear trade-off between public values "
        "weigh as much as technical barriers such as incompatible formats and fragmented portals.",
    ]),
]
JANSSEN_PHRASE = "institutional arrangements for that are often missing"


def giffinger_pdf(path: Path) -> Path:
    """The Giffinger et al. (2007) report: a cover page naming its authors and year, then two sections."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=18)
    pdf.multi_cell(0, 10, GIFFINGER_TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for line in (GIFFINGER_AUTHORS, "Centre of Regional Science, Vienna University "
                 "of Technology", "Final report, October 2007"):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    for heading, paragraphs in GIFFINGER_BODY:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=12)
        for text in paragraphs:
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(pdf.output()))
    return path


def janssen_docx(path: Path) -> Path:
    """The Janssen et al. (2012) article: title, authors, journal and year, then two sections (Word headings)."""
    import docx

    document = docx.Document()
    document.add_heading(JANSSEN_TITLE, level=1)
    document.add_paragraph(JANSSEN_AUTHORS)
    document.add_paragraph("Information Systems Management, 29(4), 258–268, 2012")
    for heading, paragraphs in JANSSEN_BODY:
        document.add_heading(heading, level=2)
        for text in paragraphs:
            document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
