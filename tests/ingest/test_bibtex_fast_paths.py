"""The BibTeX reader's fast paths give exactly what its general path gives.

Each fast path (plain values stored as text, braced values recognised by one regex, the
name-list splitter for normalised lists, LaTeX decoding of plain or brace-only text) is
switched off here to obtain the general path's answer, which is then compared with the
fast one: on generated near-miss input and on every value of the real corpus.
"""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest import bibtex
from cybercoop_cli.model import Bibliography, Problem

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_NEVER = re.compile(r"(?!)")


@contextlib.contextmanager
def general_path() -> Iterator[None]:
    """Switch the fast paths off: no text parked, every value through _add_field's full parse."""
    with (
        mock.patch.object(bibtex, "_plain_value", lambda value: None),
        mock.patch.object(bibtex, "_BRACED", _NEVER),
        mock.patch.object(bibtex, "_RUN", _NEVER),
        mock.patch.object(bibtex, "_GROUP", _NEVER),
        mock.patch.object(bibtex, "_simple_pieces", lambda text: None),
    ):
        yield


@contextlib.contextmanager
def eager_parking() -> Iterator[None]:
    """Park every plain stretch of three characters or more, not only long ones."""
    with (
        mock.patch.object(bibtex, "_RUN", bibtex._run_pattern(3)),
        mock.patch.object(bibtex, "_PARK_MIN_AVERAGE_LINE", 0),
    ):
        yield


def general_value(value: str) -> tuple[dict[str, str], list[Problem]]:
    with general_path():
        return read_value(value)


def read_value(value: str) -> tuple[dict[str, str], list[Problem]]:
    """One field as _split reads it, then evaluated."""
    entry = bibtex._RawEntry("k", "misc", "x.bib", 1)
    problems: list[Problem] = []
    text = bibtex._plain_value(value)
    if text is not None:
        entry.values["f"] = text
        entry.lines["f"] = 1
    else:
        bibtex._add_field(entry, "f", value, 1, problems)
    _, values = bibtex._evaluate(entry, {}, problems)
    return values, problems


# Values as bibtexparser hands them over: stripped, often braced or quoted, made of the
# characters that matter to the value grammar.
VALUE_CHARS = st.sampled_from([*'{}"\\#,= \n@()a1Z', "and", "x=", "\\'e", "{\\O}", "2020"])
VALUE_BODY = st.lists(VALUE_CHARS, max_size=24).map("".join)
VALUES = st.one_of(
    VALUE_BODY,
    VALUE_BODY.map(lambda body: "{" + body + "}"),
    VALUE_BODY.map(lambda body: '"' + body + '"'),
    st.integers(min_value=0).map(str),
    st.text(max_size=12),
).map(str.strip)


@SETTINGS
@given(VALUES)
def test_plain_value_is_what_the_general_path_reads(value: str) -> None:
    plain = bibtex._plain_value(value)
    if plain is not None:
        assert general_value(value) == ({"f": plain}, [])


@SETTINGS
@given(VALUES)
def test_braced_regex_agrees_with_the_brace_scan(value: str) -> None:
    # Passing ``end`` forces _parse_value's general loop.
    assert bibtex._parse_value(value, 0) == bibtex._parse_value(value, 0, len(value))


@SETTINGS
@given(VALUES)
def test_value_read_is_the_same_with_and_without_fast_paths(value: str) -> None:
    assert read_value(value) == general_value(value)


