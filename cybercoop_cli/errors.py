"""Typed errors, each with the exit code the CLI's one error boundary maps it to.

Exit codes (documented in docs/exit-codes.md):

====  ==========================================================================
0     success; the report found nothing at or above ``--fail-on``
1     findings at or above ``--fail-on`` (``check``, ``gaps``)
2     usage error: a bad option or argument
3     input error: a file could not be read, or had problems that were reported
4     no review found (no ``cybercoop.yaml`` here or in a parent folder)
5     output error: the output exists (use ``--force``) or cannot be written
6     a required external tool (pandoc) is missing or failed
70    internal error: a bug in cybercoop (run again with ``--debug``)
130   interrupted (Ctrl-C, or SIGTERM)
====  ==========================================================================
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INPUT = 3
    NO_PROJECT = 4
    OUTPUT = 5
    EXTERNAL_TOOL = 6
    INTERNAL = 70
    INTERRUPTED = 130


class CybercoopError(Exception):
    """Base of every error the library raises on purpose.

    ``file`` and ``line`` say where the problem is, when it is in an input file.
    """

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message


class InputError(CybercoopError):
    """An input file is unreadable or malformed."""

    exit_code = ExitCode.INPUT


class ProjectNotFoundError(CybercoopError):
    """No review file in the folder or any of its parents."""

    exit_code = ExitCode.NO_PROJECT


class UsageError(CybercoopError):
    """The arguments do not make sense together."""

    exit_code = ExitCode.USAGE


class OutputError(CybercoopError):
    """An output cannot be written, or would overwrite a file without ``--force``."""

    exit_code = ExitCode.OUTPUT


class ExternalToolError(CybercoopError):
    """pandoc (or another required tool) is missing or failed."""

    exit_code = ExitCode.EXTERNAL_TOOL


class UnknownKeyError(InputError):
    """A citation key that is not in the bibliography."""

    def __init__(
        self,
        key: str,
        suggestion: str | None = None,
        *,
        file: str | None = None,
        line: int | None = None,
    ):
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"unknown source key '{key}'{hint}", file=file, line=line)
        self.key = key
        self.suggestion = suggestion
