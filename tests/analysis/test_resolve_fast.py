"""The resolver's fast path (narrowed buckets, one resolution per distinct citation) agrees
with its general path (every source of a bucket, every citation on its own)."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybercoop_cli.analysis.citations import Citation, find_citations
from cybercoop_cli.analysis.resolve import Grade, Resolver
from cybercoop_cli.model import Person, Source

# Few surnames, some alike (misspellings within the fuzzy cutoff), some with particles, so
# that buckets are crowded and every kind of fit occurs.
SURNAMES = ["Smith", "Smyth", "Smit", "Jones", "Jonas", "Wang", "Wong", "Li", "Lee", "Berg"]
PARTICLED = [("van der", "Berg"), ("de", "Smit")]
YEARS = [2019, 2020, 2021, None]
CITED_YEARS = ["2019", "2020", "2020a", "2020b", "2021", "2022", "n.d.", "in press", "forthcoming"]
TITLES = ["Alpha", "Beta", "The Gamma", "Delta"]


def _person(draw_index: int) -> Person:
    if draw_index < len(SURNAMES):
        return Person(family=SURNAMES[draw_index])
    particle, family = PARTICLED[draw_index - len(SURNAMES)]
    return Person(family=family, particle=particle)


PERSON_INDEX = st.integers(0, len(SURNAMES) + len(PARTICLED) - 1)


@st.composite
def sources(draw: st.DrawFn) -> list[Source]:
    count = draw(st.integers(0, 40))
    found = []
    for i in range(count):
        anonymous = draw(st.integers(0, 9)) == 0
        people = (
            ()
            if anonymous
            else tuple(
                _person(index) for index in draw(st.lists(PERSON_INDEX, min_size=1, max_size=5))
            )
        )
        year = draw(st.sampled_from(YEARS))
        fields = {}
        if year is not None and draw(st.booleans()) and draw(st.booleans()):
            fields["year"] = f"{year}{draw(st.sampled_from('ab'))}"
        elif year is None and draw(st.booleans()):
            fields["pubstate"] = "inpress"
        found.append(
            Source(
                key=f"s{i:02d}" if draw(st.integers(0, 15)) else "dup",
                entry_type="article",
                file="refs.bib",
                line=i + 1,
                fields=fields,
                authors=people,
                authors_truncated=bool(people) and draw(st.integers(0, 5)) == 0,
                title=draw(st.sampled_from(TITLES)),
                year=year,
            )
        )
    return found


@st.composite
def citations(draw: st.DrawFn) -> list[Citation]:
    count = draw(st.integers(1, 30))
    found = []
    for i in range(count):
        if draw(st.integers(0, 9)) == 0:
            key = draw(st.sampled_from(["s01", "s02", "S03", "dup", "s1", "nokey"]))
            found.append(Citation(text=f"@{key}", start=i, end=i + 1, form="narrative", key=key))
            continue
        written = [
            p.surname
            for p in (_person(index) for index in draw(st.lists(PERSON_INDEX, max_size=4)))
        ]
        if draw(st.integers(0, 7)) == 0:
            written.insert(0, draw(st.sampled_from(["Alpha", "The Gamma", "Moreover Smith"])))
        found.append(
            Citation(
                text="(...)",
                start=i,
                end=i + 1,
                form="parenthetical",
                authors=tuple(written),
                et_al=draw(st.booleans()),
                year=draw(st.sampled_from(CITED_YEARS)),
            )
        )
    # Repeats: the same citation at another place.
    return found + [replace(c, start=c.start + 1000, end=c.end + 1000) for c in found]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), citations())
def test_fast_path_agrees_with_general_path(known: list[Source], cited: list[Citation]) -> None:
    fast = Resolver(known).resolve(cited)
    general = Resolver(known, fast=False).resolve(cited)
    assert fast == general


def test_crowded_surnames_agree_and_resolve() -> None:
    # Hundreds of sources share few surnames and years, as Wang and Smith do in a review.
    rng = random.Random(3)
    names = ["Wang", "Smith", "Li", "Chen", "Zhang", "Smyth"]
    known = [
        Source(
            key=f"k{i:04d}",
            entry_type="article",
            file="refs.bib",
            line=i,
            authors=tuple(Person(family=rng.choice(names)) for _ in range(rng.randint(1, 4))),
            year=rng.randint(2018, 2022),
            title=f"t{i}",
        )
        for i in range(600)
    ]
    parts = []
    for _ in range(400):
        source = rng.choice(known)
        surnames = [p.family for p in source.authors]
        if len(surnames) == 1:
            head = surnames[0]
        elif len(surnames) == 2 or rng.random() < 0.3:
            head = " & ".join(surnames[:2])
        else:
            head = f"{surnames[0]} et al."
        year = (source.year or 2020) + rng.choice([0, 0, 0, 1])
        parts.append(f"({head}, {year})")
    cited = find_citations(" text ".join(parts))
    fast = Resolver(known).resolve(cited)
    assert fast == Resolver(known, fast=False).resolve(cited)
    assert {m.grade for m in fast} >= {Grade.EXACT, Grade.AMBIGUOUS}


def test_an_anonymous_work_can_fit_exactly_beside_a_co_authored_one() -> None:
    # An anonymous work is cited by its title; "(Alpha & Smith, 2020)" fits it as well as
    # the work by Alpha and Smith, so the fast path must not settle for the latter alone.
    known = [
        Source(key="anon", entry_type="report", file="r.bib", line=1, title="Alpha", year=2020),
        Source(
            key="pair",
            entry_type="article",
            file="r.bib",
            line=2,
            authors=(Person(family="Alpha"), Person(family="Smith")),
            title="Pair",
            year=2020,
        ),
    ]
    cited = find_citations("As shown (Alpha & Smith, 2020).")
    fast = Resolver(known).resolve(cited)
    assert fast == Resolver(known, fast=False).resolve(cited)
    assert fast[0].grade is Grade.AMBIGUOUS and fast[0].candidates == ("anon", "pair")
