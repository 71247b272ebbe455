"""``cybercoop check``: are the manuscript's citations sound, and its claims cited?"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cybercoop_cli.cli.common import (
    NoCacheOption,
    ProjectOption,
    QuietOption,
    print_json,
    progress,
    report_problems,
)
from cybercoop_cli.errors import ExitCode, ProjectNotFoundError, UsageError


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def check(
    manuscript: Annotated[
        Path | None,
        typer.Argument(
            help="The manuscript (.md, .Rmd, .qmd, .txt, .tex, .docx or .pdf). "
            "Default: the review file's 'manuscript:' entry.",
            show_default=False,
        ),
    ] = None,
    bib: Annotated[
        list[Path] | None,
        typer.Option(
            "--bib",
            help="Resolve against these .bib files instead of the review's sources (repeatable).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: findings with context; json: citations and findings; sarif: SARIF 2.1.0.",
        ),
    ] = CheckFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a finding of this severity or worse is found."),
    ] = FailOn.error,
    project: ProjectOption = None,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Check a manuscript's citations and claims.

    Finds author-date citations (APA, Harvard), pandoc [@key] and LaTeX \\cite citations,
    resolves them against the review's sources, the --bib files, or else the manuscript's own
    reference list, and reports unresolved, misspelt, misdated and ambiguous citations,
    uncited references, et-al style, uncited claims, quotations without a page, quotations
    that differ from the notes, and (as hints) weakly supported citations.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error;
    3 the manuscript cannot be read, or an input (a .bib file, a note) has errors, which
    go to stderr; 4 --project names no review.
    """
    from cybercoop_cli.analysis.check import check_manuscript
    from cybercoop_cli.ingest.manuscript import read_manuscript
    from cybercoop_cli.model import Note, Problem, Severity, Source

    loaded = None
    if project is not None or manuscript is None or not bib:
        # The review gives the default manuscript and the sources; without one, a given
        # manuscript is checked against --bib or its own reference list.
        from cybercoop_cli.cli.common import load

        try:
            loaded = load(project, quiet, no_cache)
        except ProjectNotFoundError:
            if project is not None:
                raise
            if manuscript is None:
                raise UsageError(
                    "no manuscript given and no review found here: "
                    "run 'cybercoop check MANUSCRIPT' or pass --project DIR"
                ) from None
    if manuscript is None:
        assert loaded is not None
        if loaded.review.manuscript is None:
            raise UsageError(
                f"no manuscript given and {loaded.review.file.name} has no 'manuscript:' entry"
            )
        path = loaded.review.manuscript
        if not path.is_absolute():
            path = loaded.review.root / path
        display = _relative(path, loaded.review.root)
    else:
        path, display = manuscript, str(manuscript)
    text = read_manuscript(path, display=display)

    sources: Sequence[Source]
    notes: tuple[Note, ...] = ()
    problems: Sequence[Problem] = ()
    if bib:
        from cybercoop_cli.ingest.bibtex import read_bibliography

        missing = [str(b) for b in bib if not b.is_file()]
        if missing:
            from cybercoop_cli.errors import InputError

            raise InputError("bibliography not found", file=missing[0])
        bibliography = read_bibliography(bib)
        problems = bibliography.problems
        sources, origin = bibliography.sources, "bib"
    elif loaded is not None:
        problems = loaded.problems
        sources, notes, origin = loaded.sources, loaded.notes, "review"
    else:
        sources, origin = text.reference_sources(), "reference-list"
        if not sources:
            raise UsageError(
                f"{display}: no sources to check against: pass --bib FILE, run inside a "
                "review, or give the manuscript a References section"
            )
    _warn(quiet, [f"{display}: {w}" for w in text.warnings])

    with progress(quiet, "check") as update:
        report = check_manuscript(text, sources, notes, origin=origin, progress=update)
    if output_format is CheckFormat.json:
        from cybercoop_cli.render.check_json import check_json

        print_json(check_json(report, text))
    elif output_format is CheckFormat.sarif:
        from cybercoop_cli.render.check_sarif import check_sarif

        print_json(check_sarif(report))
    else:
        from cybercoop_cli.render.check_text import render_check_text

        sys.stdout.write(render_check_text(report))
    # Input errors (a .bib syntax error, a note that cannot be read) outrank findings: the
    # report was made without what could not be read.
    input_code = report_problems(problems, quiet)
    threshold = Severity(fail_on.value)
    findings_code = int(ExitCode.FINDINGS) if report.fails(threshold) else int(ExitCode.OK)
    raise typer.Exit(input_code or findings_code)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _warn(quiet: bool, messages: list[str]) -> None:
    if quiet:
        return
    for message in messages:
        typer.echo(f"warning: {message}", err=True)
