from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

from cybercoop_cli.analysis.gaps import (
    KIND_BY_ID,
    KINDS,
    CitedAt,
    ManuscriptUse,
    find_gaps,
    manuscript_use,
)
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import (
    Annotation,
    Claim,
    Facet,
    Finding,
    Note,
    Person,
    Project,
    Review,
    Section,
    Severity,
    Source,
    Stance,
)

TODAY = date(2026, 2, 4)
REPO = Path(__file__).resolve().parents[2]
ANNOTATED = Annotation(summary="s", evaluation="e", relevance="r")

# A message names the next step: one of these verbs, as an instruction.
NEXT_STEP = re.compile(
    r"\b(add|find|check|write|keep|tag|correct|cite|look|copy|search|move|delete|remove|"
    r"use|record|mark|give|drop|say|address)\b",
    re.IGNORECASE,
)


def review(sections: tuple[Section, ...], facets: tuple[Facet, ...], old: int = 10) -> Review:
    return Review(
        file=Path("/r/cybercoop.yaml"),
        title="T",
        question="Q?",
        facets=facets,
        sections=sections,
        references_dir=Path("/r/references"),
        notes_dir=Path("/r/notes"),
        old_source_years=old,
        date="2026-02-04",
    )


def article(key: str, family: str, year: int | None, title: str, **fields: str) -> Source:
    base = {"journal": "J", "volume": "1", "pages": "1--9", "year": str(year or "")}
    base |= fields
    return Source(
        key=key,
        entry_type=fields.pop("type", "article"),
        file="references/r.bib",
        line=len(key),
        fields=MappingProxyType({k: v for k, v in base.items() if v and k != "type"}),
        authors=(Person(family=family, given="A."),),
        title=title,
        container="J",
        year=year,
        volume=base.get("volume", ""),
        pages=base.get("pages", ""),
        doi=fields.get("doi", f"10.1/{key}"),
        url=fields.get("url", ""),
    )


def note(key: str, *claims: Claim, annotation: Annotation = ANNOTATED) -> Note:
    return Note(key=key, file=f"notes/{key}.md", line=1, annotation=annotation, claims=claims)


def claim(text: str, *sections: str, stance: Stance = Stance.SUPPORTS, **kw: object) -> Claim:
    facets = kw.pop("facets", ("effect",))
    return Claim(text, sections=sections, facets=facets, stance=stance, line=5, **kw)  # type: ignore[arg-type]


SECTIONS = (
    Section("intro", "Introduction"),
    Section("method", "Method"),
    Section("end", "End", needs_support=False),
)
FACETS = (Facet("effect", "Does it work?"), Facet("reform", "What should change?"))


def healthy() -> Project:
    sources = [
        article("ann2020", "Ann", 2020, "Cooperation in practice"),
        article("bob2021", "Bob", 2021, "Limits of cooperation"),
        article("cyd2022", "Cyd", 2022, "Treaties and their critics"),
    ]
    notes = [
        note("ann2020", claim("a1", "intro"), claim("a2", "method", facets=("reform",))),
        note(
            "bob2021",
            claim("b1", "intro", stance=Stance.QUALIFIES),
            claim("b2", "method", stance=Stance.QUALIFIES),
        ),
        note("cyd2022", claim("c1", "intro", stance=Stance.CONTESTS), claim("c2", "method")),
    ]
    return Project(review(SECTIONS, FACETS), tuple(sources), tuple(notes))


def kinds(findings: tuple[Finding, ...]) -> list[str]:
    return [f.kind for f in findings]


def test_a_healthy_review_has_no_findings() -> None:
    report = find_gaps(healthy(), today=TODAY)
    assert report.findings == ()
    assert report.counts == {"error": 0, "warning": 0, "info": 0}


