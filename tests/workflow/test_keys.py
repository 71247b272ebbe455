"""The familyYEARword key pattern and its suffixes."""

from __future__ import annotations

from cybercoop_cli.model import Person, Source
from cybercoop_cli.workflow.keys import generate_key, key_stem, unique_key


def _source(names: tuple[Person, ...], year: int | None, title: str) -> Source:
    return Source("", "article", "x.bib", 1, authors=names, year=year, title=title)


def test_pattern_folds_names_and_skips_stop_words() -> None:
    assert key_stem(
        _source((Person("Wicki-Birchler", "David"),), 2020, "The Budapest Convention")
    ) == ("wickibirchler2020budapest")
    assert key_stem(_source((Person("Müller", "Ann"),), 1999, "Über Grenzen")) == "muller1999uber"
    assert key_stem(_source((Person("Berg", "Jan", particle="van der"),), 2001, "On a Theory")) == (
        "berg2001theory"
    )
    assert key_stem(_source((Person(literal="The World Bank"),), 2019, "Report")) == (
        "world2019report"
    )
    assert key_stem(_source((), None, "")) == "anonnd"
    assert key_stem(_source((Person("李", "明"),), 2020, "网络犯罪")) == "anon2020"


def test_editors_stand_in_for_authors() -> None:
    source = Source(
        "", "book", "x.bib", 1, editors=(Person("Holt", "T."),), year=2020, title="Handbook"
    )
    assert key_stem(source) == "holt2020handbook"


def test_suffixes_on_clash_case_insensitively() -> None:
    assert unique_key("smith2020climate", set()) == "smith2020climate"
    assert unique_key("smith2020climate", {"smith2020climate"}) == "smith2020climatea"
    taken = {"smith2020climate", "smith2020climatea", "smith2020climateb"}
    assert unique_key("Smith2020Climate", taken) == "Smith2020Climatec"
    many = {"k"} | {f"k{c}" for c in "abcdefghijklmnopqrstuvwxyz"}
    assert unique_key("k", many) == "kaa"
    source = _source((Person("Chang", "L."),), 2020, "Legislative frameworks")
    assert generate_key(source, {"chang2020legislative"}) == "chang2020legislativea"
