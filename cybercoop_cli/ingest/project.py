"""Finding and loading a whole review: the review file, its bibliography and its notes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cybercoop_cli.errors import InputError, ProjectNotFoundError
from cybercoop_cli.ingest.bibtex import iter_bib_files, read_bibliography
from cybercoop_cli.ingest.notes import MAX_NOTE_BYTES, iter_note_files, read_note
from cybercoop_cli.ingest.review import REVIEW_FILE, read_review
from cybercoop_cli.ingest.text import MAX_BIB_BYTES
from cybercoop_cli.model import Bibliography, Note, Problem, Project, Review

# A mistyped key or id is matched to the nearest known one with this rapidfuzz scorer;
# below the cutoff no suggestion is made.
SUGGESTION_CUTOFF = 60.0

Progress = Callable[[str, int, int], None]


def find_review_file(start: Path | None = None) -> Path:
    """The review file in ``start`` (default: the current folder) or the nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / REVIEW_FILE
        if candidate.is_file():
            return candidate
    raise ProjectNotFoundError(
        f"no {REVIEW_FILE} in {here} or any parent folder: run 'cybercoop init' to start a "
        "review, or pass --project DIR"
    )


def resolve_review_file(project: Path | None, start: Path | None = None) -> Path:
    """The review file named by ``project`` (a folder or the file), or found from ``start``."""
    if project is None:
        return find_review_file(start)
    path = Path(project)
    review_file = path if path.is_file() else path / REVIEW_FILE
    if not review_file.is_file():
        raise ProjectNotFoundError(
            f"no {REVIEW_FILE} in {path}: run 'cybercoop init {path}' to start a review there"
        )
    # Absolute, as when found by searching: the same review gives the same paths (and
    # cache keys) however it was named.
    return review_file.resolve()


def load_bibliography(project: Path | None = None, *, start: Path | None = None) -> Bibliography:
    """Only the review's sources (no notes): what ``cybercoop sources`` needs."""
    review = read_review(resolve_review_file(project, start))
    return _read_references(review)


def _read_references(review: Review) -> Bibliography:
    root = review.root
    folder = review.references_dir
    bib_files = _bib_files(review)
    bibliography = read_bibliography(bib_files, display_root=root)
    if bib_files:
        return bibliography
    missing = Problem(
        _relative(folder, root),
        None,
        "no .bib files here: add your bibliography, or run 'cybercoop import FILE'",
        "no-references",
    )
    return Bibliography(bibliography.sources, (missing, *bibliography.problems))