def everything_wrong() -> tuple[Project, ManuscriptUse]:
    sections = (*SECTIONS, Section("results", "Results"))
    sources = [
        article("dom2020", "Dom", 2020, "The one source everybody uses"),
        article("lone2019", "Lone", 2019, "A section on its own"),
        article("critic2018", "Critic", 2018, "Against it all"),
        article("unused2017", "Unused", 2017, "Nobody reads this"),
        article("twin2016a", "Twin", 2016, "Twins one", doi="10.9/same"),
        article("twin2016b", "Other", 2016, "Twins one", doi="10.9/SAME"),
        article(
            "copy2015", "Copy", 2015, "International cooperation against cybercrime", doi="10.8/x"
        ),
        article("copy2015b", "Copy", 2015, "International co-operation against cybercrime", doi=""),
        article("nodoi2014", "Nodoi", 2014, "Where is the DOI", doi="", volume=""),
        article("noyear", "Noyear", None, "Undated work"),
        article("future", "Future", 3020, "From the future"),
        article("ancient1990", "Old", 1990, "Old but gold"),
    ]
    notes = [
        note(
            "dom2020",
            claim("d1", "results"),
            claim("d2", "results"),
            claim("d3", "methd"),
            claim("d4", "results", facets=("efect",)),
            claim("d5", quote="exact words"),
            claim("d6", "results"),
            claim("d7", "results"),
        ),
        note("lone2019", claim("l1", "method")),
        note("critic2018", claim("c1", "results", stance=Stance.CONTESTS)),
        note("twin2016a"),
        note("copy2015", claim("p1", "end", stance=Stance.QUALIFIES), annotation=Annotation()),
        note("smiht2020", claim("s1", "results")),
    ]
    project = Project(review(sections, FACETS), tuple(sources), tuple(notes))
    use = ManuscriptUse(
        file="draft.md",
        citations=(CitedAt("dom2020", 3, "results"), CitedAt("dom2020", 9, "intro")),
    )
    return project, use


def test_every_kind_is_reachable_and_every_message_names_a_next_step() -> None:
    project, use = everything_wrong()
    report = find_gaps(project, manuscript=use, today=TODAY)
    assert set(kinds(report.findings)) == set(KIND_BY_ID)
    for finding in report.findings:
        assert NEXT_STEP.search(finding.message), finding.message
        assert finding.severity.rank >= Severity.INFO.rank


def test_findings_are_sorted_by_severity() -> None:
    project, use = everything_wrong()
    ranks = [f.severity.rank for f in find_gaps(project, manuscript=use, today=TODAY).findings]
    assert ranks == sorted(ranks, reverse=True)


def by_kind(report_findings: tuple[Finding, ...], kind: str) -> list[Finding]:
    return [f for f in report_findings if f.kind == kind]


def test_each_finding_points_at_its_place() -> None:
    project, use = everything_wrong()
    found = find_gaps(project, manuscript=use, today=TODAY).findings
    [no_source] = by_kind(found, "section-no-source")
    assert (no_source.section, no_source.file) == ("intro", "cybercoop.yaml")  # "end" needs none
    [single] = by_kind(found, "section-single-source")
    assert (single.section, single.source) == ("method", "lone2019")
    assert {f.section for f in by_kind(found, "section-one-stance")} == {"method"}
    [unknown] = by_kind(found, "claim-unknown-section")
    assert (unknown.section, unknown.candidate, unknown.file, unknown.line) == (
        "methd",
        "method",
        "notes/dom2020.md",
        5,
    )
    assert "did you mean 'method'" in unknown.message
    [facet] = by_kind(found, "claim-unknown-facet")
    assert facet.candidate == "effect"
    assert [f.section for f in by_kind(found, "facet-no-claim")] == [None]
    assert "reform" in by_kind(found, "facet-no-claim")[0].message
    [contest] = by_kind(found, "contest-unanswered")
    assert (contest.source, contest.section) == ("critic2018", "results")
    assert {f.source for f in by_kind(found, "note-no-claims")} == {"twin2016a"}
    assert {f.source for f in by_kind(found, "note-no-annotation")} == {"copy2015"}
    assert [f.source for f in by_kind(found, "quote-without-locator")] == ["dom2020"]
    unused = {f.source for f in by_kind(found, "source-unused")}
    assert "unused2017" in unused and "dom2020" not in unused
    [orphan] = by_kind(found, "note-unknown-source")
    assert orphan.source == "smiht2020"
    [doi] = by_kind(found, "duplicate-doi")
    assert (doi.source, doi.candidate, doi.severity) == ("twin2016b", "twin2016a", Severity.ERROR)
    [work] = by_kind(found, "duplicate-work")
    assert (work.source, work.candidate) == ("copy2015b", "copy2015")
    assert "nodoi2014" in {f.source for f in by_kind(found, "missing-doi")}
    [meta] = [f for f in by_kind(found, "missing-metadata") if f.source == "nodoi2014"]
    assert "volume" in meta.message
    assert [f.source for f in by_kind(found, "missing-year")] == ["noyear"]
    assert [f.source for f in by_kind(found, "implausible-year")] == ["future"]
    [dominant] = by_kind(found, "dominant-source")
    assert dominant.source == "dom2020" and "7 of 11 claims" in dominant.message
    [uncited] = [f for f in by_kind(found, "claim-source-uncited") if f.source == "lone2019"]
    assert "draft.md" in uncited.message
    [outside] = by_kind(found, "cited-outside-claims")
    assert (outside.source, outside.section, outside.file, outside.line) == (
        "dom2020",
        "intro",
        "draft.md",
        9,
    )


