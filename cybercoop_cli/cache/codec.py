"""The parsed model as plain JSON data, for the cache: nothing in it can run code.

Each class is written as a list of its fields in a fixed order (smaller and faster to read
back than objects with names), and read back only into the model's own classes, with the
types checked. Anything else raises :class:`ValueError` or :class:`TypeError`; the cache
then treats the record as damaged and parses its input again.

Reading back is the cache's hot path (10,000 sources and notes on every run after an
edit), so the checks are done in bulk: ``"".join(values)`` raises TypeError unless every
value is text, in one C call instead of a Python call per field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cybercoop_cli.model import (
    Annotation,
    Bibliography,
    Claim,
    Facet,
    Note,
    Person,
    Problem,
    Review,
    Section,
    Severity,
    Source,
    Stance,
)

NoteResult = tuple[Note | None, list[Problem]]

_SEVERITIES = {severity.value: severity for severity in Severity}
_new = object.__new__
_STANCES = {stance.value: stance for stance in Stance}


def encode_problem(problem: Problem) -> list[Any]:
    return [problem.file, problem.line, problem.message, problem.code, problem.severity.value]


def decode_problem(data: Any) -> Problem:
    file, line, message, code, severity = data
    _texts((file, message, code))
    return Problem(file, _line(line), message, code, _SEVERITIES[severity])


def _person(person: Person) -> list[str]:
    return [person.family, person.given, person.particle, person.suffix, person.literal]


def _decode_people(data: Any) -> tuple[Person, ...]:
    people = tuple(Person(*_five(person)) for person in data)
    _texts(part for person in data for part in person)
    return people


def _five(data: Any) -> list[str]:
    if type(data) is not list or len(data) != 5:
        raise ValueError("a name has five parts")
    return data


def encode_source(source: Source) -> list[Any]:
    return [
        source.key,
        source.entry_type,
        source.file,
        source.line,
        dict(source.fields),
        [_person(p) for p in source.authors],
        [_person(p) for p in source.editors],
        source.authors_truncated,
        source.title,
        source.container,
        source.year,
        source.date,
        source.publisher,
        source.volume,
        source.issue,
        source.pages,
        source.doi,
        source.url,
    ]


def decode_source(data: Any) -> Source:
    (key, kind, file, line, fields, authors, editors, truncated, *texts) = data
    title, container, year, date, publisher, volume, issue, pages, doi, url = texts
    if type(fields) is not dict:
        raise ValueError("fields must map names to text")
    _texts((key, kind, file, *fields, *fields.values()))
    _texts((title, container, date, publisher, volume, issue, pages, doi, url))
    if year is not None and type(year) is not int:
        raise ValueError("year must be a number")
    return Source(
        key,
        kind,
        file,
        _int(line),
        fields,
        _decode_people(authors),
        _decode_people(editors),
        truncated is True,
        title,
        container,
        year,
        date,
        publisher,
        volume,
        issue,
        pages,
        doi,
        url,
    )


def encode_bibliography(bibliography: Bibliography) -> list[Any]:
    return [
        [encode_source(s) for s in bibliography.sources],
        [encode_problem(p) for p in bibliography.problems],
    ]


def decode_bibliography(data: Any) -> Bibliography:
    sources, problems = data
    return Bibliography(
        tuple(decode_source(s) for s in sources), tuple(decode_problem(p) for p in problems)
    )


def encode_note_result(result: NoteResult) -> list[Any]:
    note, problems = result
    encoded = None
    if note is not None:
        a = note.annotation
        encoded = [
            note.key,
            note.file,
            note.line,
            list(note.tags),
            [a.summary, a.evaluation, a.relevance, a.body],
            [
                [
                    c.text,
                    list(c.sections),
                    list(c.facets),
                    c.stance.value,
                    c.locator,
                    c.quote,
                    c.line,
                ]
                for c in note.claims
            ],
        ]
    return [encoded, [encode_problem(p) for p in problems]]


# The notes' classes are made here as copy.copy makes an instance: ``object.__new__``,
# then each field put in its ``__dict__``. A frozen dataclass's ``__init__`` sets each field
# through ``object.__setattr__``, which takes twice as long, and a re-run after an edit
# reads back 10,000 notes and 20,000 claims. tests/cache/test_codec.py checks that these
# set every field of each class, and that a decoded note equals the parsed one.


def decode_note_result(data: Any) -> NoteResult:
    encoded, problems = data
    note = None
    if encoded is not None:
        key, file, line, tags, annotation, claims = encoded
        summary, evaluation, relevance, body = annotation
        _texts((key, file, summary, evaluation, relevance, body, *tags))
        made = _new(Annotation)
        fields = made.__dict__
        fields["summary"], fields["evaluation"] = summary, evaluation
        fields["relevance"], fields["body"] = relevance, body
        note = _new(Note)
        fields = note.__dict__
        fields["key"], fields["file"], fields["line"] = key, file, _int(line)
        fields["tags"], fields["annotation"] = tuple(tags), made
        fields["claims"] = tuple(_decode_claim(claim) for claim in claims)
    return note, [decode_problem(p) for p in problems]


def _decode_claim(data: Any) -> Claim:
    text, sections, facets, stance, locator, quote, line = data
    _texts((text, locator, quote, *sections, *facets))
    claim = _new(Claim)
    fields = claim.__dict__
    fields["text"], fields["sections"], fields["facets"] = text, tuple(sections), tuple(facets)
    fields["stance"], fields["locator"], fields["quote"] = _STANCES[stance], locator, quote
    fields["line"] = _line(line)
    return claim


def _texts(values: Iterable[Any]) -> None:
    """Raise TypeError unless every value is text."""
    "".join(values)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("expected a number")
    return value


def _line(value: Any) -> int | None:
    return None if value is None else _int(value)


def encode_review(review: Review) -> list[Any]:
    return [
        str(review.file),
        review.title,
        review.question,
        [[f.id, f.question, list(f.keywords), f.line] for f in review.facets],
        [
            [s.id, s.title, s.description, list(s.keywords), s.needs_support, s.line]
            for s in review.sections
        ],
        str(review.references_dir),
        str(review.notes_dir),
        review.style,
        None if review.manuscript is None else str(review.manuscript),
        review.old_source_years,
        review.date,
        review.lang,
    ]


def decode_review(data: Any) -> Review:
    (file, title, question, facets, sections, references, notes, style, manuscript, years, date,
     lang) = data  # fmt: skip
    _texts((file, title, question, references, notes, style, date, lang, manuscript or ""))
    return Review(
        Path(file),
        title,
        question,
        tuple(_decode_facet(facet) for facet in facets),
        tuple(_decode_section(section) for section in sections),
        Path(references),
        Path(notes),
        style,
        None if manuscript is None else Path(manuscript),
        _int(years),
        date,
        lang,
    )


def _decode_facet(data: Any) -> Facet:
    id_, question, keywords, line = data
    _texts((id_, question, *keywords))
    return Facet(id_, question, tuple(keywords), _line(line))


def _decode_section(data: Any) -> Section:
    id_, title, description, keywords, needs_support, line = data
    _texts((id_, title, description, *keywords))
    if type(needs_support) is not bool:
        raise ValueError("needs_support is true or false")
    return Section(id_, title, description, tuple(keywords), needs_support, _line(line))
