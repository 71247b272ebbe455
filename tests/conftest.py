"""Shared fixtures: the shipped example, the real-material corpus, and golden files.

Golden files live in tests/golden/. Regenerate them with
``CYBERCOOP_REGEN_GOLDEN=1 python -m pytest``, then read the diff before committing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
DATA = REPO / "tests" / "data"
CORPUS = REPO.parent / "shared" / "corpus"
REGEN = os.environ.get("CYBERCOOP_REGEN_GOLDEN") == "1"


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A private copy of the shipped example review, safe to modify."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy2(REPO / "cybercoop.yaml", target / "cybercoop.yaml")
    for folder in ("references", "notes", "manuscript"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture
def corpus() -> Path:
    """The folder of real bibliographies and manuscripts; the test is skipped without it."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} is absent")
    return CORPUS


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/NAME; regenerate it when CYBERCOOP_REGEN_GOLDEN=1."""
    path = GOLDEN / name
    if REGEN or not path.exists():
        if not REGEN:
            pytest.fail(f"golden file {path} is missing; run with CYBERCOOP_REGEN_GOLDEN=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {path}; regenerate with CYBERCOOP_REGEN_GOLDEN=1"
    )


@pytest.fixture
def golden() -> object:
    """The golden-file comparison, as a fixture: ``golden("name.txt", text)``."""
    return assert_golden


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache folder, never the user's."""
    monkeypatch.setenv("CYBERCOOP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def lock_folder(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Make a folder unreadable (mode 000) for the test, restored afterwards.

    Skips where that does not stop this process reading it: as root (or with
    CAP_DAC_OVERRIDE), and on Windows, where the mode bits do not control reading.
    """
    probe = tmp_path / ".lock-probe"
    probe.mkdir()
    probe.chmod(0)
    try:
        list(probe.iterdir())
    except PermissionError:
        pass
    else:
        pytest.skip("this process reads folders whatever their mode (root, or Windows)")
    finally:
        probe.chmod(0o755)
        probe.rmdir()
    locked: list[Path] = []

    def lock(folder: Path) -> Path:
        folder.chmod(0)
        locked.append(folder)
        return folder

    yield lock
    for folder in reversed(locked):
        folder.chmod(0o755)
