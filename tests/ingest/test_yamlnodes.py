"""The simple YAML reader must give exactly what libyaml's path gives, or decline."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cybercoop_cli.ingest.yamlnodes import (
    NOT_SIMPLE,
    YamlError,
    YamlList,
    YamlMap,
    load_general,
    load_simple,
    load_yaml,
)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, mappings with equal lines and key lines, in key order,
    block lists with equal item lines."""
    if type(a) is not type(b):
        return False
    if isinstance(a, YamlMap):
        return (
            a.line == b.line
            and a.key_lines == b.key_lines
            and list(a) == list(b)
            and all(_same(a[k], b[k]) for k in a)
        )
    if isinstance(a, YamlList) and a.item_lines != b.item_lines:
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return bool(b != b)
    return bool(a == b)


def _agree(text: str, first_line: int = 2) -> Any:
    """Assert the simple path agrees with the general one; return the simple result."""
    simple = load_simple(text, first_line)
    try:
        general = load_general(text, file="n.md", first_line=first_line)
    except YamlError:
        assert simple is NOT_SIMPLE, (text, simple)
        return simple
    if simple is not NOT_SIMPLE:
        assert _same(simple, general), (text, simple, general)
    return simple


NOTE = """key: smith2020
tags: [bench, b]
annotation:
  summary: Governance {INTERNET} enforcement, data; policy.
  evaluation: "Quoted: with a colon"
  relevance:
claims:
  - text: First claim.
    sections: [implementation, reforms]
    facets: [effectiveness]
    stance: contests
    page: 12
  - Second claim, untagged.
  -   text: odd spacing
      quote: x
# a comment
created: 2023-01-01
updated: ~
yes: no
flags:
- on
- .5
- 1_000
- 0x1F
"""


def test_a_typical_note_is_read_by_the_simple_path() -> None:
    value = _agree(NOTE)
    assert isinstance(value, YamlMap)
    assert value["claims"][0]["page"] == 12 and value["True"] is False
    assert value.line_of("claims") == 8 and value["claims"][2].line == 15


@pytest.mark.parametrize(
    "text",
    [
        "key: a\nkey: b\n",  # duplicate: libyaml's path reports it
        "a: &x 1\nb: *x\n",
        "<<: {a: 1}\n",
        "a: b\n  continued\n",
        "a: b # comment\n",
        "a: >-\n  b\n\n  c\n",
        "a: >-\n  b\n   c\n",
        "a: >-\n  b\n  # c\n",
        "a: |+\n  b\n",
        "a: >-\n  b",
        "a: [b, c,]\n",
        "a:\tb\n",
        "a: b\u2028c\n",
        "- - a\n",
        "a: !!int 3\n",
        "x:\n  y: 1\n z: 2\n",
        "a: b: c\n",
        "--- a\n",
        "a: 'it''s'\n",
        'a: "esc\\n"\n',
    ],
)
def test_what_the_simple_path_declines(text: str) -> None:
    assert load_simple(text) is NOT_SIMPLE
    _agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: >-\n  b\n  c\nd: |\n  e\n  f\n",
        "a: |\n  block\n",
        "# comment\n- >\n  b\n  c\n- |-\n x\n",
        "",
        "# only a comment\n",
        "a:\n- x\nb: 1\n",
        "- sections:\n  - a\n",
        "k: [ a ,b ]\n",
    ],
)
def test_what_the_simple_path_reads(text: str) -> None:
    assert load_simple(text) is not NOT_SIMPLE
    _agree(text)


def test_load_yaml_still_reports_errors_with_lines() -> None:
    with pytest.raises(YamlError, match="duplicate key 'a' \\(first on line 3\\)") as info:
        load_yaml("\na: 1\nb: 2\na: 3\n", file="n.yaml", first_line=2)
    assert info.value.line == 5