def test_note_unknown_source_suggests_the_nearest_key() -> None:
    project = healthy()
    notes = (*project.notes, note("ann2002", claim("x", "intro")))
    found = find_gaps(Project(project.review, project.sources, notes), today=TODAY).findings
    [orphan] = by_kind(found, "note-unknown-source")
    assert orphan.candidate == "ann2020"
    assert "did you mean 'ann2020'" in orphan.message


def test_untagged_claims_suggest_the_section_they_read_like() -> None:
    sections = (
        Section("intro", "Introduction", keywords=("extradition", "jurisdiction")),
        Section("reforms", "Legal reforms", keywords=("capacity building", "training", "reform")),
    )
    project = Project(
        review(sections, FACETS[:1]),
        (article("a2020", "A", 2020, "t"),),
        (note("a2020", claim("Capacity building and training are the reform most needed")),),
    )
    found = find_gaps(project, today=TODAY).findings
    [untagged] = by_kind(found, "claim-no-section")
    assert untagged.candidate == "reforms"
    [empty] = [f for f in by_kind(found, "section-no-source") if f.section == "reforms"]
    assert "notes/a2020.md:5" in empty.message and "sections: [reforms]" in empty.message


def test_contests_are_answered_by_a_qualifying_claim_from_another_source() -> None:
    project = healthy()  # cyd2022 contests intro; bob2021 qualifies intro
    assert not by_kind(find_gaps(project, today=TODAY).findings, "contest-unanswered")
    own = Project(
        project.review,
        project.sources,
        (
            note("ann2020", claim("a1", "intro"), claim("a2", "method", facets=("reform",))),
            note(
                "cyd2022",
                claim("c1", "intro", stance=Stance.CONTESTS),
                claim("c2", "intro", stance=Stance.QUALIFIES),
            ),
        ),
    )
    assert [
        f.source for f in by_kind(find_gaps(own, today=TODAY).findings, "contest-unanswered")
    ] == ["cyd2022"]


def test_old_sources_become_a_warning_when_they_are_the_majority() -> None:
    project = healthy()
    old = tuple(
        article(s.key, s.authors[0].family, 2001 + i, s.title)
        for i, s in enumerate(project.sources)
    )
    [finding] = by_kind(
        find_gaps(Project(project.review, old, project.notes), today=TODAY).findings, "old-sources"
    )
    assert finding.severity is Severity.WARNING
    assert "3 of 3 dated sources (100%)" in finding.message
    mixed = (old[0], *project.sources[1:])
    [finding] = by_kind(
        find_gaps(Project(project.review, mixed, project.notes), today=TODAY).findings,
        "old-sources",
    )
    assert finding.severity is Severity.INFO


