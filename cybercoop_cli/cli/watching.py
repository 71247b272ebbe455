"""``review --watch``: show the review again whenever one of its inputs changes."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import typer

from cybercoop_cli.cli.common import load
from cybercoop_cli.errors import CybercoopError
from cybercoop_cli.model import Project


def _review_file(project: Path | None) -> Path:
    from cybercoop_cli.errors import ProjectNotFoundError
    from cybercoop_cli.ingest.project import find_review_file
    from cybercoop_cli.ingest.review import REVIEW_FILE

    if project is None:
        return find_review_file()
    review_file = project if project.is_file() else project / REVIEW_FILE
    if not review_file.is_file():
        raise ProjectNotFoundError(f"no {REVIEW_FILE} in {project}")
    return review_file


def run_watch(
    project: Path | None,
    quiet: bool,
    show: Callable[[Project], None],
    *,
    no_cache: bool = False,
    stop_event: threading.Event | None = None,
) -> None:
    """Show the review now and after every relevant change, until Ctrl-C (or ``stop_event``).

    An input that cannot be read while it is being edited is reported, and watching goes on.
    """
    from cybercoop_cli.workflow.watch import changes

    review_file = _review_file(project)
    root = review_file.parent

    def render(changed: Sequence[Path]) -> None:
        if changed and sys.stdout.isatty():
            typer.echo("\033[2J\033[H", nl=False)  # clear the screen: one dashboard at a time
        try:
            show(load(project, quiet=True, no_cache=no_cache))
        except CybercoopError as exc:
            typer.echo(f"error: {exc}", err=True)
        if not quiet:
            names = ", ".join(_relative(p, root) for p in changed)
            cause = f" after a change to {names}" if names else ""
            typer.echo(
                f"[{time.strftime('%H:%M:%S')}] shown{cause}; watching for changes (Ctrl-C stops)",
                err=True,
            )

    try:
        render(())
        for changed in changes(review_file, stop_event=stop_event):
            render(changed)
    except KeyboardInterrupt:
        return


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.resolve()))
    except ValueError:
        return str(path)