ATOMS = [
    "word",
    "Two words",
    "Key",
    "yes",
    "No",
    "null",
    "Null",
    "~",
    "true",
    "off",
    "1",
    "-1",
    "+2",
    "012",
    "0x1F",
    "1_000",
    "1:30",
    ".5",
    ".inf",
    ".NaN",
    "1e3",
    "2023-01-01",
    "2023-01-01 10:00:00",
    "=",
    "<<",
    "a:b",
    "a: b",
    "a #b",
    "a#b",
    "#c",
    "x:",
    "{a}",
    "b{a}",
    "[a, b]",
    "[a,b]",
    "[]",
    "[ ]",
    "[a, ]",
    "[a, [b]]",
    "[yes, 1, ~]",
    "[a b, c]",
    "[a:b]",
    "['a']",
    "'q'",
    "'it''s'",
    '"dq"',
    '"a: b"',
    '"e\\t"',
    "&a x",
    "*a",
    "!!str x",
    "!t x",
    "|",
    ">-",
    "%x",
    "@x",
    "`x",
    "?",
    "? x",
    "-",
    "- x",
    "--- x",
    "...",
    "é",
    "ü: x",
    "a\tb",
    "a\u2028b",
    "a\x85b",
    "\ufeffx",
    ",x",
    "x,",
]
KEYS = ["key", "tags", "a", "a b", "_x", "x-y", "yes", "null", "Off", "1", "é", "<<", "? k", "k"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 4, 4, 6]))
        dash = draw(st.sampled_from(["", "", "", "- ", "-  ", "- - ", "-"]))
        key = draw(st.sampled_from(["", "", *KEYS]))
        sep = draw(st.sampled_from([": ", ":", ":  ", " : ", ""])) if key else ""
        value = draw(st.sampled_from(["", "", "", *ATOMS]))
        if draw(st.booleans()) and value:
            value += draw(st.sampled_from([" ", " # c", ":", ","]))
        lines.append(f"{indent}{dash}{key}{sep}{value}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "# c", "   # c"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


GOOD = ["w", "Two words", "x-y", "b{a}", "a:b", "a#b", "[a, b]", "[]", "'q'", '"dq"', "12", "yes"]
SOUP = st.text(alphabet="aZ é1-.:#,'\"[]{}~", min_size=1, max_size=8)
# mostly scalars the simple path reads, sometimes odd ones: a tree is read only if all are
SCALARS = st.integers(0, 19).flatmap(
    lambda n: st.sampled_from(ATOMS) if n == 0 else SOUP if n == 1 else st.sampled_from(GOOD)
)
TREE_KEYS = st.sampled_from(["key", "tags", "a", "a b", "_x", "x-y"]) | st.sampled_from(KEYS)


BLOCK_STYLES = st.sampled_from([">-", ">-", ">", "|-", "|", ">+", "|2", ">- # c"])
BLOCK_TEXT = [
    "text",
    "More words, here.",
    "a: b",
    "- x",
    "[x]",
    "# hash",
    "trailing ",
    "",
    "  deeper",
]


@st.composite
def block_lines(draw: st.DrawFn, step: int) -> list[str]:
    """The lines of a block scalar: mostly one indentation, sometimes odd ones."""
    pad = " " * draw(st.sampled_from([step, step, step, step + 1, 0]))
    return [
        pad + draw(st.sampled_from(BLOCK_TEXT[:2]) | st.sampled_from(BLOCK_TEXT))
        for _ in range(draw(st.integers(1, 3)))
    ]


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """Block-style YAML built from a random tree: mostly valid, with odd scalars and spacing."""
    step = draw(st.sampled_from([1, 2, 2, 4]))
    if depth < 3 and draw(st.booleans()):
        lines: list[str] = []
        compact = draw(st.booleans())
        for _ in range(draw(st.integers(1, 4))):
            key = draw(TREE_KEYS)
            if depth < 3 and draw(st.integers(0, 2)) == 0:
                child = draw(trees(depth + 1))
                lines.append(f"{key}:")
                nested = 0 if compact and child[0].startswith("-") else step
                lines += [" " * nested + line for line in child]
            elif draw(st.integers(0, 3)) == 0:
                lines.append(f"{key}: {draw(BLOCK_STYLES)}")
                lines += draw(block_lines(step))
            else:
                lines.append(
                    f"{key}:{draw(st.sampled_from([' ', ' ', ' ', '  ', '']))}{draw(SCALARS)}"
                )
        return lines
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        gap = " " * draw(st.sampled_from([1, 1, 3]))
        if depth < 3 and draw(st.booleans()):
            child = draw(trees(depth + 1))
            if child[0].startswith("-") and draw(st.integers(0, 3)):
                lines.append("-")  # a nested list starts on the next line
                lines += [" " * (1 + len(gap)) + line for line in child]
            else:
                lines.append(f"-{gap}{child[0]}")
                lines += [" " * (1 + len(gap)) + line for line in child[1:]]
        elif draw(st.integers(0, 3)) == 0:
            lines.append(f"-{gap}{draw(BLOCK_STYLES)}")
            lines += draw(block_lines(draw(st.integers(1, 3))))
        else:
            lines.append(f"-{gap}{draw(SCALARS)}")
    return lines


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    lines = draw(trees())
    if lines and draw(st.integers(0, 3)) == 0:  # one mutation: a shifted or inserted line
        at = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            lines[at] = " " * draw(st.integers(1, 3)) + lines[at]
        else:
            lines.insert(
                at,
                draw(st.sampled_from(["# c", "    # c", "", "  x", "- y", "k: v", "...", "---"])),
            )
    return "\n".join(lines) + draw(st.sampled_from(["\n", "\n", "\n\n", ""]))


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid(), st.integers(1, 3))
def test_the_simple_path_gives_what_libyaml_gives_on_trees(text: str, first_line: int) -> None:
    _agree(text, first_line)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(1, 3))