@pytest.mark.parametrize(
    ("entry_type", "fields", "lacking"),
    [
        ("incollection", {"booktitle": "B", "publisher": "P", "pages": "1--2"}, "editor"),
        ("incollection", {"booktitle": "B", "editor": "E", "pages": "1--2"}, "publisher"),
        ("book", {}, "publisher"),
        ("phdthesis", {}, "school (or institution)"),
        ("article", {"journal": "J", "volume": "2"}, "pages (or eid)"),
    ],
)
def test_missing_metadata_by_entry_type(
    entry_type: str, fields: dict[str, str], lacking: str
) -> None:
    source = Source(
        key="k2020",
        entry_type=entry_type,
        file="references/r.bib",
        line=1,
        fields=MappingProxyType({"title": "T", "year": "2020", "doi": "10.1/k", **fields}),
        authors=(Person(family="K"),),
        title="T",
        year=2020,
        doi="10.1/k",
    )
    project = Project(review(SECTIONS, FACETS), (source,), ())
    [meta] = by_kind(find_gaps(project, today=TODAY).findings, "missing-metadata")
    assert lacking in meta.message


# --------------------------------------------------------------------------- the example


def test_example_acceptance(example_project: Path) -> None:
    report = find_gaps(load_project(example_project), today=TODAY)
    found = report.findings
    assert [f.section for f in by_kind(found, "section-no-source")] == ["implementation"]
    assert {f.source for f in by_kind(found, "missing-doi")} == {
        "amoo2024legal",
        "sekati2022assessing",
    }
    assert not by_kind(found, "duplicate-doi") and not by_kind(found, "duplicate-work")
    block = (REPO / "docs" / "gaps.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind.id}`" in block, f"finding kind {kind.id} is not in docs/gaps.md"


def test_example_with_its_manuscript(example_project: Path) -> None:
    project = load_project(example_project)
    use = manuscript_use(example_project / "manuscript" / "draft.md", project)
    assert use.file == "manuscript/draft.md"
    assert set(use.headings_matched) == {s.id for s in project.review.sections}
    cited = {(c.key, c.section) for c in use.citations}
    assert ("sekati2022assessing", "intro") in cited
    assert ("brass2021adaptive", "reforms") in cited
    # the draft misspells Wicki-Birchler once and dates Amoo 2023 once; both still count
    assert {c.key for c in use.citations} == {s.key for s in project.sources}
    found = find_gaps(project, manuscript=use, today=TODAY).findings
    assert not by_kind(found, "claim-source-uncited")
    assert not by_kind(found, "cited-outside-claims")


def test_a_note_that_cannot_be_read_is_named_not_called_missing(example_project: Path) -> None:
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text(encoding="utf-8").replace("tags: [", "tags: x: ["), "utf-8")
    report = find_gaps(load_project(example_project), today=TODAY)
    [unused] = [f for f in report.findings if f.kind == "source-unused"]
    assert unused.source == "sekati2022assessing"
    assert (unused.file, unused.line) == ("notes/sekati2022assessing.md", 3)
    assert "cannot be read" in unused.message and "Fix the note" in unused.message
    assert "Write notes/" not in unused.message


@pytest.mark.parametrize(
    ("stance", "claims", "said", "nothing"),
    [
        (Stance.SUPPORTS, 1, "its only claim supports it", "nothing contests or qualifies"),
        (Stance.QUALIFIES, 1, "its only claim qualifies it", "nothing supports or contests"),
        (Stance.QUALIFIES, 2, "both its claims qualify it", "nothing supports or contests"),
        (Stance.CONTESTS, 3, "all 3 of its claims contest it", "nothing supports or qualifies"),
    ],
)
def test_one_stance_wording_agrees_with_itself(
    stance: Stance, claims: int, said: str, nothing: str
) -> None:
    from cybercoop_cli.analysis.gaps import one_stance_text

    text = one_stance_text(stance, claims)
    assert text.startswith(f"{said}; {nothing} the point.")
    assert f"stance '{stance.value}'" not in text  # never asks for the stance it has
    assert "qualifie " not in text and "qualifie it" not in text
