from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode

runner = CliRunner()


def test_review_on_the_example_exits_0_and_flags_implementation(example_project: Path) -> None:
    result = runner.invoke(
        app, ["review", "--project", str(example_project)], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0, result.output
    for title in (
        "1. The current legal framework",
        "2. Implementation",
        "3. Implementation challenges",
        "4. Legal reforms",
    ):
        assert title in result.stdout
    line = next(
        line for line in result.stdout.splitlines() if line.strip().startswith("implementation")
    )
    assert "no support" in line


def test_review_json_fields(example_project: Path) -> None:
    result = runner.invoke(app, ["review", "-p", str(example_project), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {
        "title",
        "question",
        "facets",
        "sections",
        "unused_sources",
        "problems",
        "next_steps",
    } <= set(data)
    implementation = next(s for s in data["sections"] if s["id"] == "implementation")
    assert implementation == {
        "id": "implementation",
        "title": "2. Implementation",
        "source_keys": [],
        "claim_count": 0,
        "status": "no-support",
        "needs_support": True,
        "claims": [],
    }
    assert [f["id"] for f in data["facets"]] == ["effectiveness", "reforms"]


def test_review_is_found_from_the_current_folder(
    example_project: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(example_project / "notes")
    result = runner.invoke(app, ["review", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["counts"]["sources"] == 6


def test_note_with_yaml_error_one_line_no_traceback(example_project: Path) -> None:
    (example_project / "notes" / "broken.md").write_text(
        "---\nkey: x\nclaims: [\n---\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["review", "-p", str(example_project)], env={"COLUMNS": "200"})
    assert result.exit_code == ExitCode.INPUT
    assert "Traceback" not in result.output
    lines = [line for line in result.stdout.splitlines() if "YAML" in line]
    assert len(lines) == 1 and "error notes/broken.md:4: YAML syntax error" in lines[0]


def test_unknown_key_suggestion_and_nonzero_exit(example_project: Path) -> None:
    (example_project / "notes" / "typo.md").write_text(
        "---\nkey: sekati2022asessing\n---\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert result.exit_code == ExitCode.INPUT
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"] == "notes/typo.md" and problem["line"] == 2
    assert "did you mean 'sekati2022assessing'" in problem["message"]


def test_no_project_exit_code_and_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["review", "--project", str(tmp_path)])
    assert result.exit_code == ExitCode.NO_PROJECT
    assert result.stderr.startswith("error: no cybercoop.yaml")


def test_bad_review_file_is_one_line(example_project: Path) -> None:
    (example_project / "cybercoop.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["review", "-p", str(example_project)])
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.count("\n") == 1 and "cybercoop.yaml:2" in result.stderr
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(example_project: Path) -> None:
    (example_project / "cybercoop.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["--debug", "review", "-p", str(example_project)])
    assert result.exit_code == ExitCode.INPUT
    assert "Traceback" in result.stderr


def test_internal_error_exit_code(example_project: Path, monkeypatch: object) -> None:
    import pytest

    import cybercoop_cli.analysis.review as review_module

    assert isinstance(monkeypatch, pytest.MonkeyPatch)

    def boom(_project: object) -> None:
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(review_module, "summarize", boom)
    result = runner.invoke(app, ["review", "-p", str(example_project)])
    assert result.exit_code == ExitCode.INTERNAL
    assert "internal error" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_exit_code() -> None:
    result = runner.invoke(app, ["review", "--format", "yaml"])
    assert result.exit_code == ExitCode.USAGE


def test_version_and_python_m(example_project: Path) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("cybercoop ")
    proc = subprocess.run(
        [sys.executable, "-m", "cybercoop_cli", "review", "-p", str(example_project), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"].startswith("The Efficacy")


def test_no_color_is_respected(example_project: Path) -> None:
    import re

    colour = re.compile(r"\x1b\[[0-9;]*3[1-7]m")
    forced = runner.invoke(app, ["review", "-p", str(example_project)], env={"FORCE_COLOR": "1"})
    assert colour.search(forced.stdout)
    result = runner.invoke(
        app, ["review", "-p", str(example_project)], env={"NO_COLOR": "1", "FORCE_COLOR": "1"}
    )
    assert result.exit_code == 0
    assert not colour.search(result.stdout)


def test_an_unreadable_notes_folder_is_reported_and_exits_3(
    example_project: Path, lock_folder: Callable[[Path], Path]
) -> None:
    # It was "6 sources · 0 notes" and exit 0, in text and (cached) JSON alike.
    lock_folder(example_project / "notes")
    for fmt in ("text", "json", "json"):
        result = runner.invoke(app, ["review", "-p", str(example_project), "-f", fmt])
        assert result.exit_code == ExitCode.INPUT, result.output
        assert "cannot read this folder" in result.output
