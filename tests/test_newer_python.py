"""The suite's core passes on the newest Python this machine has, not only on the one
running the suite (requires-python is ">=3.11": a user may well have 3.13).

The interpreter is looked for as ``python3.N`` on PATH, then among pyenv's versions;
without a newer one the test is skipped. Its dependencies go into a fresh virtual
environment (about 40 s, and 400 MB in a temporary folder), read from pyproject.toml
so that the two cannot drift apart; cybercoop itself runs from this checkout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: What "the core" is: loading and caching, the model's analyses, check, and the CLI.
CORE = (
    "tests/cache",
    "tests/ingest/test_bibtex.py",
    "tests/ingest/test_notes.py",
    "tests/analysis/test_review_report.py",
    "tests/analysis/test_check.py",
    "tests/cli/test_review_cli.py",
)


def _version(python: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    found = re.fullmatch(r"(\d+) (\d+)\s*", done.stdout)
    return (int(found[1]), int(found[2])) if done.returncode == 0 and found else None


def newest_python() -> tuple[str, tuple[int, int]] | None:
    """The newest CPython newer than this one: on PATH, else installed by pyenv."""
    candidates = [f"python3.{minor}" for minor in range(20, sys.version_info[1], -1)]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        candidates += [str(path) for path in pyenv.glob("3.*/bin/python3")]
    best: tuple[str, tuple[int, int]] | None = None
    for candidate in candidates:
        version = _version(candidate)
        if version and version > sys.version_info[:2] and (best is None or version > best[1]):
            best = (candidate, version)
    return best


def test_the_core_passes_on_the_newest_python(tmp_path: Path) -> None:
    found = newest_python()
    if found is None:
        pytest.skip(f"no Python newer than {sys.version_info[0]}.{sys.version_info[1]} here")
    python, (major, minor) = found
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], "pytest", "hypothesis"]
    pip = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", *wanted],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if pip.returncode != 0:
        # Not cybercoop's failure: no index reachable, or no wheel for that Python yet.
        pytest.skip(f"cannot install the dependencies on {major}.{minor}: {pip.stderr[-300:]}")
    env = {**os.environ, "PYTHONPATH": str(REPO), "CYBERCOOP_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONHOME", None)
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *CORE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, f"on Python {major}.{minor}:\n{done.stdout[-3000:]}"
    assert re.search(r"\d+ passed", done.stdout), done.stdout[-500:]
