"""Where a review stands: each section's support, the facets, what is missing, what to do next.

This is what ``cybercoop review`` shows. It returns plain data; renderers format it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cybercoop_cli.analysis.links import Suggestion, suggest_links
from cybercoop_cli.model import Claim, Problem, Project, Severity, Stance


class SectionStatus(StrEnum):
    NO_SUPPORT = "no-support"
    SINGLE_SOURCE = "single-source"
    SUPPORTED = "supported"
    CONTESTED = "contested"


@dataclass(frozen=True, slots=True)
class LinkedClaim:
    source: str
    claim: Claim
    file: str


@dataclass(frozen=True, slots=True)
class SectionReport:
    id: str
    title: str
    needs_support: bool
    source_keys: tuple[str, ...]
    claims: tuple[LinkedClaim, ...]
    status: SectionStatus


@dataclass(frozen=True, slots=True)
class FacetReport:
    id: str
    question: str
    source_keys: tuple[str, ...]
    claim_count: int


@dataclass(frozen=True, slots=True)
class NextStep:
    kind: str
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class ReviewReport:
    title: str
    question: str
    facets: tuple[FacetReport, ...]
    sections: tuple[SectionReport, ...]
    suggestions: tuple[Suggestion, ...]
    unused_sources: tuple[str, ...]
    problems: tuple[Problem, ...]
    next_steps: tuple[NextStep, ...]
    source_count: int
    note_count: int
    claim_count: int
    # Sources whose note exists but cannot be read, with where it fails ("file:line"): also
    # in ``unused_sources`` (no claim of theirs counts), but a note must be fixed, not written.
    unreadable_notes: tuple[tuple[str, str], ...] = ()


def section_status(claims: tuple[LinkedClaim, ...]) -> SectionStatus:
    """No claims: no support; any contesting claim: contested; one source: single; else supported."""
    if not claims:
        return SectionStatus.NO_SUPPORT
    if any(item.claim.stance is Stance.CONTESTS for item in claims):
        return SectionStatus.CONTESTED
    if len({item.source for item in claims}) == 1:
        return SectionStatus.SINGLE_SOURCE
    return SectionStatus.SUPPORTED


def summarize(project: Project) -> ReviewReport:
    review = project.review
    by_section: dict[str, list[LinkedClaim]] = {s.id: [] for s in review.sections}
    by_facet: dict[str, list[LinkedClaim]] = {f.id: [] for f in review.facets}
    claim_count = 0
    for note in project.notes:
        for claim in note.claims:
            claim_count += 1
            linked = LinkedClaim(note.key, claim, note.file)
            for section in claim.sections:
                if section in by_section:
                    by_section[section].append(linked)
            for facet in claim.facets:
                if facet in by_facet:
                    by_facet[facet].append(linked)
    sections = tuple(
        SectionReport(
            id=s.id,
            title=s.title,
            needs_support=s.needs_support,
            source_keys=tuple(sorted({c.source for c in by_section[s.id]})),
            claims=tuple(by_section[s.id]),
            status=section_status(tuple(by_section[s.id])),
        )
        for s in review.sections
    )
    facets = tuple(
        FacetReport(
            id=f.id,
            question=f.question,
            source_keys=tuple(sorted({c.source for c in by_facet[f.id]})),
            claim_count=len(by_facet[f.id]),
        )
        for f in review.facets
    )
    noted = {note.key for note in project.notes}
    unused = tuple(key for key in project.source_keys() if key not in noted)
    suggestions = tuple(suggest_links(project.notes, review))
    broken = project.unreadable_notes()
    return ReviewReport(
        title=review.title,
        question=review.question,
        facets=facets,
        sections=sections,
        suggestions=suggestions,
        unused_sources=unused,
        problems=project.problems,
        next_steps=tuple(
            _next_steps(
                project, sections, facets, suggestions, tuple(k for k in unused if k not in broken)
            )
        ),
        source_count=len(project.source_keys()),
        note_count=len(project.notes),
        claim_count=claim_count,
        unreadable_notes=tuple((key, problem.location()) for key, problem in broken.items()),
    )


def _some(items: list[str], limit: int = 3) -> str:
    """A short list for a sentence: 'a, b, c and 12 others'."""
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit:,} others"


def _next_steps(
    project: Project,
    sections: tuple[SectionReport, ...],
    facets: tuple[FacetReport, ...],
    suggestions: tuple[Suggestion, ...],
    unused: tuple[str, ...],
) -> list[NextStep]:
    steps: list[NextStep] = []
    errors = [p for p in project.problems if p.severity is Severity.ERROR]
    if errors:
        files = sorted({p.file for p in errors})
        steps.append(
            NextStep(
                "fix-input",
                _some(files),
                f"Fix the {len(errors)} input error(s) listed under Problems, starting with {errors[0].location()}.",
            )
        )
    needed = {s.id for s in project.review.sections if s.needs_support}
    for section in sections:
        if section.status is SectionStatus.NO_SUPPORT and section.id in needed:
            steps.append(
                NextStep(
                    "find-sources",
                    section.id,
                    f"Find sources for '{section.title}': no claim in your notes supports it yet.",
                )
            )
    for section in sections:
        if section.status is SectionStatus.SINGLE_SOURCE:
            steps.append(
                NextStep(
                    "corroborate",
                    section.id,
                    f"Corroborate '{section.title}': it rests on {section.source_keys[0]} alone.",
                )
            )
    for facet in facets:
        if facet.claim_count == 0:
            steps.append(
                NextStep(
                    "cover-facet",
                    facet.id,
                    f"No claim addresses the facet '{facet.id}' yet: {facet.question}",
                )
            )
    for section in sections:
        if section.status is SectionStatus.CONTESTED:
            contesting = sorted(
                {c.source for c in section.claims if c.claim.stance is Stance.CONTESTS}
            )
            steps.append(
                NextStep(
                    "answer-critique",
                    section.id,
                    f"Answer the critique in '{section.title}' from {_some(contesting)}.",
                )
            )
    untagged = [s for s in suggestions if s.kind == "section"]
    if untagged:
        steps.append(
            NextStep(
                "tag-claims",
                _some(sorted({s.file for s in untagged})),
                f"Tag {len(untagged)} claim(s) with a section; suggestions are listed above.",
            )
        )
    if unused:
        steps.append(
            NextStep(
                "write-notes",
                _some(list(unused)),
                f"Write notes for {len(unused)} source(s) without one: cybercoop note new {unused[0]}",
            )
        )
    return steps
