"""RIS files (what Scopus, Web of Science, PubMed, EndNote and Zotero export) to Sources.

Records are split here, so that each keeps the line it starts on; each record's tags
are then read by ``rispy`` (continuation lines, repeated tags). Tags are mapped to
BibTeX as Zotero's RIS translator maps them:

* ``TY`` the type (``JOUR`` -> ``@article``, ``CHAP`` -> ``@incollection`` ...);
* ``AU``/``A1`` authors; ``ED``, and ``A2`` for chapters and papers, editors
  (``EDBOOK``: the ``AU`` names are the editors);
* ``TI``/``T1`` the title; ``T2``, ``JF``, ``JO``, ``JA``, ``J2``, ``BT`` the journal or
  book title, in that order of preference; ``T3`` the series;
* ``PY``/``Y1``/``DA`` the date (``2020/05/01/`` and ``2020///`` forms); ``SP``-``EP``
  the pages; ``VL``, ``IS``, ``DO``, ``UR``, ``PB``, ``CY``, ``SN``, ``AB``, ``KW``,
  ``LA``, ``ET``, ``M3`` as their BibTeX fields;
* ``ID`` the key, when it is a usable BibTeX key (EndNote's record numbers are not).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cybercoop_cli.ingest.csljson import LANGIDS, usable_key
from cybercoop_cli.ingest.foreign import joined, make_source, page_range, year_of
from cybercoop_cli.ingest.text import read_text
from cybercoop_cli.model import Bibliography, Person, Problem, Severity, Source

#: RIS reference types to BibTeX entry types; others are read as @misc with a warning.
TYPE_MAP = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "INPR": "article",
    "ABST": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CLSWK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "DICT": "incollection",
    "ENCYC": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "GOVDOC": "techreport",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "ICOMM": "online",
    "DATA": "dataset",
    "DBASE": "dataset",
    "AGGR": "dataset",
    "COMP": "software",
    "UNPB": "unpublished",
    "MANSCPT": "unpublished",
    "STAT": "legislation",
    "BILL": "legislation",
    "LEGAL": "legislation",
    "CASE": "jurisdiction",
    "HEAR": "misc",
    "PAT": "patent",
    "STAND": "standard",
    "PAMP": "booklet",
    "GEN": "misc",
    "SER": "misc",
    "PCOMM": "misc",
}
_CONTAINER_FIELD = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "online": "organization",
    "techreport": "series",
}
_CONTAINER_TAGS = ("T2", "JF", "JO", "JA", "J2", "BT")
_LIST_TAGS = ["AU", "A1", "A2", "A3", "A4", "ED", "KW", "UR", "L1", "L2", "N1"]
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def read_ris(path: Path, *, display: str | None = None) -> Bibliography:
    """Read a RIS file; problems are collected, never raised."""
    name = display or str(path)
    try:
        text, encoding_problem = read_text(path)
    except OSError as exc:
        return Bibliography(
            (), (Problem(name, None, f"cannot read file: {exc.strerror}", "ris-unreadable"),)
        )
    problems: list[Problem] = []
    if encoding_problem:
        problems.append(Problem(name, None, encoding_problem, "ris-encoding", Severity.WARNING))
    sources: list[Source] = []
    for line, lines in _records(text, name, problems):
        source = _source(_parse(lines), line, name, problems)
        if source is not None:
            sources.append(source)
    if not sources and not any(p.code == "ris-unclosed" for p in problems):
        problems.append(
            Problem(name, None, "no RIS records (each starts with a 'TY  - ' line)", "ris-syntax")
        )
    return Bibliography(tuple(sources), tuple(problems))


def _records(text: str, file: str, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """Each record's first line number and its lines, from ``TY`` to ``ER``."""
    records: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    stray: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        tag = _TAG_LINE.match(line)
        if tag and tag.group(1) == "TY":
            if current is not None:
                problems.append(
                    Problem(
                        file,
                        start,
                        "record has no 'ER  - ' line before the next 'TY'; it is kept",
                        "ris-unclosed",
                        Severity.WARNING,
                    )
                )
                records.append((start, [*current, "ER  - "]))
            current, start = [line], number
        elif current is not None:
            current.append(line)
            if tag and tag.group(1) == "ER":
                records.append((start, current))
                current = None
        elif line.strip() and stray is None:
            stray = number
    if current is not None:
        problems.append(
            Problem(
                file,
                start,
                "the last record has no 'ER  - ' line; it is kept",
                "ris-unclosed",
                Severity.WARNING,
            )
        )
        records.append((start, [*current, "ER  - "]))
    if stray is not None:
        problems.append(
            Problem(
                file,
                stray,
                "text outside a record (between 'ER' and the next 'TY') is ignored",
                "ris-syntax",
                Severity.WARNING,
            )
        )
    return records


def _parse(lines: list[str]) -> dict[str, Any]:
    import rispy  # type: ignore[import-untyped]

    identity = {tag: tag for tag in rispy.TAG_KEY_MAPPING}
    identity.update({"BT": "BT", "ED": "ED", "UK": "UK"})
    # Some exporters write "TY - " with one space; rispy wants the standard two.
    normalised = [_TAG_LINE.sub(r"\1  - \2", line) for line in lines]
    records: list[dict[str, Any]] = rispy.loads(
        "\n".join(normalised), mapping=identity, list_tags=_LIST_TAGS, enforce_list_tags=False
    )
    return records[0] if records else {}