ENTRY_PARTS = st.sampled_from(
    [
        "@article{",
        "@book(",
        "@string{jo = ",
        "@comment{",
        "k1,",
        "k2,",
        " title = ",
        "\n  author = ",
        " year = ",
        "\n  journal = ",
        "{A {B} C}",
        '"Quoted"',
        "2020",
        "jo # { X}",
        "{\\'e}",
        "{Doe, J. and Roe, R.}",
        "{open",
        ",",
        ",\n",
        "}",
        ")",
        "\n",
        "doi:10.1/x",
        "=",
        "@",
        "{plain words, more words}",
        "= {long plain text",
        ' = "quoted plain text',
        ", plain ",
        "\t",
        " ",
        "(",
        "\\",
        "\\{",
        '{"}',
        " @misc{",
        "\n@book{",
        "title",
        # Braced values the second parking pass takes, or must leave alone.
        "{a, {b}}",
        "{x = {y, z}}",
        '{M{\\"u}ller, H. and {\\O}stby, K.}',
        "{a) b, c}",
        '{a " b, c}',
        "{\\\\}",
        "{a\\}, b}",
        "{{{{{deep, deeper}}}}}",
    ]
)
BIB_TEXT = st.lists(ENTRY_PARTS, max_size=40).map("".join)


def read_text(text: str) -> Bibliography:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.bib"
        path.write_text(text, encoding="utf-8")
        return bibtex.read_bibliography([path], display_root=Path(folder))


@settings(max_examples=300, deadline=None)
@given(BIB_TEXT)
def test_whole_files_read_the_same_with_and_without_fast_paths(text: str) -> None:
    fast = read_text(text)
    with eager_parking():
        eager = read_text(text)
    with general_path():
        general = read_text(text)
    assert fast == general
    assert eager == general


def test_parked_text_comes_back_whole(tmp_path: Path) -> None:
    abstract = "plain words " * 40
    path = tmp_path / "x.bib"
    path.write_text(
        f"@string{{j = {{{abstract}}}}}\n"
        f"@article{{k,\n  abstract = {{{abstract}}},\n  note = {{{abstract}, {abstract}}},\n"
        f"  journal = j,\n  title = {{T}}\n}}\n",
        encoding="utf-8",
    )
    runs: list[str] = []
    parked = bibtex._park_runs(path.read_text(encoding="utf-8"), runs)
    assert parked.count("\x02") == 3  # after '= {': the macro, the abstract, the note
    # Equal stretches share one placeholder; the second pass parks the note's whole inside
    # (it holds a comma), first-pass placeholder included.
    assert runs == [abstract.strip(), "\x020\x03 , " + abstract]
    (source,) = bibtex.read_bibliography([path]).sources
    assert source.fields["abstract"] == abstract
    assert source.fields["note"] == f"{abstract}, {abstract}"
    assert source.fields["journal"] == abstract
    assert source.title == "T"


def test_corpus_reads_the_same_with_every_stretch_parked(corpus: Path) -> None:
    files = [
        path
        for path in sorted((corpus / "bibtex-parsing").rglob("*.bib"))
        if path.stat().st_size < 600_000
    ]
    assert len(files) > 200
    with eager_parking():
        eager = [bibtex.read_bibliography([path]) for path in files]
    with general_path():
        general = [bibtex.read_bibliography([path]) for path in files]
    assert [str(p) for p, a, b in zip(files, eager, general, strict=True) if a != b] == []


def test_every_corpus_value_reads_the_same_with_and_without_fast_paths(corpus: Path) -> None:
    from bibtexparser.splitter import Splitter

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # as _split does
    values: set[str] = set()
    for path in sorted((corpus / "bibtex-parsing").rglob("*.bib")):
        library = Splitter(path.read_text(encoding="utf-8", errors="replace")).split()
        for entry in library.entries:
            values.update(field.value for field in entry.fields if isinstance(field.value, str))
    assert len(values) > 10000
    ordered = sorted(values)
    fast = [read_value(v) for v in ordered]
    braced = [bibtex._parse_value(v, 0) for v in ordered]
    with general_path():
        assert [read_value(v) for v in ordered] == fast
        assert [bibtex._parse_value(v, 0) for v in ordered] == braced


@pytest.mark.parametrize(
    "value",
    ["{a}", "{}", '""', '"a"', "2020", "{a {B} c}", '{M{\\"u}ller, H.}', "{a}{b}", "{a\\}"],
)
def test_examples(value: str) -> None:
    assert read_value(value) == general_value(value)


