"""The README's picture of the dashboard is what the code prints today, at 80 columns.

The README shows parts of the dashboard, separated by lines reading ``[…]``; each part must
be a run of consecutive lines of the real output, in order.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from cybercoop_cli.analysis.review import summarize
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.terminal import render_review

REPO = Path(__file__).resolve().parent.parent
ELLIPSIS = "[…]"


def dashboard(project: Path) -> list[str]:
    buffer = io.StringIO()
    render_review(
        summarize(load_project(project)), Console(width=80, file=buffer, color_system=None)
    )
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def parts(block: str) -> list[list[str]]:
    found: list[list[str]] = [[]]
    for line in block.splitlines():
        if line == ELLIPSIS:
            found.append([])
        else:
            found[-1].append(line)
    return found


def test_readme_shows_the_current_dashboard(example_project: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"\$ cybercoop review\n```\n```text\n(.*?)\n```", readme, re.DOTALL)
    assert match, "the README's 'cybercoop review' output block is missing"
    real = dashboard(example_project)
    shown = parts(match.group(1))
    assert "Sections" in shown[1] and "Next steps" in shown[-1]
    position = 0
    for part in shown:
        starts = [
            i for i in range(position, len(real) - len(part) + 1) if real[i : i + len(part)] == part
        ]
        assert starts, (
            "README.md shows an old dashboard: paste parts of 'COLUMNS=80 cybercoop review' "
            f"(trailing spaces removed), separated by '{ELLIPSIS}'; this part differs:\n"
            + "\n".join(part)
        )
        position = starts[0] + len(part)
