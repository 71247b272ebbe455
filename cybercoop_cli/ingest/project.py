"""Finding and loading a whole review: the review file, its bibliography and its notes."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cybercoop_cli.errors import InputError, ProjectNotFoundError
from cybercoop_cli.gcpause import paused_gc
from cybercoop_cli.ingest import layout
from cybercoop_cli.ingest.review import MAX_REVIEW_BYTES, REVIEW_FILE, read_review
from cybercoop_cli.ingest.text import MAX_BIB_BYTES, read_bounded
from cybercoop_cli.ingest.validate import check_notes, suggest

if TYPE_CHECKING:
    from cybercoop_cli.cache import ReviewCache, Scan
    from cybercoop_cli.ingest.bibtex import Decoded
    from cybercoop_cli.model import Bibliography, Note, Problem, Project, Review, Source

NoteResult = tuple["Note | None", list["Problem"]]

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
    unreadable: layout.Unreadable = []
    layout.bib_files(review.references_dir, unreadable)
    bibliography = _read_references(review)
    from cybercoop_cli.model import Bibliography

    problems = _with_unreadable(bibliography.problems, unreadable, review)
    return Bibliography(bibliography.sources, problems)


def _read_references(
    review: Review, contents: dict[str, bytes | Decoded] | None = None
) -> Bibliography:
    root = review.root
    folder = review.references_dir
    bib_files = layout.bib_files(review.references_dir)
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.model import Bibliography, Problem

    bibliography = read_bibliography(bib_files, display_root=root, contents=contents)
    if bib_files:
        return bibliography
    missing = Problem(
        _relative(folder, root),
        None,
        "no .bib files here: add your bibliography, or run 'cybercoop import FILE'",
        "no-references",
    )
    return Bibliography(bibliography.sources, (missing, *bibliography.problems))


def _with_unreadable(
    problems: Sequence[Problem], unreadable: layout.Unreadable, review: Review
) -> tuple[Problem, ...]:
    """``problems`` with an error for each folder that could not be listed, first.

    Added on every run, never cached: a folder's permissions are not part of the inputs'
    digests. An unreadable references folder is not reported as empty as well.
    """
    if not unreadable:
        return tuple(problems)
    from cybercoop_cli.model import Problem

    root = review.root
    errors = [
        Problem(
            _relative(path, root),
            None,
            f"cannot read this folder ({reason}): the files in it were left out; "
            "make it readable, then run again",
            "folder-unreadable",
        )
        for path, reason in sorted(set(unreadable))
    ]
    hidden = {path for path, _ in unreadable}
    kept = [
        p
        for p in problems
        if not (p.code == "no-references" and str(review.references_dir) in hidden)
    ]
    return (*errors, *kept)


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
    return open_review(project, start=start, cache=cache, warn=warn).load(progress=progress)


def open_review(
    project: Path | None = None,
    *,
    start: Path | None = None,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
) -> OpenedReview:
    """Find a review and list its input files, without parsing them yet.

    With ``cache``, each input's content digest is known once this returns (from the
    cache's file index where a file's state is unchanged, by reading it otherwise), and
    with them the review's :attr:`OpenedReview.fingerprint`. A cache that cannot be used
    safely is reported to ``warn`` and left alone: the review is then read without it.
    """
    review_file = resolve_review_file(project, start)
    review_data = _read_bytes(review_file, MAX_REVIEW_BYTES)
    if not cache:
        return OpenedReview(review_file, read_review(review_file, review_data), warn)
    from cybercoop_cli.cache import CacheRefused, ReviewCache, content_hash

    store = None
    try:
        store = ReviewCache.open(review_file)
        review = store.review(
            review_file, review_data, lambda: read_review(review_file, review_data)
        )
    except (CacheRefused, sqlite3.Error) as exc:
        if store is not None:
            store.close()
            store = None
        if warn:
            warn(str(exc) if isinstance(exc, CacheRefused) else f"cannot use the cache: {exc}")
        review = read_review(review_file, review_data)
    except InputError:
        if store is not None:
            store.close()
        raise
    opened = OpenedReview(review_file, review, warn)
    if store is not None:
        opened.use_cache(store, content_hash(review_data or b""))
    return opened


class OpenedReview:
    """A review whose input files are listed; :meth:`load` parses them into a Project.

    With the cache on, :attr:`fingerprint` names the content of every input, and
    :meth:`recall` / :meth:`remember` keep a command's output computed from exactly
    those inputs.
    """

    def __init__(
        self, review_file: Path, review: Review, warn: Callable[[str], None] | None
    ) -> None:
        self.review_file = review_file
        self.review = review
        self._warn = warn
        root = review_file.parent
        self.unreadable: layout.Unreadable = []
        self.bibs: list[tuple[str, str | Path]] = [
            (_relative(path, root), path)
            for path in layout.bib_files(review.references_dir, self.unreadable)
        ]
        # Strings, not Paths, for speed: a review may hold tens of thousands of notes.
        paths = layout.note_paths(review.notes_dir, self.unreadable)
        prefix = str(root).rstrip(os.sep) + os.sep
        if all(path.startswith(prefix) for path in paths):
            cut = len(prefix)
            self.notes: list[tuple[str, str | Path]] = [(path[cut:], path) for path in paths]
        else:
            self.notes = [(_relative(path, root), path) for path in paths]
        self._store: ReviewCache | None = None
        self._scan: Scan | None = None

    @property
    def fingerprint(self) -> str | None:
        return self._scan.fingerprint if self._scan is not None else None

    def use_cache(self, store: ReviewCache, review_digest: str) -> None:
        """Use the review's open cache ``store``: learn every input's digest (see
        :mod:`cybercoop_cli.cache`)."""
        from cybercoop_cli.cache import CacheRefused

        self._store = store
        try:
            self._scan = store.scan(review_digest, self.bibs, self.notes, _read_input)
            self._report_damage()
        except CacheRefused as exc:
            self._drop_cache(str(exc))
        except sqlite3.Error as exc:
            self._drop_cache(f"cannot use the cache: {exc}")

    def _report_damage(self) -> None:
        store = self._store
        if store is not None and store.damaged:
            if self._warn:
                self._warn(
                    f"{store.damaged} damaged record(s) in the cache were ignored and rebuilt"
                )
            store.damaged = 0

    def _drop_cache(self, warning: str) -> None:
        if self._store is not None:
            self._store.close()
        self._store, self._scan = None, None
        if self._warn:
            self._warn(warning)

    def recall(self, name: str) -> tuple[str, int] | None:
        """The output (text, exit code) remembered under ``name`` for these exact inputs,
        or None.

        Never while a folder cannot be listed: the digests cannot name what is in it.
        """
        if self._store is None or self._scan is None or self.unreadable:
            return None
        try:
            return self._store.recall(name, self._scan.fingerprint)
        except sqlite3.Error as exc:
            self._drop_cache(f"cannot read the cache: {exc}")
            return None

    def remember(self, name: str, text: str, code: int) -> None:
        """Keep an output (text, exit code) computed from these exact inputs under ``name``."""
        if self._store is None or self._scan is None or self.unreadable:
            return
        try:
            self._store.remember(name, self._scan.fingerprint, text, code)
        except sqlite3.Error as exc:
            self._drop_cache(f"cannot write the cache: {exc}")

    def load(self, *, progress: Progress | None = None) -> Project:
        """Parse the bibliography and the notes, reusing the cached ones that are unchanged."""
        # Hundreds of thousands of objects, parsed, encoded or decoded, none in a cycle:
        # the collector would walk them all again and again (see gcpause).
        with paused_gc():
            return self._load(progress)

    def _load(self, progress: Progress | None) -> Project:
        store, scan = self._store, self._scan
        contents = scan.contents if scan is not None else {}
        reused: dict[str, NoteResult] = {}
        bibliography = None
        if store is not None and scan is not None:
            try:
                reused = store.notes(scan)
                bibliography = store.bibliography(scan, self._reparse_sources)
            except sqlite3.Error as exc:
                self._drop_cache(f"cannot read the cache: {exc}")
                store = scan = None
        parsed_bibliography = None
        if bibliography is None:
            if progress:
                progress("references", 0, 0)
            # Taken out of the scan's contents: not held once parsed (peak memory).
            read = {str(path): contents.pop(d) for d, path in self.bibs if d in contents}
            bibliography = parsed_bibliography = _read_references(self.review, dict(read))
            del read
        pending = [(path, d) for d, path in self.notes if d not in reused]
        fresh = dict(
            zip((d for _, d in pending), _read_notes(pending, contents, progress), strict=True)
        )
        if store is not None and scan is not None:
            try:
                store.save(scan, fresh, parsed_bibliography)
            except sqlite3.Error as exc:
                self._drop_cache(f"cannot write the cache: {exc}")
            self._report_damage()
        results = [reused[d] if d in reused else fresh[d] for d, _ in self.notes]
        return self._assemble(bibliography, results)

    def _reparse_sources(self) -> Sequence[Source]:
        """The sources read from the .bib files again, for cache rows that are missing,
        damaged or will not decode; written to the cache in their place."""
        bibliography = _read_references(self.review)
        store, scan = self._store, self._scan
        if store is not None and scan is not None:
            if self._warn:
                self._warn("damaged record(s) in the cache were ignored and rebuilt")
            try:
                store.save(scan, {}, bibliography)
            except sqlite3.Error as exc:
                self._drop_cache(f"cannot write the cache: {exc}")
        return bibliography.sources

    def _assemble(self, bibliography: Bibliography, notes_read: list[NoteResult]) -> Project:
        problems = list(_with_unreadable(bibliography.problems, self.unreadable, self.review))
        notes: list[Note] = []
        for note, note_problems in notes_read:
            problems.extend(note_problems)
            if note is not None:
                notes.append(note)
        problems.extend(check_notes(notes, self.review, bibliography.keys()))
        from cybercoop_cli.model import Project

        return Project(
            review=self.review,
            sources=bibliography.sources,
            notes=tuple(notes),
            problems=tuple(problems),
        )


def _read_notes(
    items: Sequence[tuple[str | Path, str]],
    contents: dict[str, bytes],
    progress: Progress | None,
) -> list[NoteResult]:
    """Parse notes given as (path, display name), in order; ``contents`` holds those read
    already (to hash them), each dropped from it once parsed."""
    from cybercoop_cli.ingest.notes import read_notes

    results: list[NoteResult] = []
    step = 500
    for start in range(0, len(items), step):
        if progress:
            progress("notes", start, len(items))
        chunk = [(path, d, contents.pop(d, None)) for path, d in items[start : start + step]]
        results.extend(read_notes(chunk))
    return results


def _read_input(path: str | Path, is_note: bool) -> bytes | None:
    from cybercoop_cli.ingest.notes import MAX_NOTE_BYTES

    return _read_bytes(path, MAX_NOTE_BYTES if is_note else MAX_BIB_BYTES)


def _read_bytes(path: str | Path, limit: int) -> bytes | None:
    """The file's content, at most ``limit + 1`` bytes (over its limit a file is refused
    anyway), or None if it cannot be read: the parser then tries again and says why, and
    the empty content's digest stands for it in the file index."""
    try:
        return read_bounded(path, limit)
    except OSError:
        return None


def _relative(path: str | Path, root: Path) -> str:
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    return text[len(prefix) :] if text.startswith(prefix) else text


__all__ = [
    "InputError",
    "check_notes",
    "find_review_file",
    "load_bibliography",
    "load_project",
    "open_review",
    "suggest",
]
