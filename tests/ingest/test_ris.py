"""RIS (databases, EndNote) to Sources: records, lines, tags, names, unclosed records."""

from __future__ import annotations

from pathlib import Path

from cybercoop_cli.ingest.ris import read_ris
from cybercoop_cli.model import Person, Severity

DATA = Path(__file__).resolve().parent.parent / "data" / "workflow"


def test_database_export() -> None:
    bib = read_ris(DATA / "database-export.ris")
    assert bib.problems == ()
    kshetri, chang, schjolberg = bib.sources
    assert (kshetri.entry_type, kshetri.line, kshetri.key) == ("book", 1, "")
    assert kshetri.title.startswith("The Global Cybercrime Industry")
    assert kshetri.publisher == "Springer" and kshetri.fields["address"] == "Berlin, Heidelberg"
    assert kshetri.fields["isbn"] == "978-3-642-11521-9"
    assert (chang.entry_type, chang.line) == ("incollection", 11)
    assert chang.key == ""  # EndNote's record number 17 is no key
    assert chang.authors == (Person(family="Chang", given="Lennon Y. C."),)
    assert [e.family for e in chang.editors] == ["Holt", "Bossler"]
    assert chang.container == "The Palgrave Handbook of International Cybercrime and Cyberdeviance"
    assert chang.fields["pages"] == "327--343"
    assert chang.doi == "10.1007/978-3-319-78440-3_6"  # the https://doi.org/ form normalised
    assert chang.fields["doi"] == "10.1007/978-3-319-78440-3_6"
    assert chang.year == 2020 and chang.fields["year"] == "2020"  # from "2020///"
    assert schjolberg.fields["keywords"] == "cybercrime, international law"
    assert schjolberg.fields["langid"] == "english"
    assert schjolberg.fields["edition"] == "2"
    assert schjolberg.authors[1] == Person(family="Ghernaouti-Hélie", given="Solange")


def test_dates_continuations_ids_and_unclosed_records(tmp_path: Path) -> None:
    path = tmp_path / "x.ris"
    path.write_text(
        "garbage before\n"
        "TY  - JOUR\n"
        "ID  - smith2019long\n"
        "AU  - van Dijk, Jan\n"
        "AU  - World Health Organization\n"
        "TI  - A title that goes\n"
        "  on over two lines\n"
        "JO  - Journal of Things\n"
        "DA  - 2019/07/04/\n"
        "ER  - \n"
        "TY  - WIDGET\n"
        "TI  - Never closed\n",
        encoding="utf-8",
    )
    bib = read_ris(path)
    first, second = bib.sources
    assert first.key == "smith2019long"
    assert first.title == "A title that goes on over two lines"
    assert first.authors == (
        Person(family="Dijk", given="Jan", particle="van"),
        Person(literal="World Health Organization"),
    )
    assert first.fields["date"] == "2019-07-04" and first.year == 2019
    assert first.container == "Journal of Things" and first.line == 2
    assert second.entry_type == "misc" and second.line == 11
    codes = {(p.code, p.line, p.severity) for p in bib.problems}
    assert codes == {
        ("ris-syntax", 1, Severity.WARNING),
        ("ris-unclosed", 11, Severity.WARNING),
        ("ris-unknown-type", 11, Severity.WARNING),
    }


def test_a_file_without_records_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.ris"
    path.write_text("nothing here\n")
    bib = read_ris(path)
    assert bib.sources == ()
    assert {p.code for p in bib.problems} == {"ris-syntax"}
    assert any(p.severity is Severity.ERROR for p in bib.problems)


def test_edited_book_names_are_editors(tmp_path: Path) -> None:
    path = tmp_path / "ed.ris"
    path.write_text(
        "TY  - EDBOOK\nAU  - Holt, Thomas J.\nTI  - Handbook\nPY  - 2020\nER  - \n",
        encoding="utf-8",
    )
    (source,) = read_ris(path).sources
    assert source.authors == ()
    assert source.editors == (Person(family="Holt", given="Thomas J."),)
