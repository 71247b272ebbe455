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
    exit_code_for,
    json_text,
    load,
    load_opened,
    open_project,
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

        loaded = load(project, quiet, no_cache)
        render_review(summarize(loaded), stdout_console())
        raise typer.Exit(exit_code_for(loaded))
    # The same inputs give the same document: a re-run on an unchanged review (the
    # fingerprint names every input's content) writes what it computed last time.
    opened = open_project(project, quiet, no_cache)
    memo = f"review --format json, {'indented' if sys.stdout.isatty() else 'compact'}"
    hit = opened.recall(memo)
    if hit is not None:
        sys.stdout.write(hit[0])
        raise typer.Exit(hit[1])
    from cybercoop_cli.gcpause import paused_gc

    # The loaded review (10,000 notes: 100,000 objects, none in a cycle) lives only in
    # this block, and is freed by reference counting at its end: with the collector on in
    # between, it would walk them all (30 ms), and twice (see gcpause).
    with paused_gc():
        loaded = load_opened(opened, quiet)
        code = exit_code_for(loaded)
        text = _json(loaded)
        del loaded
    opened.remember(memo, text, code)
    sys.stdout.write(text)
    raise typer.Exit(code)


def _json(loaded: Project) -> str:
    from cybercoop_cli.analysis.review import summarize
    from cybercoop_cli.gcpause import paused_gc
    from cybercoop_cli.render.jsonout import review_json

    # A linked claim and a dict per claim, none in a cycle: with a loaded review of
    # 10,000 notes alive, the collector's full walks cost 0.4 s here (see gcpause).
    with paused_gc():
        return json_text(review_json(summarize(loaded)))


def _show(loaded: Project, output_format: ReviewFormat) -> None:
    """Show the review (for --watch, which reloads it on every change)."""
    if output_format is ReviewFormat.json:
        sys.stdout.write(_json(loaded))
    else:
        from cybercoop_cli.analysis.review import summarize
        from cybercoop_cli.render.terminal import render_review

        render_review(summarize(loaded), stdout_console())
