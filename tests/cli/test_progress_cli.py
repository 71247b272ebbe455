"""Progress bars: shown on a terminal while check and export work, silent otherwise."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.analysis.check import check_manuscript
from cybercoop_cli.cli.app import app
from cybercoop_cli.cli.common import progress
from cybercoop_cli.ingest.manuscript import read_manuscript
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.bibliography import render_references, resolve_style
from cybercoop_cli.render.csl import to_csl

runner = CliRunner()


def test_check_reports_every_stage_in_order(example_project: Path) -> None:
    project = load_project(example_project)
    text = read_manuscript(example_project / "manuscript" / "draft.md")
    seen: list[tuple[str, int, int]] = []
    check_manuscript(text, project.sources, project.notes, progress=lambda *a: seen.append(a))
    assert [done for _, done, _ in seen] == list(range(8))
    assert {total for _, _, total in seen} == {7}
    assert seen[0][0] == "finding citations" and seen[-1][0] == "done"


def test_export_progress_counts_every_pandoc_run(example_project: Path) -> None:
    project = load_project(example_project)
    items = [to_csl(s) for s in project.sources]
    seen: list[tuple[str, int, int]] = []
    style = resolve_style("apa")
    render_references(items, style, split=True, batch_size=1, progress=lambda *a: seen.append(a))
    total = seen[0][2]
    assert total > 2  # several groups and the ordering run
    assert [done for _, done, _ in seen] == list(range(total + 1))


@pytest.mark.parametrize("command", [["check"], ["export"]])
def test_no_progress_output_when_stderr_is_not_a_terminal(
    example_project: Path, command: list[str]
) -> None:
    result = runner.invoke(app, [*command, "--project", str(example_project)])
    assert result.exit_code in (0, 1), result.output
    assert "━" not in result.stderr and "check:" not in result.stderr


def test_progress_draws_on_a_terminal_unless_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for quiet in (False, True):
        stream = Terminal()
        monkeypatch.setattr(sys, "stderr", stream)
        with progress(quiet, "check") as update:
            update("resolving citations", 1, 7)
        assert ("resolving citations" in stream.getvalue()) is not quiet


def test_the_bar_starts_only_with_the_first_report(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    with progress(False, "loading"):
        pass  # an answer read from the cache: nothing to report
    assert stream.getvalue() == ""
    with progress(False, "loading") as update:
        update("notes", 1, 2)
        update("notes", 2, 2)
    assert "loading: notes" in stream.getvalue()
