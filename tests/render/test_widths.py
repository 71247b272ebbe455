"""Every terminal report keeps keys, section ids and ``file:line`` whole at 80 and 120 columns.

rich cuts a cell that does not fit with "…". A key or a ``file:line`` cut that way can no
longer be searched for or opened, so each report is rendered at both widths, and every
identifier the report is about must appear in it as a whole word.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from cybercoop_cli.analysis.gaps import GapReport, find_gaps
from cybercoop_cli.analysis.review import ReviewReport, summarize
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.render.gaps_terminal import render_gaps
from cybercoop_cli.render.terminal import render_review

WIDTHS = (80, 120)


def render(draw: Callable[[Console], None], width: int) -> str:
    buffer = io.StringIO()
    draw(Console(width=width, file=buffer, color_system=None, highlight=False))
    return buffer.getvalue()


def words(text: str) -> set[str]:
    """Every whitespace-separated token, also with trailing punctuation stripped."""
    tokens = set(text.split())
    return tokens | {token.strip(".,;:()[]'\"") for token in tokens}


def cut(text: str, identifiers: set[str]) -> set[str]:
    """Tokens such as ``sekati2022asses…``: an identifier that lost its end to a cut."""
    stems = {t.rstrip("…") for t in text.split() if t.endswith("…") and len(t) > 4}
    return {stem for stem in stems if any(i.startswith(stem) and i != stem for i in identifiers)}


def review_identifiers(report: ReviewReport) -> set[str]:
    found = {section.id for section in report.sections}
    found |= {key for section in report.sections for key in section.source_keys}
    found |= {f"{s.file}:{s.claim.line}" for s in report.suggestions if s.claim.line}
    return found


def gaps_identifiers(report: GapReport) -> set[str]:
    found = {section.id for section in report.coverage.sections}
    found |= {f.source for f in report.findings if f.source}
    found |= {f"{f.file}:{f.line}" for f in report.findings if f.file and f.line}
    return found


def add_sections(project: Path, count: int) -> None:
    """More sections, with long ids, than an 80-column matrix can show side by side."""
    text = (project / "cybercoop.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"  - id: further-implementation-detail-{n}\n    title: Detail {n}\n" for n in range(count)
    )
    text = text.replace("references: references\n", "").replace(
        "sections:\n", "sections:\n" + extra, 1
    )
    (project / "cybercoop.yaml").write_text(text + "references: references\n", encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
def test_review_dashboard_keeps_identifiers_whole(example_project: Path, width: int) -> None:
    report = summarize(load_project(example_project))
    out = render(lambda console: render_review(report, console), width)
    identifiers = review_identifiers(report)
    assert len(identifiers) >= 15  # 6 section ids, 6 keys, 3 file:line
    assert identifiers <= words(out), identifiers - words(out)
    assert not cut(out, identifiers)
    assert max(len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_review_dashboard_shows_every_untagged_claim_whole(
    example_project: Path, width: int
) -> None:
    report = summarize(load_project(example_project))
    out = render(lambda console: render_review(report, console), width)
    for suggestion in report.suggestions:  # the claim column is there, wide enough to read
        assert " ".join(suggestion.claim.text.split()[:4]) in out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("extra_sections", [0, 12])
def test_gaps_keeps_identifiers_and_totals_whole(
    example_project: Path, width: int, extra_sections: int
) -> None:
    add_sections(example_project, extra_sections)
    report = find_gaps(load_project(example_project), today=date(2026, 2, 4))
    out = render(lambda console: render_gaps(report, console), width)
    identifiers = gaps_identifiers(report)
    assert identifiers <= words(out), identifiers - words(out)
    assert not cut(out, identifiers)
    assert max(len(line) for line in out.splitlines()) <= width
    # every section's column is shown: its number (or id) heads a column of some table
    headers = " ".join(line for line in out.splitlines() if re.match(r"\s+source\s", line))
    shown = set(headers.split())
    count = len(report.coverage.sections)
    assert {str(n) for n in range(1, count + 1)} <= shown or {
        s.id for s in report.coverage.sections
    } <= shown
    assert "total" in shown and "untagged" in shown
    for row in report.coverage.sources:  # each source's total is printed
        assert re.search(rf"{re.escape(row.label)}.*\s{row.claims}\s*$", out, re.MULTILINE)
