"""``cybercoop check --format json``: the citations and the findings as one document."""

from __future__ import annotations

from typing import Any

from cybercoop_cli.analysis.check import LISTED_CANDIDATES, CheckFinding, CheckReport
from cybercoop_cli.analysis.resolve import Grade
from cybercoop_cli.gcpause import paused_gc
from cybercoop_cli.ingest.manuscript import Manuscript
from cybercoop_cli.model import Severity


def finding_json(item: CheckFinding) -> dict[str, Any]:
    finding = item.finding
    return {
        "kind": finding.kind,
        "severity": finding.severity.value,
        "file": finding.file,
        "line": finding.line,
        "column": item.column,
        "paragraph": item.paragraph,
        "message": finding.message,
        "key": finding.source,
        "candidate": finding.candidate,
        "hint": finding.hint,
        "context": item.context,
    } | ({"page": item.page, "page_line": item.page_line} if item.page is not None else {})


def check_json(report: CheckReport, manuscript: Manuscript) -> dict[str, Any]:
    """``{"citations": [...], "findings": [...]}`` plus the manuscript and a summary.

    Each citation has ``text``, ``line``, ``authors``, ``year``, ``locator``, ``key`` (the
    key written, or the source an author-date citation resolves to) and ``match`` (exact,
    near, ambiguous or none).
    """
    with paused_gc():  # a dict per citation, none cyclic: see cybercoop_cli.gcpause
        return _check_json(report, manuscript)


def _check_json(report: CheckReport, manuscript: Manuscript) -> dict[str, Any]:
    citations = []
    locate, page_line, paged = manuscript.locate, manuscript.page_line, bool(manuscript.pages)
    for match in report.matches:
        c = match.citation
        line, column, paragraph = locate(c.start)
        page = page_line(c.start) if paged else None
        citations.append(
            {
                "text": c.text,
                "line": line,
                "column": column,
                "paragraph": paragraph,
                "form": c.form,
                "authors": list(c.authors),
                "et_al": c.et_al,
                "year": c.year or None,
                "locator": c.locator or None,
                "key": c.key or match.key,
                "match": match.grade.value,
                # The first LISTED_CANDIDATES, and how many there are in all.
                "candidates": list(match.candidates[:LISTED_CANDIDATES]),
                "candidate_count": len(match.candidates),
            }
            | ({"page": page[0], "page_line": page[1]} if page else {})
        )
    grades = {grade.value: 0 for grade in Grade}
    for match in report.matches:
        grades[match.grade.value] += 1
    return {
        "manuscript": report.manuscript,
        "sources": {"origin": report.origin, "count": report.source_count},
        "citations": citations,
        "findings": [finding_json(item) for item in report.findings],
        "summary": {
            "citations": len(report.matches),
            **grades,
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
        },
    }
