"""Sources as CSL items: the data citation styles format.

The mapping follows pandoc's own BibLaTeX reader (``Text.Pandoc.Citeproc.BibTeX``), so a
reference renders the same whether pandoc reads the ``.bib`` file itself or gets these
items: entry types, containers, title parts, names, dates, numbers, publishers, places
and identifiers. Deliberate differences are listed, with reasons, in
``tests/data/pandoc-known-differences.yaml``.

A :class:`CslItem` serialises two ways: as CSL-JSON (for Zotero and other reference
managers, ``--to csl-json``) and as pandoc metadata (for rendering, where rich text goes
to pandoc as AST nodes and is never parsed as markup).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cybercoop_cli.model import Person, Source
from cybercoop_cli.render.richtext import (
    Inline,
    concat_with,
    curly_quotes,
    latex_inlines,
    protect_case,
    sentence_case,
    stringify,
    text_node,
    to_csl_markup,
    words,
)

# BibLaTeX entry type -> CSL type (pandoc's getTypeAndGenre).
ENTRY_TYPES: Mapping[str, str] = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "bookinbook": "chapter",
    "collection": "book",
    "dataset": "dataset",
    "electronic": "webpage",
    "inbook": "chapter",
    "incollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "book",
    "mastersthesis": "thesis",
    "misc": "",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "book",
    "mvreference": "book",
    "online": "webpage",
    "patent": "patent",
    "periodical": "article-journal",
    "phdthesis": "thesis",
    "proceedings": "book",
    "reference": "book",
    "report": "report",
    "software": "software",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "suppperiodical": "article-journal",
    "techreport": "report",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "www": "webpage",
    "artwork": "graphic",
    "audio": "song",
    "commentary": "book",
    "image": "graphic",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "music": "song",
    "performance": "speech",
    "review": "review",
    "standard": "legislation",
    "video": "motion_picture",
    "data": "dataset",
    "letters": "personal_communication",
    "newsarticle": "article-newspaper",
}

_ARTICLE_LIKE = frozenset({"article", "periodical", "suppperiodical", "review"})
# (@conference is biblatex's alias of @inproceedings: its booktitle is the proceedings.)
_CHAPTER_LIKE = frozenset(
    {"inbook", "incollection", "inproceedings", "conference", "inreference", "bookinbook"}
)
_NUMBER_IS_SERIES = frozenset(
    {
        "book",
        "collection",
        "proceedings",
        "reference",
        "mvbook",
        "mvcollection",
        "mvproceedings",
        "mvreference",
        "bookinbook",
        "inbook",
        "incollection",
        "inproceedings",
        "inreference",
        "suppbook",
        "suppcollection",
    }
)

# BibLaTeX localisation keys that bibliographies use in ``type``, ``pubstate`` and
# ``location`` (English strings, as pandoc's biblatexStringMap has them).
BIBSTRINGS: Mapping[str, str] = {
    "mathesis": "Master’s thesis",
    "phdthesis": "PhD thesis",
    "candthesis": "Candidate thesis",
    "techreport": "technical report",
    "resreport": "research report",
    "software": "computer software",
    "datacd": "data CD",
    "audiocd": "audio CD",
    "patent": "patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryep": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States of America",
    "newseries": "new series",
    "oldseries": "old series",
    "inpress": "in press",
    "inpreparation": "in preparation",
    "submitted": "submitted",
    "forthcoming": "forthcoming",
    "prepublished": "pre-published",
}

# Babel language names -> IETF tags (pandoc's toIETF, the common ones).
LANGUAGES: Mapping[str, str] = {
    "english": "en-US",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "australian": "en-AU",
    "newzealand": "en-NZ",
    "canadian": "en-CA",
    "german": "de-DE",
    "ngerman": "de-DE",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr-FR",
    "francais": "fr-FR",
    "canadien": "fr-CA",
    "italian": "it-IT",
    "spanish": "es-ES",
    "portuguese": "pt-PT",
    "brazilian": "pt-BR",
    "dutch": "nl-NL",
    "swedish": "sv-SE",
    "danish": "da-DK",
    "norsk": "nb-NO",
    "nynorsk": "nn-NO",
    "finnish": "fi-FI",
    "polish": "pl-PL",
    "czech": "cs-CZ",
    "russian": "ru-RU",
    "greek": "el-GR",
    "latin": "la",
    "japanese": "ja-JP",
    "chinese": "zh-CN",
    "turkish": "tr-TR",
    "hungarian": "hu-HU",
    "romanian": "ro-RO",
    "croatian": "hr-HR",
    "slovak": "sk-SK",
    "slovene": "sl-SI",
    "ukrainian": "uk-UA",
    "hebrew": "he-IL",
    "arabic": "ar",
    "catalan": "ca-AD",
    "icelandic": "is-IS",
    "estonian": "et-EE",
    "latvian": "lv-LV",
    "lithuanian": "lt-LT",
}

_EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/",
    "jstor": "https://www.jstor.org/stable/",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
    "googlebooks": "https://books.google.com?id=",
}
_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_EDTF = re.compile(r"^(-?\d{1,4})(?:-(\d{2}))?(?:-(\d{2}))?(~|\?|%)?$")
# A time of day after the date (2001-01-03T15:00:00Z): biber reads it, CSL has no time.
_TIME = re.compile(r"(?<=\d)T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
# An unspecified month or day (1999-XX, 1999-01-XX): the date is known to the year or month.
_UNSPECIFIED_TAIL = re.compile(r"(?<=\d)(?:-XX)+(?=[~?%]?$)")


@dataclass(frozen=True, slots=True)
class CslDate:
    """A CSL date: one or two sets of (year, month, day) parts, or a literal."""

    parts: tuple[tuple[int, ...], ...] = ()
    literal: str = ""
    circa: bool = False
    open_end: bool = False  # ``1998/``, ``1998/..``: from 1998 on ("1998–")

    def edtf(self) -> str:
        """The date as pandoc reads it from metadata (``2020-05``, ``1998/2000``,
        ``-0379-02`` for 380 BC, ``1998/`` from 1998 on)."""
        if self.literal:
            return self.literal
        text = "/".join(
            "-".join(
                (f"{p:05d}" if p < 0 else f"{p:04d}") if i == 0 else f"{p:02d}"
                for i, p in enumerate(ps)
            )
            for ps in self.parts
        )
        return text + ("/" if self.open_end else "") + ("~" if self.circa else "")

    def to_meta(self) -> dict[str, Any]:
        """The date as a pandoc metadata value: EDTF text, or a literal as ``{literal: ...}``
        (pandoc reads a bare string as EDTF only and drops ``1985a``)."""
        if self.literal:
            return {"t": "MetaMap", "c": {"literal": _meta_string(self.literal)}}
        return _meta_string(self.edtf())

    def to_json(self) -> dict[str, Any]:
        if self.literal:
            return {"literal": self.literal}
        data: dict[str, Any] = {"date-parts": [list(p) for p in self.parts]}
        if self.open_end:
            data["date-parts"].append([0])  # CSL-JSON's open end (citeproc: "1998–")
        if self.circa:
            data["circa"] = True
        return data


# The variables the official CSL-JSON schema (csl-data.json) allows; others (volume-title,
# from CSL 1.0.2) go in "custom", where the schema keeps extra key-value pairs.
CSL_JSON_VARIABLES = frozenset(
    {
        "DOI",
        "ISAN",
        "ISBN",
        "ISCI",
        "ISMN",
        "ISRC",
        "ISSN",
        "ISWC",
        "PMCID",
        "PMID",
        "URL",
        "abstract",
        "accessed",
        "annote",
        "archive",
        "archive-place",
        "archive_collection",
        "archive_location",
        "author",
        "authority",
        "available-date",
        "call-number",
        "categories",
        "chair",
        "chapter-number",
        "citation-label",
        "citation-number",
        "collection-editor",
        "collection-number",
        "collection-title",
        "compiler",
        "composer",
        "container",
        "container-author",
        "container-title",
        "container-title-short",
        "contributor",
        "curator",
        "custom",
        "dimensions",
        "director",
        "division",
        "edition",
        "editor",
        "editorial-director",
        "event",
        "event-date",
        "event-place",
        "executive-producer",
        "first-reference-note-number",
        "genre",
        "id",
        "illustrator",
        "interviewer",
        "issue",
        "issued",
        "journalAbbreviation",
        "jurisdiction",
        "keyword",
        "language",
        "locator",
        "medium",
        "note",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "organizer",
        "original-author",
        "original-date",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "page",
        "page-first",
        "part",
        "part-title",
        "performer",
        "printing",
        "producer",
        "publisher",
        "publisher-place",
        "recipient",
        "references",
        "reviewed-author",
        "reviewed-title",
        "scale",
        "section",
        "shortTitle",
        "source",
        "status",
        "submitted",
        "supplement",
        "title",
        "title-short",
        "translated-title",
        "translated-title-short",
        "translator",
        "type",
        "version",
        "volume",
        "year-suffix",
    }
)


@dataclass(frozen=True, slots=True)
class CslItem:
    """One reference as CSL variables, grouped by kind of value."""

    id: str
    type: str
    text: Mapping[str, str] = field(default_factory=dict)  # plain: DOI, URL, ISBN, language
    rich: Mapping[str, tuple[Inline, ...]] = field(default_factory=dict)  # titles, publisher
    names: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)
    dates: Mapping[str, CslDate] = field(default_factory=dict)

    def to_csl_json(self, extra: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The item as CSL-JSON (rich text as CSL's HTML-like markup), keys sorted."""
        data: dict[str, Any] = {"id": self.id, "type": self.type or "document"}
        data.update(self.text)
        data.update({k: to_csl_markup(v) for k, v in self.rich.items()})
        data.update({k: [_json_name(n) for n in v] for k, v in self.names.items()})
        data.update({k: v.to_json() for k, v in self.dates.items()})
        if extra:
            data.update(extra)
        custom = {k: data.pop(k) for k in list(data) if k not in CSL_JSON_VARIABLES}
        if custom:
            data["custom"] = dict(sorted(custom.items()))
        return dict(sorted(data.items()))

    def to_meta(self) -> dict[str, Any]:
        """The item as a pandoc ``MetaMap`` for the ``references`` metadata field."""
        entries: dict[str, Any] = {"id": _meta_string(self.id), "type": _meta_string(self.type)}
        for key, value in self.text.items():
            entries[key] = _meta_string(value)
        for key, inlines in self.rich.items():
            entries[key] = {"t": "MetaInlines", "c": list(inlines)}
        for key, people in self.names.items():
            entries[key] = {
                "t": "MetaList",
                "c": [
                    {"t": "MetaMap", "c": {k: _meta_string(v) for k, v in person.items()}}
                    for person in people
                ],
            }
        for key, date in self.dates.items():
            entries[key] = date.to_meta()
        return {"t": "MetaMap", "c": entries}

    def plain(self, variable: str) -> str:
        """A variable's text, formatting dropped ('' when absent)."""
        if variable in self.rich:
            return stringify(self.rich[variable])
        return self.text.get(variable, "")


