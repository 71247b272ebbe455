"""The review file (``cybercoop.yaml``): the question, its facets, the sections, the inputs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cybercoop_cli.errors import InputError

if TYPE_CHECKING:
    from cybercoop_cli.ingest.yamlnodes import YamlMap
    from cybercoop_cli.model import Facet, Review, Section

REVIEW_FILE = "cybercoop.yaml"
_ID = re.compile(r"^[A-Za-z0-9][\w.-]*$")


#: A review file is a page of YAML; anything over this is not one.
MAX_REVIEW_BYTES = 1024 * 1024


def read_review(path: Path, data: bytes | None = None) -> Review:
    """Read and check a review file; any problem raises :class:`InputError` with its line.

    ``data`` is the file's content when the caller has read it already.
    """
    # Imported here: finding a review (and a cached run) needs only REVIEW_FILE.
    from cybercoop_cli.ingest.text import decode, read_text
    from cybercoop_cli.ingest.yamlnodes import YamlMap, load_yaml
    from cybercoop_cli.model import Review

    name = str(path)
    try:
        if data is None or len(data) > MAX_REVIEW_BYTES:
            text, _ = read_text(path, limit=MAX_REVIEW_BYTES)
        else:
            text, _ = decode(data)
    except OSError as exc:
        raise InputError(f"cannot read the review file: {exc.strerror}", file=name) from None
    data = load_yaml(text, file=name)
    if not isinstance(data, YamlMap):
        raise InputError(
            "the review file must be a mapping (title:, question:, sections: ...)",
            file=name,
            line=1,
        )
    root = path.parent
    title = _text(data, "title", name, required=True)
    question = _text(data, "question", name, required=True)
    facets = tuple(_facet(item, name) for item in _list(data, "facets", name))
    sections = tuple(_section(item, name) for item in _list(data, "sections", name, required=True))
    _unique([f.id for f in facets], data, "facets", name)
    _unique([s.id for s in sections], data, "sections", name)
    thresholds = data.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise InputError(
            "'thresholds' must be a mapping", file=name, line=data.line_of("thresholds")
        )
    old_years = thresholds.get("old_source_years", 10)
    if not isinstance(old_years, int) or old_years < 0:
        raise InputError(
            "thresholds.old_source_years must be a whole number of years",
            file=name,
            line=data.line_of("thresholds"),
        )
    manuscript = data.get("manuscript")
    return Review(
        file=path,
        title=title,
        question=question,
        facets=facets,
        sections=sections,
        references_dir=_input_folder(data, "references", name, root),
        notes_dir=_input_folder(data, "notes", name, root),
        style=_text(data, "style", name, default="apa"),
        manuscript=root / str(manuscript) if manuscript else None,
        old_source_years=old_years,
        date=str(data.get("date", "") or ""),
        lang=_text(data, "lang", name),
    )


def _input_folder(data: YamlMap, key: str, file: str, root: Path) -> Path:
    """The folder named by ``key`` (relative to the review file), never one that holds the
    review folder itself: ``notes: /`` or ``notes: ..`` would read every file below it.

    A path that cannot even be looked up (a folder on the way that may not be read, a
    name too long for the system) is an error naming the review file's line: no command
    could use it."""
    folder = root / _text(data, key, file, default=key)
    try:
        folder.stat()
    except (FileNotFoundError, NotADirectoryError):
        pass  # a missing folder is created or reported by the command that needs it
    except OSError as exc:  # no permission on the way, a name too long, a link loop
        raise InputError(
            f"'{key}:' names {folder}, which cannot be used: {exc.strerror or exc}",
            file=file,
            line=data.line_of(key),
        ) from None
    try:
        resolved, home = folder.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a link loop: reading the folder reports it
        return folder
    if resolved in home.parents:
        raise InputError(
            f"'{key}: {data.get(key)}' names {resolved}, which holds the review folder "
            f"itself, so every file below it would be read; name the {key} folder itself "
            f"(the default is '{key}' beside the review file)",
            file=file,
            line=data.line_of(key),
        )
    return folder


def _text(data: YamlMap, key: str, file: str, *, required: bool = False, default: str = "") -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"the review file needs '{key}:'", file=file, line=data.line)
        return default
    if not isinstance(value, str | int | float):
        raise InputError(f"'{key}' must be text", file=file, line=data.line_of(key))
    return " ".join(str(value).split())


def _list(data: YamlMap, key: str, file: str, *, required: bool = False) -> list[Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise InputError(f"the review file needs '{key}:', a list", file=file, line=data.line)
        return []
    if not isinstance(value, list):
        raise InputError(f"'{key}' must be a list", file=file, line=data.line_of(key))
    return value


def _ident(item: YamlMap, file: str, what: str) -> str:
    value = item.get("id")
    if not isinstance(value, str | int) or not _ID.match(str(value)):
        raise InputError(
            f"each {what} needs an 'id' made of letters, digits, '-', '_' or '.'",
            file=file,
            line=item.line,
        )
    return str(value)


def _keywords(item: YamlMap, file: str) -> tuple[str, ...]:
    value = item.get("keywords") or []
    if isinstance(value, str):
        value = list(value.split(","))
    if not isinstance(value, list):
        raise InputError("'keywords' must be a list", file=file, line=item.line_of("keywords"))
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def _facet(item: Any, file: str) -> Facet:
    from cybercoop_cli.ingest.yamlnodes import YamlMap
    from cybercoop_cli.model import Facet

    if not isinstance(item, YamlMap):
        raise InputError("each facet must be a mapping with id and question", file=file)
    return Facet(
        id=_ident(item, file, "facet"),
        question=_text(item, "question", file, required=True),
        keywords=_keywords(item, file),
        line=item.line,
    )


def _section(item: Any, file: str) -> Section:
    from cybercoop_cli.ingest.yamlnodes import YamlMap
    from cybercoop_cli.model import Section

    if not isinstance(item, YamlMap):
        raise InputError("each section must be a mapping with id and title", file=file)
    return Section(
        id=_ident(item, file, "section"),
        title=_text(item, "title", file, required=True),
        description=_text(item, "description", file),
        keywords=_keywords(item, file),
        needs_support=_flag(item, "needs_support", file, default=True),
        line=item.line,
    )


def _flag(item: YamlMap, key: str, file: str, *, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"'{key}' must be true or false", file=file, line=item.line_of(key))
    return value


def _unique(ids: list[str], data: YamlMap, key: str, file: str) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise InputError(
                f"{key}: id '{ident}' is used twice", file=file, line=data.line_of(key)
            )
        seen.add(ident)
