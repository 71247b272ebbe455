"""``cybercoop note``: reading notes (``note new KEY``)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from cybercoop_cli.cli.common import NoCacheOption, ProjectOption, QuietOption, load
from cybercoop_cli.cli.completion import complete_facet, complete_key, complete_section

note_app = typer.Typer(
    name="note",
    help="Reading notes: one per source, with its annotation and claims.",
    no_args_is_help=True,
    cls=TyperGroup,
)


class StanceChoice(StrEnum):
    supports = "supports"
    contests = "contests"
    qualifies = "qualifies"


@note_app.command("new", cls=TyperCommand)
def new(
    key: Annotated[
        str,
        typer.Argument(
            help="The source's key; the shell completes it, and a mistyped one gets a suggestion.",
            autocompletion=complete_key,
            show_default=False,
        ),
    ],
    claim: Annotated[
        str | None,
        typer.Option(
            "--claim", help="Start the note with this claim (one sentence).", show_default=False
        ),
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            help="Tag the --claim with this section id (repeatable; the shell completes ids).",
            autocompletion=complete_section,
            show_default=False,
        ),
    ] = None,
    facet: Annotated[
        list[str] | None,
        typer.Option(
            "--facet",
            help="Tag the --claim with this facet id (repeatable; the shell completes ids).",
            autocompletion=complete_facet,
            show_default=False,
        ),
    ] = None,
    stance: Annotated[
        StanceChoice,
        typer.Option("--stance", help="How the --claim bears on its sections."),
    ] = StanceChoice.supports,
    edit: Annotated[
        bool,
        typer.Option(
            "--edit", "-e", help="Open the new note in $VISUAL or $EDITOR, when one is set."
        ),
    ] = False,
    project: ProjectOption = None,
    quiet: QuietOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Write notes/KEY.md: front matter filled from the source (key, title; authors and year
    in a comment), empty annotation parts, and the review's section and facet ids listed as
    choices. Never replaces an existing note (exit code 5).
    """
    from cybercoop_cli.model import Stance
    from cybercoop_cli.workflow.newnote import create_note

    loaded = load(project, quiet, no_cache)
    path = create_note(
        loaded,
        key,
        claim=claim or "",
        sections=section or [],
        facets=facet or [],
        stance=Stance(stance.value),
    )
    from cybercoop_cli.render.import_report import shown

    typer.echo(f"created {shown(path)}: fill in its annotation and claims")
    if not edit:
        return
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        typer.echo("--edit: no $VISUAL or $EDITOR is set; open the note yourself", err=True)
        return
    import shlex
    import subprocess

    # Typer 0.29 vendors click, so click is not ours to import; run the editor directly,
    # as git does, splitting $EDITOR the way a shell would ("code --wait").
    from cybercoop_cli.errors import ExternalToolError

    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except (OSError, ValueError) as exc:  # not installed, not executable, bad quoting
        raise ExternalToolError(
            f"--edit: cannot run the editor {editor!r} ({exc}); the note was created: "
            "open it yourself"
        ) from exc
