"""Resolving citations to sources: exact, near (with the candidate), ambiguous, none."""

from __future__ import annotations

import random
import string

from cybercoop_cli.analysis.citations import find_citations
from cybercoop_cli.analysis.resolve import Grade, normalise_name, resolve
from cybercoop_cli.model import Person, Source


def source(key: str, names: list[str], year: int | None, title: str = "", **fields: str) -> Source:
    return Source(
        key=key,
        entry_type="article",
        file="refs.bib",
        line=1,
        authors=tuple(Person(family=n) for n in names),
        year=year,
        title=title or key,
        fields=fields,
    )


SOURCES = [
    source("chang2020", ["Chang"], 2020),
    source("brass2021", ["Brass", "Sowell"], 2021),
    source("widodo2024", ["Widodo", "Adam", "Hsb", "Prayitno", "Bhaskoro"], 2024),
    source("wicki2020", ["Wicki-Birchler"], 2020),
    source("muller2017", ["Müller"], 2017),
    source("smith2019b", ["Smith"], 2019, title="Beta"),
    source("smith2019a", ["Smith"], 2019, title="Alpha"),
    source("lee2018x", ["Lee", "Park"], 2018),
    source("lee2018y", ["Lee", "Park"], 2018),
    Source(
        key="who2020",
        entry_type="report",
        file="refs.bib",
        line=1,
        authors=(Person(literal="World Health Organization"),),
        year=2020,
    ),
]


def grades(text: str) -> list[tuple[str, str | None, tuple[str, ...], bool, bool]]:
    return [
        (m.grade.value, m.key, m.candidates, m.name_differs, m.year_differs)
        for m in resolve(find_citations(text), SOURCES)
    ]


def test_normalise_name_folds_unicode_case_and_hyphens() -> None:
    assert normalise_name("Wicki-Birchler") == "wicki birchler"
    assert normalise_name("MÜLLER") == normalise_name("Muller") == "muller"
    assert normalise_name("O’Brien") == "obrien"
    assert normalise_name("Łukasz Ørsted") == "lukasz orsted"


def test_exact_matches() -> None:
    assert grades("(Chang, 2020; Brass & Sowell, 2021; Widodo et al., 2024; muller, 2017)") == [
        ("exact", "chang2020", (), False, False),
        ("exact", "brass2021", (), False, False),
        ("exact", "widodo2024", (), False, False),
        ("exact", "muller2017", (), False, False),
    ]
    assert grades("(Wicki Birchler, 2020)")[0][:2] == ("exact", "wicki2020")


def test_near_matches_name_the_candidate() -> None:
    assert grades("(Wicki-Birchner, 2020)") == [("near", "wicki2020", ("wicki2020",), True, False)]
    assert grades("(Chang, 2019)") == [("near", "chang2020", ("chang2020",), False, True)]
    assert grades("(Brass, 2021)") == [("near", "brass2021", ("brass2021",), True, False)]
    assert grades("(Brass & Sowel, 2021)") == [("near", "brass2021", ("brass2021",), True, False)]


def test_a_family_name_braced_with_its_initials_is_cited_without_them() -> None:
    """BibTeX ``R. {S. de Souza}`` (a real JOSS bibliography): APA prints "S. de Souza",
    the finder reads "de Souza", and the two are the same person."""
    souza = source("souza2022", ["S. de Souza", "Quanfeng", "Shen", "Peng", "Mu"], 2022)
    found = find_citations("(S. de Souza, Quanfeng, Shen, Peng, & Mu, 2022)")
    (match,) = resolve(found, [souza])
    assert (match.grade, match.key, match.name_differs) == (Grade.EXACT, "souza2022", False)


def test_two_defects_or_far_year_do_not_resolve() -> None:
    assert grades("(Chang, 2015)")[0][0] == "none"
    assert grades("(Chunk, 2019)")[0][0] == "none"
    assert grades("(Nobody, 2020)")[0][0] == "none"


