"""What the shell completes: source keys and section ids, found fast.

Completion runs a fresh process on every Tab, so nothing here loads the whole project:
keys are found by one regular-expression pass over the ``.bib`` files' bytes (no
parsing, no notes), and section ids come from the review file alone. Nothing here
raises: a review that cannot be read completes to nothing.

Completion offers the keys that start with what was typed (Typer passes on only those,
in every shell). A mistyped key is matched when the command runs instead: ``note new``
suggests the nearest key (rapidfuzz), as every command that takes a key should.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from cybercoop_cli.ingest.review import REVIEW_FILE
from cybercoop_cli.model import Review

_ENTRY = re.compile(rb"@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t\r\n]*([^,\s{}()\"#%'=]+)[ \t\r\n]*,")
_TITLE = re.compile(rb"\btitle[ \t]*=[ \t]*[{\"]([^\n]{1,160})", re.IGNORECASE)
_NOT_ENTRIES = frozenset({b"string", b"comment", b"preamble"})


def find_review(project: Path | None = None, start: Path | None = None) -> Review | None:
    """The review named by ``--project`` or found upwards from ``start``; None if none."""
    from cybercoop_cli.errors import CybercoopError
    from cybercoop_cli.ingest.project import find_review_file
    from cybercoop_cli.ingest.review import read_review

    try:
        if project is not None:
            review_file = project if project.is_file() else project / REVIEW_FILE
        else:
            review_file = find_review_file(start)
        return read_review(review_file)
    except (CybercoopError, OSError):
        return None


def scan_keys(folder: Path) -> list[tuple[str, str]]:
    """Every entry key under ``folder``'s .bib files, with the start of its title."""
    found: dict[str, str] = {}
    try:
        files = sorted(folder.rglob("*.bib"))
    except OSError:
        return []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        matches = list(_ENTRY.finditer(data))
        for index, match in enumerate(matches):
            if match.group(1).lower() in _NOT_ENTRIES:
                continue
            key = match.group(2).decode("utf-8", errors="replace")
            end = matches[index + 1].start() if index + 1 < len(matches) else len(data)
            title = _TITLE.search(data, match.end(), end)
            found.setdefault(key, _clean_title(title.group(1)) if title else "")
    return list(found.items())


def _clean_title(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    text = re.sub(r"[{}]", "", text).rstrip().rstrip(",").rstrip('"').strip()
    return text[:80]


def source_keys(project: Path | None = None) -> list[tuple[str, str]]:
    review = find_review(project)
    if review is None or not review.references_dir.is_dir():
        return []
    return scan_keys(review.references_dir)


def section_ids(project: Path | None = None) -> list[tuple[str, str]]:
    review = find_review(project)
    return [(s.id, s.title) for s in review.sections] if review else []


def facet_ids(project: Path | None = None) -> list[tuple[str, str]]:
    review = find_review(project)
    return [(f.id, f.question) for f in review.facets] if review else []


def complete(candidates: Sequence[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """The candidates that start with what was typed, as the shells (and Typer) offer them."""
    return [c for c in candidates if c[0].startswith(incomplete)]
