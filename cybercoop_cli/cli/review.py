"""``cybercoop review``: where the review stands."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cybercoop_cli.cli.common import (
    NoCacheOption,
    ProjectOption,
    QuietOption,
    load,
    open_project,
    progress,
    stdout_console,
)

if TYPE_CHECKING:
    from cybercoop_cli.model import Project


class ReviewFormat(StrEnum):
    text = "text"
    json = "json"


def review(
    project: ProjectOption = None,
    output_format: Annotated[
        ReviewFormat,
        typer.Option(
            "--format", "-f", help="text: the dashboard; json: the same as one JSON document."
        ),
    ] = ReviewFormat.text,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            "-w",
            help="Keep running: show the review again whenever a note, a .bib file or the "
            "review file changes (Ctrl-C stops).",
        ),
    ] = False,
) -> None:
    """Show where the review stands, section by section, and what to do next.

    The question and its facets; each section's sources and claims and its status (no
    support, single source, supported, contested); untagged claims with suggested links;
    sources without notes; input problems; and the next steps.

    Gaps are not errors: the exit code is 0 unless an input file has errors (then 3).
    """
    if watch:
        from cybercoop_cli.cli.watching import run_watch

        run_watch(project, quiet, lambda loaded: _show(loaded, output_format), no_cache=no_cache)
        return
    if output_format is ReviewFormat.text:
        from cybercoop_cli.analysis.review import summarize
        from cybercoop_cli.render.terminal import render_review
        from cybercoop_cli.workflow.review import exit_code_for

        loaded = load(project, quiet, no_cache)
        render_review(summarize(loaded), stdout_console())
        raise typer.Exit(exit_code_for(loaded))
    from cybercoop_cli.workflow.review import review_json_text

    opened = open_project(project, quiet, no_cache)
    with progress(quiet, "loading") as update:
        text, code = review_json_text(opened, indent=sys.stdout.isatty(), progress=update)
    sys.stdout.write(text)
    raise typer.Exit(code)


def _show(loaded: Project, output_format: ReviewFormat) -> None:
    """Show the review (for --watch, which reloads it on every change)."""
    if output_format is ReviewFormat.json:
        from cybercoop_cli.workflow.review import render_review_json

        sys.stdout.write(render_review_json(loaded, indent=sys.stdout.isatty()))
    else:
        from cybercoop_cli.analysis.review import summarize
        from cybercoop_cli.render.terminal import render_review

        render_review(summarize(loaded), stdout_console())
