"""The review as one JSON document: the single library call behind ``review --format json``.

The same inputs give the same document, so a re-run on an unchanged review (the opened
review's fingerprint names every input's content) returns the text computed last time,
read from the cache, and only a changed review is loaded, summarised and rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cybercoop_cli.errors import ExitCode

if TYPE_CHECKING:
    from cybercoop_cli.ingest.project import OpenedReview, Progress
    from cybercoop_cli.model import Project


def review_json_text(
    opened: OpenedReview, *, indent: bool, progress: Progress | None = None
) -> tuple[str, int]:
    """The review as JSON text (two-space indented, or compact) and its exit code.

    The exit code is :attr:`ExitCode.INPUT` when an input file has errors, else
    :attr:`ExitCode.OK`: the document is complete either way and lists the problems.
    """
    from cybercoop_cli.gcpause import paused_gc

    memo = f"review --format json, {'indented' if indent else 'compact'}"
    hit = opened.recall(memo)
    if hit is not None:
        return hit
    # The loaded review (10,000 notes: 100,000 objects, none in a cycle) lives only in
    # this block and is freed by reference counting at its end: with the collector on in
    # between, it would walk them all (30 ms), and twice (see gcpause).
    with paused_gc():
        loaded = opened.load(progress=progress)
        code = exit_code_for(loaded)
        text = render_review_json(loaded, indent=indent)
        del loaded
    opened.remember(memo, text, code)
    return text, code


def render_review_json(project: Project, *, indent: bool) -> str:
    """A loaded review summarised and written as JSON text, ending with a newline."""
    from cybercoop_cli.analysis.review import summarize
    from cybercoop_cli.gcpause import paused_gc
    from cybercoop_cli.render.jsonout import dumps, review_json

    # A linked claim and a dict per claim, none in a cycle: with a loaded review of
    # 10,000 notes alive, the collector's full walks cost 0.4 s here (see gcpause).
    with paused_gc():
        return dumps(review_json(summarize(project)), indent=indent)


def exit_code_for(project: Project) -> int:
    """Input errors found while loading make a command fail with the input exit code."""
    return int(ExitCode.INPUT) if project.has_errors else int(ExitCode.OK)