NAME_LISTS = st.lists(
    st.sampled_from(
        [
            *"{} \n\t,.\\'",
            " and ",
            " AND\n",
            "aNd",
            "others",
            "Doe",
            "van",
            "J.",
            "{\\O}",
            "{Barnes and Noble}",
            "\u00a0",
        ]
    ),
    max_size=20,
).map("".join)


@SETTINGS
@given(NAME_LISTS)
@example("{a} and b")
@example("{a}} and {b and c}")
@example("{{{{{deep and deeper}}}}} and x")
def test_name_list_fast_paths_split_as_the_brace_scan(raw: str) -> None:
    spaced = " ".join(raw.split())
    with mock.patch.object(bibtex, "_BALANCED", _NEVER):  # the brace-by-brace scan
        general = bibtex.split_names(raw)
        general_spaced = bibtex.split_names(spaced)
    assert bibtex.split_names(raw) == general
    fast = bibtex._split_names(spaced, bibtex._AND_SPACED, bibtex._AND_SPACED_OR_BRACE)
    assert fast == general_spaced


def reference_parse_names(raw: str) -> tuple[tuple[object, ...], bool]:
    """parse_names as it was before its fast paths: every name checked for "others"."""
    spaced = " ".join(raw.split())
    if not spaced:
        return (), False
    people = []
    truncated = False
    for name in bibtex.split_names(spaced):
        if name.strip().lower() == "others":
            truncated = True
            continue
        people.append(bibtex._person(name))
    return tuple(people), truncated


OTHERS_LISTS = st.lists(
    st.sampled_from(
        [" and ", "others", "OTHERS", "oThErS", "anothers", "others.", "Doe, J.", "{\\O}", " "]
    ),
    max_size=8,
).map("".join)


@SETTINGS
@given(st.one_of(NAME_LISTS, OTHERS_LISTS))
@example("Doe, J. and others")
@example("Doe, J. and Others ")
@example("{others and Doe}")
def test_parse_names_reads_as_name_by_name(raw: str) -> None:
    assert bibtex.parse_names(raw) == reference_parse_names(raw)


def reference_year_and_date(fields: dict[str, str]) -> tuple[int | None, str]:
    date = fields.get("date", "").strip()
    raw_year = fields.get("year", "").strip()
    for candidate in (raw_year, date):
        if candidate:
            match = re.search(r"(?<!\d)(\d{4})(?!\d)", candidate)
            if match:
                return int(match.group(1)), date or raw_year
    return None, date or raw_year


YEAR_TEXT = st.lists(st.sampled_from([*"0129 -/x", "\u0663", "\u00b2", "2020"]), max_size=6).map(
    "".join
)


@SETTINGS
@given(YEAR_TEXT, YEAR_TEXT)
@example("2020", "")
@example("\u0663\u0663\u0663\u0663", "")
@example("20201", "2019")
def test_year_fast_path_reads_as_the_search(year: str, date: str) -> None:
    fields = {"year": year, "date": date}
    entry = bibtex._RawEntry("k", "misc", "x.bib", 1)
    assert bibtex._year_and_date(entry, fields, []) == reference_year_and_date(fields)


DOI_TEXT = st.lists(
    st.sampled_from(["10.", "1000/x", "doi:", "DOI: ", "https://doi.org/", "dx.", "%2F", " "]),
    max_size=5,
).map("".join)


@SETTINGS
@given(DOI_TEXT)
def test_bare_doi_fast_path_reads_as_the_prefix_removal(raw: str) -> None:
    from urllib.parse import unquote

    doi = raw.strip()
    expected = doi
    if doi:
        expected = bibtex._DOI_PREFIX.sub("", doi)
        if "%2F" in expected or "%2f" in expected:
            expected = unquote(expected)
        expected = expected.strip()
    assert bibtex.normalise_doi(raw) == expected
