"""CSL-JSON files (what Zotero, Better BibTeX, Mendeley and pandoc export) to Sources.

The file is a JSON array of CSL items (a single item, or ``{"items": [...]}``, is
accepted too). Each item becomes a :class:`~cybercoop_cli.model.Source` whose fields are
BibTeX, mapped as Better BibTeX and pandoc map them (``container-title`` is ``journal``
for articles and ``booktitle`` for chapters and papers, ``page`` is ``pages`` ...).

The key is the item's ``citation-key`` (CSL 1.0.2, Better BibTeX), else a
``Citation Key: ...`` line in its ``note`` (Zotero keeps it there), else its ``id`` when
that is a usable BibTeX key; otherwise the item has no key and the importer makes one.
Every problem names the file and the line where the item starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybercoop_cli.ingest.foreign import make_source, page_range, split_suffix, year_of
from cybercoop_cli.ingest.text import read_text
from cybercoop_cli.model import Bibliography, Person, Problem, Severity, Source

#: CSL item types to BibTeX entry types; anything else is read as @misc with a warning.
TYPE_MAP = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "periodical": "periodical",
    "article": "misc",  # a preprint or working paper
    "book": "book",
    "classic": "book",
    "collection": "collection",
    "chapter": "incollection",
    "entry": "incollection",
    "entry-dictionary": "incollection",
    "entry-encyclopedia": "incollection",
    "paper-conference": "inproceedings",
    "event": "misc",
    "thesis": "phdthesis",
    "report": "techreport",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "dataset": "dataset",
    "software": "software",
    "legislation": "legislation",
    "bill": "legislation",
    "regulation": "legislation",
    "treaty": "legislation",
    "legal_case": "jurisdiction",
    "manuscript": "unpublished",
    "standard": "standard",
    "patent": "patent",
    "document": "misc",
    "personal_communication": "misc",
    "interview": "misc",
    "speech": "misc",
    "motion_picture": "misc",
    "broadcast": "misc",
    "song": "misc",
    "graphic": "misc",
    "map": "misc",
    "figure": "misc",
    "musical_score": "misc",
    "pamphlet": "booklet",
}
# Where container-title goes, by BibTeX type.
_CONTAINER_FIELD = {
    "article": "journal",
    "periodical": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "online": "organization",
    "techreport": "series",
    # A case's reporter (U.S., F. 3d) and a statute's code (U.S.C.) are where it is
    # printed: biblatex's journaltitle, which pandoc reads as container-title.
    "jurisdiction": "journaltitle",
    "legislation": "journaltitle",
}
# Plain CSL variables copied to a BibTeX field of another name.
_SIMPLE = {
    "title": "title",
    "collection-title": "series",
    "volume": "volume",
    "issue": "number",
    "number": "number",
    "edition": "edition",
    "publisher-place": "address",
    "DOI": "doi",
    "URL": "url",
    "ISBN": "isbn",
    "ISSN": "issn",
    "abstract": "abstract",
    "genre": "type",
    "event-title": "eventtitle",
    "number-of-volumes": "volumes",
    "authority": "court",
    "section": "section",
    "version": "version",
}
# Rich-text variables kept as LaTeX (italics, superscripts, case protection).
_MARKUP = {
    "i": "\\emph{",
    "em": "\\emph{",
    "b": "\\textbf{",
    "strong": "\\textbf{",
    "sup": "\\textsuperscript{",
    "sub": "\\textsubscript{",
}
#: Language codes (CSL ``language``) to BibLaTeX ``langid``, which tells pandoc whether
#: an English title may be put in sentence case.
LANGIDS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "sv": "swedish",
    "da": "danish",
    "nb": "norwegian",
    "no": "norwegian",
    "fi": "finnish",
    "pl": "polish",
    "cs": "czech",
    "ru": "russian",
    "tr": "turkish",
    "id": "indonesian",
    "zh": "chinese",
    "ja": "japanese",
}
# BibTeX keys may start with a digit (2020smith); an id of digits alone is a database row.
_KEY = re.compile(r"^(?=[\w:.+-]*[A-Za-z])[A-Za-z0-9][\w:.+-]*$", re.ASCII)
_NOTE_KEY = re.compile(r"^\s*Citation Key:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-z]+)(?:\s[^>]*)?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Item:
    data: Any
    line: int


def usable_key(candidate: str) -> bool:
    """A key kept as it is: letters, digits and ``_:.+-``, starting with a letter or digit and
    holding at least one letter."""
    return bool(_KEY.match(candidate)) and "://" not in candidate


def read_csl_json(path: Path, *, display: str | None = None) -> Bibliography:
    """Read a CSL-JSON file; problems are collected, never raised."""
    name = display or str(path)
    try:
        text, encoding_problem = read_text(path)
    except OSError as exc:
        return Bibliography(
            (), (Problem(name, None, f"cannot read file: {exc.strerror}", "csl-unreadable"),)
        )
    problems: list[Problem] = []
    if encoding_problem:
        problems.append(Problem(name, None, encoding_problem, "csl-encoding", Severity.WARNING))
    try:
        items = _items(text)
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(
                name,
                exc.lineno,
                f"not valid JSON: {exc.msg} (column {exc.colno})",
                "csl-json-syntax",
            )
        )
        return Bibliography((), tuple(problems))
    except ValueError as exc:
        problems.append(Problem(name, 1, str(exc), "csl-json-schema"))
        return Bibliography((), tuple(problems))
    sources = []
    for index, item in enumerate(items, start=1):
        source = _source(item, index, name, problems)
        if source is not None:
            sources.append(source)
    return Bibliography(tuple(sources), tuple(problems))


def _items(text: str) -> list[_Item]:
    """The top-level items with the line each starts on (json itself keeps no lines)."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if pos >= len(text):
        raise ValueError("the file is empty; export a CSL-JSON array of items")
    if text[pos] == "{":
        data, end = decoder.raw_decode(text, pos)
        _trailing(text, end, decoder)
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            # {"items": [...]}: lines of the inner items are not tracked individually.
            line = _line(text, pos)
            return [_Item(item, line) for item in data["items"]]
        return [_Item(data, _line(text, pos))]
    if text[pos] != "[":
        raise ValueError("CSL-JSON must be an array of items ('[ {...}, ... ]')")
    items: list[_Item] = []
    pos = _skip_space(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        _trailing(text, pos + 1, decoder)
        return items
    while True:
        value, end = decoder.raw_decode(text, pos)
        items.append(_Item(value, _line(text, pos)))
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            _trailing(text, pos + 1, decoder)
            return items
        # Let json produce its usual message, with the line and column.
        json.loads(text)
        raise json.JSONDecodeError("expected ',' or ']'", text, pos)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _trailing(text: str, pos: int, decoder: json.JSONDecoder) -> None:
    pos = _skip_space(text, pos)
    if pos < len(text):
        raise json.JSONDecodeError("extra data after the JSON document", text, pos)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _source(item: _Item, index: int, file: str, problems: list[Problem]) -> Source | None:
    data = item.data
    if not isinstance(data, dict):
        problems.append(
            Problem(
                file, item.line, f"item {index} is not a JSON object; skipped", "csl-json-schema"
            )
        )
        return None
    csl_type = str(data.get("type") or "")
    entry_type = TYPE_MAP.get(csl_type)
    if entry_type is None:
        problems.append(
            Problem(
                file,
                item.line,
                f"item {index} has {'unknown type ' + repr(csl_type) if csl_type else 'no type'}; "
                "read as @misc",
                "csl-unknown-type",
                Severity.WARNING,
            )
        )
        entry_type = "misc"
    plain: dict[str, str] = {}
    for variable, field_name in _SIMPLE.items():
        value = _text(data.get(variable))
        if value and field_name not in plain:
            plain[field_name] = value
    title = _text(data.get("title"))
    if not title:
        problems.append(
            Problem(file, item.line, f"item {index} has no title", "csl-no-title", Severity.WARNING)
        )
    if entry_type == "phdthesis" and "master" in plain.get("type", "").lower():
        entry_type = "mastersthesis"
    container = _text(data.get("container-title"))
    container_field = _CONTAINER_FIELD.get(entry_type, "howpublished")
    if container:
        plain[container_field] = container
    publisher = _text(data.get("publisher"))
    if publisher:
        publisher_field = {
            "techreport": "institution",
            "phdthesis": "school",
            "mastersthesis": "school",
        }
        plain[publisher_field.get(entry_type, "publisher")] = publisher
    page = _text(data.get("page"))
    if page:
        plain["pages"] = page_range(page)
    issued = _date(data.get("issued"))
    if issued:
        plain["date" if "-" in issued or "/" in issued else "year"] = issued
    accessed = _date(data.get("accessed"))
    if accessed:
        plain["urldate"] = accessed
    language = _text(data.get("language"))
    if language:
        langid = LANGIDS.get(language.split("-")[0].lower())
        plain["langid" if langid else "language"] = langid or language
    note = _text(data.get("note"))
    key = _key(data)
    if note:
        cleaned = _NOTE_KEY.sub("", str(data.get("note", ""))).strip()
        if cleaned:
            plain["note"] = " ".join(cleaned.split())
    authors = _names(data.get("author"), index, item.line, file, problems)
    editors = _names(data.get("editor"), index, item.line, file, problems)
    latex: dict[str, str] = {}
    translators = _names(data.get("translator"), index, item.line, file, problems)
    if translators:
        from cybercoop_cli.ingest.foreign import bibtex_names

        plain["translator"] = "; ".join(p.display() for p in translators)
        latex["translator"] = bibtex_names(translators)
    for variable, field_name in (("title", "title"), ("container-title", container_field)):
        raw = data.get(variable)
        if isinstance(raw, str) and _TAG.search(raw) and plain.get(field_name):
            latex[field_name] = _latex_markup(raw, title=field_name == "title")
    return make_source(
        key=key,
        entry_type=entry_type,
        file=file,
        line=item.line,
        plain=plain,
        authors=authors,
        editors=editors,
        container_field=container_field if container else "",
        latex=latex,
    )


def _latex_markup(text: str, *, title: bool) -> str:
    """CSL rich text (``<i>``, ``<sup>``, ``<span class="nocase">``) as BibTeX LaTeX; in a
    title, capitalised words are braced as :func:`~.foreign.protect_title` does."""
    from cybercoop_cli.ingest.foreign import protect_title
    from cybercoop_cli.ingest.latex import escape_latex

    def escape_latex_text(segment: str, first: bool) -> str:
        if not title:
            return escape_latex(segment)
        return protect_title(segment) if first else protect_title("x " + segment)[2:]

    out: list[str] = []
    closing: list[str] = []
    last = 0
    for match in _TAG.finditer(text):
        out.append(escape_latex_text(text[last : match.start()], last == 0))
        last = match.end()
        name = match.group(2).lower()
        if match.group(1):  # a closing tag
            if closing:
                out.append(closing.pop())
            continue
        if name in _MARKUP:
            out.append(_MARKUP[name])
            closing.append("}")
        elif name == "span" and "nocase" in match.group(0):
            out.append("{")
            closing.append("}")
        elif name == "span" and "small-caps" in match.group(0):
            out.append("\\textsc{")
            closing.append("}")
        elif name == "span":
            closing.append("")
    out.append(escape_latex_text(text[last:], last == 0))
    out.extend(reversed(closing))
    return " ".join("".join(out).split())


def _key(data: dict[str, Any]) -> str:
    for candidate in (
        _text(data.get("citation-key")),
        _text(data.get("citation_key")),
        _match(_NOTE_KEY, str(data.get("note", "") or "")),
        _text(data.get("id")),
    ):
        if candidate and usable_key(candidate):
            return candidate
    return ""


def _match(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group(1) if found else ""


def _text(value: Any) -> str:
    """A CSL variable as plain text: rich-text markup (``<i>``, nocase spans) removed."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str | int | float):
        return ""
    return " ".join(_TAG.sub("", str(value)).split())


def _date(value: Any) -> str:
    """A CSL date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the first date of a range)."""
    if not isinstance(value, dict):
        return _text(value) if isinstance(value, str) else ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        # A range's end is kept: biblatex writes it after a slash (2001-05/2001-07).
        dates = [_date_part(p) for p in parts[:2] if isinstance(p, list) and p]
        if len(dates) == 2 and dates[1] == "0000":
            dates[1] = ".."  # [[1998], [0]]: open at the end, biblatex's 1998/..
        dates = [d for d in dates if d]
        if dates:
            return "/".join(dict.fromkeys(dates))
    for name in ("raw", "literal"):
        raw = _text(value.get(name))
        if raw:
            year = year_of(raw)
            iso = re.match(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$", raw)
            return raw if iso else (str(year) if year else "")
    return ""


def _date_part(parts: list[Any]) -> str:
    try:
        numbers = [int(str(p)) for p in parts[:3]]
    except ValueError:
        return ""
    if not numbers:
        return ""
    year = f"{numbers[0]:05d}" if numbers[0] < 0 else f"{numbers[0]:04d}"  # -0379: 380 BC
    return "-".join([year, *(f"{n:02d}" for n in numbers[1:])])


def _names(
    value: Any, index: int, line: int, file: str, problems: list[Problem]
) -> tuple[Person, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(
            Problem(file, line, f"item {index}: names must be a list of objects", "csl-json-schema")
        )
        return ()
    people: list[Person] = []
    for entry in value:
        if not isinstance(entry, dict):
            problems.append(
                Problem(
                    file, line, f"item {index}: a name is not an object; skipped", "csl-json-schema"
                )
            )
            continue
        literal = _text(entry.get("literal"))
        family = _text(entry.get("family"))
        given = _text(entry.get("given"))
        if literal or not (family or given):
            if literal:
                people.append(Person(literal=literal))
            continue
        if not family:  # a single name (Plato) is a family name
            family, given = given, ""
        # A non-dropping particle belongs to the family name ("van Hees" is cited and sorted
        # whole), which BibTeX says by bracing it; only a dropping one is biblatex's prefix.
        kept = _text(entry.get("non-dropping-particle"))
        if kept:
            family = f"{kept} {family}" if not kept.endswith(("’", "'")) else kept + family
        particle = _text(entry.get("dropping-particle"))
        suffix = _text(entry.get("suffix"))
        if not suffix:  # "Martin Luther, Jr.", as Zotero keeps a suffix in the given name
            given, suffix = split_suffix(given)
        people.append(Person(family=family, given=given, particle=particle, suffix=suffix))
    return tuple(people)
