"""``cybercoop sources``: the parsed bibliography and what is wrong with it."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cybercoop_cli.cli.common import ProjectOption, QuietOption, print_json, stdout_console
from cybercoop_cli.errors import ExitCode, InputError


class SourcesFormat(StrEnum):
    text = "text"
    json = "json"


def sources(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="BibTeX/BibLaTeX files to read as one bibliography. Default: the review's references.",
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = None,
    output_format: Annotated[
        SourcesFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: a table on a terminal (plain tab-separated lines when piped or longer than the screen); json: one JSON document.",
        ),
    ] = SourcesFormat.text,
    quiet: QuietOption = False,
) -> None:
    """List the parsed sources, then every problem with its file and line.

    Each source with its key, type, authors, year and title. Recoverable entries and
    fields are always kept, whatever else is wrong with a file.

    Exit code 0 when the files have no errors, 3 when they do (warnings do not count).
    """
    from cybercoop_cli.model import Severity

    if files:
        from cybercoop_cli.ingest.bibtex import read_bibliography

        missing = [f for f in files if not f.is_file()]
        if missing:
            raise InputError("no such file", file=str(missing[0]))
        bibliography = read_bibliography(files)
        found, problems = bibliography.sources, bibliography.problems
    else:
        from cybercoop_cli.ingest.project import load_bibliography

        bibliography = load_bibliography(project)
        found, problems = bibliography.sources, bibliography.problems
    if output_format is SourcesFormat.json:
        from cybercoop_cli.render.jsonout import sources_json

        print_json(sources_json(found, problems))
    elif _fits_on_screen(len(found) + len(problems)):
        from cybercoop_cli.render.terminal import render_sources

        render_sources(found, problems, stdout_console())
    else:
        from cybercoop_cli.render.sources_text import sources_text

        sys.stdout.write(sources_text(found, problems))
    failed = any(p.severity is Severity.ERROR for p in problems)
    raise typer.Exit(int(ExitCode.INPUT if failed else ExitCode.OK))


def _fits_on_screen(lines: int) -> bool:
    """A table only on a terminal, and only when it fits on the screen (else plain lines)."""
    if not sys.stdout.isatty():
        return False
    import shutil

    return lines + 8 <= shutil.get_terminal_size().lines
