"""``cybercoop review``: where the review stands."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cybercoop_cli.cli.common import (
    ProjectOption,
    QuietOption,
    exit_code_for,
    load,
    print_json,
    stdout_console,
)


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
) -> None:
    """Show where the review stands: the question and its facets, each section's sources and
    claims and its status (no support, single source, supported, contested), untagged claims
    with suggested links, sources without notes, input problems, and the next steps.

    Gaps are not errors: the exit code is 0 unless an input file has errors (then 3).
    """
    from cybercoop_cli.analysis.review import summarize

    loaded = load(project, quiet)
    report = summarize(loaded)
    if output_format is ReviewFormat.json:
        from cybercoop_cli.render.jsonout import review_json

        print_json(review_json(report))
    else:
        from cybercoop_cli.render.terminal import render_review

        render_review(report, stdout_console())
    raise typer.Exit(exit_code_for(loaded))
