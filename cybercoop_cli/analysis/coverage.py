"""How the evidence spreads: sources by sections (claim counts), facets, age and concentration.

This is the data behind the coverage matrix of ``cybercoop gaps``; :mod:`.gaps` turns it
into findings and the renderers draw it. Only explicit tags count: a claim tagged to
``framework`` counts once in that column for its note's source; a claim without a section
tag is counted as *untagged* for its source; a tag naming no section of the review is
counted as *unknown* (and reported by :mod:`.gaps`).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cybercoop_cli.model import Note, Project, Source, Stance

_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True, slots=True)
class SectionCoverage:
    """One column of the matrix."""

    id: str
    title: str
    needs_support: bool
    claims: int
    sources: tuple[str, ...]
    supports: int
    contests: int
    qualifies: int

    def stance_count(self, stance: Stance) -> int:
        return {
            Stance.SUPPORTS: self.supports,
            Stance.CONTESTS: self.contests,
            Stance.QUALIFIES: self.qualifies,
        }[stance]


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """One row of the matrix: a source (or a note whose key is not in the bibliography)."""

    key: str
    label: str
    year: int | None
    in_bibliography: bool
    file: str | None
    line: int | None
    note_file: str | None
    counts: tuple[int, ...]  # claims per section, in the order of Coverage.sections
    claims: int
    untagged: int
    unknown: int

    @property
    def has_note(self) -> bool:
        return self.note_file is not None


@dataclass(frozen=True, slots=True)
class FacetCoverage:
    id: str
    question: str
    claims: int
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgeProfile:
    """How old the sources are, counted from ``reference_year`` (the review's date)."""

    reference_year: int
    threshold: int
    dated: int
    median_age: float | None
    old: tuple[str, ...]  # keys of sources more than ``threshold`` years old
    undated: tuple[str, ...]

    @property
    def old_share(self) -> float | None:
        return len(self.old) / self.dated if self.dated else None


@dataclass(frozen=True, slots=True)
class Concentration:
    """How much of the evidence rests on the most-used source."""

    total_claims: int
    top_source: str | None
    top_claims: int

    @property
    def share(self) -> float | None:
        return self.top_claims / self.total_claims if self.total_claims else None


@dataclass(frozen=True, slots=True)
class Coverage:
    sections: tuple[SectionCoverage, ...]
    sources: tuple[SourceCoverage, ...]
    facets: tuple[FacetCoverage, ...]
    age: AgeProfile
    concentration: Concentration

    def count(self, source: str, section: str) -> int:
        column = next(i for i, s in enumerate(self.sections) if s.id == section)
        row = next(r for r in self.sources if r.key == source)
        return row.counts[column]

    @property
    def max_count(self) -> int:
        return max((c for row in self.sources for c in row.counts), default=0)


def source_label(source: Source) -> str:
    """An author-date label as APA cites it.

    "Chang (2020)", "Brass & Sowell (2021)", "Amoo et al. (2024)"; without names, the title.
    """
    names = source.names
    year = str(source.year) if source.year is not None else "n.d."
    if not names:
        title = source.title or source.key
        head = title if len(title) <= 40 else title[:39].rstrip() + "…"
    elif len(names) == 1:
        head = names[0].surname
    elif len(names) == 2:
        head = f"{names[0].surname} & {names[1].surname}"
    else:
        head = f"{names[0].surname} et al."
    return f"{head} ({year})"


def reference_year(project: Project, today: date | None = None) -> int:
    """The year ages are counted from: the review's date, else today."""
    match = _YEAR.search(project.review.date or "")
    if match:
        return int(match.group(0))
    return (today or date.today()).year


def measure_coverage(project: Project, *, today: date | None = None) -> Coverage:
    """The coverage matrix and balance figures for a loaded project."""
    review = project.review
    section_ids = [s.id for s in review.sections]
    column = {sid: i for i, sid in enumerate(section_ids)}
    notes_by_key: dict[str, list[Note]] = {}
    for note in project.notes:
        notes_by_key.setdefault(note.key, []).append(note)

    rows: list[SourceCoverage] = []
    known = {source.key for source in project.sources}
    for source in project.sources:
        rows.append(
            _row(source.key, source_label(source), source, notes_by_key.get(source.key, []), column)
        )
    for key, notes in notes_by_key.items():
        if key not in known:
            rows.append(_row(key, key, None, notes, column))

    section_claims: dict[str, list[tuple[str, Stance]]] = {sid: [] for sid in section_ids}
    facet_claims: dict[str, list[str]] = {f.id: [] for f in review.facets}
    for note in project.notes:
        for claim in note.claims:
            for sid in dict.fromkeys(claim.sections):
                if sid in section_claims:
                    section_claims[sid].append((note.key, claim.stance))
            for fid in dict.fromkeys(claim.facets):
                if fid in facet_claims:
                    facet_claims[fid].append(note.key)

    order = {row.key: i for i, row in enumerate(rows)}
    sections = tuple(
        SectionCoverage(
            id=s.id,
            title=s.title,
            needs_support=s.needs_support,
            claims=len(section_claims[s.id]),
            sources=_ordered({key for key, _ in section_claims[s.id]}, order),
            supports=sum(1 for _, st in section_claims[s.id] if st is Stance.SUPPORTS),
            contests=sum(1 for _, st in section_claims[s.id] if st is Stance.CONTESTS),
            qualifies=sum(1 for _, st in section_claims[s.id] if st is Stance.QUALIFIES),
        )
        for s in review.sections
    )
    facets = tuple(
        FacetCoverage(
            f.id, f.question, len(facet_claims[f.id]), _ordered(set(facet_claims[f.id]), order)
        )
        for f in review.facets
    )
    return Coverage(
        sections=sections,
        sources=tuple(rows),
        facets=facets,
        age=_age_profile(project.sources, reference_year(project, today), review.old_source_years),
        concentration=_concentration(rows),
    )


def _row(
    key: str, label: str, source: Source | None, notes: list[Note], column: dict[str, int]
) -> SourceCoverage:
    counts = [0] * len(column)
    untagged = unknown = claims = 0
    for note in notes:
        for claim in note.claims:
            claims += 1
            if not claim.sections:
                untagged += 1
            for sid in dict.fromkeys(claim.sections):
                if sid in column:
                    counts[column[sid]] += 1
                else:
                    unknown += 1
    return SourceCoverage(
        key=key,
        label=label,
        year=source.year if source else None,
        in_bibliography=source is not None,
        file=source.file if source else None,
        line=source.line if source else None,
        note_file=notes[0].file if notes else None,
        counts=tuple(counts),
        claims=claims,
        untagged=untagged,
        unknown=unknown,
    )


def _ordered(keys: set[str], order: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(keys, key=lambda k: (order.get(k, len(order)), k)))


def _age_profile(sources: Sequence[Source], year: int, threshold: int) -> AgeProfile:
    ages = {s.key: year - s.year for s in sources if s.year is not None}
    return AgeProfile(
        reference_year=year,
        threshold=threshold,
        dated=len(ages),
        median_age=float(statistics.median(ages.values())) if ages else None,
        old=tuple(key for key, age in ages.items() if age > threshold),
        undated=tuple(s.key for s in sources if s.year is None),
    )


def _concentration(rows: Sequence[SourceCoverage]) -> Concentration:
    total = sum(row.claims for row in rows)
    top = max(rows, key=lambda row: row.claims, default=None)
    if top is None or top.claims == 0:
        return Concentration(total, None, 0)
    return Concentration(total, top.key, top.claims)
