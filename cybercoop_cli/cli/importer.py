"""``cybercoop import``: bring sources into the review's references."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cybercoop_cli.cli.common import ProjectOption, print_json


class FromFormat(StrEnum):
    auto = "auto"
    bibtex = "bibtex"
    csl_json = "csl-json"
    ris = "ris"


class ImportOutput(StrEnum):
    text = "text"
    json = "json"


def import_sources(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="BibTeX (.bib), CSL-JSON (.json, as Zotero and Better BibTeX export) or RIS "
            "(.ris, as databases and EndNote export) files.",
            show_default=False,
        ),
    ],
    from_format: Annotated[
        FromFormat,
        typer.Option(
            "--from",
            help="The files' format; auto tells it from the extension, else from the content.",
        ),
    ] = FromFormat.auto,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", "-n", help="Show what would be added and skipped; write nothing."
        ),
    ] = False,
    output_format: Annotated[
        ImportOutput,
        typer.Option(
            "--format", "-f", help="text: a report for people; json: the same as one JSON document."
        ),
    ] = ImportOutput.text,
    project: ProjectOption = None,
) -> None:
    """Add sources to the review: new entries are appended to references/imported.bib.

    Sources already in the review are skipped and reported with the entry they duplicate
    (same DOI, or same title, first author and year: the gap report's rules). An entry
    without a key, or whose key is taken, gets a new one: familyYEARword (chang2020legislative),
    with a, b ... on a clash. A file with errors is not imported (exit code 3); other files are.
    """
    from cybercoop_cli.ingest.project import find_review_file
    from cybercoop_cli.ingest.review import REVIEW_FILE, read_review
    from cybercoop_cli.render.import_report import import_json, import_lines
    from cybercoop_cli.workflow.importer import InputFormat, apply_import, plan_import

    review_file = (
        (project if project.is_file() else project / REVIEW_FILE) if project else find_review_file()
    )
    if project is not None and not review_file.is_file():
        from cybercoop_cli.errors import ProjectNotFoundError

        raise ProjectNotFoundError(
            f"no {REVIEW_FILE} in {project}: run 'cybercoop init {project}' first"
        )
    review = read_review(review_file)
    fmt = None if from_format is FromFormat.auto else InputFormat(from_format.value)
    plan = plan_import(review, files, fmt=fmt)
    written = None if dry_run else apply_import(plan)
    if output_format is ImportOutput.json:
        print_json(import_json(plan, written))
    else:
        for line in import_lines(plan, written, dry_run=dry_run):
            typer.echo(line)
    raise typer.Exit(3 if plan.has_errors else 0)
