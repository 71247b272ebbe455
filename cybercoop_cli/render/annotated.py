"""Annotated bibliographies as Markdown, HTML, DOCX, LaTeX or plain text.

The document is built as a pandoc AST: headings, the references pandoc's citeproc
formatted (see :mod:`.bibliography`), and each entry's annotation as its own block.
Every piece of text from a ``.bib`` file or a note is a ``Str`` node, so pandoc's
writers escape it for the target format: nothing is spliced into HTML or LaTeX.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from cybercoop_cli.analysis.annotated import AnnotatedBibliography, AnnotatedEntry
from cybercoop_cli.render.bibliography import (
    Progress,
    RenderedReference,
    Style,
    render_references,
)
from cybercoop_cli.render.csl import CslItem, to_csl
from cybercoop_cli.render.formats import ExportFormat
from cybercoop_cli.render.pandoc import document, run_pandoc
from cybercoop_cli.render.richtext import Inline, words

HEADING = "Annotated bibliography"


# Annotations sit under their reference, indented like the reference's runover lines.
_HTML_STYLE = """<style>
div.csl-bib-body div.annotation { margin: 0.25em 0 1em 1.5em; text-indent: 0; }
div.csl-bib-body div.annotation p { margin: 0 0 0.5em 0; text-indent: 0; }
</style>"""
_INDENT_TWIPS = 720  # half an inch, APA's hanging indent


def render_annotated(
    report: AnnotatedBibliography,
    style: Style,
    fmt: ExportFormat,
    progress: Progress | None = None,
) -> bytes:
    """The annotated bibliography in one output format (bytes: DOCX is binary)."""
    if fmt is ExportFormat.bibtex:
        from cybercoop_cli.render.bibtex_out import write_bibtex

        return write_bibtex(report.entries).encode("utf-8")
    if fmt is ExportFormat.csl_json:
        return csl_json(report.entries).encode("utf-8")
    items = [to_csl(e.source) for e in report.entries]
    rendered = render_references(items, style, progress=progress)
    doc = build_document(report, rendered, style, fmt)
    return convert(doc, fmt)


def csl_json(entries: Sequence[AnnotatedEntry]) -> str:
    """CSL-JSON for reference managers, the annotation in ``note``."""
    data = []
    for entry in entries:
        item: CslItem = to_csl(entry.source)
        annotation = "\n\n".join(text for _, text in entry.paragraphs)
        data.append(item.to_csl_json({"note": annotation} if annotation else None))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def build_document(
    report: AnnotatedBibliography,
    rendered: Sequence[RenderedReference],
    style: Style,
    fmt: ExportFormat,
) -> dict[str, Any]:
    """The pandoc AST of the whole document; entries in the style's order in each group."""
    by_key = {ref.key: ref for ref in rendered}
    order = [ref.key for ref in rendered]
    flat = fmt in (ExportFormat.md, ExportFormat.txt)
    docx = fmt is ExportFormat.docx
    blocks: list[dict[str, Any] | None] = [
        _header(1, HEADING, "annotated-bibliography"),
        _para([{"t": "Emph", "c": words(report.title)}]) if report.title else None,
        _para(words(f"References: {style.title}.")),
    ]
    groups = report.groups or ()
    if groups:
        for index, group in enumerate(groups, 1):
            blocks.append(_header(2, group.title, f"group-{group.id or 'other'}-{index}"))
            members = set(group.keys)
            keys = [k for k in order if k in members]
            prefix = f"{group.id or 'other'}-"
            blocks.extend(_entries(report, keys, by_key, flat, prefix, docx))
    else:
        blocks.extend(_entries(report, order, by_key, flat, "", docx))
    meta: dict[str, Any] = {
        "lang": {"t": "MetaString", "c": "en-US"},
        "pagetitle": {
            "t": "MetaString",
            "c": f"{HEADING}: {report.title}" if report.title else HEADING,
        },
    }
    if fmt is ExportFormat.html:
        meta["header-includes"] = {
            "t": "MetaList",
            "c": [{"t": "MetaBlocks", "c": [{"t": "RawBlock", "c": ["html", _HTML_STYLE]}]}],
        }
    return document([b for b in blocks if b is not None], meta)


def _entries(
    report: AnnotatedBibliography,
    keys: Sequence[str],
    by_key: dict[str, RenderedReference],
    flat: bool,
    id_prefix: str,
    docx: bool = False,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    entries = {entry.key: entry for entry in report.entries}
    for key in keys:
        reference = by_key[key]
        entry = entries[key]
        notes = [_para(words(text)) for _, text in entry.paragraphs]
        if flat:
            out.extend(reference.blocks)
            if notes:
                out.append({"t": "BlockQuote", "c": notes})
            continue
        style = [["custom-style", "Bibliography"]] if docx else []
        out.append(_div(f"ref-{id_prefix}{key}", ["csl-entry"], style, list(reference.blocks)))
        if notes:
            style = [["custom-style", "Annotation"]] if docx else []
            out.append(_div("", ["annotation"], style, notes))
    if flat:
        return out
    return [_div("", ["references", "csl-bib-body", "hanging-indent"], [], out)]


def _header(level: int, text: str, ident: str) -> dict[str, Any]:
    return {"t": "Header", "c": [level, [ident, [], []], words(text)]}


def _para(inlines: list[Inline]) -> dict[str, Any]:
    return {"t": "Para", "c": inlines}


def _div(
    ident: str, classes: list[str], attrs: list[list[str]], blocks: list[Any]
) -> dict[str, Any]:
    return {"t": "Div", "c": [[ident, classes, attrs], blocks]}


def convert(doc: dict[str, Any], fmt: ExportFormat) -> bytes:
    """Write the AST in the target format with pandoc (one run)."""
    data = json.dumps(doc).encode("utf-8")
    common = ["--from=json", "--wrap=none"]
    if fmt is ExportFormat.md:
        return run_pandoc([*common, "--to=markdown-smart"], data)
    if fmt is ExportFormat.txt:
        return run_pandoc([*common, "--to=plain"], data)
    if fmt is ExportFormat.html:
        return run_pandoc([*common, "--to=html5", "--standalone", "--embed-resources"], data)
    if fmt is ExportFormat.latex:
        return run_pandoc([*common, "--to=latex", "--standalone"], data)
    if fmt is ExportFormat.docx:
        return _finish_docx(run_pandoc([*common, "--to=docx", "--output=-"], data))
    raise ValueError(f"not a document format: {fmt}")


def _finish_docx(data: bytes) -> bytes:
    """Give references a hanging indent and annotations a matching left indent."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Twips

    word = Document(io.BytesIO(data))
    styles = word.styles
    names = {s.name for s in styles}
    if "Bibliography" not in names:
        styles.add_style("Bibliography", WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
    if "Annotation" not in names:
        styles.add_style("Annotation", WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
    bibliography = styles["Bibliography"].paragraph_format
    bibliography.left_indent = Twips(_INDENT_TWIPS)
    bibliography.first_line_indent = Twips(-_INDENT_TWIPS)
    annotation = styles["Annotation"].paragraph_format
    annotation.left_indent = Twips(_INDENT_TWIPS)
    annotation.first_line_indent = Twips(0)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
