"""Options and helpers shared by the commands: finding the review, consoles, exit codes."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cybercoop_cli.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from cybercoop_cli.ingest.project import OpenedReview
    from cybercoop_cli.model import Problem, Project

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        help="The review's folder. Default: the nearest folder, from here upwards, holding cybercoop.yaml.",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or notices on stderr.")
]


def stdout_console() -> Console:
    """A console on stdout; colour only on a terminal, and never with NO_COLOR set."""
    from rich.console import Console

    class _PipedConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich points stdout at devnull and exits 1; a reader that stops early
            # (`cybercoop review | head`) is no failure, so let the error boundary end
            # the command with exit 0, as it does for any other closed pipe.
            with contextlib.suppress(SystemExit):
                super().on_broken_pipe()
            raise BrokenPipeError(errno.EPIPE, "the reader of standard output has gone")

    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return _PipedConsole(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False)


def print_json(data: Any) -> None:
    """Write one JSON document to stdout: indented on a terminal, compact when piped.

    As with ``gh --json`` or ``jq -c``, what a program reads need not be pretty: compact
    output has no spaces at all.
    """
    sys.stdout.write(json_text(data))


def json_text(data: Any) -> str:
    """The text :func:`print_json` writes: indented on a terminal, compact when piped."""
    from cybercoop_cli.render.jsonout import dumps

    return dumps(data, indent=sys.stdout.isatty())


@contextmanager
def progress(quiet: bool, label: str) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on stderr, shown only on a terminal and without --quiet.

    The bar starts with the first report, so work that ends without one (an answer read
    from the cache) shows none and imports nothing for it.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda _stage, _done, _total: None
        return
    with ExitStack() as stack:
        started: list[Callable[[str, int, int], None]] = []

        def update(stage: str, done: int, total: int) -> None:
            if not started:
                started.append(_start_bar(stack, label))
            started[0](stage, done, total)

        yield update


def _start_bar(stack: ExitStack, label: str) -> Callable[[str, int, int], None]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = stack.enter_context(
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=stderr_console(),
            transient=True,
        )
    )
    task = bar.add_task(label, total=None)

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, description=f"{label}: {stage}", completed=done, total=total or None)

    return update


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every input afresh instead of reusing the cache of unchanged files.",
    ),
]


# Options given before the command (cybercoop --no-cache review); set by the app's callback
# on every invocation.
GLOBAL_OPTIONS: dict[str, bool] = {"no_cache": False}


def cache_enabled(no_cache: bool = False) -> bool:
    """The cache is on unless --no-cache (here or before the command) or CYBERCOOP_NO_CACHE."""
    return not (no_cache or GLOBAL_OPTIONS["no_cache"] or os.environ.get("CYBERCOOP_NO_CACHE"))


def load(project: Path | None, quiet: bool = False, no_cache: bool = False) -> Project:
    """Load the review named by --project, or the one found from the current folder."""
    return load_opened(open_project(project, quiet, no_cache), quiet)


def open_project(project: Path | None, quiet: bool = False, no_cache: bool = False) -> OpenedReview:
    """Find the review and learn its inputs' fingerprint (with the cache on), parsing nothing."""
    from cybercoop_cli.ingest.project import open_review

    def warn(message: str) -> None:
        if not quiet:
            stderr_console().print(f"warning: {message}", markup=False, highlight=False)

    return open_review(project, cache=cache_enabled(no_cache), warn=warn)


def load_opened(opened: OpenedReview, quiet: bool = False) -> Project:
    """Parse an opened review, with a progress bar on a terminal."""
    with progress(quiet, "loading") as update:
        return opened.load(progress=update)


def report_problems(
    problems: Sequence[Problem], quiet: bool = False, *, skip: Collection[str] = ()
) -> int:
    """Every input problem on stderr, one line each, and the exit code they call for.

    The one way the commands that read inputs report them: ``severity: file:line: message``
    (the message says what to do). Errors are always shown; warnings not with --quiet.
    Problems whose ``code`` is in ``skip`` are left out, for a command whose report shows
    them itself (``gaps`` lists unknown keys as findings). Returns the input exit code when
    any problem shown is an error, else 0: the command still writes what it can.
    """
    from cybercoop_cli.model import Severity

    shown = [p for p in problems if p.code not in skip]
    console = stderr_console() if shown else None
    for problem in shown:
        if quiet and problem.severity is not Severity.ERROR:
            continue
        assert console is not None
        console.print(
            f"{problem.severity.value}: {problem.location()}: {problem.message}",
            markup=False,
            highlight=False,
            soft_wrap=True,  # a file:line or key is never broken across lines
        )
    failed = any(p.severity is Severity.ERROR for p in shown)
    return int(ExitCode.INPUT if failed else ExitCode.OK)
