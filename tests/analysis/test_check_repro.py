"""``check`` on the reproductions in ../shared/repro/check/ about finding citations.

Each case is checked the way ``cybercoop check FILE [--bib BIB]`` checks it: against the
.bib when one is given, otherwise against the manuscript's own reference list. Every
citation is asserted (line, key, grade, form, notes) and every finding, so a false
finding fails the test as surely as a missed citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from cybercoop_cli.analysis.check import CheckReport, check_manuscript
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.manuscript import read_manuscript
from cybercoop_cli.model import Source

REPRO = Path(__file__).resolve().parents[2].parent / "shared" / "repro" / "check"
SOURCES: dict[str, Source] = {}


def run(name: str, bib: str | None = None) -> CheckReport:
    if not REPRO.is_dir():
        pytest.skip(f"reproductions folder {REPRO} is absent")
    manuscript = read_manuscript(REPRO / name, display=name)
    if bib is None:
        sources: Sequence[Source] = manuscript.reference_sources()
        origin = "reference-list"
    else:
        sources, origin = read_bibliography([REPRO / bib]).sources, "bib"
    SOURCES.clear()
    SOURCES.update((source.key, source) for source in sources)
    return check_manuscript(manuscript, sources, origin=origin)


def cited(report: CheckReport) -> list[tuple[int, str | None, str]]:
    """(line, source, grade) of every citation; the source is its .bib key, or for an
    entry of the manuscript's own list its surnames and year (its key is made up)."""
    lines = read_manuscript(REPRO / report.manuscript)
    return [
        (lines.line_of(m.citation.start), m.citation.key or described(m.key), m.grade.value)
        for m in report.matches
    ]


def described(key: str | None) -> str | None:
    source = SOURCES.get(key or "")
    if source is None or source.file.endswith(".bib"):
        return key
    return " ".join(p.surname for p in source.names) + f" {source.year}"


def found(report: CheckReport) -> list[tuple[str, int | None, str | None]]:
    return [(f.finding.kind, f.finding.line, f.finding.source) for f in report.findings]


def test_01_a_narrative_citation_may_open_any_paragraph() -> None:
    report = run("01-paragraph-initial.md")
    assert cited(report) == [(3, "Smith 2010", "exact"), (5, "Smith Jones 2010", "exact")]
    authors = [m.citation.authors for m in report.matches]
    assert authors == [("Smith",), ("Smith", "Jones")]
    assert found(report) == []


def test_04_a_key_shaped_like_a_url_is_a_key() -> None:
    report = run("04-url-keys.tex", "04-url-keys.bib")
    url = "http://adsabs.harvard.edu/abs/2010ApJ...712.1049S"
    assert cited(report) == [(3, url, "exact"), (3, "Smith2010", "exact")]
    assert [m.citation.form for m in report.matches] == ["narrative", "parenthetical"]
    assert found(report) == []


def test_05_biblatex_multicite_commands_cite_every_key_with_its_notes() -> None:
    report = run("05-biblatex-multicite.tex", "05-biblatex-multicite.bib")
    assert cited(report) == [(4, key, "exact") for key in "abcdefg"]
    notes = [
        (m.citation.key, m.citation.form, m.citation.prefix, m.citation.locator)
        for m in report.matches
    ]
    assert notes == [
        ("a", "parenthetical", "e.g.,", ""),
        ("b", "parenthetical", "", ""),
        ("c", "narrative", "", ""),
        ("d", "narrative", "as described", ""),
        ("e", "parenthetical", "", ""),
        ("f", "parenthetical", "", ""),
        ("g", "parenthetical", "", "p. 3"),  # \cite [p.~3] {g}: spaces between arguments
    ]
    assert found(report) == []


def test_07_lowercase_particles_open_narrative_citations() -> None:
    report = run("07-particle-narrative.md")
    assert cited(report) == [
        (1, "van Paridon Thompson 2021", "exact"),
        (1, "de Marneffe MacCartney Manning 2006", "exact"),
    ]
    assert [m.citation.authors for m in report.matches] == [
        ("van Paridon", "Thompson"),
        ("de Marneffe",),
    ]
    assert found(report) == []


def test_08_hypertarget_anchors_do_not_leak_into_the_reference_list() -> None:
    report = run("08-hypertarget.tex")
    assert cited(report) == [
        (3, "American Psychological Association 2010", "exact"),
        (3, "Blume D'Agostino McGowan Dupont Greevy 2018", "exact"),
    ]
    assert found(report) == []


def test_09_two_years_joined_by_and() -> None:
    report = run("09-years-with-and.txt")
    assert cited(report) == [
        (1, "Liu Marc Joshi Palevitz 1993", "exact"),
        (1, "Liu Marc Joshi Palevitz 1995", "exact"),
    ]
    assert found(report) == []


def test_10_grant_numbers_titles_and_publishers_are_no_citations() -> None:
    report = run("10-false-positive-parentheticals.tex", "placeholder.bib")
    assert cited(report) == []
    # The one finding is true: the placeholder entry is cited nowhere.
    assert found(report) == [("uncited-reference", 1, "zz")]


def test_11_nocite_and_star_mark_entries_cited() -> None:
    report = run("11-nocite-star.tex", "11-nocite-star.bib")
    assert cited(report) == [
        (3, "a", "exact"),
        (3, "b", "exact"),
        (5, "c", "exact"),
        (5, "d", "exact"),
        (5, "e", "exact"),
    ]
    forms = [(m.citation.form, m.citation.locator) for m in report.matches]
    assert forms == [
        ("parenthetical", ""),
        ("nocite", ""),
        ("parenthetical", "c. 11"),
        ("narrative", ""),  # apacite's \citeA
        ("parenthetical", ""),  # biblatex's \fullcite
    ]
    assert found(report) == []  # \cite{*}: every entry is cited, and '*' is no key


def test_12_a_code_float_is_prose_around_its_listing() -> None:
    report = run("12-code-float.tex", "11-nocite-star.bib")
    assert cited(report) == [(7, "a", "exact")]
    assert found(report) == [("uncited-reference", line, key) for line, key in enumerate("bcde", 2)]


def test_13_a_citation_in_the_preamble_abstract_counts() -> None:
    report = run("13-abstract.tex")
    assert cited(report) == [(2, "Blume McGowan Dupont Greevy 2018", "exact")]
    assert found(report) == []
