"""Safe YAML with lines: errors name their line, aliases are refused, and plain scalars
resolve exactly as PyYAML's safe loader resolves them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cybercoop_cli.ingest.yamlnodes import YamlError, YamlMap, load_yaml, plain_scalar


def test_load_yaml_reports_errors_with_lines() -> None:
    with pytest.raises(YamlError, match="duplicate key 'a' \\(first on line 3\\)") as info:
        load_yaml("\na: 1\nb: 2\na: 3\n", file="n.yaml", first_line=2)
    assert info.value.line == 5


def test_mappings_know_their_lines() -> None:
    data = load_yaml("key: k\nclaims:\n  - text: t\n    stance: x\n", file="n.md", first_line=2)
    assert isinstance(data, YamlMap) and data.line == 2 and data.line_of("claims") == 3
    (claim,) = data["claims"]
    assert claim.line == 4 and claim.line_of("stance") == 5


def test_aliases_and_merge_keys_are_refused() -> None:
    with pytest.raises(YamlError, match="aliases"):
        load_yaml("a: &x 1\nb: *x\n", file="n.yaml")
    with pytest.raises(YamlError, match="merge keys"):
        load_yaml("a: {x: 1}\nb:\n  <<: {y: 2}\n", file="n.yaml")


PLAIN = [
    "word", "Two words", "yes", "No", "null", "Null", "~", "true", "off", "1", "-1", "+2",
    "012", "0x1F", "1_000", "1:30", ".5", ".inf", ".NaN", "1e3", "2023-01-01",
    "2023-01-01 10:00:00", "=", "a:b", "a#b", "b{a}", "off-road", "1st",
]  # fmt: skip


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("text", PLAIN)
def test_plain_scalars_resolve_as_the_safe_loader_resolves_them(text: str) -> None:
    assert _same(plain_scalar(text), load_yaml(f"k: {text}\n", file="n.yaml")["k"])


@given(st.text(alphabet="aeyn0123456789.-_:+eExXoOtTfFlLuU~ ", min_size=1, max_size=12))
def test_plain_scalars_agree_on_random_words(text: str) -> None:
    text = text.strip()
    try:
        expected = load_yaml(f"k: {text}\n", file="n.yaml")
    except YamlError:
        return
    if not isinstance(expected, YamlMap) or list(expected) != ["k"]:
        return
    if not isinstance(expected["k"], str | int | float | bool | None) or text.startswith("-"):
        return
    assert _same(plain_scalar(text), expected["k"]), text


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
    from cybercoop_cli.ingest.yamlnodes import load_yaml as load_general

    with pytest.raises(InputError) as caught:
        load_general(text, file="n.md")
    assert caught.value.line == line
    assert cause in caught.value.message and "(libyaml: " in caught.value.message


def test_an_unexplained_yaml_error_keeps_libyaml_words() -> None:
    from cybercoop_cli.ingest.yamlnodes import explain_yaml_error

    assert explain_yaml_error("found undefined alias", "x: *a") == (
        "YAML syntax error: found undefined alias"
    )


def test_unusual_characters_are_exactly_those_outside_what_libyaml_reads_plainly() -> None:
    """Every code point: the listed class equals the complement of YAML's printable set
    (newline, 0x20-0x7E, 0xA0-0xD7FF less the line and paragraph separators,
    0xE000-0xFFFD less the BOM, 0x10000 and up)."""
    from cybercoop_cli.ingest.yamlnodes import has_unusual

    def printable(code: int) -> bool:
        return (
            code == 0x0A
            or 0x20 <= code <= 0x7E
            or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
            or code >= 0x10000
        )

    wrong = [code for code in range(0x110000) if has_unusual(chr(code)) == printable(code)]
    assert wrong == []
