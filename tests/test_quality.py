"""The code stays lint-clean, formatted and type-checked: part of the test suite, so CI enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=False)


def tool(name: str) -> str | None:
    """A command installed beside this Python (``.venv/bin/python -m pytest`` runs the suite
    without activating the environment, so its ruff is not on PATH), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


RUFF = tool("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed with the test extra")
def test_ruff_lint() -> None:
    assert RUFF is not None
    proc = run(RUFF, "check", "cybercoop_cli", "tests", "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.skipif(RUFF is None, reason="ruff is installed with the test extra")
def test_ruff_format() -> None:
    assert RUFF is not None
    proc = run(RUFF, "format", "--check", "cybercoop_cli", "tests", "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_the_library() -> None:
    pytest.importorskip("mypy")
    proc = run(sys.executable, "-m", "mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_library_never_imports_typer_or_prints() -> None:
    """Outside cli/, nothing imports typer or calls the print builtin (renderers write to a
    console or stream they are given)."""
    import re

    bare_print = re.compile(r"(?<![.\w])print\(")
    offenders = []
    for path in (REPO / "cybercoop_cli").rglob("*.py"):
        if "cli" in path.relative_to(REPO / "cybercoop_cli").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "import typer" in text or "from typer" in text or bare_print.search(text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_help_and_version_do_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from cybercoop_cli.cli.app import app\n"
        "heavy = {'bibtexparser', 'rapidfuzz', 'yaml', 'pypandoc', 'docx', 'pylatexenc'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_parsing_a_command_line_does_not_import_pydantic(example_project: Path) -> None:
    """typer 0.29 builds a pydantic TypeAdapter for every parameter, which costs 0.08 s of
    every command's start-up (half of an unchanged re-run's time); pyproject.toml pins
    typer below 0.29 for that reason. This fails when the pin is lifted or a release that
    imports pydantic is installed."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'pydantic: {\"pydantic\" in sys.modules}'))\n"
        f"sys.argv = ['cybercoop', 'review', '--format', 'json', '--quiet', '--project', {str(example_project)!r}]\n"
        "from cybercoop_cli.cli.app import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.endswith("pydantic: False"), proc.stderr
