"""Sources to CSL items: types, names, containers, pages, identifiers, dates."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from cybercoop_cli.model import Person, Source
from cybercoop_cli.render.csl import CslDate, to_csl


def source(entry_type: str, **fields: str) -> Source:
    from cybercoop_cli.ingest.bibtex import parse_names

    authors, truncated = parse_names(fields.get("author", ""))
    editors, _ = parse_names(fields.get("editor", ""))
    return Source(
        key="k",
        entry_type=entry_type,
        file="x.bib",
        line=1,
        fields=MappingProxyType(fields),
        authors=authors,
        editors=editors,
        authors_truncated=truncated,
    )


def test_chapter_has_editors_container_pages_and_doi() -> None:
    item = to_csl(
        source(
            "incollection",
            author="Chang, Lennon Y. C.",
            title="Legislative Frameworks: {The} {Budapest} Convention",
            booktitle="The {Palgrave} Handbook of Cybercrime",
            editor="Holt, Thomas J. and Bossler, Adam M.",
            pages="327--343",
            publisher="Palgrave Macmillan",
            year="2020",
            doi="10.1007/978-3-319-78440-3_6",
        )
    )
    data = item.to_csl_json()
    assert data["type"] == "chapter"
    assert data["editor"] == [
        {"family": "Holt", "given": "Thomas J."},
        {"family": "Bossler", "given": "Adam M."},
    ]
    assert data["container-title"] == "The Palgrave handbook of cybercrime"
    assert data["title"] == "Legislative frameworks: The Budapest convention"
    assert data["page"] == "327-343"
    assert data["DOI"] == "10.1007/978-3-319-78440-3_6"
    assert data["issued"] == {"date-parts": [[2020]]}


def test_report_thesis_and_web_page_types() -> None:
    assert (
        to_csl(source("techreport", title="T", institution="WHO")).to_csl_json()["type"] == "report"
    )
    thesis = to_csl(source("phdthesis", title="T", school="MIT")).to_csl_json()
    assert (thesis["type"], thesis["genre"], thesis["publisher"]) == ("thesis", "PhD thesis", "MIT")
    page = to_csl(
        source("online", title="T", url="https://x.org/a_b", urldate="2024-05-01")
    ).to_csl_json()
    assert page["type"] == "webpage"
    assert page["URL"] == "https://x.org/a_b"
    assert page["accessed"] == {"date-parts": [[2024, 5, 1]]}


def test_corporate_author_and_particles() -> None:
    corporate = to_csl(source("report", author="{World Health Organization}", title="T"))
    assert corporate.to_csl_json()["author"] == [{"literal": "World Health Organization"}]
    dutch = to_csl(source("book", author="van Gogh, Vincent and Smith, J. and others", title="T"))
    assert dutch.to_csl_json()["author"] == [
        {"family": "Gogh", "given": "Vincent", "dropping-particle": "van"},
        {"family": "Smith", "given": "J."},
        {"literal": "others"},
    ]
    prefixed = to_csl(
        source("book", author="van Gogh, Vincent", title="T", options="useprefix=true")
    )
    assert prefixed.names["author"][0]["non-dropping-particle"] == "van"


def test_names_from_the_model_are_used() -> None:
    person = Person(family="O'Meara", given="Dominic J.")
    item = to_csl(Source("k", "book", "x.bib", 1, authors=(person,)))
    assert item.names["author"] == ({"family": "O’Meara", "given": "Dominic J."},)


def test_dates_ranges_and_literals() -> None:
    assert to_csl(source("book", date="1998/2000")).dates["issued"] == CslDate(
        parts=((1998,), (2000,))
    )
    assert to_csl(source("book", year="2001", month="mar")).dates["issued"] == CslDate(
        parts=((2001, 3),)
    )
    assert to_csl(source("book", year="forthcoming")).dates["issued"] == CslDate(
        literal="forthcoming"
    )


def test_year_behind_a_sort_key_is_the_year() -> None:
    # \noopsort{1973b} prints nothing (the .bib's preamble defines it so): the year is 1973
    item = to_csl(source("book", year="{\\noopsort{1973b}}1973"))
    assert item.dates["issued"] == CslDate(parts=((1973,),))
    # a macro of the file's preamble cybercoop does not expand leaves no year: as written
    odd = "{\\noopsort{1973a}}{\\switchargs{--90}{1968}}"
    assert to_csl(source("book", year=odd)).dates["issued"] == CslDate(literal=odd)


def test_non_english_titles_keep_their_case_and_language() -> None:
    item = to_csl(source("book", title="Die Großen Werke", langid="german"))
    assert item.plain("title") == "Die Großen Werke"
    assert item.text["language"] == "de-DE"


def test_dates_biber_reads_and_pandoc_formats() -> None:
    """Dates pandoc's citeproc must see in a form it formats (not drop)."""
    bc = to_csl(source("book", date="-0379-02")).dates["issued"]
    assert bc.edtf() == "-0379-02"  # 380 BC; "-379-02" is no EDTF and pandoc drops it
    open_end = to_csl(source("book", date="1034/..")).dates["issued"]
    assert open_end.edtf() == "1034/"  # "1034–", as biblatex prints it
    assert open_end.to_json() == {"date-parts": [[1034], [0]]}
    assert to_csl(source("book", year="1995--1996")).dates["issued"] == CslDate(
        parts=((1995,), (1996,))
    )
    # a literal goes to pandoc as {literal: ...}; a bare string is read as EDTF only
    assert CslDate(literal="1985a").to_meta()["t"] == "MetaMap"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a time of day: biber reads the date, CSL holds no time
        ("2001-01-03T15:00:00", CslDate(parts=((2001, 1, 3),))),
        ("2016-01-19T14:20:00.000Z", CslDate(parts=((2016, 1, 19),))),
        ("2001-01-03T17:07:34+05:00", CslDate(parts=((2001, 1, 3),))),
        # an unspecified month or day: known to the year (month)
        ("1999-XX-XX", CslDate(parts=((1999,),))),
        ("1999-01-XX", CslDate(parts=((1999, 1),))),
        # unspecified last digits: the decade or century, as biber reads them
        ("199X", CslDate(parts=((1990,), (1999,)))),
        ("19XX", CslDate(parts=((1900,), (1999,)))),
        # not ISO 8601: biber rejects the date and drops it, as pandoc does
        ("1985-1030", None),
        ("1.5.1998", None),
        ("1995-1-04", None),
        ("1996-13-03", None),
        ("1996-12-32", None),
        # seasons stay
        ("2003-21", CslDate(parts=((2003, 21),))),
    ],
)
def test_biblatex_date_fields_read_as_biber_reads_them(raw: str, expected: CslDate | None) -> None:
    assert to_csl(source("book", date=raw)).dates.get("issued") == expected


def test_conference_is_inproceedings_with_its_booktitle() -> None:
    # biblatex's alias: the booktitle is the proceedings the paper appeared in
    item = to_csl(source("conference", title="Paper", booktitle="Proceedings of {X}"))
    assert item.type == "paper-conference"
    assert item.plain("container-title") == "Proceedings of X"


def test_run_together_initials_are_spaced_in_given_names_only() -> None:
    # "J.G." is two initials (pandoc's reader spaces them out, its issue 392); the other
    # parts of a name print as written, braced or not
    item = to_csl(source("book", editor="Cullis, A.G.; Hutchison, J.L."))
    (editor,) = item.names["editor"]
    assert editor["given"] == "J. L."
    assert editor["suffix"] == "A.G.; Hutchison"
    (other,) = to_csl(source("book", author="{M.A. Sanchez-Garcia}, E")).names["author"]
    assert other["family"] == "M.A. Sanchez-Garcia"
