"""Cited-work records (CSL-JSON): formatting a full reference for display and retrieval."""
from __future__ import annotations


def _authors(record: dict) -> str:
    names = []
    for author in record.get("author", []):
        if "literal" in author:
            names.append(author["literal"])
        else:
            names.append(", ".join(p for p in (author.get("family"), author.get("given")) if p))
    return "; ".join(names)


def format_reference(record: dict) -> str:
    """A readable APA-like reference line from a CSL-JSON record.

    >>> format_reference({"author": [{"family": "Heeks", "given": "R."}], "issued": {"date-parts": [[2003]]},
    ...                   "title": "E-government", "cite_as": "Heeks, 2003"})
    'Heeks, R. (2003). E-government. [cited as: Heeks, 2003]'
    """
    year = ""
    parts = record.get("issued", {}).get("date-parts") or [[]]
    if parts and parts[0]:
        year = str(parts[0][0])
    out = f"{_authors(record)} ({year or 'n.d.'}). {record.get('title', '').strip()}."
    container = record.get("container-title")
    if container:
        out += f" {container}"
        if record.get("volume"):
            out += f", {record['volume']}"
            if record.get("issue"):
                out += f"({record['issue']})"
        if record.get("page"):
            out += f", {record['page']}"
        out += "."
    elif record.get("publisher"):
        out += f" {record['publisher']}."
    if record.get("DOI"):
        out += f" https://doi.org/{record['DOI']}"
    if record.get("cite_as"):
        out += f" [cited as: {record['cite_as']}]"
    return out.strip()