@example("key: k\nclaims:\n  - text: t\n    stance: x\n", 2)
def test_the_simple_path_gives_what_libyaml_gives(text: str, first_line: int) -> None:
    _agree(text, first_line)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab -:#[],'\"\n&*!|>{}1.~\t", max_size=40))
def test_the_simple_path_agrees_on_character_soup(text: str) -> None:
    _agree(text)


@pytest.mark.parametrize("text", ["{a: " * 5000 + "1" + "}" * 5000, "[" * 5000 + "]" * 5000])
def test_very_deep_nesting_is_a_yaml_error_not_a_crash(text: str) -> None:
    # PyYAML 6.0.3 recurses until Python's limit (our message); libyaml in PyYAML 6.0.4
    # stops at its own depth limit ("exceeded maximum nesting depth").
    with pytest.raises(YamlError, match=r"nested too deeply|maximum nesting depth") as info:
        load_yaml(text, file="deep.yaml", first_line=2)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("text", "line", "cause"),
    [
        ("key: a\nsummary: Two views: one\n", 2, "an unquoted colon in the value 'Two views: one'"),
        ("key: a\nclaims:\n  - text: It: works\n", 3, "an unquoted colon in the value 'It: works'"),
        ("key: a\nannotation:\n\tsummary: x\n", 3, "a tab in the indentation"),
        (
            "key: a\nannotation:\n  summary: long\ntext here\n  evaluation: x\n",
            5,
            "neither 'field: value' nor indented",
        ),
    ],
)
def test_yaml_errors_name_the_usual_cause_and_the_fix(text: str, line: int, cause: str) -> None:
    from cybercoop_cli.errors import InputError
    from cybercoop_cli.ingest.yamlnodes import load_general

    with pytest.raises(InputError) as caught:
        load_general(text, file="n.md")
    assert caught.value.line == line
    assert cause in caught.value.message and "(libyaml: " in caught.value.message


def test_an_unexplained_yaml_error_keeps_libyaml_words() -> None:
    from cybercoop_cli.ingest.yamlnodes import explain_yaml_error

    assert explain_yaml_error("found undefined alias", "x: *a") == (
        "YAML syntax error: found undefined alias"
    )
