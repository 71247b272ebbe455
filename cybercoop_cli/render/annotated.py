"""Annotated bibliographies as Markdown, HTML, DOCX, LaTeX or plain text.

The document is built as a pandoc AST: headings, the references pandoc's citeproc
formatted (see :mod:`.bibliography`), and each entry's annotation as its own block.
Every piece of text from a ``.bib`` file or a note is a ``Str`` node, so pandoc's
writers escape it for the target format: nothing is spliced into HTML or LaTeX.
"""

from __future__ import annotations

import io
import json
import re
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


# Annotations sit under their reference, lined up with its runover lines: pandoc's CSS
# indents those by 2em in a hanging-indent bibliography, and by 2em + 1em padding after a
# number in the left margin (IEEE, Vancouver).
_HTML_STYLE = """<style>
div.csl-bib-body div.annotation { margin: 0.25em 0 1em 0; text-indent: 0; }
div.csl-bib-body.hanging-indent div.annotation { margin-left: 2em; }
div.csl-bib-body div.annotation.after-left-margin { margin-left: 3em; }
div.csl-bib-body div.annotation p { margin: 0 0 0.5em 0; text-indent: 0; }
</style>"""
_INDENT_TWIPS = 720  # half an inch, APA's hanging indent


def render_annotated(
    report: AnnotatedBibliography,
    style: Style,
    fmt: ExportFormat,
    progress: Progress | None = None,
    lang: str | None = None,
) -> bytes:
    """The annotated bibliography in one output format (bytes: DOCX is binary).

    References follow ``lang`` (``en-GB`` ...) when given, else the style's default-locale.
    """
    if fmt is ExportFormat.bibtex:
        from cybercoop_cli.render.bibtex_out import write_bibtex

        return write_bibtex(report.entries).encode("utf-8")
    if fmt is ExportFormat.csl_json:
        return csl_json(report.entries).encode("utf-8")
    items = [to_csl(e.source) for e in report.entries]
    rendered = render_references(items, style, progress=progress, lang=lang)
    doc = build_document(report, rendered, style, fmt, lang)
    return convert(doc, fmt)