def test_ambiguity_is_reported_not_guessed() -> None:
    assert grades("(Lee & Park, 2018)") == [
        ("ambiguous", None, ("lee2018x", "lee2018y"), False, False)
    ]
    # Two works by Smith in 2019 get suffixes by title, as APA letters them.
    assert grades("(Smith, 2019a; Smith, 2019b; Smith, 2019)") == [
        ("exact", "smith2019a", (), False, False),
        ("exact", "smith2019b", (), False, False),
        ("ambiguous", None, ("smith2019a", "smith2019b"), False, False),
    ]


def test_corporate_author_and_its_abbreviation() -> None:
    assert [g[:2] for g in grades("(World Health Organization [WHO], 2020) then (WHO, 2020)")] == [
        ("exact", "who2020"),
        ("exact", "who2020"),
    ]


def test_keys_exact_or_suggested() -> None:
    matches = resolve(find_citations("[@chang2020; @chang2002] \\cite{Brass2021}"), SOURCES)
    assert [(m.grade, m.key, m.candidates) for m in matches] == [
        (Grade.EXACT, "chang2020", ()),
        (Grade.NONE, None, ("chang2020",)),
        (Grade.EXACT, "brass2021", ()),
    ]


def test_ten_thousand_citations_against_ten_thousand_sources() -> None:
    rng = random.Random(3)
    names = ["".join(rng.choices(string.ascii_lowercase, k=8)).title() for _ in range(10_000)]
    sources = [source(f"s{i}", [n], 1990 + i % 30) for i, n in enumerate(names)]
    text = " ".join(
        f"({names[i][:-1] + '9' if i % 4 == 0 else names[i]}, {1990 + i % 30})"
        for i in range(10_000)
    )
    citations = find_citations(text)
    assert len(citations) == 10_000
    matches = resolve(citations, sources)  # its speed: bench/run's check case
    assert sum(m.grade is Grade.EXACT for m in matches) == 7_500
    assert sum(m.grade in {Grade.NEAR, Grade.AMBIGUOUS} for m in matches) == 2_500


def test_a_name_written_another_way_is_the_same_name() -> None:
    # A line-break hyphen left in the text, a particle left out, a corporate acronym.
    sources = [
        source("gregoretti2004", ["Gregoretti"], 2004),
        Source(
            key="rassi2012",
            entry_type="article",
            file="refs.bib",
            line=1,
            authors=(Person(family="Rassi"), Person(family="Rezende", particle="de")),
            year=2012,
        ),
        Source(
            key="vancompernolle2003",
            entry_type="article",
            file="refs.bib",
            line=1,
            authors=(Person(family="Compernolle", particle="Van"), Person(family="Lee")),
            year=2003,
        ),
        Source(
            key="who2010",
            entry_type="report",
            file="refs.bib",
            line=1,
            authors=(Person(literal="World Health Organization"),),
            year=2010,
        ),
    ]
    text = (
        "(Gre-goretti, 2004; Rassi & Rezende, 2012; Compernolle & Lee, 2003; WHO, 2010)"
        " and (Gregorian, 2004; Rassi & Rezendo, 2012)"
    )
    found = [(m.grade.value, m.key) for m in resolve(find_citations(text), sources)]
    assert found == [
        ("exact", "gregoretti2004"),
        ("exact", "rassi2012"),
        ("exact", "vancompernolle2003"),
        ("exact", "who2010"),
        ("none", None),  # another name is still no match
        ("near", "rassi2012"),  # and a misspelling is still a misspelling
    ]


def test_a_year_slip_on_a_work_listed_twice_is_a_year_mismatch() -> None:
    # A reference list that lists one work twice: the slip is the finding, not ambiguity.
    twice = [
        source("smith-2010", ["Smith", "Jones"], 2010, title="Smith, J. (2010). A study."),
        source("smith-2010-2", ["Smith", "Jones"], 2010, title="Smith, J. (2010). A study."),
    ]
    [match] = resolve(find_citations("(Smith & Jones, 2011)"), twice)
    assert (match.grade, match.key, match.year_differs) == (Grade.NEAR, "smith-2010", True)
    # Two different works of that year are still ambiguous.
    apart = [twice[0], source("smith-2010-2", ["Smith", "Jones"], 2010, title="Another.")]
    [match] = resolve(find_citations("(Smith & Jones, 2011)"), apart)
    assert match.grade is Grade.AMBIGUOUS
