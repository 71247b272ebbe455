"""``cybercoop init``: start a review in a new or empty folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cybercoop_cli.errors import OutputError, UsageError


def _ask_items(what: str, explanation: str) -> list[str]:
    typer.echo(explanation)
    answers: list[str] = []
    while True:
        answer = typer.prompt(f"  {what} {len(answers) + 1}", default="", show_default=False)
        if not answer.strip():
            return answers
        answers.append(answer)


def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="The folder for the new review; it is created if missing. Default: the current folder.",
            show_default=False,
        ),
    ] = Path(),
    title: Annotated[
        str | None,
        typer.Option(
            "--title", help="The review's title, as the paper will have it.", show_default=False
        ),
    ] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question", help="The research question the review answers.", show_default=False
        ),
    ] = None,
    facet: Annotated[
        list[str] | None,
        typer.Option(
            "--facet",
            help="A facet of the question, as 'id=question' or just the question (repeatable).",
            show_default=False,
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            help="A section of the paper, as 'id=title' or just the title (repeatable). "
            "Default: Introduction, Background, Discussion, Conclusion.",
            show_default=False,
        ),
    ] = None,
    style: Annotated[
        str, typer.Option("--style", help="The citation style for export (a CSL style name).")
    ] = "apa",
    no_input: Annotated[
        bool,
        typer.Option(
            "--no-input",
            help="Ask nothing: take everything from the options (--title and --question are then required).",
        ),
    ] = False,
) -> None:
    """Start a review: write cybercoop.yaml (title, question, facets, sections), make
    references/ and notes/, a .gitignore for cybercoop's cache and a README that says how to
    go on. Asks for what the options do not give, unless --no-input.

    An existing review is never overwritten (exit code 5).
    """
    from cybercoop_cli.ingest.review import REVIEW_FILE
    from cybercoop_cli.workflow.scaffold import ReviewPlan, init_review, parse_items

    if (folder / REVIEW_FILE).exists():
        raise OutputError(
            f"{folder / REVIEW_FILE} exists: this folder is already a review; nothing was changed"
        )
    if no_input:
        missing = [
            name for name, value in (("--title", title), ("--question", question)) if not value
        ]
        if missing:
            raise UsageError(f"with --no-input, give {' and '.join(missing)}")
    else:
        if title is None:
            default = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize()
            title = typer.prompt("Title of the review", default=default or None)
        if question is None:
            question = typer.prompt("Research question")
        if facet is None:
            facet = _ask_items(
                "facet",
                "Facets of the question (the parts it asks about), one per line as 'id=question'\n"
                "or just the question; an empty line ends (no facets is fine):",
            )
        if section is None:
            section = _ask_items(
                "section",
                "Sections of the paper, in order, one per line as 'id=title' or just the title;\n"
                "an empty line ends (none: Introduction, Background, Discussion, Conclusion):",
            )
    plan = ReviewPlan(
        title=" ".join(str(title).split()),
        question=" ".join(str(question).split()),
        facets=parse_items(facet or [], "facet"),
        sections=parse_items(section or [], "section"),
        style=style,
    )
    result = init_review(folder, plan)
    for path in result.created:
        typer.echo(f"created {path}{'/' if path.is_dir() else ''}")
    for path in result.kept:
        typer.echo(f"kept    {path}{'/' if path.is_dir() else ''} (it was already there)")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    typer.echo(
        f"\nNext: {where}cybercoop import YOUR-LIBRARY.json (or .bib, .ris), then "
        "cybercoop note new KEY --edit, then cybercoop review."
    )
