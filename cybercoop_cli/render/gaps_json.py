"""``cybercoop gaps --format json``: the gap report as one JSON document.

Shape (stable; documented in docs/gaps.md)::

    {"title": ..., "manuscript": null | "draft.md",
     "summary": {"error": n, "warning": n, "info": n},
     "coverage": {"sections": [...], "sources": [...], "matrix": {key: {section: n}},
                  "facets": [...], "balance": {...}},
     "findings": [{"kind", "severity", "section", "source", "file", "line",
                   "message", "candidate"}]}
"""

from __future__ import annotations

import json
from typing import Any

from cybercoop_cli.analysis.coverage import Coverage
from cybercoop_cli.analysis.gaps import GapReport
from cybercoop_cli.model import Finding


def gaps_data(report: GapReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "title": report.title,
        "manuscript": report.manuscript,
        "summary": dict(report.counts),
        "coverage": coverage_data(report.coverage),
        "findings": [finding_data(f) for f in report.findings],
    }


def gaps_json(report: GapReport) -> str:
    return json.dumps(gaps_data(report), ensure_ascii=False, indent=2) + "\n"


def finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "severity": finding.severity.value,
        "section": finding.section,
        "source": finding.source,
        "file": finding.file,
        "line": finding.line,
        "message": finding.message,
        "candidate": finding.candidate,
    }


def coverage_data(coverage: Coverage) -> dict[str, Any]:
    section_ids = [s.id for s in coverage.sections]
    age = coverage.age
    conc = coverage.concentration
    return {
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "needs_support": s.needs_support,
                "claims": s.claims,
                "sources": list(s.sources),
                "stances": {
                    "supports": s.supports,
                    "contests": s.contests,
                    "qualifies": s.qualifies,
                },
            }
            for s in coverage.sections
        ],
        "sources": [
            {
                "key": row.key,
                "label": row.label,
                "year": row.year,
                "in_bibliography": row.in_bibliography,
                "file": row.file,
                "line": row.line,
                "note": row.note_file,
                "claims": row.claims,
                "untagged_claims": row.untagged,
                "unknown_section_claims": row.unknown,
            }
            for row in coverage.sources
        ],
        "matrix": {
            row.key: dict(zip(section_ids, row.counts, strict=True)) for row in coverage.sources
        },
        "facets": [
            {"id": f.id, "question": f.question, "claims": f.claims, "sources": list(f.sources)}
            for f in coverage.facets
        ],
        "balance": {
            "reference_year": age.reference_year,
            "old_source_years": age.threshold,
            "dated_sources": age.dated,
            "median_age": age.median_age,
            "old_sources": list(age.old),
            "old_share": _round(age.old_share),
            "undated_sources": list(age.undated),
            "total_claims": conc.total_claims,
            "top_source": conc.top_source,
            "top_source_claims": conc.top_claims,
            "top_source_share": _round(conc.share),
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
