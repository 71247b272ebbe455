"""Where a review's inputs are: the note files under notes/ and the .bib files under references/.

Light on purpose (no parser is imported): a run on an unchanged review lists its inputs
and compares their states, and nothing more.
"""

from __future__ import annotations

import os
from pathlib import Path

NOTE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")


def note_paths(folder: Path) -> list[str]:
    """Every note file under ``folder``, as paths in text, in a stable order.

    Hidden files and folders are skipped. Text, not ``Path`` objects: a review may hold
    tens of thousands of notes, and sorting strings is far cheaper.
    """
    if not folder.is_dir():
        return []
    found: list[str] = []
    stack = [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif "." + entry.name.rpartition(".")[2].lower() in NOTE_SUFFIXES and entry.is_file():
                found.append(entry.path)
    return sorted(found)


def bib_files(folder: Path) -> list[Path]:
    """Every .bib file under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*.bib") if p.is_file()) if folder.is_dir() else []