def _one(record: dict[str, Any], *tags: str) -> str:
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, list):
            value = next((v for v in value if str(v).strip()), "")
        if value and str(value).strip():
            return " ".join(str(value).split())
    return ""


def _all(record: dict[str, Any], *tags: str) -> list[str]:
    values: list[str] = []
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, list):
            values.extend(str(v) for v in value if str(v).strip())
        elif value and str(value).strip():
            values.append(str(value))
    return values


def _source(record: dict[str, Any], line: int, file: str, problems: list[Problem]) -> Source | None:
    ris_type = _one(record, "TY").upper()
    entry_type = TYPE_MAP.get(ris_type)
    if entry_type is None:
        problems.append(
            Problem(
                file,
                line,
                f"unknown RIS type '{ris_type}'; read as @misc"
                if ris_type
                else "record without a type; read as @misc",
                "ris-unknown-type",
                Severity.WARNING,
            )
        )
        entry_type = "misc"
    plain: dict[str, str] = {}
    title = _one(record, "TI", "T1", "CT")
    if title:
        plain["title"] = title
    else:
        problems.append(
            Problem(file, line, "record has no title (TI)", "ris-no-title", Severity.WARNING)
        )
    kind = _one(record, "M3")
    if entry_type == "phdthesis" and "master" in kind.lower():
        entry_type = "mastersthesis"
    container_field = _CONTAINER_FIELD.get(entry_type, "howpublished")
    container = _one(record, *_CONTAINER_TAGS)
    if entry_type == "book" and container:  # a book's T2 is its series
        container_field = "series"
    if container:
        plain[container_field] = container
    series = _one(record, "T3")
    if series and "series" not in plain:
        plain["series"] = series
    date = _date(_one(record, "PY", "Y1"), _one(record, "DA"))
    if date:
        plain["date" if "-" in date else "year"] = date
    start, end = _one(record, "SP"), _one(record, "EP")
    if start:
        plain["pages"] = page_range(f"{start}-{end}" if end and end != start else start)
    for tag, name in (("VL", "volume"), ("IS", "number"), ("ET", "edition"), ("CY", "address")):
        value = _one(record, tag)
        if value:
            plain[name] = value
    publisher = _one(record, "PB")
    if publisher:
        plain[
            {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}.get(
                entry_type, "publisher"
            )
        ] = publisher
    if kind and entry_type in {"phdthesis", "mastersthesis", "techreport"}:
        plain["type"] = kind
    doi = _one(record, "DO")
    if doi:
        plain["doi"] = doi
    url = next((u for u in _all(record, "UR") if u.strip().lower().startswith(("http", "www"))), "")
    if url:
        plain["url"] = url.strip()
    isbn = _one(record, "SN")
    if isbn:
        plain["isbn" if entry_type in {"book", "incollection", "booklet"} else "issn"] = isbn
    abstract = _one(record, "AB", "N2")
    if abstract:
        plain["abstract"] = abstract
    keywords = joined(_all(record, "KW"))
    if keywords:
        plain["keywords"] = keywords
    language = _one(record, "LA")
    if language:
        langid = LANGIDS.get(language.split("-")[0].lower()) or (
            language.lower() if language.lower() in LANGIDS.values() else None
        )
        plain["langid" if langid else "language"] = langid or language
    names = [_person(n) for n in _all(record, "AU", "A1")]
    editors = [_person(n) for n in _all(record, "ED")]
    if entry_type in {"incollection", "inproceedings"}:
        editors += [_person(n) for n in _all(record, "A2")]
    if ris_type == "EDBOOK" and not editors:
        names, editors = [], names
    candidate = _one(record, "ID")
    return make_source(
        key=candidate if usable_key(candidate) else "",
        entry_type=entry_type,
        file=file,
        line=line,
        plain=plain,
        authors=[n for n in names if n is not None],
        editors=[n for n in editors if n is not None],
        container_field=container_field if container else "",
    )


def _date(year_field: str, date_field: str) -> str:
    """``2020/05/01/``, ``2020///``, ``2020`` or ``2020-05-01`` as ``YYYY[-MM[-DD]]``."""
    for raw in (year_field, date_field):
        parts = re.split(r"[/\-]", raw.strip())
        if parts and re.fullmatch(r"\d{4}", parts[0]):
            out = [parts[0]]
            for piece in parts[1:3]:
                if not piece.isdigit():
                    break
                out.append(f"{int(piece):02d}")
            return "-".join(out)
    year = year_of(year_field or date_field)
    return str(year) if year else ""


def _person(raw: str) -> Person | None:
    """``Family, Given`` (or ``Family, Given, Suffix``), as RIS writes people; a name
    without a comma is kept whole, as a corporate name."""
    name = " ".join(raw.split()).strip(" ;")
    if not name:
        return None
    if "," in name:
        family, _, rest = name.partition(",")
        given, _, suffix = rest.partition(",")
        particle = ""
        words = family.split()
        while len(words) > 1 and words[0][:1].islower():
            particle = f"{particle} {words.pop(0)}".strip()
        return Person(
            family=" ".join(words), given=given.strip(), particle=particle, suffix=suffix.strip()
        )
    return Person(literal=name)
