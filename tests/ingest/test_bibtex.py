from __future__ import annotations

from pathlib import Path

from cybercoop_cli.ingest.bibtex import normalise_doi, parse_names, read_bibliography
from cybercoop_cli.model import Person, Severity


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_macros_across_files_and_concatenation(tmp_path: Path) -> None:
    macros = write(tmp_path, "a-macros.bib", '@string{jo = "Journal of Tests"}\n')
    entries = write(
        tmp_path,
        "b-entries.bib",
        '@article{k, title = {T}, journal = jo # " Part B", year = 2020, month = oct}\n',
    )
    bib = read_bibliography([macros, entries])
    (source,) = bib.sources
    assert source.container == "Journal of Tests Part B"
    assert source.fields["month"] == "10"
    assert not bib.problems


def test_unknown_macro_is_reported_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.bib", "@misc{k,\n  title = {T},\n  journal = nosuch,\n}\n")
    bib = read_bibliography([path])
    (problem,) = bib.problems
    assert (problem.line, problem.code, problem.severity) == (
        3,
        "bib-unknown-macro",
        Severity.WARNING,
    )
    assert bib.sources[0].container == "nosuch"


def test_missing_comma_keeps_both_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.bib",
        "@article{k,\n  title = {A title}\n  doi = {10.1/x},\n  year = 2020\n  pages = {1--2},\n}\n",
    )
    bib = read_bibliography([path])
    (source,) = bib.sources
    assert source.title == "A title"
    assert source.doi == "10.1/x"
    assert source.year == 2020
    assert source.pages == "1–2"
    codes = [(p.code, p.line) for p in bib.problems]
    assert codes == [("bib-missing-comma", 3), ("bib-missing-comma", 5)]


def test_line_without_equals_keeps_the_rest_of_the_entry_and_the_next(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.bib",
        "@article{a,\n  title = {Broken},\n  doi:10.1177/1747,\n  year = {2021},\n}\n"
        "@book{b, title = {Fine}, year = 1999}\n",
    )
    bib = read_bibliography([path])
    by_key = bib.by_key()
    assert by_key["a"].title == "Broken" and by_key["a"].year == 2021
    assert by_key["b"].title == "Fine"
    (problem,) = bib.problems
    assert (problem.code, problem.line) == ("bib-missing-equals", 3)
    assert "doi:10.1177/1747" in problem.message


def test_unbalanced_brace_and_unclosed_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.bib",
        "@article{a, author={X}, title = {open {brace}, year={2020}}\n"
        "@misc{b, title = {next}}\n"
        "@misc{c, title = {never closed},\n",
    )
    bib = read_bibliography([path])
    by_key = bib.by_key()
    assert set(by_key) == {"a", "b", "c"}
    assert by_key["a"].year == 2020 and by_key["a"].title == "open brace"
    assert by_key["c"].title == "never closed"
    codes = {(p.code, p.line) for p in bib.problems}
    assert ("bib-unbalanced", 1) in codes
    assert ("bib-unclosed-entry", 3) in codes


def test_duplicate_key_reported_first_kept(tmp_path: Path) -> None:
    one = write(tmp_path, "1.bib", "@book{k, title = {First}}\n")
    two = write(tmp_path, "2.bib", "\n@book{K, title = {Second}}\n")
    bib = read_bibliography([one, two])
    assert [s.title for s in bib.sources] == ["First"]
    (problem,) = bib.problems
    assert problem.code == "bib-duplicate-key" and problem.line == 2
    assert problem.file.endswith("2.bib")


def test_crossref_inheritance(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.bib",
        "@incollection{ch, author = {A, B}, title = {Chapter}, crossref = {book}, pages = {1--9}}\n"
        "@collection{book, editor = {E, F}, title = {The Book}, publisher = {P}, year = 2001}\n",
    )
    source = read_bibliography([path]).by_key()["ch"]
    assert source.container == "The Book"
    assert source.publisher == "P"
    assert source.year == 2001
    assert [e.family for e in source.editors] == ["E"]
    assert source.title == "Chapter"


