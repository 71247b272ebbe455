"""Sources read from formats other than BibTeX (CSL-JSON, RIS): plain text to BibTeX fields.

CSL-JSON and RIS hold plain Unicode text; a :class:`~cybercoop_cli.model.Source` holds
BibTeX fields (LaTeX as written, for writing back) beside its decoded display text. This
module builds both from plain text, the same way for every foreign format:

* LaTeX specials in values are escaped (``&`` -> ``\\&``), except in verbatim fields
  (``url``, ``doi``, ``file``), which BibLaTeX reads as written;
* in titles, every capitalised word after the first is braced (``{Budapest}``), as
  Better BibTeX does, so that styles which lower-case titles (APA's sentence case, which
  pandoc applies to English titles) leave proper nouns alone: the title reads as the
  reference manager had it;
* names are written ``von Last, Jr, First``; corporate names are wholly braced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from cybercoop_cli.ingest.bibtex import normalise_doi
from cybercoop_cli.ingest.latex import escape_latex
from cybercoop_cli.model import Person, Source

#: Fields written verbatim: BibLaTeX reads them without interpreting LaTeX.
VERBATIM_FIELDS = frozenset({"url", "doi", "file", "eprint", "urldate"})
#: The order fields are written in; others follow in the order they came.
FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "journal",
    "booktitle",
    "series",
    "edition",
    "volume",
    "number",
    "pages",
    "year",
    "date",
    "publisher",
    "institution",
    "school",
    "organization",
    "address",
    "type",
    "doi",
    "url",
    "urldate",
    "isbn",
    "issn",
)
#: BibLaTeX literal lists: "and" in them separates items.
LITERAL_LIST_FIELDS = frozenset(
    {"publisher", "institution", "school", "organization", "address", "location"}
)
#: Fields whose capitalised words are protected by braces.
TITLE_FIELDS = frozenset({"title", "booktitle", "maintitle", "subtitle"})

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# A word for case protection: letters and digits, with hyphens and apostrophes inside.
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def protect_title(text: str) -> str:
    """A plain title as BibTeX: escaped, each capitalised word after the first braced."""
    out: list[str] = []
    last = 0
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group(0)
        out.append(escape_latex(text[last : match.start()]))
        escaped = escape_latex(word)
        if index > 0 and any(ch.isupper() for ch in word):
            out.append("{" + escaped + "}")
        else:
            out.append(escaped)
        last = match.end()
    out.append(escape_latex(text[last:]))
    return "".join(out)


# Name suffixes, as reference managers put them after a comma in the given name
# ("Martin Luther, Jr."): generational and the commonest post-nominal ones.
_SUFFIX = re.compile(
    r"(?:Jr|Jnr|Sr|Snr|Junior|Senior|[IVX]{1,5}|\d+(?:st|nd|rd|th)|Esq)\.?", re.IGNORECASE
)
# What BibTeX reads as the end of a name (a comma) or of a person (the word "and").
_SPLITS_NAME = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def split_suffix(given: str) -> tuple[str, str]:
    """``Martin Luther, Jr.`` as (``Martin Luther``, ``Jr.``); other given names unchanged."""
    head, comma, tail = given.rpartition(",")
    if comma and head.strip() and _SUFFIX.fullmatch(tail.strip()):
        return head.strip(), tail.strip()
    return given, ""


def _name_part(text: str) -> str:
    """One part of a name, braced when BibTeX would split it there (a comma, "and")."""
    escaped = escape_latex(text)
    return "{" + escaped + "}" if _SPLITS_NAME.search(text) else escaped


def bibtex_name(person: Person) -> str:
    """One name as BibTeX writes it: ``von Last, Jr, First``; a corporate name braced."""
    if person.literal:
        return "{" + escape_latex(person.literal) + "}"
    given, suffix = person.given, person.suffix
    if not suffix:
        given, suffix = split_suffix(given)
    family = escape_latex(person.family)
    alone = not given and not suffix
    # Braced when BibTeX would split it: "and" or a comma inside, or several words with
    # nothing after a comma to tell the family name from given names.
    # Braced too when it starts with a lowercase word ("van Hees" with no particle), which
    # BibTeX would take for a particle.
    lower_start = " " in family and family[:1].islower()
    if _SPLITS_NAME.search(person.family) or (alone and " " in family) or lower_start:
        family = "{" + family + "}"
    last = f"{_name_part(person.particle)} {family}".strip()
    parts = [last]
    if suffix:
        parts += [_name_part(suffix), _name_part(given)]
    elif given:
        parts.append(_name_part(given))
    return ", ".join(parts)


def bibtex_names(people: Sequence[Person]) -> str:
    return " and ".join(bibtex_name(p) for p in people)


def year_of(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def make_source(
    *,
    key: str,
    entry_type: str,
    file: str,
    line: int,
    plain: Mapping[str, str],
    authors: Sequence[Person] = (),
    editors: Sequence[Person] = (),
    container_field: str = "",
    latex: Mapping[str, str] | None = None,
) -> Source:
    """A Source from plain-text fields: BibTeX fields for writing, display text for reading.

    ``plain`` maps BibTeX field names to plain Unicode values (empty values are dropped);
    ``container_field`` names the one that holds the journal or book title. ``latex``
    gives, for some of those fields, the value already written as BibTeX (italics,
    superscripts, case protection kept from the source's rich text).
    """
    values = {name: " ".join(value.split()) for name, value in plain.items() if value.strip()}
    fields: dict[str, str] = {}
    if authors:
        fields["author"] = bibtex_names(authors)
    if editors:
        fields["editor"] = bibtex_names(editors)
    for name, value in values.items():
        if latex and latex.get(name):
            fields[name] = latex[name]
        elif name == "doi":
            fields[name] = normalise_doi(value)
        elif name in VERBATIM_FIELDS:
            fields[name] = value
        elif name in LITERAL_LIST_FIELDS and re.search(r"\sand\s", value):
            # "Taylor and Francis" is one publisher, not a list of two.
            fields[name] = "{" + escape_latex(value) + "}"
        elif name in TITLE_FIELDS:
            fields[name] = protect_title(value)
        elif name == "pages":  # page_range wrote BibTeX's "--" for the en dash
            fields[name] = escape_latex(value, ligatures=True)
        else:
            fields[name] = escape_latex(value)
    rank = {name: index for index, name in enumerate(FIELD_ORDER)}
    fields = dict(sorted(fields.items(), key=lambda item: rank.get(item[0], len(rank))))
    date = values.get("date", "") or values.get("year", "")
    return Source(
        key=key,
        entry_type=entry_type,
        file=file,
        line=line,
        fields=fields,
        authors=tuple(authors),
        editors=tuple(editors),
        title=values.get("title", ""),
        container=values.get(container_field, "") if container_field else "",
        year=year_of(date),
        date=date,
        publisher=values.get("publisher", "") or values.get("institution", ""),
        volume=values.get("volume", ""),
        issue=values.get("number", ""),
        pages=values.get("pages", "").replace("--", "–"),
        doi=normalise_doi(values.get("doi", "")),
        url=values.get("url", ""),
    )


def page_range(text: str) -> str:
    """``12-34`` as BibTeX's ``12--34``; other forms unchanged."""
    return re.sub(r"(?<=\w)\s*[-‐‑–—]\s*(?=\w)", "--", text.strip())


def joined(values: Iterable[str], separator: str = ", ") -> str:
    return separator.join(v.strip() for v in values if v and v.strip())
