"""Where the evidence is thin: every finding of ``cybercoop gaps``, as plain data.

Each finding is a :class:`~cybercoop_cli.model.Finding` with a stable ``kind`` from
:data:`KINDS` (documented in the README), a severity, the section and/or source it
concerns, the file and line to open, and a message that says what is wrong and what to
do next. Nothing here formats output; the renderers in ``render/gaps_*.py`` do.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cybercoop_cli.analysis.coverage import Coverage, measure_coverage, source_label
from cybercoop_cli.analysis.duplicates import MatchRule, find_duplicates
from cybercoop_cli.model import Finding, Note, Project, Severity, Source, Stance

# --------------------------------------------------------------------------- thresholds

#: A share of sources older than ``old_source_years`` above this makes ``old-sources`` a warning.
OLD_SHARE_WARNING = 0.5
#: ``dominant-source`` fires when one source carries more than this share of all claims...
DOMINANT_SHARE = 0.4
#: ...and the review has at least this many claims (with three claims, one is a third).
DOMINANT_MIN_CLAIMS = 5
#: Years before this, or more than one year after today, are implausible.
EARLIEST_PLAUSIBLE_YEAR = 1450
#: Year values that are not numbers but are correct for unpublished work.
UNPUBLISHED_YEARS = frozenset({"in press", "forthcoming", "accepted", "submitted", "n.d."})

# Fields an entry of a type should have: each item is a field, or alternatives any one of
# which will do. DOIs are checked separately (``missing-doi``).
REQUIRED_FIELDS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "article": (("journal", "journaltitle"), ("volume",), ("pages", "eid")),
    "incollection": (("booktitle",), ("editor",), ("publisher",), ("pages",)),
    "inbook": (("booktitle", "title"), ("publisher",), ("pages", "chapter")),
    "inproceedings": (("booktitle",), ("pages", "eid")),
    "book": (("publisher",),),
    "phdthesis": (("school", "institution"),),
    "mastersthesis": (("school", "institution"),),
    "thesis": (("school", "institution"),),
    "techreport": (("institution",),),
    "report": (("institution",),),
    "online": (("url",),),
}
#: Entry types that normally carry a DOI.
DOI_TYPES = frozenset({"article", "incollection", "inbook", "inproceedings"})


@dataclass(frozen=True, slots=True)
class FindingKind:
    """One kind of finding: its id, group, usual severity and what it means."""

    id: str
    group: str
    severity: Severity
    summary: str


KINDS: tuple[FindingKind, ...] = (
    FindingKind("section-no-source", "coverage", Severity.ERROR,
                "A section that needs support has no claim from any source."),
    FindingKind("section-single-source", "coverage", Severity.WARNING,
                "A section rests on the claims of a single source."),
    FindingKind("facet-no-claim", "coverage", Severity.ERROR,
                "A facet of the research question has no claim."),
    FindingKind("section-one-stance", "coverage", Severity.WARNING,
                "All claims of a section have one stance: none takes another."),
    FindingKind("claim-unknown-section", "coverage", Severity.ERROR,
                "A claim is tagged to a section the review file does not define."),
    FindingKind("claim-unknown-facet", "coverage", Severity.ERROR,
                "A claim is tagged to a facet the review file does not define."),
    FindingKind("claim-no-section", "coverage", Severity.INFO,
                "A claim is tagged to no section, so it supports nothing in the paper yet."),
    FindingKind("quote-without-locator", "evidence", Severity.WARNING,
                "A claim records a quotation but no page or other locator."),
    FindingKind("note-no-claims", "evidence", Severity.WARNING,
                "A note records no claim."),
    FindingKind("note-no-annotation", "evidence", Severity.WARNING,
                "A note has no annotation (summary, evaluation, relevance)."),
    FindingKind("contest-unanswered", "evidence", Severity.WARNING,
                "A contesting claim has no qualifying claim from another source in its section."),
    FindingKind("source-unused", "sources", Severity.WARNING,
                "A source in the bibliography has no note."),
    FindingKind("note-unknown-source", "sources", Severity.ERROR,
                "A note's key is not in the bibliography."),
    FindingKind("duplicate-doi", "sources", Severity.ERROR,
                "Two sources share a DOI."),
    FindingKind("duplicate-work", "sources", Severity.WARNING,
                "Two sources look like the same work (title, first author, year)."),
    FindingKind("missing-doi", "sources", Severity.WARNING,
                "An article, chapter or paper has no DOI."),
    FindingKind("missing-metadata", "sources", Severity.WARNING,
                "A source lacks fields its entry type needs."),
    FindingKind("missing-year", "sources", Severity.ERROR,
                "A source has no year."),
    FindingKind("implausible-year", "sources", Severity.ERROR,
                "A source's year is not a year, or lies too far in the past or future."),
    FindingKind("old-sources", "balance", Severity.INFO,
                "Sources older than the review's threshold (warning when they are the majority)."),
    FindingKind("dominant-source", "balance", Severity.WARNING,
                "One source carries a large share of all claims."),
    FindingKind("claim-source-uncited", "manuscript", Severity.WARNING,
                "A source with claims in the notes is never cited in the manuscript."),
    FindingKind("cited-outside-claims", "manuscript", Severity.INFO,
                "A source is cited in a manuscript section none of its claims supports."),
)  # fmt: skip

KIND_BY_ID: Mapping[str, FindingKind] = {kind.id: kind for kind in KINDS}


@dataclass(frozen=True, slots=True)
class CitedAt:
    """One resolved citation in the manuscript: which source, where, in which section."""

    key: str
    line: int
    section: str | None  # the review section whose heading the citation falls under


@dataclass(frozen=True, slots=True)
class ManuscriptUse:
    """What ``--manuscript`` contributes: the file, and the citations resolved in it."""

    file: str
    citations: tuple[CitedAt, ...] = ()
    headings_matched: tuple[str, ...] = ()  # review section ids found as headings


@dataclass(frozen=True, slots=True)
class GapReport:
    title: str
    coverage: Coverage
    findings: tuple[Finding, ...]
    manuscript: str | None = None
    review_file: str = "cybercoop.yaml"
    counts: Mapping[str, int] = field(default_factory=dict)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]


# --------------------------------------------------------------------------- entry point


def find_gaps(
    project: Project, *, manuscript: ManuscriptUse | None = None, today: date | None = None
) -> GapReport:
    """Every gap finding for a loaded project, most severe first (stable within a severity)."""
    today = today or date.today()
    coverage = measure_coverage(project, today=today)
    review_file = _relative(project.review.file, project.review.root)
    findings: list[Finding] = []
    for check in _CHECKS:
        findings.extend(check(project, coverage, review_file, today))
    if manuscript is not None:
        findings.extend(_manuscript_findings(project, coverage, manuscript))
    order = {kind.id: i for i, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (-f.severity.rank, order[f.kind]))
    counts = {
        s.value: sum(1 for f in findings if f.severity is s)
        for s in sorted(Severity, key=lambda s: -s.rank)
    }
    return GapReport(
        title=project.review.title,
        coverage=coverage,
        findings=tuple(findings),
        manuscript=manuscript.file if manuscript else None,
        review_file=review_file,
        counts=counts,
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _finding(kind: str, message: str, **where: object) -> Finding:
    return Finding(kind=kind, severity=KIND_BY_ID[kind].severity, message=message, **where)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- coverage


def _section_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    from cybercoop_cli.analysis.links import suggest_links

    untagged = [
        s for s in suggest_links(project.notes, project.review) if s.kind == "section" and s.target
    ]
    lines = {s.id: s.line for s in project.review.sections}
    for section in coverage.sections:
        if not section.needs_support:
            continue
        name = f"Section '{section.title}' ({section.id})"
        if section.claims == 0:
            hints = [s for s in untagged if s.target == section.id]
            if hints:
                places = "; ".join(f"{h.file}:{h.claim.line} ({h.source})" for h in hints[:3])
                which = "claim at" if len(hints) == 1 else "claims at"
                tip = (
                    f" The untagged {which} {places} reads like this section: if it supports "
                    f"it, add 'sections: [{section.id}]' to the claim."
                    if len(hints) == 1
                    else f" The untagged {which} {places} read like this section: add "
                    f"'sections: [{section.id}]' to those that support it."
                )
            else:
                tip = (
                    f" Find a source that supports it and record the claim in its note with "
                    f"'sections: [{section.id}]', or mark the section 'needs_support: false' in "
                    f"{review_file} if it argues only from the others."
                )
            yield _finding(
                "section-no-source",
                f"{name} rests on no source: no claim in any note is tagged to it.{tip}",
                section=section.id,
                file=review_file,
                line=lines.get(section.id),
            )
            continue
        if len(section.sources) == 1:
            only = section.sources[0]
            yield _finding(
                "section-single-source",
                f"{name} rests on one source only ({only}, {_count(section.claims, 'claim')}). "
                "Find a second, independent source that supports or qualifies it and tag "
                f"its claim with '{section.id}'.",
                section=section.id,
                source=only,
                file=review_file,
                line=lines.get(section.id),
            )
        stances = [st for st in Stance if section.stance_count(st)]
        if len(stances) == 1:
            yield _finding(
                "section-one-stance",
                f"{name}: {one_stance_text(stances[0], section.claims)}",
                section=section.id,
                file=review_file,
                line=lines.get(section.id),
            )


# A stance's verb after a singular and a plural subject, and what a student looks for when
# every claim of a section takes that stance.
_STANCE_VERBS = {
    Stance.SUPPORTS: ("supports", "support", "disagrees with or limits"),
    Stance.CONTESTS: ("contests", "contest", "supports or qualifies"),
    Stance.QUALIFIES: ("qualifies", "qualify", "supports or contests"),
}


def one_stance_text(stance: Stance, claims: int) -> str:
    """'its only claim supports it; nothing contests or qualifies the point. Look for ...'"""
    singular, plural, wanted = _STANCE_VERBS[stance]
    if claims == 1:
        said = f"its only claim {singular} it"
    elif claims == 2:
        said = f"both its claims {plural} it"
    else:
        said = f"all {claims} of its claims {plural} it"
    others = [other.value for other in Stance if other is not stance]
    return (
        f"{said}; nothing {others[0]} or {others[1]} the point. Look for work that {wanted} "
        f"the point, and record it with stance '{others[0]}' or '{others[1]}', or say in the "
        "text why none exists."
    )


def _facet_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    lines = {f.id: f.line for f in project.review.facets}
    for facet in coverage.facets:
        if facet.claims == 0:
            yield _finding(
                "facet-no-claim",
                f"Facet '{facet.id}' of the research question (\"{facet.question}\") has no "
                f"claim. Tag the claims that answer it with 'facets: [{facet.id}]', or find "
                "sources that do; otherwise the question is only half answered.",
                file=review_file,
                line=lines.get(facet.id),
            )


def _claim_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    from cybercoop_cli.analysis.links import suggest_links

    review = project.review
    section_ids = [s.id for s in review.sections]
    facet_ids = [f.id for f in review.facets]
    nearest_section = _nearest(section_ids)
    nearest_facet = _nearest(facet_ids)
    suggestions = {
        (s.source, s.claim.line, s.claim.text): s.target
        for s in suggest_links(project.notes, review)
        if s.kind == "section"
    }
    for note in project.notes:
        for claim in note.claims:
            where = {"source": note.key, "file": note.file, "line": claim.line}
            for sid in dict.fromkeys(claim.sections):
                if sid not in section_ids:
                    guess = nearest_section(sid)
                    fix = f"did you mean '{guess}'? " if guess else ""
                    yield _finding(
                        "claim-unknown-section",
                        f"A claim of {note.key} is tagged to section '{sid}', which "
                        f"{review_file} does not define; {fix}use one of: "
                        f"{', '.join(section_ids)}, or add the section to {review_file}.",
                        section=sid,
                        candidate=guess,
                        **where,
                    )
            for fid in dict.fromkeys(claim.facets):
                if fid not in facet_ids:
                    guess = nearest_facet(fid)
                    fix = f"did you mean '{guess}'? " if guess else ""
                    yield _finding(
                        "claim-unknown-facet",
                        f"A claim of {note.key} is tagged to facet '{fid}', which "
                        f"{review_file} does not define; {fix}use one of: "
                        f"{', '.join(facet_ids) or '(no facets defined)'}.",
                        candidate=guess,
                        **where,
                    )
            if not claim.sections and section_ids:
                target = suggestions.get((note.key, claim.line, claim.text))
                tip = (
                    f"it reads like section '{target}': add 'sections: [{target}]' if it "
                    "supports that section"
                    if target
                    else "add 'sections: [...]' naming the section it supports, or delete it "
                    "if the paper does not use it"
                )
                yield _finding(
                    "claim-no-section",
                    f'A claim of {note.key} ("{_clip(claim.text)}") is tagged to no '
                    f"section; {tip}.",
                    candidate=target,
                    **where,
                )


# --------------------------------------------------------------------------- evidence quality


def _evidence_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    for note in project.notes:
        for claim in note.claims:
            if claim.quote and not claim.locator:
                yield _finding(
                    "quote-without-locator",
                    f'A claim of {note.key} quotes "{_clip(claim.quote)}" but gives no page: '
                    "add 'locator: p. N' (or a paragraph or section number) so the quotation "
                    "can be checked and cited.",
                    source=note.key,
                    file=note.file,
                    line=claim.line,
                )
        if not note.claims:
            yield _finding(
                "note-no-claims",
                f"The note on {note.key} records no claim, so the source supports nothing in "
                "the coverage matrix. Add 'claims:' with what the source says and the sections "
                "it supports.",
                source=note.key,
                file=note.file,
                line=note.line,
            )
        if note.annotation.is_empty:
            yield _finding(
                "note-no-annotation",
                f"The note on {note.key} has no annotation. Add 'annotation:' with a summary, "
                "an evaluation and the source's relevance to the question; the annotated "
                "bibliography is built from it.",
                source=note.key,
                file=note.file,
                line=note.line,
            )
    yield from _unanswered_contests(project.notes)


def _unanswered_contests(notes: Sequence[Note]) -> Iterable[Finding]:
    qualifiers: dict[str, set[str]] = {}
    for note in notes:
        for claim in note.claims:
            if claim.stance is Stance.QUALIFIES:
                for sid in claim.sections:
                    qualifiers.setdefault(sid, set()).add(note.key)
    for note in notes:
        for claim in note.claims:
            if claim.stance is not Stance.CONTESTS:
                continue
            open_sections = [
                sid for sid in claim.sections if not (qualifiers.get(sid, set()) - {note.key})
            ]
            if claim.sections and not open_sections:
                continue
            where = f"in section(s) {', '.join(open_sections)}" if open_sections else "anywhere"
            yield _finding(
                "contest-unanswered",
                f'{note.key} contests the argument ("{_clip(claim.text)}") and no claim from '
                f"another source qualifies or answers it {where}. Find a source that responds "
                "to the criticism and record its claim with stance 'qualifies', or address the "
                "criticism in your own words.",
                section=open_sections[0] if open_sections else None,
                source=note.key,
                file=note.file,
                line=claim.line,
            )


# --------------------------------------------------------------------------- sources


def _source_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    keys = [s.key for s in project.sources]
    nearest_key = _nearest(keys)
    noted = {note.key for note in project.notes}
    known = set(keys)
    broken = project.unreadable_notes()
    for source in project.sources:
        if source.key in broken:
            problem = broken[source.key]
            yield _finding(
                "source-unused",
                f"{source_label(source)} [{source.key}] has a note that cannot be read "
                f"({problem.location()}: {problem.message}), so no claim rests on it. "
                "Fix the note; the input errors are listed with the report.",
                source=source.key,
                file=problem.file,
                line=problem.line,
            )
        elif source.key not in noted:
            yield _finding(
                "source-unused",
                f"{source_label(source)} [{source.key}] has no note, so no claim rests on it. "
                f"Write notes/{source.key}.md with its annotation and claims, or remove the "
                "entry if the review does not use it.",
                source=source.key,
                file=source.file,
                line=source.line,
            )
    for note in project.notes:
        if note.key not in known:
            guess = nearest_key(note.key)
            fix = (
                f"did you mean '{guess}'? Correct the key in the note"
                if guess
                else "add the entry to a .bib file under references/, or correct the key"
            )
            yield _finding(
                "note-unknown-source",
                f"The note's key '{note.key}' is not in the bibliography; {fix}.",
                source=note.key,
                file=note.file,
                line=note.line,
                candidate=guess,
            )
    for match in find_duplicates(project.sources):
        first, second = match.duplicate_of, match.source
        place = f"{first.file}:{first.line} and {second.file}:{second.line}"
        if match.rule is MatchRule.SAME_DOI:
            if match.title_similarity:
                text = (
                    f"{second.key} and {first.key} are the same work ({match.reason}; {place}). "
                    f"Keep one entry, move the notes and citations of {second.key} to it, and "
                    "delete the other."
                )
            else:
                text = (
                    f"{second.key} and {first.key} have the same DOI but different titles "
                    f"({place}): one DOI is wrong. Look both up at https://doi.org/{second.doi} "
                    "and correct the wrong one."
                )
            kind = "duplicate-doi"
        else:
            text = (
                f"{second.key} looks like the same work as {first.key} ({match.reason}; "
                f"{place}). If it is, keep one entry and move the notes and citations of "
                f"the other to it; if not, give them distinguishing details (DOI, pages, edition)."
            )
            kind = "duplicate-work"
        yield _finding(
            kind, text, source=second.key, file=second.file, line=second.line, candidate=first.key
        )
    for source in project.sources:
        yield from _metadata_findings(source, today)


def _metadata_findings(source: Source, today: date) -> Iterable[Finding]:
    where = {"source": source.key, "file": source.file, "line": source.line}
    label = f"{source_label(source)} [{source.key}]"
    entry_type = source.entry_type.casefold()
    if entry_type in DOI_TYPES and not source.doi:
        if source.url:
            text = (
                f"{label} has a URL but no DOI. Search the title at search.crossref.org or the "
                "publisher's page and add 'doi = {10....}'; if the work has no DOI, keep the URL "
                "and ignore this."
            )
        else:
            text = (
                f"{label} has neither a DOI nor a URL, so readers cannot find it online. Add "
                "its DOI (search the title at search.crossref.org), or a stable URL if it has none."
            )
        yield _finding("missing-doi", text, **where)
    missing = [
        options[0] + "".join(f" (or {alt})" for alt in options[1:])
        for options in REQUIRED_FIELDS.get(entry_type, ())
        if not any(source.field(name).strip() for name in options)
    ]
    if not (source.title or source.field("title")).strip():
        missing.insert(0, "title")
    if not source.names:
        missing.insert(0, "author or editor")
    if missing:
        yield _finding(
            "missing-metadata",
            f"{label} (@{source.entry_type}) lacks {', '.join(missing)}. Copy them from the "
            "publisher's page or the DOI record into the entry; a reference without them "
            "cannot be formatted fully.",
            **where,
        )
    raw_year = (source.field("year") or source.field("date")).strip()
    if source.year is None:
        if not raw_year:
            yield _finding(
                "missing-year",
                f"{label} has no year. Add 'year = {{YYYY}}' (or 'date'); for unpublished work "
                "write 'year = {in press}' or 'n.d.', so that author-date citations work.",
                **where,
            )
        elif raw_year.casefold() not in UNPUBLISHED_YEARS:
            yield _finding(
                "implausible-year",
                f"{label} has year '{raw_year}', which is not a year. Write the four-digit "
                "year of publication, or 'in press' for accepted work.",
                **where,
            )
    elif not EARLIEST_PLAUSIBLE_YEAR <= source.year <= today.year + 1:
        yield _finding(
            "implausible-year",
            f"{label} has year {source.year}, which is implausible (before "
            f"{EARLIEST_PLAUSIBLE_YEAR} or after {today.year + 1}). Check the year against "
            "the publication and correct it.",
            **where,
        )


# --------------------------------------------------------------------------- balance


def _balance_findings(
    project: Project, coverage: Coverage, review_file: str, today: date
) -> Iterable[Finding]:
    age = coverage.age
    share = age.old_share
    if age.old and share is not None:
        listed = ", ".join(age.old[:8]) + (" ..." if len(age.old) > 8 else "")
        finding = _finding(
            "old-sources",
            f"{len(age.old)} of {age.dated} dated sources ({share:.0%}) are more than "
            f"{age.threshold} years older than the review ({age.reference_year}): {listed}. "
            "Check each for newer work that confirms or overturns it, and cite the newer "
            f"work too; the threshold is 'thresholds: old_source_years' in {review_file}.",
            file=review_file,
        )
        if share > OLD_SHARE_WARNING:
            finding = _with_severity(finding, Severity.WARNING)
        yield finding
    conc = coverage.concentration
    if (
        conc.top_source is not None
        and conc.share is not None
        and conc.total_claims >= DOMINANT_MIN_CLAIMS
        and conc.share > DOMINANT_SHARE
    ):
        yield _finding(
            "dominant-source",
            f"{conc.top_claims} of {conc.total_claims} claims ({conc.share:.0%}) rest on "
            f"{conc.top_source}. If it fails, much of the review fails with it: find other "
            "sources for its most important claims.",
            source=conc.top_source,
            file=next((r.note_file for r in coverage.sources if r.key == conc.top_source), None),
        )


def _with_severity(finding: Finding, severity: Severity) -> Finding:
    return Finding(
        kind=finding.kind,
        severity=severity,
        message=finding.message,
        section=finding.section,
        source=finding.source,
        file=finding.file,
        line=finding.line,
        candidate=finding.candidate,
        hint=finding.hint,
    )


# --------------------------------------------------------------------------- manuscript


def _manuscript_findings(
    project: Project, coverage: Coverage, manuscript: ManuscriptUse
) -> Iterable[Finding]:
    cited: dict[str, list[CitedAt]] = {}
    for citation in manuscript.citations:
        cited.setdefault(citation.key, []).append(citation)
    titles = {s.id: s.title for s in coverage.sections}
    for row in coverage.sources:
        if row.claims == 0 or not row.in_bibliography:
            continue
        if row.key not in cited:
            yield _finding(
                "claim-source-uncited",
                f"The notes record {_count(row.claims, 'claim')} from {row.label} [{row.key}], but "
                f"{manuscript.file} never cites it. Cite it where its claims are used, or drop "
                "the claims from the note if the paper does not rely on them.",
                source=row.key,
                file=row.note_file,
            )
            continue
        supported = {sid for sid, n in zip(titles, row.counts, strict=True) if n}
        outside = [
            c for c in cited[row.key] if c.section is not None and c.section not in supported
        ]
        for citation in outside:
            section = citation.section or ""
            claimed = ", ".join(sorted(supported)) or "no section"
            yield _finding(
                "cited-outside-claims",
                f"{manuscript.file}:{citation.line} cites {row.label} in section "
                f"'{titles.get(section, section)}', but its claims support {claimed}. Check that "
                f"the source says what the sentence needs; if it does, add a claim with "
                f"'sections: [{section}]' to its note, otherwise cite a source that does.",
                section=section,
                source=row.key,
                file=manuscript.file,
                line=citation.line,
            )


def manuscript_use(path: Path, project: Project) -> ManuscriptUse:
    """Read a manuscript and resolve its citations, with the review section of each.

    Uses the citation finder and resolver of ``cybercoop check``. A citation counts for a
    source when it resolves exactly or nearly (a misspelt name or a year off by one still
    shows which source the author meant; ``check`` reports the slip). A citation's section
    is the review section whose title best matches the nearest heading above it
    (:data:`HEADING_MIN_SIMILARITY`, numbering such as "2." ignored); citations under a
    heading that matches no section have none.
    """
    from cybercoop_cli.analysis.citations import find_citations
    from cybercoop_cli.analysis.resolve import Grade, resolve
    from cybercoop_cli.ingest.manuscript import read_manuscript

    display = _relative(path.resolve(), project.review.root.resolve())
    manuscript = read_manuscript(path, display=display)
    headings = [
        (block.start, manuscript.text[block.start : block.end])
        for block in manuscript.blocks
        if block.heading
    ]
    match_heading = _heading_matcher(project)
    sections = [match_heading(text) for _, text in headings]
    starts = [start for start, _ in headings]
    citations = []
    # A \nocite lists a source in the bibliography; it is used in no section.
    found = [
        c
        for c in find_citations(manuscript.body, emphasis=manuscript.emphasis)
        if c.form != "nocite"
    ]
    for match in resolve(found, project.sources):
        if match.key is None or match.grade not in (Grade.EXACT, Grade.NEAR):
            continue
        index = bisect_right(starts, match.citation.start) - 1
        section = sections[index] if index >= 0 else None
        citations.append(CitedAt(match.key, manuscript.line_of(match.citation.start), section))
    return ManuscriptUse(
        file=display,
        citations=tuple(citations),
        headings_matched=tuple(dict.fromkeys(s for s in sections if s)),
    )


#: How similar (rapidfuzz ``ratio`` on folded text, 0-100) a heading must be to a section title.
HEADING_MIN_SIMILARITY = 80.0
_HEADING_MARKS = re.compile(r"^[#\s]*(?:(?:\d+|[ivxlc]+|[a-z])[.)]\s*)*", re.IGNORECASE)


def _heading_matcher(project: Project) -> Callable[[str], str | None]:
    from cybercoop_cli.analysis.duplicates import fold

    def clean(text: str) -> str:
        return fold(_HEADING_MARKS.sub("", text.strip()))

    choices: list[tuple[str, str]] = []
    for section in project.review.sections:
        choices.append((clean(section.title), section.id))
        choices.append((fold(section.id), section.id))

    def match(heading: str) -> str | None:
        from rapidfuzz import fuzz, process

        best = process.extractOne(
            clean(heading),
            [text for text, _ in choices],
            scorer=fuzz.ratio,
            score_cutoff=HEADING_MIN_SIMILARITY,
        )
        return choices[best[2]][1] if best else None

    return match


# --------------------------------------------------------------------------- helpers


_CHECKS: tuple[Callable[[Project, Coverage, str, date], Iterable[Finding]], ...] = (
    _section_findings,
    _facet_findings,
    _claim_findings,
    _evidence_findings,
    _source_findings,
    _balance_findings,
)


def _nearest(choices: Sequence[str]) -> Callable[[str], str | None]:
    def nearest(word: str) -> str | None:
        if not choices:
            return None
        from rapidfuzz import fuzz, process

        best = process.extractOne(
            word.casefold(), [c.casefold() for c in choices], scorer=fuzz.ratio
        )
        if best is None or best[1] < 60:
            return None
        return choices[best[2]]

    return nearest


_SPACE = re.compile(r"\s+")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _clip(text: str, width: int = 70) -> str:
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
