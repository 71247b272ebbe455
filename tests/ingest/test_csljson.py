"""CSL-JSON (Zotero, Better BibTeX) to Sources: keys, names, dates, types, lines, problems."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.csljson import read_csl_json, usable_key
from cybercoop_cli.model import Person, Severity
from cybercoop_cli.workflow.importer import bibtex_entry

DATA = Path(__file__).resolve().parent.parent / "data" / "workflow"


def _write(tmp_path: Path, items: object, name: str = "lib.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_zotero_export_fields_keys_and_lines() -> None:
    bib = read_csl_json(DATA / "zotero-export.json")
    assert bib.problems == ()
    by_title = {s.title.split(":")[0]: s for s in bib.sources}
    clough = by_title["A world of difference"]
    assert (clough.key, clough.entry_type, clough.line) == ("clough2014world", "article", 2)
    assert clough.container == "Monash University Law Review"
    assert clough.fields["journal"] == "Monash University Law Review"
    assert clough.fields["pages"] == "698--736" and clough.pages == "698–736"
    assert clough.fields["langid"] == "english"
    # capitals after the first word are braced so sentence-casing styles keep them
    assert "the {Budapest} {Convention} on {Cybercrime}" in clough.fields["title"]
    brenner = by_title["Approaches to cybercrime jurisdiction"]
    assert brenner.key == ""  # a Zotero URI id is no BibTeX key
    assert [p.family for p in brenner.authors] == ["Brenner", "Koops"]
    assert brenner.year == 2004 and brenner.line == 15
    kshetri = by_title["The global cybercrime industry"]
    assert kshetri.key == "kshetri2010global"  # from "Citation Key:" in the note
    assert "note" not in kshetri.fields
    assert kshetri.doi == "10.1007/978-3-642-11522-6"
    unodc = by_title["Comprehensive study on cybercrime"]
    assert unodc.authors == (Person(literal="United Nations Office on Drugs and Crime"),)
    assert unodc.fields["author"] == "{United Nations Office on Drugs and Crime}"
    assert unodc.entry_type == "techreport"
    # Braced: "and" would otherwise split the one institution into two.
    assert unodc.fields["institution"] == "{United Nations Office on Drugs and Crime}"
    assert unodc.fields["date"] == "2013-02" and unodc.year == 2013
    assert unodc.fields["urldate"] == "2024-03-05"
    assert unodc.title == "Comprehensive study on cybercrime: draft February 2013"  # <i> gone


def test_written_entries_read_back_as_the_same_sources(tmp_path: Path) -> None:
    bib = read_csl_json(DATA / "zotero-export.json")
    text = "\n".join(bibtex_entry(replace(s, key=f"k{i}")) for i, s in enumerate(bib.sources))
    path = tmp_path / "out.bib"
    path.write_text(text, encoding="utf-8")
    back = read_bibliography([path])
    assert back.problems == ()
    for before, after in zip(bib.sources, back.sources, strict=True):
        assert after.title == before.title
        assert after.authors == before.authors
        assert (after.year, after.doi, after.container, after.pages) == (
            before.year,
            before.doi,
            before.container,
            before.pages,
        )


def _slots(source: object) -> dict[str, object]:
    import dataclasses

    assert dataclasses.is_dataclass(source)
    return {f.name: getattr(source, f.name) for f in dataclasses.fields(source)}


def test_names_particles_suffixes_and_single_names(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {
                "id": "x1",
                "type": "book",
                "title": "T",
                "author": [
                    {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
                    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                    {"given": "Plato"},
                    {"family": "Smith & Sons"},
                ],
            }
        ],
    )
    (source,) = read_csl_json(path).sources
    # A non-dropping particle stays with the family name (cited and sorted whole).
    assert source.authors[0] == Person(family="van der Berg", given="Jan")
    assert source.authors[2] == Person(family="Plato")
    assert source.fields["author"] == (
        "{van der Berg}, Jan and King, Jr., Martin Luther and Plato and {Smith \\& Sons}"
    )
    back = read_bibliography([_bib(tmp_path, source)]).sources[0]
    assert back.authors[:3] == source.authors[:3]
    assert back.authors[3].surname == "Smith & Sons"  # a braced name reads as corporate


def _bib(tmp_path: Path, source: object) -> Path:
    path = tmp_path / "one.bib"
    path.write_text(bibtex_entry(source), encoding="utf-8")  # type: ignore[arg-type]
    return path


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"id": "a", "type": "book"},\n  {"id": "b" "type": "book"}\n]\n')
    bib = read_csl_json(path)
    assert bib.sources == ()
    (problem,) = bib.problems
    assert (problem.code, problem.line, problem.severity) == ("csl-json-syntax", 3, Severity.ERROR)


def test_schema_problems_and_unknown_types(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "a", "type": "hologram", "title": "Odd"}, 42])
    bib = read_csl_json(path)
    assert [s.entry_type for s in bib.sources] == ["misc"]
    codes = {(p.code, p.line, p.severity) for p in bib.problems}
    assert ("csl-unknown-type", 2, Severity.WARNING) in codes
    assert ("csl-json-schema", 7, Severity.ERROR) in codes


def test_not_an_array_and_empty(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('"just a string"')
    (tmp_path / "e.json").write_text("  \n")
    assert read_csl_json(tmp_path / "s.json").problems[0].code == "csl-json-schema"
    assert read_csl_json(tmp_path / "e.json").problems[0].code == "csl-json-schema"
    (tmp_path / "one.json").write_text('{"id": "solo", "type": "book", "title": "Alone"}')
    assert [s.key for s in read_csl_json(tmp_path / "one.json").sources] == ["solo"]


def test_usable_key() -> None:
    assert usable_key("smith2020climate")
    assert usable_key("Smith:2020.a")
    assert not usable_key("1234567/8ABCDEF2")
    assert not usable_key("http://zotero.org/users/1/items/X")
    assert not usable_key("has space")
    assert usable_key("2020smith")  # BibTeX keys may start with a digit
    assert not usable_key("12345")  # a database row number, not a key


def test_legal_items_keep_reporter_code_court_and_section(tmp_path: Path) -> None:
    from cybercoop_cli.render.bibliography import reference_texts, resolve_style
    from cybercoop_cli.render.csl import to_csl

    items = [
        {
            "id": "pennoyer",
            "type": "legal_case",
            "title": "Pennoyer v. Neff",
            "container-title": "U.S.",
            "volume": "95",
            "page": "714",
            "authority": "Supreme Court",
            "issued": {"date-parts": [[1878]]},
        },
        {
            "id": "cfaa",
            "type": "legislation",
            "title": "Computer Fraud and Abuse Act",
            "container-title": "U.S.C.",
            "volume": "18",
            "section": "1030",
            "issued": {"date-parts": [[1986]]},
        },
    ]
    sources = read_csl_json(_write(tmp_path, items)).by_key()
    assert sources["pennoyer"].fields["journaltitle"] == "U.S."
    assert sources["pennoyer"].fields["court"] == "Supreme Court"
    assert sources["cfaa"].fields["section"] == "1030"
    texts = reference_texts([to_csl(s) for s in sources.values()], resolve_style("apa"))
    assert texts["pennoyer"].startswith("Pennoyer v. Neff, 95 U.S. 714")
    assert "18 U.S.C." in texts["cfaa"] and "1030" in texts["cfaa"]


def test_markup_translators_ranges_and_literal_publishers(tmp_path: Path) -> None:
    item = {
        "id": "x",
        "type": "book",
        "title": 'The <i>Origin</i> of H<sub>2</sub>O in <span class="nocase">iPhone</span> Land',
        "author": [{"family": "Smith", "given": "Ann"}],
        "translator": [{"family": "Doe", "given": "Jan"}],
        "publisher": "Taylor and Francis",
        "issued": {"date-parts": [[2001, 5], [2001, 7]]},
    }
    source = read_csl_json(_write(tmp_path, [item])).sources[0]
    fields = source.fields
    assert fields["title"] == (
        r"The \emph{{Origin}} of {H}\textsubscript{2}{O} in {{iPhone}} {Land}"
    )
    assert fields["translator"] == "Doe, Jan"
    assert fields["publisher"] == "{Taylor and Francis}"
    assert fields["date"] == "2001-05/2001-07"
    from cybercoop_cli.render.csl import to_csl

    csl = to_csl(source)
    assert csl.plain("publisher") == "Taylor and Francis"
    assert csl.dates["issued"].parts == ((2001, 5), (2001, 7))
    assert csl.names["translator"] == ({"family": "Doe", "given": "Jan"},)


def test_open_ranges_and_years_before_christ(tmp_path: Path) -> None:
    items = [
        {"id": "open", "type": "book", "title": "A", "issued": {"date-parts": [[1034], [0]]}},
        {"id": "bc", "type": "book", "title": "B", "issued": {"date-parts": [[-379, 2]]}},
    ]
    sources = {s.key: s for s in read_csl_json(_write(tmp_path, items)).sources}
    assert sources["open"].fields["date"] == "1034/.."  # open end, not year 0
    assert sources["bc"].fields["date"] == "-0379-02"  # 380 BC, as EDTF writes it