def csl_json(entries: Sequence[AnnotatedEntry]) -> str:
    """CSL-JSON for reference managers: titles as the .bib has them (no case change, no
    markup), the reading note in ``note`` after the entry's own note, labelled."""
    from cybercoop_cli.render.bibtex_out import READING_NOTE_LABEL

    data = []
    for entry in entries:
        item: CslItem = to_csl(entry.source, as_written=True)
        annotation = "\n\n".join(text for _, text in entry.paragraphs)
        extra = None
        if annotation:
            own = item.plain("note")
            extra = {"note": f"{own}\n\n{READING_NOTE_LABEL} {annotation}" if own else annotation}
        data.append(item.to_csl_json(extra))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def build_document(
    report: AnnotatedBibliography,
    rendered: Sequence[RenderedReference],
    style: Style,
    fmt: ExportFormat,
    lang: str | None = None,
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
            ident = "" if flat else f"group-{group.id or 'other'}-{index}"
            blocks.append(_header(2, group.title, ident))
            members = set(group.keys)
            keys = [k for k in order if k in members]
            prefix = f"{group.id or 'other'}-"
            blocks.extend(_entries(report, keys, by_key, flat, prefix, docx, style))
    else:
        blocks.extend(_entries(report, order, by_key, flat, "", docx, style))
    meta: dict[str, Any] = {
        "lang": {"t": "MetaString", "c": style.locale(lang)},
        "pagetitle": {
            "t": "MetaString",
            "c": f"{HEADING}: {report.title}" if report.title else HEADING,
        },
    }
    if fmt is ExportFormat.latex:
        meta.update(_unicode_fonts(blocks))
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
    docx: bool,
    style: Style,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    entries = {entry.key: entry for entry in report.entries}
    for key in keys:
        reference = by_key[key]
        entry = entries[key]
        notes = [_para(words(text)) for _, text in entry.paragraphs]
        if flat:
            out.extend(_plain_blocks(reference.blocks))
            if notes:
                out.append({"t": "BlockQuote", "c": notes})
            continue
        attrs = [["custom-style", "Bibliography"]] if docx else []
        out.append(_div(f"ref-{id_prefix}{key}", ["csl-entry"], attrs, list(reference.blocks)))
        if notes:
            attrs = [["custom-style", "Annotation"]] if docx else []
            classes = ["annotation"]
            if any(_is_left_margin(b) for b in reference.blocks):
                classes.append("after-left-margin")
            out.append(_div("", classes, attrs, notes))
    if flat:
        return out
    body = ["references", "csl-bib-body"] + (["hanging-indent"] if style.hanging_indent else [])
    return [_div("", body, [], out)]


_FORMATTING = frozenset(
    {"Emph", "Strong", "SmallCaps", "Superscript", "Subscript", "Underline", "Strikeout"}
)


def _is_left_margin(block: dict[str, Any]) -> bool:
    """Whether a reference starts with a number in the left margin (``[1]``)."""
    if block["t"] == "Div":
        return "csl-left-margin" in block["c"][0][1]
    first = block["c"][0] if block["t"] in ("Para", "Plain") and block["c"] else None
    return bool(first and first["t"] == "Span" and "csl-left-margin" in first["c"][0][1])


def _plain_blocks(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks with citeproc's spans and divs unwrapped, for Markdown and plain text.

    Case-protection spans (``[Meta-analysis]{.nocase}``), the number and text divs of
    numbered styles and empty attribute spans are pandoc's bookkeeping, not part of the
    reference; in Markdown they would show as markup.
    """

    def inlines(nodes: list[Any]) -> list[Any]:
        out: list[Any] = []
        for node in nodes:
            kind = node["t"]
            if kind == "Span":
                classes = node["c"][0][1]
                kept = [c for c in classes if c not in ("nocase", "csl-no-emph", "csl-no-strong")]
                if not kept or set(kept) <= {"csl-left-margin", "csl-right-inline"}:
                    out.extend(inlines(node["c"][1]))
                    continue
                out.append({"t": "Span", "c": [node["c"][0], inlines(node["c"][1])]})
            elif kind in _FORMATTING:
                out.append({"t": kind, "c": inlines(node["c"])})
            elif kind == "Quoted":
                out.append({"t": kind, "c": [node["c"][0], inlines(node["c"][1])]})
            elif kind == "Link":
                out.append({"t": kind, "c": [node["c"][0], inlines(node["c"][1]), node["c"][2]]})
            else:
                out.append(node)
        return out

    out: list[dict[str, Any]] = []
    row: list[Any] = []  # a numbered style's number and text, joined into one paragraph
    for block in blocks:
        if block["t"] == "Div":
            for inner in block["c"][1]:
                if inner["t"] in ("Para", "Plain"):
                    if row:
                        row.append({"t": "Space"})
                    row.extend(inlines(inner["c"]))
                else:
                    out.append(inner)
        elif block["t"] in ("Para", "Plain"):
            out.append({"t": "Para", "c": inlines(block["c"])})
        else:
            out.append(block)
    if row:
        out.insert(0, {"t": "Para", "c": row})
    return out


# Fonts for xelatex and lualatex (pandoc's LaTeX template loads fontspec and xeCJK for them
# and ignores these under pdflatex, which keeps its own fonts for Latin text): Chinese,
# Japanese and Korean need a CJK font, other scripts and symbols (Cyrillic, box drawing,
# superscript digits) a font that has them. Both families ship with TeX Live.
CJK_FONT = "Noto Serif CJK SC"
UNICODE_FONT = "DejaVu Serif"
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_BEYOND_LATIN = re.compile(r"[^\u0000-\u024f\u2000-\u206f\u20ac]")


def _unicode_fonts(blocks: Sequence[dict[str, Any] | None]) -> dict[str, Any]:
    """Font settings for text pdflatex cannot typeset; none for Latin text."""
    text = json.dumps([b for b in blocks if b is not None], ensure_ascii=False)
    meta: dict[str, Any] = {}
    if _CJK.search(text):
        meta["CJKmainfont"] = {"t": "MetaString", "c": CJK_FONT}
    if _BEYOND_LATIN.search(_CJK.sub("", text)):
        meta["mainfont"] = {"t": "MetaString", "c": UNICODE_FONT}
    return meta


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
