"""Reading notes: Markdown with YAML front matter (as Obsidian and Zettlr write them) or plain YAML.

The schema is documented in the README. This module checks each note's shape; whether
its source key, sections and facets exist is checked against the review in
:mod:`.project`, which knows them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.layout import note_paths
from cybercoop_cli.ingest.text import decode, describe_size, read_text
from cybercoop_cli.ingest.yamlnodes import (
    YamlError,
    YamlList,
    YamlMap,
    has_unusual,
    load_yaml,
    plain_scalar,
)
from cybercoop_cli.model import Annotation, Claim, Note, Problem, Severity, Stance

MAX_NOTE_BYTES = 10 * 1024 * 1024

NOTE_KEYS = ("key", "tags", "annotation", "claims", "title", "aliases", "created", "updated")
ANNOTATION_KEYS = ("summary", "evaluation", "relevance")
CLAIM_KEYS = (
    "text",
    "sections",
    "section",
    "facets",
    "facet",
    "stance",
    "locator",
    "page",
    "pages",
    "quote",
)

# Front matter: an opening '---' line, then the YAML up to the first '---' or '...' line.
_OPENING = re.compile(r"---[ \t]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)
_KNOWN = {
    "note": frozenset(NOTE_KEYS),
    "annotation": frozenset(ANNOTATION_KEYS),
    "claim": frozenset(CLAIM_KEYS),
}
_STANCES = {stance.value: stance for stance in Stance}


def iter_note_files(folder: Path) -> list[Path]:
    """Every note file under ``folder`` in a stable order; hidden files and folders skipped."""
    return [Path(path) for path in note_paths(folder)]


def read_notes(
    items: Sequence[tuple[str | Path, str, bytes | None]],
) -> list[tuple[Note | None, list[Problem]]]:
    """Read many notes: for each (path, display name, content or None), what :func:`read_note` gives.

    A plain function of picklable arguments, so that another process can run it.
    """
    return [read_note(path, display, data) for path, display, data in items]


def read_note(
    path: str | Path, display: str, data: bytes | None = None
) -> tuple[Note | None, list[Problem]]:
    """Read one note; return it (or None if nothing usable) and the problems found.

    ``data`` is the file's content when the caller has read it already.
    """
    try:
        if data is None:
            text, warning = read_text(Path(path), limit=MAX_NOTE_BYTES, what="notes")
        elif len(data) > MAX_NOTE_BYTES:
            raise InputError(
                f"note is over the {describe_size(MAX_NOTE_BYTES)} limit for notes; "
                "split it, or leave it out"
            )
        else:
            text, warning = decode(data)
    except InputError as exc:
        return None, [Problem(display, None, exc.message, "note-too-large")]
    except OSError as exc:
        return None, [
            Problem(display, None, f"cannot read note: {exc.strerror}", "note-unreadable")
        ]
    problems: list[Problem] = []
    if warning:
        problems.append(Problem(display, None, warning, "note-encoding", Severity.WARNING))
    try:
        note = parse_note(text, display, is_markdown=_is_markdown(str(path)))
    except InputError as exc:
        code = "note-yaml" if isinstance(exc, YamlError) else "note-schema"
        problems.append(Problem(display, exc.line, exc.message, code))
        return None, problems
    if note is None:
        return None, problems
    parsed, note_problems = note
    problems.extend(note_problems)
    return parsed, problems


def _is_markdown(path: str) -> bool:
    """Whether the file is Markdown (front matter) rather than plain YAML, by its suffix."""
    suffix = os.path.splitext(path)[1].lower()  # noqa: PTH122 - a string: 10,000 notes
    return suffix in {".md", ".markdown"}


def parse_note(text: str, file: str, *, is_markdown: bool) -> tuple[Note, list[Problem]] | None:
    """Parse a note's text; raise :class:`InputError` when it cannot be read at all."""
    if is_markdown and text.startswith("---\nkey: "):
        quick = _quick_note(text, file)
        if quick is not None:
            return quick
    body = ""
    first_line = 1
    if is_markdown:
        opening = _OPENING.match(text)
        closing = _CLOSING.search(text, opening.end()) if opening else None
        if not opening or not closing:
            raise InputError(
                "no YAML front matter: start the note with a '---' line, the fields "
                "(key, annotation, claims), and another '---' line",
                file=file,
                line=1,
            )
        yaml_text = text[opening.end() : closing.start()]
        first_line = 2
        body = text[closing.end() :].strip()
    else:
        yaml_text = text
    data = load_yaml(yaml_text, file=file, first_line=first_line)
    if not isinstance(data, YamlMap):
        raise InputError(
            "the note's YAML must be a mapping with at least 'key'", file=file, line=first_line
        )
    return _build(data, body, file)


