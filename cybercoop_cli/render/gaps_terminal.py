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
    chunks = matrix_chunks(coverage, console.width)
    if chunks is None:  # the section ids fit as headers
        console.print(coverage_table(coverage))
    else:
        for number, chunk in enumerate(chunks, start=1):
            console.print(
                coverage_table(
                    coverage,
                    numbered=True,
                    sections=chunk if len(chunks) > 1 else None,
                    totals=number == len(chunks),
                )
            )
        console.print(_legend(coverage))
    console.print(_facets_and_balance(report.coverage))
    render_findings(report.findings, console)
    console.print(summary_line(report))


# A SIMPLE_HEAD table with padding 1 costs three characters a column (two of padding, one of
# separator) and one for the edge; the matrix's widths are known, so its layout is computed
# rather than left to rich, which would cut cells with "…" when they do not fit.
_UNTAGGED_WIDTH = len("untagged")
_TOTAL_WIDTH = len("total")


def _table_width(contents: list[int]) -> int:
    return sum(contents) + 3 * len(contents) + 1


def _label_width(coverage: Coverage) -> int:
    widths = [len("sources")]
    for row in coverage.sources:
        suffix = (
            " (not in bibliography)"
            if not row.in_bibliography
            else ""
            if row.has_note
            else " (no note)"
        )
        widths.append(len(row.label) + len(suffix))
    return max(widths)


def _cell_width(coverage: Coverage, index: int, header: str) -> int:
    section = coverage.sections[index]
    counts = [row.counts[index] for row in coverage.sources]
    return max(len(header), len(str(len(section.sources))), *(len(str(c)) for c in counts))


def _fits(coverage: Coverage, width: int, headers: list[str]) -> bool:
    cells = [_cell_width(coverage, i, h) for i, h in enumerate(headers)]
    return _table_width([_label_width(coverage), *cells, _UNTAGGED_WIDTH, _TOTAL_WIDTH]) <= width


def matrix_chunks(coverage: Coverage, width: int) -> list[list[int]] | None:
    """How the coverage matrix is laid out at ``width`` columns.

    ``None`` when one table headed by the section ids fits; otherwise the columns are
    numbered (a legend names them) and split into as many tables as it takes, each with the
    source column, so that no section, count or total is cut off. Each list holds the
    indices of the sections in one table; the untagged and total columns close the last.
    """
    if _fits(coverage, width, [s.id for s in coverage.sections]):
        return None
    label = _label_width(coverage)
    closing = [_UNTAGGED_WIDTH, _TOTAL_WIDTH]
    chunks: list[list[int]] = []
    current: list[int] = []
    current_widths: list[int] = []
    for index in range(len(coverage.sections)):
        cell = _cell_width(coverage, index, str(index + 1))
        if current and _table_width([label, *current_widths, cell]) > width:
            chunks.append(current)
            current, current_widths = [], []
        current.append(index)
        current_widths.append(cell)
    if current and _table_width([label, *current_widths, *closing]) > width:
        chunks.append(current)
        current = []
    chunks.append(current)
    return chunks


def _legend(coverage: Coverage) -> Text:
    text = Text()
    for number, section in enumerate(coverage.sections, start=1):
        text.append(f"  {number} ", style="bold")
        text.append(section.id, style="bold")
        text.append(f"  {section.title}\n", style="dim")
    return text


def coverage_table(
    coverage: Coverage,
    *,
    numbered: bool = False,
    sections: list[int] | None = None,
    totals: bool = True,
) -> Table:
    """Sources by sections; with ``numbered``, columns are headed 1, 2, ... (see the legend).

    ``sections`` picks the columns (indices) of a matrix split over several tables, and
    ``totals`` says whether this table ends with the untagged and total columns.
    """
    picked = list(range(len(coverage.sections))) if sections is None else sections
    title = "Coverage: claims per source and section"
    if sections is not None:
        title += f" ({_span(picked)})" if picked else " (totals)"
    table = Table(
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        show_footer=True,
    )
    table.add_column("source", footer=Text("sources", style="italic"))
    for index in picked:
        section = coverage.sections[index]
        sources = len(section.sources)
        thin = section.needs_support and sources <= 1
        footer = Text(
            str(sources), style="bold red" if thin and not sources else "yellow" if thin else ""
        )
        header = Text(str(index + 1) if numbered else section.id)
        table.add_column(header, footer=footer, justify="right", no_wrap=True)
    if totals:
        table.add_column("untagged", justify="right", style="dim", no_wrap=True)
        table.add_column("total", justify="right", no_wrap=True)
    for row in coverage.sources:
        label = Text(row.label)
        if not row.in_bibliography:
            label.append(" (not in bibliography)", style="red")
        elif not row.has_note:
            label.append(" (no note)", style="yellow")
        cells = [
            Text(str(c) if c else "·", style=cell_style(c))
            for c in (row.counts[index] for index in picked)
        ]
        if totals:
            cells += [Text(str(row.untagged or "")), Text(str(row.claims))]
        table.add_row(label, *cells)
    return table


def _span(picked: list[int]) -> str:
    first, last = picked[0] + 1, picked[-1] + 1
    return f"section {first}" if first == last else f"sections {first}-{last}"


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
