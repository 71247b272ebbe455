"""The citation fields reference managers leave in Word files, read from their instructions.

Zotero, Mendeley and EndNote insert each citation as a Word field whose instruction holds
the cited items and whose result is the text the reader sees:

- Zotero: ``ADDIN ZOTERO_ITEM CSL_CITATION {json}``; the bibliography is
  ``ADDIN ZOTERO_BIBL {json} CSL_BIBLIOGRAPHY``.
- Mendeley: ``ADDIN CSL_CITATION {json}``; the bibliography is
  ``ADDIN Mendeley Bibliography CSL_BIBLIOGRAPHY``.
- EndNote: ``ADDIN EN.CITE <EndNote>...</EndNote>``; the bibliography is ``ADDIN EN.REFLIST``.

The JSON is a CSL citation: ``citationItems[].itemData`` are CSL-JSON items (``author``,
``issued``, ``title``, ``DOI``), and the text the manager generated is in
``properties.plainCitation`` (Zotero) or ``mendeley.plainTextFormattedCitation``. EndNote's
XML has ``Author``/``Year`` and a ``record`` with titles, contributors and the DOI in
``electronic-resource-num``, and ``DisplayText``; when it is long EndNote keeps it base64
in the field's ``w:fldData`` (with a nested ``EN.CITE.DATA`` field), which the .docx
reader appends to the instruction. The EndNote XML is parsed with entity
expansion and network access off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_INSTRUCTION = 1_000_000  # characters: a citation of hundreds of items is far below it


@dataclass(frozen=True, slots=True)
class FieldItem:
    """One cited item, as the reference manager recorded it."""

    surnames: tuple[str, ...]
    year: str
    title: str = ""
    doi: str = ""

    def label(self) -> str:
        names = self.surnames
        shown = names[0] + " et al." if len(names) > 2 else " & ".join(names) or self.title[:40]
        return f"{shown} ({self.year or 'n.d.'})"


@dataclass(frozen=True, slots=True)
class CitationField:
    """A citation or bibliography field: its visible result and what its instruction says.

    ``start``/``end`` are clean-text offsets of the visible result; ``formatted`` is the
    citation text the manager generated ("" when it records none); ``problem`` says why
    the instruction could not be read.
    """

    manager: str
    start: int
    end: int
    items: tuple[FieldItem, ...] = ()
    formatted: str = ""
    bibliography: bool = False
    problem: str = ""


def field_kind(instruction: str) -> tuple[str, bool] | None:
    """``(manager, is_bibliography)`` for a reference manager's field, else ``None``."""
    text = instruction.lstrip()
    if not text.upper().startswith("ADDIN"):
        return None
    if "ZOTERO_BIBL" in text:
        return "Zotero", True
    if "ZOTERO_ITEM" in text:
        return "Zotero", False
    if "CSL_BIBLIOGRAPHY" in text:
        return "Mendeley", True
    if "CSL_CITATION" in text:
        return "Mendeley", False
    if "EN.REFLIST" in text:
        return "EndNote", True
    if "EN.CITE.DATA" in text:
        return None  # a marker nested in EN.CITE: the data is in the outer field's w:fldData
    if "EN.CITE" in text:
        return "EndNote", False
    return None


def parse_instruction(instruction: str) -> tuple[tuple[FieldItem, ...], str, str]:
    """``(items, formatted text, problem)`` of a citation field's instruction."""
    if len(instruction) > MAX_INSTRUCTION:
        return (), "", "the field's instruction is too long to read"
    if "<EndNote" in instruction:
        return _endnote(instruction)
    brace = instruction.find("{")
    if brace < 0:
        return (), "", "the field holds no citation data"
    try:
        data, _ = json.JSONDecoder().raw_decode(instruction, brace)
    except json.JSONDecodeError as exc:
        return (), "", f"the field's citation data is not JSON ({exc.msg})"
    if not isinstance(data, dict):
        return (), "", "the field's citation data is not a CSL citation"
    items = tuple(
        _csl_item(entry.get("itemData", {}))
        for entry in data.get("citationItems", ())
        if isinstance(entry, dict)
    )
    properties = data.get("properties") if isinstance(data.get("properties"), dict) else {}
    mendeley = data.get("mendeley") if isinstance(data.get("mendeley"), dict) else {}
    formatted = (properties or {}).get("plainCitation") or (mendeley or {}).get(
        "plainTextFormattedCitation", ""
    )
    if not items:
        return (), "", "the field lists no cited items"
    return items, str(formatted or ""), ""


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _csl_item(data: Any) -> FieldItem:
    if not isinstance(data, dict):
        return FieldItem((), "")
    names: list[str] = []
    for person in data.get("author") or data.get("editor") or ():
        if isinstance(person, dict):
            family = _text(person.get("family") or person.get("literal") or "")
            particle = _text(person.get("non-dropping-particle") or "")
            if family:
                names.append(f"{particle} {family}".strip())
    year = ""
    issued = data.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = _text(parts[0][0])
        elif issued.get("raw") or issued.get("literal"):
            found = re.search(r"\d{4}", _text(issued.get("raw") or issued.get("literal")))
            year = found.group() if found else ""
    return FieldItem(
        surnames=tuple(names),
        year=year,
        title=_text(data.get("title") or ""),
        doi=_text(data.get("DOI") or data.get("doi") or ""),
    )


def _endnote(instruction: str) -> tuple[tuple[FieldItem, ...], str, str]:
    from lxml import etree

    start = instruction.find("<EndNote")
    end = instruction.rfind("</EndNote>")
    if end < 0:
        return (), "", "the field's EndNote data is cut short"
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(instruction[start : end + len("</EndNote>")].encode(), parser)
    except etree.XMLSyntaxError as exc:
        return (), "", f"the field's EndNote data is not XML ({exc})"
    items: list[FieldItem] = []
    display = ""
    for cite in root.iter("Cite"):
        display = display or "".join(cite.findtext("DisplayText") or "")
        record = cite.find("record")
        names: list[str] = []
        title = year = doi = ""
        if record is not None:
            for author in record.iter("author"):
                name = "".join(author.itertext()).strip()
                if name:
                    names.append(name.split(",")[0].strip())
            title = " ".join("".join(t.itertext()) for t in record.iterfind("titles/title"))
            year = "".join("".join(y.itertext()) for y in record.iterfind("dates/year")).strip()
            doi = "".join(
                "".join(d.itertext()) for d in record.iterfind("electronic-resource-num")
            ).strip()
        if not names and cite.findtext("Author"):
            names = [(cite.findtext("Author") or "").split(",")[0].strip()]
        year = year or (cite.findtext("Year") or "").strip()
        items.append(FieldItem(tuple(names), year, " ".join(title.split()), doi))
    if not items:
        return (), "", "the field's EndNote data lists no citations"
    return tuple(items), display, ""
