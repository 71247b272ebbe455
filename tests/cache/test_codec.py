"""The cache's JSON form of the model reads back to exactly the same objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybercoop_cli.cache.codec import (
    decode_bibliography,
    decode_note_result,
    decode_review,
    encode_bibliography,
    encode_note_result,
    encode_review,
)
from cybercoop_cli.ingest.bibtex import read_bibliography
from cybercoop_cli.ingest.notes import read_note
from cybercoop_cli.ingest.review import read_review

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bibtex-parsing"


def roundtrip(data: object) -> object:
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_notes_and_their_problems_round_trip(example_project: Path, tmp_path: Path) -> None:
    paths = sorted((example_project / "notes").iterdir())
    broken = tmp_path / "broken.md"
    broken.write_text("---\nkey: x\nclaims:\n  - text: t\n    stance: maybe\n    extra: 1\n---\n")
    for path in [*paths, broken]:
        result = read_note(path, path.name)
        assert decode_note_result(roundtrip(encode_note_result(result))) == result
    assert read_note(broken, "broken.md")[1]  # a note with problems was among them


def test_decoded_notes_have_every_field_of_their_classes(example_project: Path) -> None:
    """The codec fills the notes' instances field by field, not through __init__."""
    from dataclasses import fields

    path = sorted((example_project / "notes").iterdir())[0]
    note, _ = decode_note_result(roundtrip(encode_note_result(read_note(path, path.name))))
    assert note is not None and note.claims
    for made in (note, note.annotation, *note.claims):
        assert set(vars(made)) == {field.name for field in fields(made)}, type(made)
        assert hash(made) == hash(type(made)(*(getattr(made, f.name) for f in fields(made))))


def test_a_note_that_failed_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("no front matter\n")
    result = read_note(path, "bad.md")
    assert result[0] is None and result[1]
    assert decode_note_result(roundtrip(encode_note_result(result))) == result


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_real_bibliographies_round_trip() -> None:
    files = sorted(CORPUS.rglob("*.bib"))[:60]
    assert files
    for path in files:
        bibliography = read_bibliography([path])
        assert decode_bibliography(roundtrip(encode_bibliography(bibliography))) == bibliography


def test_example_bibliography_round_trips(example_project: Path) -> None:
    bibliography = read_bibliography(sorted((example_project / "references").glob("*.bib")))
    assert bibliography.sources
    assert decode_bibliography(roundtrip(encode_bibliography(bibliography))) == bibliography


def test_review_files_round_trip(example_project: Path, tmp_path: Path) -> None:
    shipped = read_review(example_project / "cybercoop.yaml")
    assert shipped.facets and shipped.sections
    minimal = tmp_path / "cybercoop.yaml"
    minimal.write_text(
        "title: T\nquestion: Q?\nfacets: [{id: f, question: F?}]\n"
        "sections: [{id: s, title: S, needs_support: false}]\nmanuscript: draft.md\nlang: de-DE\n"
    )
    for review in (shipped, read_review(minimal)):
        assert decode_review(roundtrip(encode_review(review))) == review
    assert read_review(minimal).manuscript is not None


@pytest.mark.parametrize(
    "damaged",
    [
        ["f", "t", "q", [], [["s", "S", "", [], "yes", None]], "r", "n", "apa", None, 10, "", ""],
        ["f", "t", "q", [["f", 3, [], None]], [], "r", "n", "apa", None, 10, "", ""],
        ["f", "t", "q", [], [], "r", "n", "apa", None, "10", "", ""],
        ["f", "t", "q", [], [], "r", "n", "apa", None, 10, ""],  # a field missing
    ],
)
def test_anything_but_a_review_is_refused(damaged: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        decode_review(damaged)


@pytest.mark.parametrize(
    "damaged",
    [
        [None, [["f", 1, "m", "c", "fatal"]]],  # no such severity
        [["k", "f", "2", [], ["", "", "", ""], []], []],  # a line that is text
        [["k", "f", 2, [], ["", "", "", ""], [["t", [], [], "maybe", "", "", 3]]], []],
        [["k", "f", 2, [], ["", "", ""], []], []],  # a field missing
        {"__class__": "os.system"},
    ],
)
def test_anything_but_the_model_is_refused(damaged: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        decode_note_result(damaged)
