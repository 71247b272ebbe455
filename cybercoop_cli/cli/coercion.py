"""Parameter coercion without Pydantic, for start-up time.

Typer 0.29 coerces every parameter's value through a Pydantic ``TypeAdapter``, built on
first use; importing Pydantic and building the adapters costs about 70 ms on every
command, half of what the rest of start-up costs. Our parameters are only ``str``,
``Path``, ``bool`` and string enums (or lists of them), whose coercion is simple, so this
module gives each such parameter a coercion that does what Typer's does: a ``Path`` goes
through Typer's own path checks (``coerce_cli_path``), an enum through Typer's own choice
matching (``coerce_cli_choice``). Any value these cannot take (a wrong choice, say), and
any other type, is handed to Typer's own coercion, so error messages are Typer's.

``tests/cli/test_coercion.py`` checks, for every parameter of every command and a set of
values, that the result equals Typer's own; if a Typer release changes the internals used
here, :func:`install` leaves that parameter alone and Typer's own coercion runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperCommand, TyperGroup


class _Unhandled(Exception):
    """This value is for Typer's own coercion."""


class PlainCoercion:
    """Typer's coercion for ``str``, ``Path`` and string-enum parameters, without Pydantic."""

    def __init__(self, leaf: type, many: bool, parameter_info: Any) -> None:
        self.leaf = leaf
        self.many = many
        self.parameter_info = parameter_info

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multi = param.multiple or param.nargs == -1
        if value is None:
            return () if multi else None
        try:
            if self.many and multi and isinstance(value, list | tuple):
                return [self._one(item, param, ctx) for item in value]
            if not self.many and not multi:
                return self._one(value, param, ctx)
        except _Unhandled:
            pass
        from typer._coercion import build_runtime_param

        return build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        leaf = self.leaf
        if leaf is bool:
            if isinstance(value, bool):
                return value
            raise _Unhandled
        if leaf is str:
            if isinstance(value, str):
                return value
            raise _Unhandled
        if leaf is Path:
            path = Path(value) if isinstance(value, str | Path) else None
            if path is None or str(path) != str(value):
                raise _Unhandled  # messages name the value as given: Typer's own then
            from typer._param_types import coerce_cli_path

            return coerce_cli_path(path, self.parameter_info, path_type=Path, param=param, ctx=ctx)
        if isinstance(value, leaf):
            return value
        if not isinstance(value, str):
            raise _Unhandled
        from typer._param_types import coerce_cli_choice

        try:
            return coerce_cli_choice(
                value,
                choices=tuple(leaf),  # type: ignore[arg-type]
                case_sensitive=self.parameter_info.case_sensitive,
                ctx=ctx,
            )
        except ValueError:
            raise _Unhandled from None


def plain_coercion(param: Any) -> PlainCoercion | None:
    """The coercion for ``param``, or None when it is not one this module handles."""
    descriptor = getattr(param, "type_descriptor", None)
    info = getattr(descriptor, "parameter_info", None)
    if descriptor is None or info is None or descriptor.file_annotation is not None:
        return None
    if getattr(info, "parser", None) is not None or getattr(info, "path_type", None):
        return None
    annotation = descriptor.annotation
    many = get_origin(annotation) is list
    if many:
        (annotation,) = get_args(annotation) or (None,)
    if annotation is str or annotation is Path or annotation is bool:
        return PlainCoercion(annotation, many, info)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, Enum)
        and all(isinstance(member.value, str) for member in annotation)
    ):
        return PlainCoercion(annotation, many, info)
    return None


def install(command: Any) -> None:
    """Give every parameter of ``command`` (and of its subcommands) a plain coercion."""
    for param in getattr(command, "params", ()):
        install_param(param)
    for sub in getattr(command, "commands", {}).values():
        install(sub)


def install_param(param: Any) -> None:
    """Give ``param`` a plain coercion, if it is a parameter this module handles."""
    if getattr(param, "_runtime_param", False) is not None:
        return  # not Typer's lazily built runtime parameter: leave it alone
    coercion = plain_coercion(param)
    if coercion is not None:
        param._runtime_param = coercion


class PlainCommand(TyperCommand):
    """A Typer command whose parameters, ``--help`` included, coerce without Pydantic."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install(self)
        return list(super().parse_args(ctx, args))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # made on first use
        if option is not None:
            install_param(option)
        return option


class PlainGroup(TyperGroup):
    """A Typer group whose parameters, its commands' and ``--help`` coerce without Pydantic."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install(self)
        return list(super().parse_args(ctx, args))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            install_param(option)
        return option
