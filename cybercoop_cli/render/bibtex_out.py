"""Sources written back as BibTeX, each annotation in an ``annote`` field.

Fields are written as the ``.bib`` file had them (after macro expansion), so nothing
is lost or re-encoded; the annotation, which is plain text from a note, is escaped for
LaTeX, and its paragraphs are separated by blank lines (``\\par`` for BibTeX styles).
Zotero, JabRef and biblatex's annotated styles read ``annote``.
"""

from __future__ import annotations

from collections.abc import Sequence

from cybercoop_cli.analysis.annotated import AnnotatedEntry
from cybercoop_cli.ingest.latex import escape_latex

_ANNOTATION_FIELDS = ("annote", "annotation")


def annote_value(paragraphs: Sequence[str]) -> str:
    return "\n\n".join(escape_latex(" ".join(p.split())) for p in paragraphs)


def write_bibtex(entries: Sequence[AnnotatedEntry]) -> str:
    """All entries as one BibTeX file (UTF-8)."""
    chunks = [_entry(entry) for entry in entries]
    return "\n".join(chunks)


READING_NOTE_LABEL = "Reading note:"
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _entry(entry: AnnotatedEntry) -> str:
    source = entry.source
    fields: list[tuple[str, str]] = list(source.fields.items())
    paragraphs = [text for _, text in entry.paragraphs]
    if paragraphs:
        # The entry's own annotation stays; the reading note follows it, labelled, in the
        # same field (alone in annote when the entry has none).
        ours = annote_value(paragraphs)
        own = next((i for i, (k, v) in enumerate(fields) if k.lower() in _ANNOTATION_FIELDS), None)
        if own is None or not fields[own][1].strip():
            fields = [f for f in fields if f[0].lower() not in _ANNOTATION_FIELDS]
            fields.append(("annote", ours))
        else:
            name, value = fields[own]
            fields[own] = (name, f"{value.strip()}\n\n{READING_NOTE_LABEL} {ours}")
    width = max((len(k) for k, _ in fields), default=0)
    lines = [f"@{source.entry_type}{{{source.key},"]
    for name, value in fields:
        lines.append(f"  {name.ljust(width)} = {_value(name, value)},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _value(name: str, value: str) -> str:
    """A field's value; a month the .bib gave as a macro (``jan``) is written as one again,
    so styles print it in their own language."""
    if name.lower() == "month" and value.strip().isdigit() and 1 <= int(value) <= 12:
        return _MONTH_MACROS[int(value) - 1]
    return f"{{{value}}}"
