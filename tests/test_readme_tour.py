"""The README's tour shows real output: the dashboard in it is what the code prints today."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from cybercoop_cli.analysis.review import summarize
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.terminal import render_review

REPO = Path(__file__).resolve().parent.parent


def dashboard(project: Path) -> str:
    buffer = io.StringIO()
    render_review(
        summarize(load_project(project)), Console(width=100, file=buffer, color_system=None)
    )
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def test_readme_tour_shows_the_current_dashboard(example_project: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"\$ cybercoop review\n```\n```text\n(.*?)\n```", readme, re.DOTALL)
    assert match, "the tour's 'cybercoop review' output block is missing"
    assert match.group(1) == dashboard(example_project), (
        "README.md's tour shows an old dashboard: paste the output of "
        "'COLUMNS=100 cybercoop review' (trailing spaces removed)"
    )
