"""The parsed model as plain JSON data, for the cache: nothing in it can run code.

Each class is written as a list of its fields in a fixed order (smaller and faster to read
back than objects with names), and read back only into the model's own classes, field by
field, with the types checked. Anything else raises :class:`ValueError`; the cache then
treats the record as damaged and parses its input again.
"""

from __future__ import annotations

from typing import Any

from cybercoop_cli.model import (
    Annotation,
    Bibliography,
    Claim,
    Note,
    Person,
    Problem,
    Severity,
    Source,
    Stance,
)

NoteResult = tuple[Note | None, list[Problem]]

_SEVERITIES = {severity.value: severity for severity in Severity}
_STANCES = {stance.value: stance for stance in Stance}


def encode_problem(problem: Problem) -> list[Any]:
    return [problem.file, problem.line, problem.message, problem.code, problem.severity.value]


def decode_problem(data: Any) -> Problem:
    file, line, message, code, severity = data
    return Problem(_str(file), _line(line), _str(message), _str(code), _SEVERITIES[severity])


def _person(person: Person) -> list[str]:
    return [person.family, person.given, person.particle, person.suffix, person.literal]


def _decode_person(data: Any) -> Person:
    family, given, particle, suffix, literal = (_str(part) for part in data)
    return Person(family, given, particle, suffix, literal)


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
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise ValueError("fields must map names to text")
    if year is not None and type(year) is not int:
        raise ValueError("year must be a number")
    return Source(
        key=_str(key),
        entry_type=_str(kind),
        file=_str(file),
        line=_int(line),
        fields=fields,
        authors=tuple(_decode_person(p) for p in authors),
        editors=tuple(_decode_person(p) for p in editors),
        authors_truncated=truncated is True,
        title=_str(title),
        container=_str(container),
        year=year,
        date=_str(date),
        publisher=_str(publisher),
        volume=_str(volume),
        issue=_str(issue),
        pages=_str(pages),
        doi=_str(doi),
        url=_str(url),
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


def decode_note_result(data: Any) -> NoteResult:
    encoded, problems = data
    note = None
    if encoded is not None:
        key, file, line, tags, annotation, claims = encoded
        summary, evaluation, relevance, body = (_str(part) for part in annotation)
        note = Note(
            key=_str(key),
            file=_str(file),
            line=_int(line),
            tags=tuple(_str(tag) for tag in tags),
            annotation=Annotation(summary, evaluation, relevance, body),
            claims=tuple(_decode_claim(claim) for claim in claims),
        )
    return note, [decode_problem(p) for p in problems]


def _decode_claim(data: Any) -> Claim:
    text, sections, facets, stance, locator, quote, line = data
    return Claim(
        text=_str(text),
        sections=tuple(_str(s) for s in sections),
        facets=tuple(_str(f) for f in facets),
        stance=_STANCES[stance],
        locator=_str(locator),
        quote=_str(quote),
        line=_line(line),
    )


def _str(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("expected text")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("expected a number")
    return value


def _line(value: Any) -> int | None:
    return None if value is None else _int(value)
