"""Where a review's inputs are: the note files under notes/ and the .bib files under references/.

Light on purpose (no parser is imported): a run on an unchanged review lists its inputs
and compares their states, and nothing more.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")

#: Where the folders that could not be listed go: (path, the system's reason).
Unreadable = list[tuple[str, str]]


def note_paths(folder: Path, unreadable: Unreadable | None = None) -> list[str]:
    """Every note file under ``folder``, as paths in text, in a stable order.

    Hidden files and folders are skipped. Text, not ``Path`` objects: a review may hold
    tens of thousands of notes, and sorting strings is far cheaper. Folders that cannot
    be listed (no permission) are added to ``unreadable``, so that they can be reported:
    a note left out in silence reads as a source without one.
    """
    if not _is_dir(folder, unreadable):
        return []
    found: list[str] = []
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            _note(unreadable, current, exc)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif name.lower().endswith(NOTE_SUFFIXES) and entry.is_file():
                found.append(entry.path)
    return sorted(found)


def bib_files(folder: Path, unreadable: Unreadable | None = None) -> list[Path]:
    """Every .bib file under ``folder``, in a stable order; folders that cannot be listed
    are added to ``unreadable``. Links to folders are not followed (as ``Path.rglob``)."""
    if not _is_dir(folder, unreadable):
        return []
    found: list[Path] = []
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            _note(unreadable, current, exc)
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif os.path.normcase(entry.name).endswith(".bib") and entry.is_file():
                found.append(Path(entry.path))
    return sorted(found)


def _is_dir(folder: Path, unreadable: Unreadable | None) -> bool:
    try:
        return stat.S_ISDIR(folder.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        _note(unreadable, str(folder), exc)
        return False


def _note(unreadable: Unreadable | None, path: str, exc: OSError) -> None:
    if unreadable is not None:
        unreadable.append((path, exc.strerror or str(exc)))