def load_project(
    project: Path | None = None,
    *,
    start: Path | None = None,
    progress: Progress | None = None,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Project:
    """Load a review. ``project`` is its folder (or review file); otherwise it is searched for.

    Problems a user can fix and that leave the rest readable are collected in
    ``Project.problems``; a review file that cannot be read raises :class:`InputError`.
    With ``cache``, parsed inputs are reused when their content is unchanged (see
    :mod:`cybercoop_cli.cache`); ``warn`` receives notices about the cache itself.
    """
    review = read_review(resolve_review_file(project, start))
    root = review.root
    store = None
    cached = None
    if cache:
        from cybercoop_cli.cache import CacheData, ProjectCache

        store = ProjectCache(review.file)
        cached, warning = store.load()
        if warning and warn:
            warn(warning)
    fresh = None if cached is None else CacheData()
    changed = False

    if progress:
        progress("references", 0, 0)
    bibliography: Bibliography | None = None
    if cached is not None and fresh is not None:
        from cybercoop_cli.cache import content_hash

        files = _bib_files(review)
        key = content_hash(
            *(_relative(f, root).encode() + b"\0" + _read_bytes(f, MAX_BIB_BYTES) for f in files)
        )
        if cached.bibliography_key == key and cached.bibliography is not None:
            bibliography = cached.bibliography
        fresh.bibliography_key = key
    if bibliography is None:
        bibliography = _read_references(review)
        changed = True
    if fresh is not None:
        fresh.bibliography = bibliography
    problems: list[Problem] = list(bibliography.problems)

    note_files = iter_note_files(review.notes_dir) if review.notes_dir.is_dir() else []
    notes: list[Note] = []
    for index, note_file in enumerate(note_files):
        display = _relative(note_file, root)
        if cached is not None and fresh is not None:
            from cybercoop_cli.cache import content_hash

            data = _read_bytes(note_file, MAX_NOTE_BYTES)
            digest = content_hash(data)
            hit = cached.notes.get(display)
            if hit is not None and hit[0] == digest:
                note, note_problems = hit[1], hit[2]
            else:
                note, note_problems = read_note(note_file, display, data)
                changed = True
            fresh.notes[display] = (digest, note, note_problems)
        else:
            note, note_problems = read_note(note_file, display)
        problems.extend(note_problems)
        if note is not None:
            notes.append(note)
        if progress and index % 200 == 0:
            progress("notes", index, len(note_files))
    if store is not None and fresh is not None and cached is not None:
        changed = changed or set(cached.notes) != set(fresh.notes)
        if changed:
            warning = store.save(fresh)
            if warning and warn:
                warn(warning)

    keys = [source.key for source in bibliography.sources]
    problems.extend(check_notes(notes, review, keys))
    return Project(
        review=review, sources=bibliography.sources, notes=tuple(notes), problems=tuple(problems)
    )


def _bib_files(review: Review) -> list[Path]:
    folder = review.references_dir
    return list(iter_bib_files(folder)) if folder.is_dir() else []


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's content, at most ``limit + 1`` bytes: over its limit a file is refused anyway."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        return b""  # unreadable: the parser reports why, and caches that report like any other


def check_notes(notes: Iterable[Note], review: Review, keys: list[str]) -> list[Problem]:
    """Problems with what notes refer to: unknown source keys, sections and facets; twin notes."""
    problems: list[Problem] = []
    known_keys = set(keys)
    suggest_key = _suggester(keys)
    section_ids = [s.id for s in review.sections]
    facet_ids = [f.id for f in review.facets]
    suggest_section = _suggester(section_ids)
    suggest_facet = _suggester(facet_ids)
    first_note: dict[str, Note] = {}
    for note in notes:
        if note.key in first_note:
            other = first_note[note.key]
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"a second note for '{note.key}' (the first is {other.file}); merge them",
                    "note-duplicate",
                )
            )
        first_note.setdefault(note.key, note)
        if note.key not in known_keys:
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"unknown source key '{note.key}'{_hint(suggest_key(note.key))}",
                    "note-unknown-key",
                )
            )
        for claim in note.claims:
            for section in claim.sections:
                if section not in section_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown section '{section}'{_hint(suggest_section(section))} "
                            f"(sections: {', '.join(section_ids)})",
                            "note-unknown-section",
                        )
                    )
            for facet in claim.facets:
                if facet not in facet_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown facet '{facet}'{_hint(suggest_facet(facet))} "
                            f"(facets: {', '.join(facet_ids) or 'none defined'})",
                            "note-unknown-facet",
                        )
                    )
    return problems


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The nearest of ``choices`` to a mistyped ``word`` (rapidfuzz WRatio), or None."""
    if not choices:
        return None
    from rapidfuzz import fuzz, process, utils

    best = process.extractOne(
        word,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return str(best[0]) if best else None


def _suggester(choices: list[str]) -> Callable[[str], str | None]:
    return lambda word: suggest(word, choices)


def _hint(suggestion: str | None) -> str:
    return f"; did you mean '{suggestion}'?" if suggestion else ""


def _relative(path: Path, root: Path) -> str:
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    return text[len(prefix) :] if text.startswith(prefix) else text


__all__ = [
    "InputError",
    "check_notes",
    "find_review_file",
    "load_bibliography",
    "load_project",
    "suggest",
]
