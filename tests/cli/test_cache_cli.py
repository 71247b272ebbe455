"""The cache as users meet it: the real program in a subprocess (``python -m cybercoop_cli``,
the same ``main()`` the console script runs), with a cache folder of its own.

A planted or damaged cache never changes a result and never runs code.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cache: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CYBERCOOP_CACHE_DIR": str(cache)}
    env.pop("CYBERCOOP_NO_CACHE", None)
    return subprocess.run(
        [sys.executable, "-m", "cybercoop_cli", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def review(project: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run(*extra, "review", "-p", str(project), "-f", "json", cache=cache)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    return folder


class Planted:
    """Unpickling this creates a file: the proof that a planted pickle ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (self.marker, "code ran"))


def test_info_and_clear(example_project: Path, cache: Path) -> None:
    empty = run("cache", "info", cache=cache)
    assert empty.returncode == 0 and "none yet" in empty.stdout
    review(example_project, cache)
    info = run("cache", "info", cache=cache)
    assert info.returncode == 0
    assert f"file: {cache / 'cache.sqlite3'}" in info.stdout
    assert str(example_project / "cybercoop.yaml") in info.stdout and "reviews: 1" in info.stdout
    (cache / "notes.txt").write_text("not ours")
    cleared = run("cache", "clear", cache=cache)
    assert cleared.returncode == 0 and "removed" in cleared.stdout
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt"]


def test_a_planted_pickle_never_runs(example_project: Path, cache: Path, tmp_path: Path) -> None:
    good = review(example_project, cache, "--no-cache").stdout
    marker = tmp_path / "marker"
    payload = pickle.dumps(Planted(marker))
    (cache / "cache.sqlite3").write_bytes(payload)
    for name in ("review-1.pickle", "review-1.files", "review-1.index", "review-1.x.memo"):
        (cache / name).write_bytes(payload)
    assert review(example_project, cache).stdout == good
    assert review(example_project, cache).stdout == good
    assert not marker.exists()


def test_flipped_bytes_in_the_file_never_change_a_result(
    example_project: Path, cache: Path
) -> None:
    good = review(example_project, cache, "--no-cache").stdout
    review(example_project, cache)
    path = cache / "cache.sqlite3"
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 3, len(data), max(1, len(data) // 40)):
        data[at] ^= 0x20  # flip one bit in forty places, headers and values alike
    path.write_bytes(bytes(data))
    assert review(example_project, cache).stdout == good
    assert review(example_project, cache).stdout == good


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_world_writable_cache_is_refused_with_a_warning(
    example_project: Path, cache: Path
) -> None:
    good = review(example_project, cache, "--no-cache").stdout
    review(example_project, cache)
    (cache / "cache.sqlite3").chmod(0o666)
    refused = review(example_project, cache)
    assert refused.stdout == good
    assert "writable by other users; not using the cache" in refused.stderr
    cache.chmod(0o777)
    (cache / "cache.sqlite3").chmod(0o600)
    refused = review(example_project, cache)
    assert refused.stdout == good and "cache folder" in refused.stderr
    info = run("cache", "info", cache=cache)
    assert info.returncode == 3 and "writable by other users" in info.stderr


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away"
)
def test_a_cache_owned_by_another_user_is_refused(example_project: Path, cache: Path) -> None:
    good = review(example_project, cache, "--no-cache").stdout
    review(example_project, cache)
    os.chown(cache / "cache.sqlite3", 65534, 65534)  # nobody
    refused = review(example_project, cache)
    assert refused.stdout == good
    assert "belongs to another user" in refused.stderr
    quiet = run("review", "-p", str(example_project), "-f", "json", "-q", cache=cache)
    assert quiet.stdout == good and quiet.stderr == ""


@pytest.mark.parametrize(
    "command",
    [
        ["review", "-f", "json"],
        ["gaps", "-f", "json"],
        ["check", "-f", "json"],
        ["export", "-o", "{out}", "--force"],
    ],
)
def test_no_cache_after_the_command_as_before_it(
    example_project: Path, cache: Path, tmp_path: Path, command: list[str]
) -> None:
    """``--no-cache`` is accepted by every command that loads a review, in either place."""
    out = tmp_path / "out.md"
    args = [part.replace("{out}", str(out)) for part in command]

    def output(result: subprocess.CompletedProcess[str]) -> str:
        assert result.returncode in (0, 1), result.stderr
        return result.stdout + (out.read_text(encoding="utf-8") if out.exists() else "")

    after = output(run(*args, "-p", str(example_project), "--no-cache", cache=cache))
    assert after.strip() and not (cache / "cache.sqlite3").exists()
    before = output(run("--no-cache", *args, "-p", str(example_project), cache=cache))
    assert before == after and not (cache / "cache.sqlite3").exists()
    used = output(run(*args, "-p", str(example_project), cache=cache))
    assert used == after and (cache / "cache.sqlite3").exists()