def _json_name(name: Mapping[str, str]) -> dict[str, str]:
    """A name for CSL-JSON: a whole family name's leading particle as its own part, as
    pandoc writes it (an empty particle field would puzzle reference managers)."""
    out = dict(name)
    if out.get("non-dropping-particle") == "":
        match = _LEADING_PARTICLE.fullmatch(out.get("family", ""))
        del out["non-dropping-particle"]
        if match:
            out["non-dropping-particle"] = match.group(1).strip()
            out["family"] = match.group(2)
    return dict(sorted(out.items()))


def _meta_string(value: str) -> dict[str, Any]:
    return {"t": "MetaString", "c": value}


# --------------------------------------------------------------------------- conversion


class _Fields:
    """Read access to one entry's raw fields, with pandoc's reading rules."""

    def __init__(self, source: Source, *, as_written: bool = False) -> None:
        self.raw = {k.lower(): v for k, v in source.fields.items()}
        self.as_written = as_written
        language = self.raw.get("langid") or self.raw.get("hyphenation") or ""
        options = self.raw.get("langidopts", "").replace(" ", "").lower()
        if language.strip().lower() == "english" and "variant=british" in options:
            language = "british"
        elif language.strip().lower() == "english" and "variant=" in options:
            language = "american" if "american" in options or "=us" in options else language
        self.language = (
            LANGUAGES.get(language.strip().lower(), language.strip().lower()) if language else ""
        )
        self.untitlecase = not self.language or self.language.startswith("en-")
        self.options = _options(self.raw.get("options", ""))

    def has(self, name: str) -> bool:
        return name in self.raw

    def get(self, name: str) -> list[Inline] | None:
        value = self.raw.get(name)
        return None if value is None else curly_quotes(latex_inlines(value))

    def periodical(self, name: str) -> list[Inline] | None:
        """A journal's title: case protected by braces, never changed (any language)."""
        inlines = self.get(name)
        if inlines is None or self.as_written:
            return inlines
        return protect_case(inlines)

    def title(self, name: str) -> list[Inline] | None:
        inlines = self.get(name)
        if inlines is None:
            return None
        return sentence_case(inlines) if self.untitlecase and not self.as_written else inlines

    def literal_list(self, name: str) -> list[Inline] | None:
        """A biblatex literal list (``A and B``) joined with semicolons."""
        inlines = self.get(name)
        if inlines is None:
            return None
        out: list[Inline] = []
        index = 0
        while index < len(inlines):
            if (
                inlines[index]["t"] == "Space"
                and index + 2 < len(inlines)
                and inlines[index + 1] == text_node("and")
                and inlines[index + 2]["t"] == "Space"
            ):
                out = [*out, text_node(";"), {"t": "Space"}]
                index += 3
                continue
            out.append(inlines[index])
            index += 1
        return out


