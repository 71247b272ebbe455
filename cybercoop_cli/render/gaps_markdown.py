"""``cybercoop gaps --format md``: the gap report as a Markdown document a person reads.

Text from the inputs is escaped, so a title with ``*`` or ``|`` or ``<script>`` comes out
as written, and a table cell cannot be split by a ``|`` in a source label.
"""

from __future__ import annotations

import re

from cybercoop_cli.analysis.coverage import Coverage
from cybercoop_cli.analysis.gaps import KIND_BY_ID, GapReport
from cybercoop_cli.model import Finding, Severity
from cybercoop_cli.render.gaps_terminal import SEVERITY_HEADING, summary_text

# Characters that start Markdown syntax anywhere in a line, and "&" before an entity name.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~]|&(?=#?\w+;))")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown syntax and fold line breaks, so text stays text."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def gaps_markdown(report: GapReport) -> str:
    lines = [f"# Gaps: {md_escape(report.title)}", ""]
    lines.append(f"**{summary_text(report) if report.findings else 'No gaps found.'}**")
    if report.manuscript:
        lines.append("")
        lines.append(f"Manuscript checked: {md_escape(report.manuscript)}")
    lines += ["", "## Coverage", ""]
    lines += coverage_table(report.coverage)
    lines += ["", *_balance(report.coverage)]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        lines += ["", f"## {SEVERITY_HEADING[severity]} ({len(group)})", ""]
        for finding in group:
            lines += _finding(finding)
    kinds = sorted({f.kind for f in report.findings}, key=list(KIND_BY_ID).index)
    if kinds:
        lines += ["", "## Finding kinds in this report", ""]
        for kind in kinds:
            lines.append(f"- **{kind}**: {md_escape(KIND_BY_ID[kind].summary)}")
    return "\n".join(lines) + "\n"


def coverage_table(coverage: Coverage) -> list[str]:
    header = ["Source", *(md_escape(s.id) for s in coverage.sections), "untagged", "total"]
    rows = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---", *(["--:"] * (len(header) - 1))]) + "|",
    ]
    for row in coverage.sources:
        label = md_escape(row.label)
        if not row.in_bibliography:
            label += " (not in bibliography)"
        elif not row.has_note:
            label += " (no note)"
        cells = [str(c) if c else "·" for c in row.counts]
        rows.append(
            "| " + " | ".join([label, *cells, str(row.untagged or ""), str(row.claims)]) + " |"
        )
    footer = []
    for section in coverage.sections:
        count = len(section.sources)
        footer.append(f"**{count}**" if section.needs_support and count == 0 else str(count))
    rows.append("| " + " | ".join(["*sources*", *footer, "", ""]) + " |")
    rows.append("")
    rows.append(
        "Sections: "
        + "; ".join(f"**{md_escape(s.id)}** {md_escape(s.title)}" for s in coverage.sections)
        + "."
    )
    return rows


def _balance(coverage: Coverage) -> list[str]:
    lines = []
    for facet in coverage.facets:
        lines.append(
            f"- Facet **{md_escape(facet.id)}** ({md_escape(facet.question)}): "
            f"{facet.claims} claims from {len(facet.sources)} sources"
        )
    age = coverage.age
    if age.median_age is not None:
        lines.append(
            f"- Age: median {age.median_age:g} years (counted to {age.reference_year}); "
            f"{len(age.old)} of {age.dated} sources older than {age.threshold} years "
            f"({(age.old_share or 0.0):.0%})"
        )
    conc = coverage.concentration
    if conc.top_source is not None and conc.share is not None:
        lines.append(
            f"- Concentration: {conc.share:.0%} of {conc.total_claims} claims rest on the "
            f"most-used source, {md_escape(conc.top_source)}"
        )
    return lines


def _finding(finding: Finding) -> list[str]:
    where = []
    if finding.file:
        place = f"{finding.file}:{finding.line}" if finding.line else finding.file
        where.append(md_escape(place))
    if finding.section:
        where.append(f"section {md_escape(finding.section)}")
    if finding.source:
        where.append(f"source {md_escape(finding.source)}")
    head = f"- **{finding.kind}**" + (f" ({'; '.join(where)})" if where else "")
    return [head + "  ", f"  {md_escape(finding.message)}"]
