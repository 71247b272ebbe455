"""Parking text before bibtexparser splits it changes none of the splitter's decisions.

bibtex.py replaces stretches of values by placeholders so that bibtexparser's splitter
has fewer characters and marks to step over (see the comment above ``_PARKED``). Here the
splitter runs on generated text as it is and as parked (every stretch the two passes can
take, however short), and must give the same blocks, at the same lines, with the same keys
and values once the placeholders are undone.
"""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest import bibtex

# The characters and shapes the splitter decides on: delimiters, commas, '=', quotes,
# parentheses ('(' blocks), escapes, block starts at and off line starts, newlines.
PARTS = st.sampled_from(
    [
        "@article{",
        "@book(",
        "@string{s = ",
        "@comment{",
        "@preamble{",
        "\n@misc{",
        " @misc{",
        "k,",
        "\n  author = ",
        " title = ",
        "=",
        " = {",
        "{",
        "}",
        "(",
        ")",
        ",",
        '"',
        '{"}',
        "\\",
        "\\{",
        "\\}",
        '\\"',
        "\\\\",
        "@",
        "\n",
        " ",
        "\t",
        "Doe, J. and Roe, R.",
        'M{\\"u}ller',
        "{\\O}",
        "a, b",
        "x = y",
        "plain words",
        "#",
        "jo",
    ]
)
NOISE = st.lists(PARTS, max_size=50).map("".join)

# Entries of fields whose braced values are made of the same characters: what the
# parking passes look at most, so generated often.
VALUE_PART = st.sampled_from(
    [
        "a",
        " ",
        ", ",
        "=",
        "{",
        "}",
        "{b}",
        "\\",
        "\\\\",
        "\\{",
        '"',
        '\\"',
        "\n",
        "@",
        "@misc{",
        "(",
        ")",
        " and ",
        '{\\"u}',
        "\x02",
    ]
)
VALUE = st.lists(VALUE_PART, max_size=10).map("".join)
FIELD = st.tuples(
    st.sampled_from(["title", "\n  author", " x"]),
    st.sampled_from([" = {", "={", " = ", ' = "', "=\t{"]),
    VALUE,
    st.sampled_from(["}", "},", "},\n", '"', "", ",", ")"]),
).map("".join)
ENTRY = st.tuples(
    st.sampled_from(["@article{k,", "@book(k,", "@string{s", "@comment{", "\n@misc{k,"]),
    st.lists(FIELD, max_size=4).map("".join),
    st.sampled_from(["}\n", ")\n", "", "\n}"]),
).map("".join)
TEXT = st.one_of(NOISE, st.lists(st.one_of(ENTRY, PARTS), max_size=6).map("".join))


def _described(blocks: list[Any], runs: list[str]) -> list[tuple[Any, ...]]:
    from bibtexparser import model as bmodel

    def back(text: str) -> str:
        return bibtex._unpark(text, runs)

    out: list[tuple[Any, ...]] = []
    for block in blocks:
        kind = type(block).__name__
        inner = getattr(block, "ignore_error_block", None)
        if isinstance(inner, bmodel.Entry):  # a duplicate key or field: the entry is read
            block = inner
        if isinstance(block, bmodel.Entry):
            fields = [(back(f.key), f.start_line, back(f.value)) for f in block.fields]
            out.append((kind, block.start_line, back(block.key), block.entry_type, fields))
        elif isinstance(block, bmodel.String):
            out.append((kind, block.start_line, back(block.key), back(block.value)))
        elif isinstance(block, bmodel.ParsingFailedBlock):
            out.append((kind, block.start_line, (block.raw or "").lstrip()[:1]))
        else:
            out.append((kind, block.start_line))
    return out


def split_both_ways(text: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from bibtexparser.splitter import Splitter

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    runs: list[str] = []
    with (
        mock.patch.object(bibtex, "_RUN", bibtex._run_pattern(3)),
        mock.patch.object(bibtex, "_PARK_MIN_AVERAGE_LINE", 0),
    ):
        parked = bibtex._park_runs(text, runs)
    plain = _described(Splitter(text).split().blocks, [])
    return plain, _described(Splitter(parked).split().blocks, runs)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
@example('@article{k,\n  author = {Doe, J. and M{\\"u}ller, R.},\n  title = {A, {B}}\n}\n')
@example("@article{k, title = {a\\\\}, b}, x = {y}}")
@example("@book(k, title = {a) b, c}, y = {1})")
@example('@article{k, title = "x = {a, b"}')
@example('@string{s = "a = {b) c}"}')
# Each of these tells a parking pattern that is one step too eager from the right one:
# a newline parked would shift the lines after it;
# '@' after a failed block starts a block anywhere; '\\' before '{' hides the brace;
# a stretch ending in '\{' just before '"' would undo the {"} escape inside quotes.
@example("@article{k, title = {a,\nb}, x = {y}}")
@example("@article{k, title {a = {b, @misc{c}}}\n")
@example("@article{k, title = {a\\\\{b}}, x = {y}}")
@example('@article{k, title = "x = {a,\\{"}, y = {1}}')
def test_the_splitter_decides_the_same_on_parked_text(text: str) -> None:
    plain, parked = split_both_ways(text)
    assert parked == plain


def test_the_second_pass_parks_name_lists_and_nested_braces() -> None:
    runs: list[str] = []
    text = '@article{k,\n  author = {Doe, J. and M{\\"u}ller, R.},\n  title = {Plain},\n}\n'
    with mock.patch.object(bibtex, "_PARK_MIN_AVERAGE_LINE", 0):
        parked = bibtex._park_runs(text, runs)
    assert runs == ['Doe, J. and M{\\"u}ller, R.']
    assert "author = {\x020\x03}" in parked
    assert "title = {Plain}" in parked  # nothing in it for the splitter to skip