def _build(data: YamlMap, body: str, file: str) -> tuple[Note, list[Problem]]:
    problems: list[Problem] = []
    _unknown_keys(data, NOTE_KEYS, file, "note", problems)
    key = data.get("key")
    if not isinstance(key, str | int) or not str(key).strip():
        raise InputError(
            "the note has no 'key' naming its source (key: smith2020)", file=file, line=data.line
        )
    annotation = _annotation(data, body, file, problems)
    claims = tuple(_claims(data, file, problems))
    tags = _strings(data.get("tags"), data.line_of("tags"), "tags", file, problems)
    return (
        Note(
            key=str(key).strip(),
            file=file,
            line=data.line_of("key"),
            tags=tags,
            annotation=annotation,
            claims=claims,
        ),
        problems,
    )


def _annotation(data: YamlMap, body: str, file: str, problems: list[Problem]) -> Annotation:
    raw = data.get("annotation")
    if raw is None:
        return Annotation(body=body)
    if isinstance(raw, str):
        return Annotation(summary=_clean(raw), body=body)
    if not isinstance(raw, YamlMap):
        problems.append(
            Problem(
                file,
                data.line_of("annotation"),
                "'annotation' must be text or a mapping with summary, evaluation, relevance",
                "note-schema",
            )
        )
        return Annotation(body=body)
    _unknown_keys(raw, ANNOTATION_KEYS, file, "annotation", problems)
    parts = {}
    for name in ANNOTATION_KEYS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(
                Problem(file, raw.line_of(name), f"annotation '{name}' must be text", "note-schema")
            )
            value = str(value)
        parts[name] = _clean(value or "")
    return Annotation(body=body, **parts)


def _claims(data: YamlMap, file: str, problems: list[Problem]) -> Iterable[Claim]:
    raw = data.get("claims")
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(
            Problem(file, data.line_of("claims"), "'claims' must be a list", "note-schema")
        )
        return
    # Each claim's own line, where the reader knows it: a bare sentence is what the dashboard
    # asks a student to tag, so it must point at the sentence, not at 'claims:'.
    item_lines = raw.item_lines if isinstance(raw, YamlList) else []
    for index, item in enumerate(raw, start=1):
        if isinstance(item, str):
            line = item_lines[index - 1] if index <= len(item_lines) else data.line_of("claims")
            yield Claim(text=_clean(item), line=line)
            continue
        if not isinstance(item, YamlMap):
            problems.append(
                Problem(
                    file,
                    data.line_of("claims"),
                    f"claim {index} must be text or a mapping with 'text'",
                    "note-schema",
                )
            )
            continue
        _unknown_keys(item, CLAIM_KEYS, file, "claim", problems)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(file, item.line, f"claim {index} has no 'text'", "note-schema"))
            continue
        stance_raw = item.get("stance", "supports")
        stance = _STANCES.get(stance_raw) if type(stance_raw) is str else None
        if stance is None:
            stance = _STANCES.get(str(stance_raw).strip().lower())
        if stance is None:
            problems.append(
                Problem(
                    file,
                    item.line_of("stance"),
                    f"unknown stance '{stance_raw}'; use supports, contests or qualifies",
                    "note-schema",
                )
            )
            stance = Stance.SUPPORTS
        sections = _merged(item, ("sections", "section"), file, problems)
        facets = _merged(item, ("facets", "facet"), file, problems)
        locator = item.get("locator", item.get("page", item.get("pages", "")))
        quote = item.get("quote", "")
        yield Claim(
            text=_clean(text),
            sections=sections,
            facets=facets,
            stance=stance,
            locator=str(locator).strip() if locator is not None else "",
            quote=_clean(str(quote)) if quote is not None else "",
            line=item.line,
        )