def test_crossref_inheritance_follows_biblatex_table(tmp_path: Path) -> None:
    # biblatex's default inheritance: a field's name in the child depends on both types
    path = write(
        tmp_path,
        "x.bib",
        "@incollection{ch, title = {Chapter}, crossref = {art}}\n"
        "@article{art, title = {Article}, journaltitle = {J}}\n"
        "@book{b1, title = {Volume}, crossref = {mv1}}\n"
        "@mvbook{mv1, title = {Main}, subtitle = {Sub}, titleaddon = {Addon}}\n"
        "@inbook{ib, title = {Part}, crossref = {bk}}\n"
        "@book{bk, author = {Ann Author}, title = {Book}, titleaddon = {Addon},"
        " shorttitle = {Short}}\n"
        "@article{a, title = {Paper}, crossref = {per}}\n"
        "@periodical{per, title = {Journal}, subtitle = {Sub}, shorttitle = {J}}\n",
    )
    by_key = read_bibliography([path]).by_key()
    # an @article's title is no @incollection's booktitle: the chapter keeps its own
    assert "booktitle" not in by_key["ch"].fields
    assert by_key["ch"].fields["journaltitle"] == "J"
    volume = by_key["b1"].fields
    assert (volume["title"], volume["maintitle"]) == ("Volume", "Main")
    assert (volume["mainsubtitle"], volume["maintitleaddon"]) == ("Sub", "Addon")
    assert "subtitle" not in volume and "titleaddon" not in volume
    part = by_key["ib"].fields
    assert (part["booktitle"], part["booktitleaddon"]) == ("Book", "Addon")
    assert part["author"] == part["bookauthor"] == "Ann Author"
    assert "shorttitle" not in part
    paper = by_key["a"].fields
    assert (paper["journaltitle"], paper["journalsubtitle"]) == ("Journal", "Sub")
    assert "shorttitle" not in paper


def test_quote_inside_braces_does_not_end_a_quoted_value(tmp_path: Path) -> None:
    # braces protect a quote in a quoted value, as BibTeX reads it ({"} is a quote mark)
    path = write(
        tmp_path,
        "x.bib",
        '@article{k,\n  author = "Simon {"}the {saint"} Templar",\n  year = 2001\n}\n'
        "@book{next, title = {Next}}\n",
    )
    bib = read_bibliography([path])
    first = bib.by_key()["k"]
    assert first.fields["author"] == 'Simon {"}the {saint"} Templar'
    assert first.year == 2001
    assert [s.key for s in bib.sources] == ["k", "next"]
    assert bib.problems == ()


def test_biblatex_date_and_journaltitle(tmp_path: Path) -> None:
    path = write(tmp_path, "x.bib", "@article{k, journaltitle = {J}, date = {2019-03-02}}\n")
    source = read_bibliography([path]).sources[0]
    assert (source.year, source.date, source.container) == (2019, "2019-03-02", "J")


def test_names() -> None:
    people, truncated = parse_names(
        r"van der Berg, Jan and Reagle, Jr., Joseph M. and {World Health Organization} and M{\"u}ller, Hans and others"
    )
    assert truncated
    assert people[0] == Person(family="Berg", given="Jan", particle="van der")
    assert people[0].surname == "van der Berg"
    assert people[1] == Person(family="Reagle", given="Joseph M.", suffix="Jr.")
    assert people[2].literal == "World Health Organization" and people[2].is_corporate
    assert people[3].family == "Müller"


def test_doi_forms() -> None:
    assert normalise_doi("https://doi.org/10.1/ABC") == "10.1/ABC"
    assert normalise_doi("doi:10.1/x") == "10.1/x"
    assert normalise_doi("doi.org/10.1177%2F0001") == "10.1177/0001"


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.bib"
    path.write_bytes("@book{k, title = {Caf\u00e9}}\n".encode("cp1252"))
    bib = read_bibliography([path])
    assert bib.sources[0].title == "Café"
    assert bib.problems[0].code == "bib-encoding"
    assert "Windows-1252" in bib.problems[0].message


def test_corpus_sweep_has_no_unhandled_exception(corpus: Path) -> None:
    files = sorted((corpus / "bibtex-parsing").rglob("*.bib"))
    assert len(files) > 200
    total = 0
    for path in files:
        bib = read_bibliography([path])
        total += len(bib.sources)
        assert all(p.file == str(path) for p in bib.problems)
    assert total > 15000


def test_rempsyc_paper_bib_recovers_every_entry(corpus: Path) -> None:
    """A real JOSS .bib: six missing commas before doi and a bare 'doi:...' line."""
    bib = read_bibliography([corpus / "joss-pandoc" / "rempsyc" / "paper.bib"])
    assert len(bib.sources) == 18
    missing_comma = [p for p in bib.problems if p.code == "bib-missing-comma"]
    assert len(missing_comma) >= 6
    assert all(
        s.doi for s in bib.sources if s.key in {p.message.split("'")[3] for p in missing_comma}
    )
    assert any(p.code == "bib-missing-equals" for p in bib.problems)


def test_split_names_respects_braces() -> None:
    from cybercoop_cli.ingest.bibtex import split_names

    assert split_names("A, B and {Barnes and Noble} and C AND D") == [
        "A, B",
        "{Barnes and Noble}",
        "C",
        "D",
    ]
    assert split_names("Anderson, Andy and\n  Sand, Sandra") == ["Anderson, Andy", "Sand, Sandra"]


