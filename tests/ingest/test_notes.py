from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cybercoop_cli.errors import InputError
from cybercoop_cli.ingest import notes as notes_module
from cybercoop_cli.ingest.notes import MAX_NOTE_BYTES, parse_note, read_note, read_notes
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


# --------------------------------------------------------------------------- many notes at once

GOOD_MD = NOTE
BROKEN = {
    "syntax.md": "---\nkey: k\nclaims:\n  - text: [unclosed\n---\n",
    "duplicate.md": "---\nkey: a\ntags: [x]\nkey: b\n---\n",
    "alias.md": "---\nkey: k\na: &a [x, y]\nb: [*a, *a]\n---\n",
    "merge.md": "---\nkey: k\n<<: {a: 1}\n---\n",
    "nofront.md": "just text\n",
    "unclosed.md": "---\nkey: k\n",
    "list.md": "---\n- key: k\n---\n",
    "scalar.yaml": "just words\n",
    "empty.md": "---\n---\nbody\n",
    "nokey.md": "---\ntags: [x]\n---\n",
    "schema.md": "---\nkey: k\nanotation: x\nclaims:\n  - text: c\n    stance: maybe\n  - 3\n---\n",
    "tabs.md": "---\nkey: k\nannotation:\tx\n---\n",
    "folded.md": "---\nkey: k\nannotation: >\n  folded\n  text\nclaims:\n  - text: a\n    b\n---\n",
    "crlf.md": "---\r\nkey: k\r\ntags: a, b\r\n---\r\nbody\r\n",
    "dots.md": "---\nkey: 12\ntags: [1, yes]\n...\nbody\n",
    "plain.yaml": "key: k\nannotation: Short summary.\n",
    "multi.yaml": "key: k\n---\nkey: j\n",
}


def _items(tmp_path: Path) -> list[tuple[Path, str, bytes | None]]:
    files: dict[str, bytes] = {name: text.encode() for name, text in BROKEN.items()}
    files["good.md"] = GOOD_MD.encode()
    files["latin1.md"] = "---\nkey: k\nannotation: café\n---\n".encode("cp1252")
    files["bom.md"] = b"\xef\xbb\xbf" + GOOD_MD.encode()
    files["nul.md"] = b"---\nkey: k\x00\n---\n"
    items: list[tuple[Path, str, bytes | None]] = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        items.append((path, f"notes/{name}", data))
        items.append((path, f"notes/{name}", None))
    big = tmp_path / "big.md"
    big.write_bytes(b"---\nkey: k\n---\n" + b"x" * MAX_NOTE_BYTES)
    items.append((big, "notes/big.md", None))
    items.append((big, "notes/big.md", big.read_bytes()))
    items.append((tmp_path / "missing.md", "notes/missing.md", None))
    return items


def test_read_notes_gives_what_read_note_gives_item_by_item(tmp_path: Path) -> None:
    items = _items(tmp_path)
    many = read_notes(items)
    one_by_one = [read_note(path, display, data) for path, display, data in items]
    assert many == one_by_one
    codes = {p.code for _, problems in many for p in problems}
    assert {"note-yaml", "note-schema", "note-too-large", "note-unreadable"} <= codes
    assert {"note-encoding", "note-unknown-field"} <= codes
    assert sum(note is not None for note, _ in many) >= 10


def test_the_quick_path_changes_nothing_in_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items(tmp_path)
    fast = read_notes(items)
    monkeypatch.setattr(notes_module, "quick_note", lambda text, file: None)
    assert read_notes(items) == fast


FRONT_LINES = [
    "key: smith2020",
    "key: 12",
    "key: [a]",
    "tags: [a, b]",
    "tags: a, b",
    "tags:",
    "  - x",
    "annotation: Short.",
    "annotation:",
    "  summary: What it says.",
    "  evaluation: 3",
    "  relevanse: typo",
    "claims:",
    "  - text: A claim.",
    "    sections: [intro]",
    "    section: methods",
    "    facets: effectiveness",
    "    stance: contests",
    "    stance: maybe",
    "    page: 12",
    "    quote: 'exact'",
    "  - Plain claim.",
    "  - 7",
    "- text: x",
    "title: 'quoted: yes'",
    "created: 2024-01-02",
    "aliases: &a [x]",
    "other: *a",
    "key: k # comment",
    "# comment",
    "",
    "\tkey: tab",
    "key: [unclosed",
    "  continued line",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(FRONT_LINES), max_size=10),
            st.sampled_from([".md", ".yaml"]),
            st.sampled_from(["utf-8", "cp1252", "utf-16"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_read_notes_equals_read_note_on_random_notes(
    notes: list[tuple[list[str], str, str]],
) -> None:
    items: list[tuple[Path, str, bytes | None]] = []
    for index, (lines, suffix, encoding) in enumerate(notes):
        text = "\n".join(lines) + "\n"
        if suffix == ".md":
            text = f"---\n{text}---\nbody é\n"
        path = Path(f"notes/n{index}{suffix}")
        items.append((path, str(path), text.encode(encoding, errors="replace")))
    many = read_notes(items)
    assert many == [read_note(path, display, data) for path, display, data in items]
    with general_path_only():
        assert read_notes(items) == many


@contextlib.contextmanager
def general_path_only() -> Iterator[None]:
    """The general (libyaml) path only, for comparing with the quick path."""
    original = notes_module.quick_note
    notes_module.quick_note = lambda text, file: None
    try:
        yield
    finally:
        notes_module.quick_note = original


BARE_CLAIMS = """---
key: smith2020
annotation:
  summary: A study.
claims:
  - text: A tagged claim.
    sections: [intro]
  - A bare sentence, untagged.
  - Another bare sentence.
---
"""


@pytest.mark.parametrize(
    "variant",
    [
        BARE_CLAIMS,  # the common shape
        BARE_CLAIMS.replace("summary: A study.", 'summary: "A\\tstudy."'),  # libyaml only
    ],
    ids=["common", "unusual"],
)
@pytest.mark.parametrize("general_only", [False, True])
def test_a_bare_sentence_claim_has_its_own_line(variant: str, general_only: bool) -> None:
    with general_path_only() if general_only else contextlib.nullcontext():
        parsed = parse_note(variant, "n.md", is_markdown=True)
    assert parsed is not None
    note, problems = parsed
    assert not problems
    assert [(c.text, c.line) for c in note.claims] == [
        ("A tagged claim.", 6),
        ("A bare sentence, untagged.", 8),
        ("Another bare sentence.", 9),
    ]
