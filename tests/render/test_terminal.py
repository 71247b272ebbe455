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


def test_markup_in_the_data_is_shown_as_text_never_applied(example_project: Path) -> None:
    """A .bib title '[link=...]erratum[/link]' became a clickable link; '[b]key[/b]' showed
    as 'key'. Every piece of input is text to the terminal, whatever it holds."""
    import io

    from rich.console import Console

    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.render.terminal import render_sources

    bib = example_project / "references" / "evil.bib"
    bib.write_text(
        "@article{[b]key[/b],\n  author = {Evil, [blink]Eve[/blink]},\n"
        "  title = {[link=https://evil.example/phish]Official erratum[/link]},\n"
        "  year = {2020}\n}\n",
        encoding="utf-8",
    )
    bibliography = read_bibliography([bib])
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system="truecolor")
    render_sources(bibliography.sources, [], console)
    shown = out.getvalue()
    assert "[b]key[/b]" in shown and "[link=https://evil.example/phish]" in shown
    assert "\x1b]8;" not in shown  # no hyperlink escape sequence
    assert "\x1b[5m" not in shown  # no blink
