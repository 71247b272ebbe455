"""JSON documents for ``review`` and ``sources``: plain dicts, ready for ``json.dumps``.

The field names are part of the interface (documented in docs/review.md and docs/sources.md); add, never rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cybercoop_cli.analysis.review import LinkedClaim, ReviewReport
from cybercoop_cli.model import Person, Problem, Source


def dumps(data: Any, *, indent: bool) -> str:
    """JSON text ending with a newline: two-space indented, or compact (no spaces at all).

    orjson, not the standard library: a review of 10,000 sources is 7 MB of JSON, which
    json.dumps wrote in 0.075 s and orjson in 0.022 s (measured). Its indented output is
    the same, byte for byte, as ``json.dumps(data, ensure_ascii=False, indent=2)``.
    """
    import orjson

    option = orjson.OPT_INDENT_2 if indent else 0
    return orjson.dumps(data, option=option).decode("utf-8") + "\n"


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "message": problem.message,
        "code": problem.code,
        "severity": problem.severity.value,
    }


def person_json(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": person.literal, "family": person.literal, "given": ""}
    out = {"family": person.family, "given": person.given}
    if person.particle:
        out["particle"] = person.particle
    if person.suffix:
        out["suffix"] = person.suffix
    return out


def source_json(source: Source) -> dict[str, Any]:
    return {
        "key": source.key,
        "type": source.entry_type,
        "authors": [person_json(p) for p in source.authors],
        "editors": [person_json(p) for p in source.editors],
        "year": source.year,
        "title": source.title,
        "container": source.container,
        "doi": source.doi or None,
        "url": source.url or None,
        "file": source.file,
        "line": source.line,
    }


def sources_json(sources: Sequence[Source], problems: Sequence[Problem]) -> dict[str, Any]:
    return {
        "sources": [source_json(s) for s in sources],
        "problems": [problem_json(p) for p in problems],
    }


def _linked_claim_json(linked: LinkedClaim) -> dict[str, Any]:
    # One dict literal per claim (10,000s of them): no merging of a second dict, and the
    # stance as the plain string it is (a StrEnum), without the enum's value property.
    claim = linked.claim
    return {
        "source": linked.source,
        "file": linked.file,
        "text": claim.text,
        "sections": list(claim.sections),
        "facets": list(claim.facets),
        "stance": str(claim.stance),
        "locator": claim.locator or None,
        "quote": claim.quote or None,
        "line": claim.line,
    }


def review_json(report: ReviewReport) -> dict[str, Any]:
    return {
        "title": report.title,
        "question": report.question,
        "facets": [
            {
                "id": f.id,
                "question": f.question,
                "source_keys": list(f.source_keys),
                "claim_count": f.claim_count,
            }
            for f in report.facets
        ],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "source_keys": list(s.source_keys),
                "claim_count": len(s.claims),
                "status": s.status.value,
                "needs_support": s.needs_support,
                "claims": [_linked_claim_json(c) for c in s.claims],
            }
            for s in report.sections
        ],
        "untagged_claims": [
            {
                "source": s.source,
                "file": s.file,
                "line": s.claim.line,
                "text": s.claim.text,
                "missing": s.kind,
                "suggestion": s.target,
                "score": s.score,
            }
            for s in report.suggestions
        ],
        "unused_sources": list(report.unused_sources),
        "unreadable_notes": [
            {"key": key, "where": where} for key, where in report.unreadable_notes
        ],
        "problems": [problem_json(p) for p in report.problems],
        "next_steps": [
            {"kind": n.kind, "subject": n.subject, "message": n.message} for n in report.next_steps
        ],
        "counts": {
            "sources": report.source_count,
            "notes": report.note_count,
            "claims": report.claim_count,
        },
    }
