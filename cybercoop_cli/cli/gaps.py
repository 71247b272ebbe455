"""``cybercoop gaps``: where the evidence is thin, as a terminal table, JSON, Markdown or HTML."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cybercoop_cli.cli.common import (
    NoCacheOption,
    ProjectOption,
    QuietOption,
    load,
    report_problems,
    stderr_console,
)
from cybercoop_cli.errors import ExitCode

if TYPE_CHECKING:
    from cybercoop_cli.analysis.gaps import GapReport
    from cybercoop_cli.model import Project

# Load problems that the gap report itself reports as findings; the rest go to stderr.
_REPORTED_AS_FINDINGS = frozenset(
    {"note-unknown-key", "note-unknown-section", "note-unknown-facet"}
)


class GapsFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def gaps(
    project: ProjectOption = None,
    output_format: Annotated[
        GapsFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: coverage matrix and findings for the terminal; json: one JSON document; "
            "md: a Markdown report; html: one self-contained HTML page (heatmap, filters).",
        ),
    ] = GapsFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to FILE instead of stdout.", dir_okay=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding of this severity or worse is found.",
        ),
    ] = FailOn.error,
    manuscript: Annotated[
        Path | None,
        typer.Option(
            "--manuscript",
            "-m",
            help="Also compare the notes with the citations in this manuscript "
            "(.md, .txt, .tex, .docx, .pdf): claims whose source it never cites, and sources it "
            "cites in sections their claims do not support.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Report where the evidence is thin, and what to do about each gap.

    Sections without or with a single source, facets without claims, one-sided sections,
    claims without locators, notes without claims or annotations, unused sources,
    duplicates, missing metadata, old sources and evidence that rests on one source.
    Every finding says what to do next.

    Exit codes: 0 when nothing at or above --fail-on was found, 1 when something was, 3 when
    an input file has errors (the report is still written), 5 when FILE exists without --force.
    """
    from cybercoop_cli.analysis.gaps import find_gaps

    loaded = load(project, quiet, no_cache)
    use = None
    if manuscript is not None:
        from cybercoop_cli.analysis.gaps import manuscript_use

        use = manuscript_use(manuscript, loaded)
    report = find_gaps(loaded, manuscript=use)
    text = _render(report, output_format, output, loaded)
    if output is not None and text is not None:
        from cybercoop_cli.outputs import write_atomic

        write_atomic(output, text, force=force)
        if not quiet:
            stderr_console().print(f"wrote {output}", markup=False, highlight=False)
    elif text is not None:
        typer.echo(text, nl=False)
    input_code = report_problems(loaded.problems, quiet, skip=_REPORTED_AS_FINDINGS)
    raise typer.Exit(input_code or _exit_code(report, fail_on))


def _render(
    report: GapReport, output_format: GapsFormat, output: Path | None, loaded: Project
) -> str | None:
    """The report as text; None when it was printed straight to the terminal."""
    if output_format is GapsFormat.json:
        from cybercoop_cli.render.gaps_json import gaps_json

        return gaps_json(report)
    if output_format is GapsFormat.md:
        from cybercoop_cli.render.gaps_markdown import gaps_markdown

        return gaps_markdown(report)
    if output_format is GapsFormat.html:
        from cybercoop_cli.render.gaps_html import gaps_html

        return gaps_html(report, root_href=_root_href(loaded.review.root, output))
    from cybercoop_cli.render.gaps_terminal import render_gaps

    if output is None:
        from cybercoop_cli.cli.common import stdout_console

        render_gaps(report, stdout_console())
        return None
    import io

    from rich.console import Console

    buffer = io.StringIO()
    render_gaps(report, Console(file=buffer, width=100, color_system=None, highlight=False))
    return buffer.getvalue()


def _root_href(root: Path, output: Path | None) -> str:
    """How the HTML report reaches the review's files: relative to where it is saved."""
    if output is None:
        return root.resolve().as_uri() + "/"
    relative = os.path.relpath(root.resolve(), output.resolve().parent)
    if relative == ".":
        return ""
    from urllib.parse import quote

    return quote(Path(relative).as_posix()) + "/"


def _exit_code(report: GapReport, fail_on: FailOn) -> int:
    from cybercoop_cli.model import Severity

    if report.at_or_above(Severity(fail_on.value)):
        return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)
