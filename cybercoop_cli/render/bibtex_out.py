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


def _entry(entry: AnnotatedEntry) -> str:
    source = entry.source
    fields = [(k, v) for k, v in source.fields.items() if k.lower() not in _ANNOTATION_FIELDS]
    paragraphs = [text for _, text in entry.paragraphs]
    if paragraphs:
        fields.append(("annote", annote_value(paragraphs)))
    else:
        kept = [(k, v) for k, v in source.fields.items() if k.lower() in _ANNOTATION_FIELDS]
        fields.extend(kept)
    width = max((len(k) for k, _ in fields), default=0)
    lines = [f"@{source.entry_type}{{{source.key},"]
    for name, value in fields:
        lines.append(f"  {name.ljust(width)} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"
