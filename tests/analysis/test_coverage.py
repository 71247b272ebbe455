from __future__ import annotations

from datetime import date
from pathlib import Path

from cybercoop_cli.analysis.coverage import measure_coverage, reference_year, source_label
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import (
    Claim,
    Facet,
    Note,
    Person,
    Project,
    Review,
    Section,
    Source,
    Stance,
)


def make_project(
    sources: list[Source], notes: list[Note], *, review_date: str = "2026-02-04", old: int = 10
) -> Project:
    review = Review(
        file=Path("/review/cybercoop.yaml"),
        title="A review",
        question="Why?",
        facets=(Facet("effect", "Does it work?"), Facet("reform", "What should change?")),
        sections=(
            Section("intro", "Introduction"),
            Section("method", "Method"),
            Section("end", "Conclusion", needs_support=False),
        ),
        references_dir=Path("/review/references"),
        notes_dir=Path("/review/notes"),
        old_source_years=old,
        date=review_date,
    )
    return Project(review=review, sources=tuple(sources), notes=tuple(notes))


def src(key: str, year: int | None, *names: str) -> Source:
    return Source(
        key=key,
        entry_type="article",
        file="references/r.bib",
        line=3,
        title=f"Title of {key}",
        authors=tuple(Person(family=n) for n in names),
        year=year,
    )


def note(key: str, *claims: Claim) -> Note:
    return Note(key=key, file=f"notes/{key}.md", line=1, claims=claims)


def test_source_label_follows_apa_author_date() -> None:
    assert source_label(src("a", 2020, "Chang")) == "Chang (2020)"
    assert source_label(src("b", 2021, "Brass", "Sowell")) == "Brass & Sowell (2021)"
    assert source_label(src("c", 2024, "Amoo", "Atadoga", "Abrahams")) == "Amoo et al. (2024)"
    assert source_label(src("d", None, "Chang")) == "Chang (n.d.)"
    assert source_label(src("e", 2001)) == "Title of e (2001)"


def test_matrix_counts_claims_per_source_and_section() -> None:
    project = make_project(
        [src("a", 2020, "A"), src("b", 2021, "B"), src("c", 2022, "C")],
        [
            note(
                "a",
                Claim("one", sections=("intro", "method"), facets=("effect",)),
                Claim("two", sections=("intro",), stance=Stance.CONTESTS),
                Claim("three"),
            ),
            note("b", Claim("four", sections=("method", "nowhere"), stance=Stance.QUALIFIES)),
            note("ghost", Claim("five", sections=("intro",))),
        ],
    )
    coverage = measure_coverage(project)
    assert [s.id for s in coverage.sections] == ["intro", "method", "end"]
    assert [r.key for r in coverage.sources] == ["a", "b", "c", "ghost"]
    assert coverage.count("a", "intro") == 2
    assert coverage.count("a", "method") == 1
    assert coverage.count("b", "method") == 1
    assert coverage.count("c", "intro") == 0
    a, b, c, ghost = coverage.sources
    assert (a.claims, a.untagged, a.unknown) == (3, 1, 0)
    assert (b.claims, b.unknown) == (1, 1)
    assert not c.has_note and c.claims == 0
    assert not ghost.in_bibliography and ghost.note_file == "notes/ghost.md"
    intro = coverage.sections[0]
    assert intro.claims == 3 and intro.sources == ("a", "ghost")
    assert (intro.supports, intro.contests, intro.qualifies) == (2, 1, 0)
    assert coverage.sections[2].needs_support is False
    effect, reform = coverage.facets
    assert (effect.claims, effect.sources) == (1, ("a",))
    assert reform.claims == 0
    assert coverage.max_count == 2


def test_age_profile_counts_from_the_review_date() -> None:
    project = make_project(
        [src("a", 2000, "A"), src("b", 2016, "B"), src("c", 2015, "C"), src("d", None, "D")],
        [],
        old=10,
    )
    age = measure_coverage(project).age
    assert age.reference_year == 2026
    assert age.dated == 3
    assert age.median_age == 11.0  # ages 26, 10, 11
    assert age.old == ("a", "c")  # more than 10 years: 2016 is exactly 10, not old
    assert age.old_share == 2 / 3
    assert age.undated == ("d",)


def test_reference_year_falls_back_to_today() -> None:
    project = make_project([], [], review_date="")
    assert reference_year(project, date(2031, 5, 1)) == 2031


def test_concentration_names_the_most_used_source() -> None:
    project = make_project(
        [src("a", 2020, "A"), src("b", 2020, "B")],
        [note("a", Claim("1"), Claim("2"), Claim("3")), note("b", Claim("4"))],
    )
    conc = measure_coverage(project).concentration
    assert (conc.total_claims, conc.top_source, conc.top_claims) == (4, "a", 3)
    assert conc.share == 0.75
    empty = measure_coverage(make_project([src("a", 2020, "A")], [])).concentration
    assert empty.top_source is None and empty.share is None


def test_example_coverage(example_project: Path) -> None:
    coverage = measure_coverage(load_project(example_project))
    by_id = {s.id: s for s in coverage.sections}
    assert by_id["implementation"].claims == 0
    assert by_id["intro"].sources == ("sekati2022assessing",)
    assert set(by_id["framework"].sources) == {"chang2020legislative", "wickibirchler2020budapest"}
    assert coverage.age.median_age == 4.5
    assert coverage.age.old == ()
    assert coverage.concentration.total_claims == 12
