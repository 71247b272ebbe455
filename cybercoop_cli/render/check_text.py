"""``cybercoop check`` as terminal text: each finding with the manuscript text around it."""

from __future__ import annotations

from cybercoop_cli.analysis.check import CheckFinding, CheckReport
from cybercoop_cli.analysis.resolve import Grade
from cybercoop_cli.model import Severity

ORIGINS = {
    "review": "the review",
    "bib": "the --bib files",
    "reference-list": "the manuscript's reference list",
}


def location(item: CheckFinding) -> str:
    """``file:line:column``; for .docx ``file: paragraph N``; for PDF ``file: page P, line L``."""
    finding = item.finding
    where = finding.file or ""
    if item.page is not None:
        return f"{where}: page {item.page}, line {item.page_line}"
    if item.paragraph is not None:
        return f"{where}: paragraph {item.paragraph}"
    if finding.line:
        where += f":{finding.line}"
        if item.column:
            where += f":{item.column}"
    return where


def summary_line(report: CheckReport) -> str:
    grades = dict.fromkeys(Grade, 0)
    for match in report.matches:
        grades[match.grade] += 1
    counts = [
        f"{report.count(Severity.ERROR)} error{'s' if report.count(Severity.ERROR) != 1 else ''}",
        f"{report.count(Severity.WARNING)} warning{'s' if report.count(Severity.WARNING) != 1 else ''}",
        f"{report.count(Severity.INFO)} info",
    ]
    return (
        f"{report.manuscript}: {len(report.matches)} citations ({grades[Grade.EXACT]} exact, "
        f"{grades[Grade.NEAR]} near, {grades[Grade.AMBIGUOUS]} ambiguous, "
        f"{grades[Grade.NONE]} unresolved) against {report.source_count} sources from "
        f"{ORIGINS.get(report.origin, report.origin)}; {', '.join(counts)}"
    )


def render_check_text(report: CheckReport) -> str:
    """The findings, each as a location line, its message and the text around it."""
    out: list[str] = []
    for item in report.findings:
        finding = item.finding
        out.append(f"{location(item)}: {finding.severity.value} [{finding.kind}]")
        out.append(f"  {finding.message}")
        if item.context:
            out.append(f"  | {item.context}")
        out.append("")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
