from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console

from cybercoop_cli.analysis.review import summarize
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.terminal import render_review


def test_review_dashboard_golden(example_project: Path, golden: Any) -> None:
    buffer = io.StringIO()
    console = Console(width=80, file=buffer, color_system=None, highlight=False)
    render_review(summarize(load_project(example_project)), console)
    golden("review-dashboard.txt", buffer.getvalue())