def test_line_breaks_inside_names_become_spaces() -> None:
    people, _ = parse_names("Doe, Steven\n   A. and\nRoe,\n Jane")
    assert [(p.family, p.given) for p in people] == [("Doe", "Steven A."), ("Roe", "Jane")]


def test_lines_after_a_line_ending_in_a_backslash_are_the_files_lines(tmp_path: Path) -> None:
    # bibtexparser's splitter does not count a line break after a backslash; we do.
    text = (
        "@misc{a,\n"
        "  note = {ends in a backslash\\\n"
        "  and goes on \\\\\n"
        "  and on},\n"
        "}\n"
        "\n"
        "@article{b,\n"
        "  title = {T},\n"
        "  journal = nosuchmacro,\n"
        "}\n"
    )
    path = tmp_path / "slash.bib"
    path.write_text(text, encoding="utf-8")
    bibliography = read_bibliography([path])
    assert [source.line for source in bibliography.sources] == [1, 7]
    assert [(p.code, p.line) for p in bibliography.problems] == [("bib-unknown-macro", 9)]


def test_extended_name_format_and_option_only_names() -> None:
    """biblatex's ``family=..., given=...`` names, as biber and pandoc read them; a name
    of options only (``useprefix=false``) is nobody."""
    people, _ = parse_names(
        "sortingnamekeytemplatename=snks1 and Simon Smith and "
        "family=Brown, prefix=de, given=Brian, sortingnamekeytemplatename=snks2"
    )
    assert people == (
        Person(family="Smith", given="Simon"),
        Person(family="Brown", given="Brian", particle="de"),
    )
    assert parse_names('family={Brown, Jr}, given="A. B."')[0] == (
        Person(family="Brown, Jr", given="A. B."),
    )


def test_thin_space_between_initials() -> None:
    assert parse_names("Lovecraft, Bill H.{\\,}P.")[0] == (
        Person(family="Lovecraft", given="Bill H. P."),
    )


def test_tilde_accent_in_a_name_is_no_tie() -> None:
    people, _ = parse_names("Jaroslav Ne\\~{s}et\\~{r}il and Xuding Zhu")
    assert [p.family for p in people] == ["Nes\u0303etr\u0303il", "Zhu"]
    assert people[0].given == "Jaroslav"


def test_tie_between_initials_is_a_space() -> None:
    people, _ = parse_names("Castellan, G.~W. and Moore, W.~J.")
    assert [p.given for p in people] == ["G. W.", "W. J."]


def test_control_space_in_a_name_separates_words() -> None:
    # "L.\ Thiele": LaTeX's control space, a space between the given name and the last
    people, _ = parse_names("Christina A. L.\\ Thiele")
    assert people == (Person(family="Thiele", given="Christina A. L."),)


def test_a_name_that_is_one_macro_is_the_last_name_it_typesets() -> None:
    # TUGboat's \Thanh: BibTeX reads the one word as the last name, printed whole
    people, _ = parse_names("\\Thanh and {TUG {\\sltt DVI} Driver Standards Committee}")
    assert people == (
        Person(family="Hàn Thế Thành"),
        Person(literal="TUG DVI Driver Standards Committee"),
    )


def test_dashes_in_a_given_name_are_decoded() -> None:
    people, _ = parse_names("Wu, Yi--Ching (Jean)")
    assert people[0].given == "Yi–Ching (Jean)"


def test_entries_commented_out_with_percent_are_skipped(tmp_path: Path) -> None:
    # biber's test files comment entries out line by line; biber and pandoc skip them
    path = write(
        tmp_path,
        "c.bib",
        "% a header with an @ sign\n"
        "%@BOOK{gone,\n%  AUTHOR = {Smith}\n%}\n"
        "@book{kept, title = {A {100%} value\n% not a comment inside braces @}, year = 2001}\n"
        "@book{after, title = {B}, year = 2002}\n",
    )
    bib = read_bibliography([path])
    assert [s.key for s in bib.sources] == ["kept", "after"]
    assert "% not a comment inside braces @" in bib.sources[0].fields["title"]
    assert bib.sources[1].line == 7  # line numbers unchanged


def test_xdata_fields_are_the_entrys_own_and_xdata_is_no_reference(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "x.bib",
        "@inbook{child, xdata = {shared}, title = {Chapter}, booktitle = {Book}}\n"
        "@xdata{shared, author = {Ann Author}, publisher = {P}}\n",
    )
    bib = read_bibliography([path])
    assert [s.key for s in bib.sources] == ["child"]
    # biber copies XDATA fields under their own names (no crossref's author -> bookauthor)
    assert bib.sources[0].fields["author"] == "Ann Author"
    assert [p.family for p in bib.sources[0].authors] == ["Author"]
