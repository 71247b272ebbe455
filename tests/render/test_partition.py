"""Rendering a bibliography in parallel groups gives exactly what one pandoc run gives.

The equivalence tests force splitting into small batches, so every style is exercised
(by default only styles with slow given-name disambiguation split). The full-size check,
all 3,644 entries of tugboat.bib in APA against one two-minute pandoc run, is in
``bench/run`` (case ``export``), not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cybercoop_cli.render.bibliography as bibliography
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.model import Person, Source
from cybercoop_cli.render import partition
from cybercoop_cli.render.bibliography import (
    RenderedReference,
    Style,
    render_once,
    render_references,
    resolve_style,
)
from cybercoop_cli.render.csl import CslItem, to_csl

REPO = Path(__file__).resolve().parents[2]
STYLES = ("apa", "modern-language-association", "chicago-author-date")


def same_as_one_run(items: list[CslItem], style: Style, batch_size: int) -> None:
    one = [(r.key, json.dumps(r.blocks)) for r in render_once(items, style)]
    split = render_references(items, style, split=True, batch_size=batch_size, workers=2)
    assert [(r.key, json.dumps(r.blocks)) for r in split] == one


def source(key: str, family: str, year: str, title: str, given: str = "Anna") -> Source:
    fields = {"year": year, "title": title, "publisher": "Press"}
    if family:
        fields["author"] = f"{family}, {given}"
    return Source(
        key=key,
        entry_type="book",
        file="test.bib",
        line=1,
        fields=fields,
        authors=(Person(family=family, given=given),) if family else (),
        title=title,
        year=int(year),
    )


@pytest.mark.parametrize("style", STYLES)
def test_example_split_equals_one_run(style: str) -> None:
    bib = read_bibliography([REPO / "references" / "cybercrime-cooperation.bib"])
    same_as_one_run([to_csl(s) for s in bib.sources], resolve_style(style), batch_size=1)


@pytest.mark.parametrize("style", STYLES)
def test_biblatex_examples_split_equals_one_run(corpus: Path, style: str) -> None:
    bib = read_bibliography([corpus / "bibtex-parsing" / "biblatex" / "biblatex-examples.bib"])
    items = [to_csl(s) for s in bib.sources]
    groups = partition.components(items, partition.style_facts(resolve_style(style).path))
    assert len(groups) > 40  # the test really splits: 92 entries, mostly distinct authors
    same_as_one_run(items, resolve_style(style), batch_size=16)


@pytest.mark.parametrize("style", STYLES)
def test_ambiguous_entries_get_the_same_year_suffixes_and_initials(style: str) -> None:
    # Same family name, far apart in the input, with other authors in between: year
    # suffixes (APA, Chicago), added initials and the MLA's "———" depend on each other.
    sources = [
        source("a", "Müller", "2020", "Zeta"),
        *(source(f"x{i}", f"Other{i}", "2020", f"Filler {i}") for i in range(6)),
        source("b", "Müller", "2020", "Alpha"),
        source("c", "Muller", "2020", "Beta", given="Bert"),
        source("d", "Müller", "2020", "Gamma", given="Carl"),
        source("e", "", "2020", "Untitled work"),
        source("f", "", "2020", "Untitled work"),
    ]
    items = [to_csl(s) for s in sources]
    facts = partition.style_facts(resolve_style(style).path)
    groups = partition.components(items, facts)
    together = next(g for g in groups if 0 in g)
    assert {0, 7, 8, 9} <= set(together)  # accents and case do not separate Müller, Muller
    assert any({10, 11} <= set(g) for g in groups)  # two title-only citations
    same_as_one_run(items, resolve_style(style), batch_size=1)


def test_style_facts() -> None:
    apa = partition.style_facts(resolve_style("apa").path)
    assert apa.splittable and apa.slow_givennames and not apa.all_names
    assert "author" in apa.citation_names and "editor" in apa.citation_names
    mla = partition.style_facts(resolve_style("modern-language-association").path)
    assert mla.substitutes_authors and not mla.slow_givennames
    ieee = partition.style_facts(resolve_style("ieee").path)
    assert not ieee.splittable  # numbered: each number is a position in the whole list


def test_numbered_style_is_never_split(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = bibliography.render_once

    def counting(
        items: list[CslItem], style: Style, lang: str | None = None
    ) -> list[RenderedReference]:
        calls.append(len(items))
        return real(items, style, lang)

    monkeypatch.setattr(bibliography, "render_once", counting)
    items = [to_csl(source(f"k{i}", f"Name{i}", "2001", f"T{i}")) for i in range(5)]
    refs = render_references(items, resolve_style("ieee"), split=True, batch_size=1)
    assert calls == [5]
    assert len(refs) == 5


def test_name_key_drops_case_accents_punctuation_and_particles() -> None:
    assert partition.name_key({"family": "Müller"}) == partition.name_key({"family": "MULLER"})
    assert partition.name_key({"family": "O’Brien"}) == partition.name_key({"family": "Brien"})
    assert partition.name_key({"family": "van der Berg"}) == partition.name_key({"family": "Berg"})
    assert partition.name_key({"literal": "World Health Organization"}) == "organization"


def test_order_style_sorts_like_the_style(tmp_path: Path) -> None:
    style = resolve_style("apa")
    items = [
        to_csl(source("z", "Zed", "1999", "A")),
        to_csl(source("a2", "Abel", "2005", "B")),
        to_csl(source("a1", "Abel", "2001", "C")),
    ]
    order = [
        r.key for r in render_once(items, Style(partition.order_style(style.path, tmp_path), ""))
    ]
    assert order == [r.key for r in render_once(items, style)] == ["a1", "a2", "z"]


def test_merge_refuses_a_substitution_the_groups_cannot_see() -> None:
    facts = partition.style_facts(resolve_style("modern-language-association").path)
    items = [to_csl(source("p", "Same", "2001", "A")), to_csl(source("e", "Same", "2002", "B"))]
    items.append(to_csl(source("g", "Else", "2001", "C")))
    group = [RenderedReference("p", ()), RenderedReference("e", ())]
    other = [RenderedReference("g", ())]
    # "g" sorting between two entries with the same names would break "———": one run instead.
    assert bibliography._merge(items, ["p", "g", "e"], [group, other], facts) is None
    merged = bibliography._merge(items, ["g", "p", "e"], [group, other], facts)
    assert merged is not None and [r.key for r in merged] == ["g", "p", "e"]
    # a group whose order disagrees with the whole is refused as well
    assert bibliography._merge(items, ["e", "p", "g"], [group, other], facts) is None