def _merged(
    item: YamlMap, names: tuple[str, ...], file: str, problems: list[Problem]
) -> tuple[str, ...]:
    values: list[str] = []
    for name in names:
        if name in item:
            values.extend(_strings(item[name], item.line_of(name), name, file, problems))
    return tuple(dict.fromkeys(values))


def _strings(
    value: Any, line: int, name: str, file: str, problems: list[Problem]
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return tuple(part.strip() for part in str(value).split(",") if part.strip())
    if isinstance(value, list):
        words = []
        for item in value:
            if isinstance(item, str):
                word = item.strip()
            elif isinstance(item, int):
                word = str(item).strip()
            else:
                break
            if word:
                words.append(word)
        else:
            return tuple(words)
    problems.append(
        Problem(file, line, f"'{name}' must be a word or a list of words", "note-schema")
    )
    return ()


def _unknown_keys(
    data: YamlMap, allowed: tuple[str, ...], file: str, where: str, problems: list[Problem]
) -> None:
    known = _KNOWN.get(where)
    if known is not None and known.issuperset(data):
        return
    unknown = [key for key in data if key not in allowed]
    from rapidfuzz import process

    for key in unknown:
        best = process.extractOne(key, allowed, score_cutoff=70)
        hint = f"; did you mean '{best[0]}'?" if best else f"; known: {', '.join(allowed)}"
        problems.append(
            Problem(
                file,
                data.line_of(key),
                f"unknown {where} field '{key}' ignored{hint}",
                "note-unknown-field",
                Severity.WARNING,
            )
        )


def _clean(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the common shape
# Most notes are written in the README's shape and order: front matter of key, tags, an
# annotation and a list of claims, one field a line, each value plain or quoted text or a
# list of words, and longer text (annotation parts, a claim's text and quote) also folded
# ('>-' and lines of one indentation, as yamlnodes reads it). _quick_note reads exactly that with two regular expressions, without
# building the YAML mappings, and gives what the general path (load_yaml, then _build)
# gives. On anything else, or on anything that path would report a problem about, it
# declines (returns None) and the general path reads the note.


# A plain scalar on one line without ':' or '#' (so never ': ', ' #' or a trailing ':'),
# not starting with a YAML indicator and not ending in a space. Control characters are
# left out here, and characters beyond ASCII that yamlnodes leaves to libyaml are
# checked apart (negated classes of few characters compile in microseconds; classes
# with ranges beyond Latin-1 take milliseconds each, at every start).
_PLAIN_FIRST = r"""[^\x00-\x20\x7f-\x9f:#\-?,\[\]{}&*!|>'"%@`]"""
_PLAIN_REST = r"[^\x00-\x1f\x7f-\x9f:#]"
_TEXT = rf"""(?:{_PLAIN_FIRST}(?:{_PLAIN_REST}*(?<!\ ))?|"[^\x00-\x1f\x7f-\x9f"\\]*"|'[^\x00-\x1f\x7f-\x9f']*')"""
# A line of a folded block scalar after its indentation: not a comment, without leading
# or trailing spaces (a trailing space is content to libyaml; load_simple declines it).
_LINE = r"[^\x00-\x20\x7f-\x9f\#](?:[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f])?"


def _folded(name: str, deeper: int) -> str:
    """A ``>-`` value as yamlnodes' block_scalar reads it: lines of one indentation.

    The indentation is more than ``deeper - 1`` spaces (deeper than the key's parent);
    there are no blank or comment lines, and the line after it is less indented (what
    follows in the pattern sees to that). Used where the value is folded text only.
    """
    return rf"(?:>-\n(?P<{name}>\ {{{deeper},}}){_LINE}(?:\n(?P={name}){_LINE})*)"


_WORDS = r"\[(?:[A-Za-z][\w-]*(?:,\ ?[A-Za-z][\w-]*)*)?\]"
_IDS = rf"(?:{_WORDS}|{_TEXT})"
# One claim: a mapping with its fields in the README's order, or a bare sentence.
_CLAIM_TEXT = rf"""
    \ \ -\ (?:text:\ ({_TEXT}|{_folded("text_indent", 5)})\n
             (?:\ {{4}}(?:sections|section):\ ({_IDS})\n)?
             (?:\ {{4}}(?:facets|facet):\ ({_IDS})\n)?
             (?:\ {{4}}stance:\ ({_TEXT})\n)?
             (?:\ {{4}}(?:locator|pages|page):\ ({_TEXT})\n)?
             (?:\ {{4}}quote:\ ({_TEXT}|{_folded("quote_indent", 5)})\n)?
           |({_TEXT})\n)"""
_CLAIM = re.compile(_CLAIM_TEXT, re.VERBOSE | re.ASCII)
_QUICK = re.compile(
    rf"""---\n
    key:\ (?P<key>{_TEXT})\n
    (?:tags:\ (?P<tags>{_WORDS})\n)?
    (?:annotation:(?:\n
        (?:\ \ summary:\ (?P<summary>{_TEXT}|{_folded("summary_indent", 3)})\n)?
        (?:\ \ evaluation:\ (?P<evaluation>{_TEXT}|{_folded("evaluation_indent", 3)})\n)?
        (?:\ \ relevance:\ (?P<relevance>{_TEXT}|{_folded("relevance_indent", 3)})\n)?
      |\ (?P<annotation>{_TEXT}|{_folded("annotation_indent", 1)})\n))?
    (?P<claims>claims:\n(?:{_CLAIM_TEXT})+)?
    ---(?:\n|\Z)""",
    re.VERBOSE | re.ASCII,
)


class _Unusual(Exception):
    """The note is not in the common shape after all: the general path reads it."""


def _quick_note(text: str, file: str) -> tuple[Note, list[Problem]] | None:
    """The note, if ``text`` is a Markdown note in the common shape without problems."""
    match = _QUICK.match(text)
    if match is None or (not text.isascii() and has_unusual(text[: match.end()])):
        return None
    key, tags, summary, evaluation, relevance, scalar, claims = match.group(
        "key", "tags", "summary", "evaluation", "relevance", "annotation", "claims"
    )
    body = text[match.end() :].strip()
    try:
        key = _quick_text(key).strip()
        if not key:
            return None
        if scalar is not None:
            annotation = Annotation(summary=_quick_prose(scalar), body=body)
        else:
            annotation = Annotation(
                summary=_quick_prose(summary) if summary else "",
                evaluation=_quick_prose(evaluation) if evaluation else "",
                relevance=_quick_prose(relevance) if relevance else "",
                body=body,
            )
        note = Note(
            key=key,
            file=file,
            line=2,
            tags=_quick_tags(tags) if tags else (),
            annotation=annotation,
            claims=_quick_claims(claims, text.count("\n", 0, match.start("claims")) + 1)
            if claims
            else (),
        )
    except _Unusual:
        return None
    return note, []


def _quick_claims(block: str, line: int) -> tuple[Claim, ...]:
    """The claims of a ``claims:`` block that starts on ``line``."""
    claims: list[Claim] = []
    number = line + 1
    supports = Stance.SUPPORTS
    for text, _, sections, facets, stance, locator, quote, _, bare in _CLAIM.findall(block, 8):
        if bare:
            claims.append(Claim(text=_quick_clean(_quick_text(bare)), line=number))
            number += 1
            continue
        lines = 1 + (sections != "") + (facets != "") + (stance != "") + (locator != "")
        if text[0] == ">":  # folded: its lines follow the 'text:' line
            value = _clean(text[3:])
            lines += text.count("\n")
        else:
            value = _quick_clean(_quick_text(text))
        if not value:
            raise _Unusual  # the general path reports a claim without text
        if quote:
            lines += 1 + quote.count("\n")
        claims.append(
            Claim(
                text=value,
                sections=_quick_ids(sections) if sections else (),
                facets=_quick_ids(facets) if facets else (),
                stance=_quick_stance(stance) if stance else supports,
                locator=_quick_text(locator).strip() if locator else "",
                quote=_quick_prose(quote) if quote else "",
                line=number,
            )
        )
        number += lines
    return tuple(claims)


def _quick_clean(text: str) -> str:
    """What ``_clean`` gives, sooner for most text of the quick path.

    That text has no control character, so ASCII text there has no whitespace but ' '.
    """
    if text.isascii() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _clean(text)


def _quick_prose(raw: str) -> str:
    """What ``_clean`` gives of a plain, quoted or ``>-`` folded scalar's text.

    A folded scalar's lines joined by single spaces, or by their line breaks and
    indentation as written: ``_clean`` makes the same of both.
    """
    if raw[0] == ">":
        return _clean(raw[3:])
    return _quick_clean(_quick_text(raw))


def _quick_text(raw: str) -> str:
    """The text of a plain or quoted scalar; not text (a number, a date, null) is unusual."""
    first = raw[0]
    if first == '"' or first == "'":
        return raw[1:-1]
    value = plain_scalar(raw)
    if type(value) is not str:
        raise _Unusual
    return value


# Tags, section and facet ids and stances recur from note to note: each is read once.
_known_tags: dict[str, tuple[str, ...]] = {}
_known_ids: dict[str, tuple[str, ...]] = {}
_known_stances: dict[str, Stance] = {}
_KNOWN_MAX = 10_000


def _quick_tags(raw: str) -> tuple[str, ...]:
    """A note's tags, as ``_strings`` makes them of a list of words."""
    tags = _known_tags.get(raw)
    if tags is None:
        tags = _strings(_quick_words(raw), 0, "tags", "", [])
        if len(_known_tags) < _KNOWN_MAX:
            _known_tags[raw] = tags
    return tags


def _quick_ids(raw: str) -> tuple[str, ...]:
    """A claim's sections or facets, as ``_merged`` makes them of one field."""
    ids = _known_ids.get(raw)
    if ids is None:
        value = _quick_words(raw) if raw[0] == "[" else _quick_text(raw)
        ids = tuple(dict.fromkeys(_strings(value, 0, "", "", [])))
        if len(_known_ids) < _KNOWN_MAX:
            _known_ids[raw] = ids
    return ids


def _quick_stance(raw: str) -> Stance:
    stance = _known_stances.get(raw)
    if stance is None:
        value = _quick_text(raw)
        stance = _STANCES.get(value)
        if stance is None:
            stance = _STANCES.get(value.strip().lower())
        if stance is None:
            raise _Unusual  # the general path reports an unknown stance
        if len(_known_stances) < _KNOWN_MAX:
            _known_stances[raw] = stance
    return stance


def _quick_words(raw: str) -> list[str]:
    """The words of a flow list ``[a, b]``; a word YAML reads as not text is unusual."""
    if raw == "[]":
        return []
    words = [word.strip(" ") for word in raw[1:-1].split(",")]
    for word in words:
        if type(plain_scalar(word)) is not str:
            raise _Unusual
    return words
