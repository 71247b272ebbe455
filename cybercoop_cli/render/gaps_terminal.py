"""``cybercoop gaps`` in the terminal: the coverage matrix, balance, then findings by severity.

Every piece of input text goes into ``rich.text.Text`` objects, never into markup, so a
title or key containing ``[bold]`` prints as written.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cybercoop_cli.analysis.coverage import Coverage
from cybercoop_cli.analysis.gaps import GapReport
from cybercoop_cli.model import Finding, Severity

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}


def cell_style(count: int) -> str:
    """Heat of one matrix cell: none, thin (one claim), or several claims."""
    if count == 0:
        return "dim"
    if count == 1:
        return "yellow"
    return "bold green"


def render_gaps(report: GapReport, console: Console) -> None:
    console.print(Text(f"Gaps: {report.title}", style="bold"))
    coverage = report.coverage
    numbered = _matrix_width(coverage) > console.width
    console.print(coverage_table(coverage, numbered=numbered))
    if numbered:
        console.print(_legend(coverage))
    console.print(_facets_and_balance(report.coverage))
    render_findings(report.findings, console)
    console.print(summary_line(report))


def _matrix_width(coverage: Coverage) -> int:
    label = max((len(row.label) for row in coverage.sources), default=6)
    return label + sum(len(s.id) + 3 for s in coverage.sections) + 28


def _legend(coverage: Coverage) -> Text:
    text = Text()
    for number, section in enumerate(coverage.sections, start=1):
        text.append(f"  {number} ", style="bold")
        text.append(section.id, style="bold")
        text.append(f"  {section.title}\n", style="dim")
    return text


def coverage_table(coverage: Coverage, *, numbered: bool = False) -> Table:
    """Sources by sections; with ``numbered``, columns are headed 1, 2, ... (see the legend)."""
    table = Table(
        box=box.SIMPLE_HEAD,
        title="Coverage: claims per source and section",
        title_justify="left",
        show_footer=True,
    )
    table.add_column("source", footer=Text("sources", style="italic"), no_wrap=True)
    for number, section in enumerate(coverage.sections, start=1):
        count = len(section.sources)
        thin = section.needs_support and count <= 1
        footer = Text(
            str(count), style="bold red" if thin and not count else "yellow" if thin else ""
        )
        header = Text(str(number) if numbered else section.id)
        table.add_column(header, footer=footer, justify="right")
    table.add_column("untagged", justify="right", style="dim")
    table.add_column("total", justify="right")
    for row in coverage.sources:
        label = Text(row.label)
        if not row.in_bibliography:
            label.append(" (not in bibliography)", style="red")
        elif not row.has_note:
            label.append(" (no note)", style="yellow")
        cells = [Text(str(c) if c else "·", style=cell_style(c)) for c in row.counts]
        table.add_row(label, *cells, Text(str(row.untagged or "")), Text(str(row.claims)))
    return table


def _facets_and_balance(coverage: Coverage) -> Text:
    text = Text()
    for facet in coverage.facets:
        text.append("facet ", style="dim")
        text.append(facet.id, style="bold")
        text.append(": ")
        text.append(
            f"{_count(facet.claims, 'claim')} from {_count(len(facet.sources), 'source')}",
            style="bold red" if not facet.claims else "",
        )
        text.append("\n")
    age = coverage.age
    if age.median_age is not None:
        text.append("age ", style="dim")
        share = age.old_share or 0.0
        text.append(
            f"median {age.median_age:g} years (to {age.reference_year}); "
            f"{len(age.old)} of {age.dated} older than {age.threshold} years ({share:.0%})\n"
        )
    conc = coverage.concentration
    if conc.top_source is not None and conc.share is not None:
        text.append("concentration ", style="dim")
        text.append(
            f"{conc.share:.0%} of {conc.total_claims} claims rest on the most-used source, "
        )
        text.append(conc.top_source, style="bold")
        text.append("\n")
    return text


def render_findings(findings: tuple[Finding, ...], console: Console) -> None:
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        console.print(
            Text(f"{SEVERITY_HEADING[severity]} ({len(group)})", style=SEVERITY_STYLE[severity])
        )
        for finding in group:
            line = Text("  ")
            line.append(finding.kind, style=SEVERITY_STYLE[severity])
            place = location(finding)
            if place:
                line.append(f"  {place}", style="dim")
            console.print(line)
            console.print(Padding(Text(finding.message), (0, 0, 0, 4)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def location(finding: Finding) -> str:
    if finding.file and finding.line:
        return f"{finding.file}:{finding.line}"
    return finding.file or ""


def summary_line(report: GapReport) -> Text:
    if not report.findings:
        return Text("No gaps found.", style="green")
    return Text(summary_text(report), style="bold")


def summary_text(report: GapReport) -> str:
    """ "11 findings: 1 error, 7 warnings, 3 info" """
    counts = report.counts
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = counts.get(severity.value, 0)
        plural = "s" if n != 1 and severity is not Severity.INFO else ""
        parts.append(f"{n} {severity.value}{plural}")
    total = len(report.findings)
    return f"{total} finding{'s' if total != 1 else ''}: " + ", ".join(parts)
