from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest.notes import parse_note, read_note
from cybercoop_cli.ingest.yamlnodes import load_yaml
from cybercoop_cli.model import Stance

NOTE = """---
key: smith2020
tags: [a, b]
annotation:
  summary: What it says.
  evaluation: How good it is.
  relevance: Why it matters.
claims:
  - text: First claim.
    sections: [intro]
    facet: effectiveness
    stance: contests
    page: "12"
    quote: exact words
  - Second claim, untagged.
---
Free text body.

Second paragraph.
"""


def test_markdown_note_with_front_matter() -> None:
    parsed = parse_note(NOTE, "notes/smith.md", is_markdown=True)
    assert parsed is not None
    note, problems = parsed
    assert not problems
    assert note.key == "smith2020" and note.line == 2 and note.tags == ("a", "b")
    assert note.annotation.summary == "What it says."
    assert note.annotation.body == "Free text body.\n\nSecond paragraph."
    first, second = note.claims
    assert first.sections == ("intro",) and first.facets == ("effectiveness",)
    assert (
        first.stance is Stance.CONTESTS and first.locator == "12" and first.quote == "exact words"
    )
    assert first.line == 9
    assert second.text == "Second claim, untagged." and not second.sections


def test_plain_yaml_note(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("key: k\nannotation: Short summary.\n", encoding="utf-8")
    note, problems = read_note(path, "n.yaml")
    assert note is not None and not problems
    assert note.annotation.summary == "Short summary."


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\nkey: k\nclaims:\n  - text: [unclosed\n---\n", encoding="utf-8")
    note, problems = read_note(path, "notes/bad.md")
    assert note is None
    (problem,) = problems
    assert problem.code == "note-yaml" and problem.file == "notes/bad.md"
    assert problem.line == 5  # the line where PyYAML noticed, in the file's numbering


def test_unknown_fields_and_bad_stance_are_reported() -> None:
    text = "---\nkey: k\nanotation: x\nclaims:\n  - text: c\n    stance: maybe\n---\n"
    parsed = parse_note(text, "n.md", is_markdown=True)
    assert parsed is not None
    _, problems = parsed
    messages = {(p.line, p.code): p.message for p in problems}
    assert "did you mean 'annotation'" in messages[(3, "note-unknown-field")]
    assert "supports, contests or qualifies" in messages[(6, "note-schema")]


def test_missing_key_and_missing_front_matter() -> None:
    with pytest.raises(InputError, match="no 'key'"):
        parse_note("---\ntags: [x]\n---\n", "n.md", is_markdown=True)
    with pytest.raises(InputError, match="no YAML front matter"):
        parse_note("just text\n", "n.md", is_markdown=True)


def test_duplicate_yaml_key_is_an_error() -> None:
    with pytest.raises(InputError, match="duplicate key 'key'") as info:
        load_yaml("key: a\nkey: b\n", file="n.yaml")
    assert info.value.line == 2


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(InputError, match="aliases"):
        load_yaml("\n".join(lines), file="bomb.yaml")


def test_duplicate_front_matter_key_is_a_yaml_problem(tmp_path: Path) -> None:
    path = tmp_path / "twice.md"
    path.write_text("---\nkey: a\ntags: [x]\nkey: b\n---\n", encoding="utf-8")
    note, problems = read_note(path, "notes/twice.md")
    assert note is None
    (problem,) = problems
    assert (problem.code, problem.line) == ("note-yaml", 4)
    assert "duplicate key 'key' (first on line 2)" in problem.message
