"""The ``cybercoop`` command: the Typer app, global options, and the one error boundary.

Every command module registers one small function here. Exceptions become exit codes
in :class:`CybercoopGroup.invoke` and nowhere else: a :class:`CybercoopError` prints
``error: FILE:LINE: message`` to stderr and exits with its code; anything else is a bug
and exits 70 with a request to re-run with ``--debug``, which shows the traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from cybercoop_cli import __version__
from cybercoop_cli.errors import CybercoopError, ExitCode


class CybercoopGroup(TyperGroup):
    """Click group whose ``invoke`` is the error boundary of every command."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # usage errors and deliberate exits: Typer reports them
        except CybercoopError as exc:
            _report(ctx, f"error: {exc}", exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            raise typer.Exit(int(ExitCode.OK)) from None
        except Exception as exc:
            if _no_room(exc):
                _report(ctx, f"error: cannot write the output: {_strerror(exc)}", exc)
                raise typer.Exit(int(ExitCode.OUTPUT)) from None
            _report(
                ctx,
                f"internal error: {type(exc).__name__}: {exc} "
                "(this is a bug in cybercoop; run again with --debug and report the traceback)",
                exc,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _report(ctx: typer.Context, message: str, exc: BaseException) -> None:
    if _debug(ctx):
        traceback.print_exception(exc, file=sys.stderr)
    typer.echo(message, err=True)


def _debug(ctx: typer.Context) -> bool:
    obj = ctx.find_root().obj
    return bool(isinstance(obj, dict) and obj.get("debug")) or bool(
        os.environ.get("CYBERCOOP_DEBUG")
    )


app = typer.Typer(
    cls=CybercoopGroup,
    name="cybercoop",
    help=(
        "Literature reviews and citations from the command line.\n\n"
        "Run it inside a review (a folder with cybercoop.yaml, or below one) or point it at "
        "one with --project. Start with 'cybercoop review'."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich help formatting doubles start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cybercoop {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when something fails.")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Parse every input afresh for this command; the same as the command's own --no-cache.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = {"debug": debug}
    from cybercoop_cli.cli.common import GLOBAL_OPTIONS

    GLOBAL_OPTIONS["no_cache"] = no_cache


def _register() -> None:
    from cybercoop_cli.cli import cache, check, export, gaps, importer, init, note, review, sources

    # (name, function, the one line shown in 'cybercoop --help')
    commands: list[tuple[str, Callable[..., Any], str]] = [
        (
            "review",
            review.review,
            "Where the review stands, section by section, and what to do next.",
        ),
        (
            "sources",
            sources.sources,
            "The parsed bibliography and every problem in it, with file and line.",
        ),
        (
            "export",
            export.export,
            "Write an annotated bibliography in any CSL style (md, html, docx, latex).",
        ),
        ("gaps", gaps.gaps, "Where the evidence is thin: coverage, sources, metadata, balance."),
        (
            "check",
            check.check,
            "Check a manuscript's citations against the sources, and its claims.",
        ),
        ("init", init.init, "Start a new review in a folder."),
        (
            "import",
            importer.import_sources,
            "Add sources from BibTeX, CSL-JSON or RIS, skipping duplicates.",
        ),
    ]
    for name, function, summary in commands:
        app.command(name, short_help=summary, cls=TyperCommand)(function)
    app.add_typer(note.note_app, name="note")
    app.add_typer(cache.cache_app, name="cache")


_register()


def main() -> None:
    """Console-script entry point.

    A full disk behind standard output (``cybercoop review > /dev/full``, also for
    ``--help`` and ``--version``, which print before any command runs) is one line on
    standard error and exit 5, not a traceback.
    """
    code: object = 0
    _terminate_as_interrupt()
    try:
        app(prog_name="cybercoop")
    except SystemExit as done:
        code = done.code
    except OSError as exc:
        if not _no_room(exc):
            raise
        code = _cannot_write(exc)
    try:
        _flush_or_discard()
    except OSError as exc:
        if not _no_room(exc):
            raise
        code = _cannot_write(exc)
    raise SystemExit(code)


def _terminate_as_interrupt() -> None:
    """SIGTERM (what ``kill``, a CI runner's timeout or a service manager sends) stops a
    command as Ctrl-C does: with exit code 130, after every cleanup has run (pandoc
    processes killed, temporary files removed). Its default action ends Python at once."""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt("terminated")

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGTERM, interrupt)


# errno values that mean the output has no room: a full disk, a full quota, a device error.
_NO_ROOM = {errno.ENOSPC, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def _no_room(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _NO_ROOM


def _strerror(exc: BaseException) -> str:
    return (isinstance(exc, OSError) and exc.strerror) or str(exc)


def _cannot_write(exc: OSError) -> int:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"error: cannot write the output: {_strerror(exc)}\n")
        sys.stderr.flush()
    _discard_stdout()
    return int(ExitCode.OUTPUT)


def _flush_or_discard() -> None:
    """Flush stdout; if its reader has gone (``cybercoop ... | head``), drop what is left.

    Otherwise the interpreter's own flush at exit would fail again and print "Exception
    ignored" (the recipe of the Python documentation, "Note on SIGPIPE"). Any other
    failure to flush is raised, after what is left has been dropped for the same reason.
    """
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        _discard_stdout()
    except OSError:
        _discard_stdout()
        raise


def _discard_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