def _options(raw: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for part in raw.split(","):
        name, _, value = part.partition("=")
        if name.strip():
            options[name.strip().lower()] = value.strip().lower()
    return options


def _option_set(options: Mapping[str, str], name: str) -> bool:
    value = options.get(name)
    return value is not None and value in ("true", "")


def bibstring(text: str) -> str:
    return BIBSTRINGS.get(text.strip().lower(), text)


def _resolve_keys(inlines: list[Inline]) -> list[Inline]:
    return [text_node(bibstring(n["c"])) if n["t"] == "Str" else n for n in inlines]


def csl_name(person: Person, *, useprefix: bool = False) -> dict[str, str]:
    """A person as a CSL name; the particle drops (biblatex's default) unless ``useprefix``."""
    if person.literal:
        return {"literal": person.literal}
    person = Person(
        *(_smart(part) for part in (person.family, person.given, person.particle, person.suffix))
    )
    if person.particle[:1].isupper():
        # "Van de Walle, Julia": a capitalised particle is part of the family name, as in
        # pandoc's reader (biblatex's von part starts lowercase), so it sorts under V.
        person = Person(f"{person.particle} {person.family}", person.given, "", person.suffix)
    name: dict[str, str] = {}
    if not person.particle and person.family[:1].islower():
        # "{van Hees}, Vincent", "{van 't Hof}, Pim", "{al-Hasan}, ʿAlī": the family name
        # stays whole, as in pandoc's reader; an explicit empty particle keeps citeproc
        # from splitting "van", "van ’t" or "al-" off as a dropping particle (which prints
        # "Hees, Vincent van" in Chicago and sorts under H).
        name["non-dropping-particle"] = ""
    if person.family:
        name["family"] = person.family
    if person.given:
        name["given"] = _space_initials(person.given)
    if person.particle:
        name["non-dropping-particle" if useprefix else "dropping-particle"] = person.particle
    if person.suffix:
        name["suffix"] = person.suffix
    return name


_LEADING_PARTICLE = re.compile(r"((?:[a-z][\w’.-]*\s+)+)([A-Z\u00c0-\u024f].*)", re.DOTALL)


def _smart(text: str) -> str:
    """Single spaces, and apostrophes as pandoc's LaTeX reader types them (O’Meara)."""
    return " ".join(text.split()).replace("'", "’")


def _space_initials(given: str) -> str:
    """``J.G.`` -> ``J. G.``, as pandoc reads it (its issue 392)."""
    previous = None
    while previous != given:
        previous = given
        given = re.sub(r"(?<![A-Za-z])([A-Z])\.([A-Z])(?![a-z])", r"\1. \2", given)
    return given


def _names(
    people: Iterable[Person], truncated: bool, useprefix: bool
) -> tuple[dict[str, str], ...]:
    names = [csl_name(p, useprefix=useprefix) for p in people]
    if truncated:
        names.append({"literal": "others"})
    return tuple(n for n in names if n)


def _date(fields: _Fields, prefix: str) -> CslDate | None:
    raw = fields.raw.get(f"{prefix}date")
    if raw is not None and raw.strip(" {}"):
        return _parse_edtf(raw.replace("\u00a0", "~").strip())
    year_raw = fields.raw.get(f"{prefix}year")
    if year_raw is None or not year_raw.strip(" {}"):
        return None  # year = {} says nothing; CSL-JSON has no empty date
    year_text = stringify(latex_inlines(year_raw)).replace("–", "-").replace("—", "-")
    # at most four digits: "{\noopsort{1973a}}{\switchargs{--90}{1968}}" reads "-901968"
    # without its preamble's \switchargs (1968--90), which is no year
    year = _int(year_text) if re.fullmatch(r"\s*-?\d{1,4}\s*", year_text) else None
    span = re.fullmatch(r"\s*(\d{1,4})\s*-\s*(\d{1,4})\s*", year_text)
    if year is None and span:
        # year = {1995--1996}: a range of years, as biber reads it ("1995–1996")
        return CslDate(parts=((int(span.group(1)),), (int(span.group(2)),)))
    month = _month(fields.raw.get(f"{prefix}month"))
    day = _int(fields.raw.get(f"{prefix}day", ""))
    if year is None:
        return CslDate(literal=year_raw.strip())
    parts = [year]
    if month is not None:
        parts.append(month)
        if day is not None:
            parts.append(day)
    return CslDate(parts=(tuple(parts),))


# EDTF's unspecified digits (199X, 19XX) and long years (Y17000002, Y-170000002).
_EDTF_OTHER = re.compile(r"^(?:-?\d{1,3}X{1,3}|\d{2}XX|Y-?\d{5,})$")
# A year with its last digits unspecified (199X, 19XX): some year of that decade or
# century, which biber reads as the range of them (1990/1999), as pandoc's reader reads
# EDTF's older 19uu.
_UNSPECIFIED_YEAR = re.compile(r"^(\d{2,3})(X{1,2})$")


def _parse_edtf(raw: str) -> CslDate | None:
    """A biblatex date field (EDTF, as biber reads it); None where biber rejects it
    (1985-1030, 1.5.1998, 1995-1-04: not ISO 8601) and drops the date."""
    pieces = raw.split("/")
    unspecified = _UNSPECIFIED_YEAR.match(raw.strip())
    if unspecified and len(unspecified.group(1)) + len(unspecified.group(2)) == 4:
        scale = 10 ** len(unspecified.group(2))
        first = int(unspecified.group(1)) * scale
        return CslDate(parts=((first,), (first + scale - 1,)))
    parts: list[tuple[int, ...]] = []
    circa = False
    # 1998/ and 1998/..: open at the end; biblatex prints "1998–"
    open_end = (
        len(pieces) == 2
        and pieces[0].strip() not in ("", "..")
        and (pieces[1].strip() in ("", ".."))
    )
    for piece in pieces:
        piece = _UNSPECIFIED_TAIL.sub("", _TIME.sub("", piece.strip()))
        if not piece or piece == "..":
            continue
        match = _EDTF.match(piece)
        if not match:
            # 199X, Y17000002: an EDTF date CSL cannot hold, printed as written
            return CslDate(literal=raw) if _EDTF_OTHER.match(piece) else None
        numbers = tuple(int(g) for g in match.groups()[:3] if g is not None)
        if len(numbers) > 1 and not (1 <= numbers[1] <= 12 or 21 <= numbers[1] <= 24):
            return None  # no month (nor season): biber rejects the date, as pandoc does
        if len(numbers) > 2 and not 1 <= numbers[2] <= 31:
            return None
        circa = circa or match.group(4) in ("~", "%")
        parts.append(numbers)
    if not parts:
        return CslDate(literal=raw)
    return CslDate(parts=tuple(parts), circa=circa, open_end=open_end)


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return None


def _month(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip().strip("{}").lower()
    return _MONTHS.get(text[:3]) if text[:3] in _MONTHS and not text.isdigit() else _int(text)


def to_csl(source: Source, *, as_written: bool = False) -> CslItem:
    """Map one source to a CSL item the way pandoc's BibLaTeX reader would.

    ``as_written`` keeps titles' case as the ``.bib`` file has it, with no case-protection
    markup: for CSL-JSON handed to reference managers, which show titles as stored.
    """
    f = _Fields(source, as_written=as_written)
    et = source.entry_type.lower()
    subtype = f.raw.get("entrysubtype", "").strip()
    is_article = et in _ARTICLE_LIKE
    is_periodical = et == "periodical"
    is_chapter = et in _CHAPTER_LIKE
    csl_type = ENTRY_TYPES.get(et, "")
    if et in ("article", "periodical", "suppperiodical") and subtype in ("magazine", "newspaper"):
        csl_type = f"article-{subtype}"
    if et == "unpublished" and any(f.has(k) for k in ("eventdate", "eventtitle", "venue")):
        csl_type = "speech"

    text: dict[str, str] = {}
    rich: dict[str, list[Inline]] = {}
    names: dict[str, tuple[dict[str, str], ...]] = {}
    dates: dict[str, CslDate] = {}

    # genre: the type field, or the thesis kind
    type_field = f.raw.get("type", "").strip()
    genre = bibstring(type_field) if type_field else ""
    if not genre and et == "mastersthesis":
        genre = BIBSTRINGS["mathesis"]
    if not genre and et == "phdthesis":
        genre = BIBSTRINGS["phdthesis"]
    if genre:
        text["genre"] = genre
    if f.language:
        text["language"] = f.language

    # names
    useprefix = _option_set(f.options, "useprefix")
    if source.authors or source.authors_truncated:
        names["author"] = _names(source.authors, source.authors_truncated, useprefix)
    editor_key = "director" if f.raw.get("editortype", "").strip() == "director" else "editor"
    if source.editors:
        names[editor_key] = _names(
            source.editors, _ends_with_others(f.raw.get("editor", "")), useprefix
        )
    for field_name, variable in (("translator", "translator"), ("bookauthor", "container-author")):
        people = _parse_people(f.raw.get(field_name, ""))
        if people[0] or people[1]:
            names[variable] = _names(people[0], people[1], useprefix)

    # dates
    for prefix, variable in (
        ("", "issued"),
        ("event", "event-date"),
        ("orig", "original-date"),
        ("url", "accessed"),
    ):
        date = _date(f, prefix)
        if date is not None:
            dates[variable] = date

    # locators
    pages = f.get("pages")
    if pages is not None:
        rich["page"] = [
            text_node(n["c"].replace("–", "-")) if n["t"] == "Str" else n for n in pages
        ]
    volume, part = f.get("volume"), f.get("part")
    if volume is not None and part is not None:
        rich["volume"] = concat_plain(volume, ".", part)
    elif volume is not None or part is not None:
        rich["volume"] = volume or part or []
    for field_name, variable in (
        ("volumes", "number-of-volumes"),
        ("pagetotal", "number-of-pages"),
        ("chapter", "chapter-number"),
        ("edition", "edition"),
        ("version", "version"),
    ):
        value = f.get(field_name)
        if value is not None:
            rich[variable] = value
    number = f.get("number")
    if number is not None:
        if et in _NUMBER_IS_SERIES:
            rich["collection-number"] = number
        elif is_article:
            issue = f.get("issue")
            rich["issue"] = concat_with(",", [number, issue]) if issue is not None else number
        else:
            rich["number"] = number

    # titles
    has_main = f.has("maintitle")
    main_for_title = has_main and not is_chapter
    title = (
        (f.title("issuetitle") if is_periodical else None)
        or (f.title("maintitle") if main_for_title else None)
        or f.title("title")
    )
    subtitle = (
        (f.title("issuesubtitle") if is_periodical else None)
        or (f.title("mainsubtitle") if main_for_title else None)
        or f.title("subtitle")
        or []
    )
    addon = (f.title("maintitleaddon") if main_for_title else None) or f.title("titleaddon") or []
    if title is not None:
        rich["title"] = concat_with(".", [concat_with(":", [title, subtitle]), addon])
    volume_title: list[Inline] | None = None
    if has_main:
        if is_chapter:
            volume_title = f.title("booktitle")
            volume_sub = f.title("booksubtitle") or []
            volume_addon = f.title("booktitleaddon") or []
        else:
            volume_title = f.title("title")
            volume_sub = f.title("subtitle") or []
            volume_addon = f.title("titleaddon") or []
        if volume_title is not None:
            rich["volume-title"] = concat_with(
                ".", [concat_with(":", [volume_title, volume_sub]), volume_addon]
            )
    container = (
        (f.periodical("title") if is_periodical else None)
        or (f.title("maintitle") if is_chapter else None)
        or (f.title("booktitle") if is_chapter else None)
        or f.periodical("journaltitle")
        or f.periodical("journal")
    )
    container_sub = (
        (f.periodical("subtitle") if is_periodical else None)
        or (f.title("mainsubtitle") if is_chapter else None)
        or (f.title("booksubtitle") if is_chapter else None)
        or f.periodical("journalsubtitle")
        or []
    )
    container_addon = (
        (f.periodical("titleaddon") if is_periodical else None)
        or (f.title("maintitleaddon") if is_chapter else None)
        or (f.title("booktitleaddon") if is_chapter else None)
        or []
    )
    if container is not None:
        rich["container-title"] = concat_with(
            ".", [concat_with(":", [container, container_sub]), container_addon]
        )
    container_short = (
        f.get("shorttitle") if is_periodical and not has_main else None
    ) or f.periodical("shortjournal")
    if container_short is not None:
        rich["container-title-short"] = container_short
    series = f.get("series")
    if series is not None:
        # Keys resolve before the case change: {newseries} gives "New series".
        series = _resolve_keys(series)
        if f.untitlecase and not f.as_written:
            series = sentence_case(series)
        if len(series) == 1 and series[0]["t"] == "Str" and re.fullmatch(r"-?\d+", series[0]["c"]):
            series = words(f"{_ordinal(series[0]['c'])} series")
        rich["collection-title"] = series
    short = _short_title(f, title, subtitle, addon, has_main, is_chapter)
    if short is not None:
        rich["title-short"] = short
    for field_name, variable in (("eventtitle", "event"), ("origtitle", "original-title")):
        value = f.title(field_name)
        if value is not None:
            rich[variable] = value

    # publisher and places
    publishers = [
        value
        for value in (
            f.literal_list("school"),
            f.literal_list("institution"),
            f.literal_list("organization"),
            f.get("howpublished"),
            f.literal_list("publisher"),
        )
        if value is not None
    ]
    if publishers:
        rich["publisher"] = concat_with(";", publishers)
    origpublisher = f.get("origpublisher")
    if origpublisher is not None:
        rich["original-publisher"] = origpublisher
    venue = f.get("venue")
    if venue is not None:
        rich["event-place"] = venue
    place = f.literal_list("address") or (f.literal_list("location") if et != "patent" else None)
    if place is not None:
        rich["publisher-place"] = place
    origlocation = f.literal_list("origlocation")
    if origlocation is not None:
        rich["original-publisher-place"] = origlocation
    section = f.get("section") if csl_type == "legislation" else None
    if section is not None:  # a statute's section (18 U.S.C. § 1030)
        rich["section"] = section
    court = f.get("court")
    if court is not None:  # a case's court, as CSL-JSON's authority (not a biblatex field)
        rich["authority"] = court
    if csl_type == "patent" and f.has("location"):
        places = f.literal_list("location") or []
        rich["jurisdiction"] = _resolve_keys(places)

    # identifiers
    url = _url(f, et)
    if url:
        text["URL"] = url
    if f.has("doi") and f.options.get("doi") != "false":
        text["DOI"] = f.raw["doi"]
    for field_name, variable in (
        ("isbn", "ISBN"),
        ("issn", "ISSN"),
        ("pmid", "PMID"),
        ("pmcid", "PMCID"),
        ("library", "call-number"),
    ):
        if f.has(field_name):
            text[variable] = f.raw[field_name]

    # notes
    notes = [
        v for v in (None if is_periodical else f.get("note"), f.get("addendum")) if v is not None
    ]
    if notes:
        rich["note"] = concat_with(".", notes)
    annotation = f.get("annotation") or f.get("annote")
    if annotation is not None:
        rich["annote"] = annotation
    for field_name, variable in (("abstract", "abstract"), ("keywords", "keyword")):
        value = f.get(field_name)
        if value is not None:
            rich[variable] = value
    pubstate = f.get("pubstate")
    if pubstate is not None:
        rich["status"] = _resolve_keys(pubstate)
    elif dates.get("issued") == CslDate(literal="forthcoming"):
        rich["status"] = [text_node("forthcoming")]

    return CslItem(
        id=source.key,
        type=csl_type,
        text=text,
        rich={k: tuple(v) for k, v in rich.items()},
        names=names,
        dates=dates,
    )


def concat_plain(left: list[Inline], separator: str, right: list[Inline]) -> list[Inline]:
    """``left`` + separator + ``right`` with no space between (``3.2`` for volume.part)."""
    if left and left[-1]["t"] == "Str" and right and right[0]["t"] == "Str":
        return [*left[:-1], text_node(left[-1]["c"] + separator + right[0]["c"]), *right[1:]]
    return [*left, text_node(separator), *right]


def _short_title(
    f: _Fields,
    title: list[Inline] | None,
    subtitle: list[Inline],
    addon: list[Inline],
    has_main: bool,
    is_chapter: bool,
) -> list[Inline] | None:
    if f.has("shorttitle") and (not has_main or is_chapter):
        return f.title("shorttitle")
    plain_title = f.title("title")
    if plain_title is None:
        return None
    if (subtitle or addon) and not has_main:
        return _up_to_colon(plain_title)
    if any(n["t"] == "Str" and ":" in n["c"] for n in plain_title):
        return _up_to_colon(plain_title)
    return None


def _up_to_colon(nodes: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if node["t"] == "Str" and ":" in node["c"]:
            head = node["c"].split(":", 1)[0]
            if head:
                out.append(text_node(head))
            return out
        out.append(node)
    return out


def _ordinal(number: str) -> str:
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _url(f: _Fields, et: str) -> str:
    if f.has("url") and (et == "online" or f.options.get("url") != "false"):
        return f.raw["url"].strip()
    eprint_type = f.raw.get("eprinttype", f.raw.get("archiveprefix", "")).strip().lower()
    base = _EPRINT_URLS.get(eprint_type)
    if base and f.has("eprint"):
        return base + f.raw["eprint"].strip()
    return ""


def _ends_with_others(raw: str) -> bool:
    return bool(re.search(r"\band\s+others\s*$", raw.strip(), re.IGNORECASE))


def _parse_people(raw: str) -> tuple[tuple[Person, ...], bool]:
    if not raw.strip():
        return (), False
    from cybercoop_cli.ingest.bibtex import parse_names

    return parse_names(raw)


def to_csl_items(sources: Iterable[Source]) -> list[CslItem]:
    return [to_csl(source) for source in sources]
