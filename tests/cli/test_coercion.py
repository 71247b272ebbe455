"""Our Pydantic-free coercion must do exactly what Typer's own does, for every parameter."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.main import get_command

from cybercoop_cli.cli.app import app
from cybercoop_cli.cli.coercion import PlainCoercion, plain_coercion

REPO = Path(__file__).resolve().parents[2]


def all_params() -> Iterator[tuple[str, Any, Any]]:
    root = get_command(app)
    ctx = typer.Context(root)

    def walk(command: Any, name: str) -> Iterator[tuple[str, Any, Any]]:
        for param in command.get_params(ctx):
            yield f"{name} {param.name}", param, command
        for sub_name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{name} {sub_name}")

    yield from walk(root, "cybercoop")


def outcome(coercion: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "value", coercion.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # both sides must fail alike
        return type(exc).__name__, str(getattr(exc, "message", exc))


def samples(tmp: Path) -> list[Any]:
    (tmp / "file.txt").write_text("x")
    (tmp / "folder").mkdir(exist_ok=True)
    words = ["json", "text", "apa", "md", "none", "section", "error", "JSON", "x", "", "-"]
    paths = [str(tmp / "file.txt"), str(tmp / "folder"), str(tmp / "missing.md")]
    return [*words, *paths, Path(paths[0]), True, False, 3]


def test_every_parameter_is_handled_without_pydantic() -> None:
    unhandled = [name for name, param, _ in all_params() if plain_coercion(param) is None]
    assert unhandled == []


def test_plain_coercion_equals_typers_own(tmp_path: Path) -> None:
    values = samples(tmp_path)
    compared = 0
    for name, param, command in all_params():
        plain = plain_coercion(param)
        assert isinstance(plain, PlainCoercion), name
        typer_own = build_runtime_param(param.type_descriptor)
        ctx = typer.Context(command)
        multi = param.multiple or param.nargs == -1
        candidates: list[Any] = [None, param.default]
        candidates += [[v] for v in values] + [values[:3]] if multi else values
        for value in candidates:
            ours = outcome(plain, value, param, ctx)
            theirs = outcome(typer_own, value, param, ctx)
            assert ours == theirs, (name, value)
            compared += 1
    assert compared > 500


@pytest.mark.parametrize(
    "args",
    [
        ["review", "-f", "json"],
        ["sources", "--format", "json", "--quiet"],
        ["review", "--help"],
        ["--help"],
        ["note", "new", "--help"],
    ],
)
def test_commands_do_not_import_pydantic(args: list[str], tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('pydantic' in sys.modules, file=sys.stderr))\n"
        f"sys.argv = ['cybercoop', *{args!r}]\n"
        "from cybercoop_cli.cli.app import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr


def test_a_wrong_choice_gets_typers_message(example_project: Path) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["review", "-p", str(example_project), "-f", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.output
