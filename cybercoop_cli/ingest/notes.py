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
from cybercoop_cli.ingest.notes_quick import quick_note
from cybercoop_cli.ingest.text import decode, describe_size, read_text
from cybercoop_cli.ingest.yamlnodes import YamlError, YamlList, YamlMap, load_yaml
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
        quick = quick_note(text, file)
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
