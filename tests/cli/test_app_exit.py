"""The console entry point ends the process itself: codes, output and exit handlers survive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_main(
    args: list[str], prelude: str = "", **kwargs: object
) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        f"{prelude}\n"
        f"sys.argv = ['cybercoop', *{args!r}]\n"
        "from cybercoop_cli.cli.app import main\n"
        "main()\n"
        "print('main returned', file=sys.stderr)\n"
    )
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


def test_output_and_exit_codes_are_kept() -> None:
    ok = run_main(["--version"])
    assert ok.returncode == 0 and ok.stdout.startswith("cybercoop ")
    review = run_main(["review", "-f", "json"])
    assert review.returncode == 0 and review.stdout.rstrip().endswith("}")
    missing = run_main(["review", "-p", "/nonexistent/review"])
    assert missing.returncode == 4 and "no cybercoop.yaml" in missing.stderr
    usage = run_main(["review", "--format", "xml"])
    assert usage.returncode == 2 and "xml" in usage.stderr
    assert "main returned" not in ok.stderr + review.stderr + missing.stderr + usage.stderr


def test_exit_handlers_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    prelude = (
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')"
    )
    result = run_main(["--version"], prelude)
    assert result.returncode == 0 and marker.read_text() == "yes"


def test_a_closed_pipe_is_not_a_traceback() -> None:
    code = (
        "import sys\nsys.argv = ['cybercoop', 'review', '-f', 'json']\n"
        "from cybercoop_cli.cli.app import main\nmain()\n"
    )
    producer = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.close()  # as `| head -c 0` does: every write fails
    errors = producer.stderr.read().decode()
    producer.wait(timeout=60)
    assert "Traceback" not in errors and "Exception ignored" not in errors


@pytest.mark.parametrize("args", [["review"], ["review", "-f", "json"], ["sources"], ["gaps"]])
def test_a_reader_that_stops_after_one_line_ends_the_command_with_exit_0(args: list[str]) -> None:
    # `cybercoop review | head -1`: the terminal dashboard goes through rich, whose own
    # broken-pipe handler exits 1.
    producer = subprocess.Popen(
        [sys.executable, "-m", "cybercoop_cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.readline()
    producer.stdout.close()
    errors = producer.stderr.read().decode()
    assert producer.wait(timeout=60) == 0, errors
    assert errors == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["review"], ["sources"], ["--help"], ["--version"]])
def test_a_full_disk_on_standard_output_is_one_line_and_exit_5(args: list[str]) -> None:
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cybercoop_cli", *args],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 5, done.stderr
    assert done.stderr.strip() == "error: cannot write the output: No space left on device"
