"""Watching a review for changes (``cybercoop review --watch``), with watchfiles.

A change is relevant when it touches the review file, a ``.bib`` file under the
references folder or a note (``.md``, ``.markdown``, ``.yaml``, ``.yml``) under the notes
folder; editors' swap and backup files are not. Changes arriving together (an editor's
save is often several events) come as one batch. When the review file changes, the
folders are read from it again, so that moving ``references:`` or ``notes:`` is followed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from cybercoop_cli.errors import CybercoopError
from cybercoop_cli.ingest.layout import NOTE_SUFFIXES
from cybercoop_cli.model import Review

#: Milliseconds to wait for more events before a batch is reported.
DEBOUNCE_MS = 300


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def is_relevant(path: Path, review_file: Path, review: Review | None) -> bool:
    """Whether a change to ``path`` can change what the review shows."""
    if path == review_file:
        return True
    if any(part.startswith(".") for part in path.parts[-1:]):
        return False
    suffix = path.suffix.lower()
    if review is None:  # the review file cannot be read: any input may matter
        return suffix == ".bib" or suffix in NOTE_SUFFIXES
    if suffix == ".bib":
        return _inside(path, review.references_dir.resolve())
    return suffix in NOTE_SUFFIXES and _inside(path, review.notes_dir.resolve())


def _folders(review_file: Path, review: Review | None) -> list[Path]:
    folders = [review_file.parent]
    if review is not None:
        for folder in (review.references_dir.resolve(), review.notes_dir.resolve()):
            if folder.is_dir() and not any(_inside(folder, f) for f in folders):
                folders.append(folder)
    return folders


def changes(
    review_file: Path,
    *,
    stop_event: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
) -> Iterator[tuple[Path, ...]]:
    """Batches of relevant changed paths, until ``stop_event`` is set (or Ctrl-C)."""
    from watchfiles import watch

    from cybercoop_cli.ingest.review import read_review

    review_file = review_file.resolve()
    while True:
        try:
            review: Review | None = read_review(review_file)
        except CybercoopError:
            review = None
        reread = False
        for batch in watch(
            *_folders(review_file, review),
            stop_event=stop_event,
            debounce=debounce_ms,
            rust_timeout=500,
            yield_on_timeout=False,
        ):
            paths = sorted({Path(p).resolve() for _, p in batch})
            relevant = tuple(p for p in paths if is_relevant(p, review_file, review))
            if relevant:
                yield relevant
            if review_file in relevant:
                reread = True
                break
        if not reread:
            return
