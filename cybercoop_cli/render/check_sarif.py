"""``cybercoop check --format sarif``: SARIF 2.1.0, so code-review tools show findings inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cybercoop_cli import __version__
from cybercoop_cli.analysis.check import KINDS, CheckReport
from cybercoop_cli.model import Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def check_sarif(report: CheckReport) -> dict[str, Any]:
    """One SARIF run: a rule per finding kind, a result per finding."""
    kinds = list(KINDS)
    rules = [
        {
            "id": kind,
            "name": "".join(part.title() for part in kind.split("-")),
            "shortDescription": {"text": description},
            "defaultConfiguration": {"level": _LEVELS[severity]},
        }
        for kind, (severity, description) in KINDS.items()
    ]
    results = []
    for item in report.findings:
        finding = item.finding
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file or "")}}
        if finding.line:
            region: dict[str, Any] = {"startLine": finding.line}
            if item.column:
                region["startColumn"] = item.column
            if item.context:
                region["snippet"] = {"text": item.context}
            physical["region"] = region
        result: dict[str, Any] = {
            "ruleId": finding.kind,
            "ruleIndex": kinds.index(finding.kind),
            "level": _LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": physical}],
        }
        properties = {
            name: value
            for name, value in (
                ("key", finding.source),
                ("candidate", finding.candidate),
                ("paragraph", item.paragraph),
                ("page", item.page),
                ("pageLine", item.page_line),
                ("hint", finding.hint or None),
            )
            if value is not None
        }
        if properties:
            result["properties"] = properties
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cybercoop",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
