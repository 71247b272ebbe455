"""The export formats and the file suffixes that select them.

A module of its own, with nothing heavy imported, so that the CLI can offer the
choices without loading the renderers at start-up.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FORMAT_BY_SUFFIX", "ExportFormat"]


class ExportFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    latex = "latex"
    txt = "txt"
    bibtex = "bibtex"
    csl_json = "csl-json"


FORMAT_BY_SUFFIX = {
    ".md": ExportFormat.md,
    ".markdown": ExportFormat.md,
    ".html": ExportFormat.html,
    ".htm": ExportFormat.html,
    ".docx": ExportFormat.docx,
    ".tex": ExportFormat.latex,
    ".latex": ExportFormat.latex,
    ".txt": ExportFormat.txt,
    ".bib": ExportFormat.bibtex,
    ".json": ExportFormat.csl_json,
}
