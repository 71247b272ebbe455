from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cybercoop_cli.errors import InputError, ProjectNotFoundError
from cybercoop_cli.ingest.project import find_review_file, load_project
from cybercoop_cli.model import Project


def test_shipped_example_loads_cleanly(example_project: Path) -> None:
    project = load_project(example_project)
    assert not project.problems
    assert len(project.sources) == 6 and len(project.notes) == 6
    assert [s.id for s in project.review.sections] == [
        "intro",
        "framework",
        "implementation",
        "challenges",
        "reforms",
        "conclusion",
    ]
    assert [f.id for f in project.review.facets] == ["effectiveness", "reforms"]
    chang = project.source("chang2020legislative")
    assert chang is not None and chang.entry_type == "incollection"
    assert [e.family for e in chang.editors] == ["Holt", "Bossler"]
    assert project.source("brass2021adaptive").container == "Regulation & Governance"  # type: ignore[union-attr]


def test_review_file_is_found_from_a_subfolder(example_project: Path) -> None:
    deep = example_project / "notes"
    assert find_review_file(deep) == example_project / "cybercoop.yaml"
    assert load_project(start=deep).review.title.startswith("The Efficacy")


def test_no_review_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="cybercoop init"):
        load_project(tmp_path)


def test_unknown_source_key_section_and_facet_suggest_the_nearest(example_project: Path) -> None:
    (example_project / "notes" / "typo.md").write_text(
        "---\nkey: chang2020legislativ\nclaims:\n  - text: x\n    sections: [framwork]\n"
        "    facets: [reform]\n---\n",
        encoding="utf-8",
    )
    project = load_project(example_project)
    problems = {p.code: p for p in project.problems}
    key = problems["note-unknown-key"]
    assert (key.file, key.line) == ("notes/typo.md", 2)
    assert "did you mean 'chang2020legislative'" in key.message
    assert "did you mean 'framework'" in problems["note-unknown-section"].message
    assert "did you mean 'reforms'" in problems["note-unknown-facet"].message
    assert project.has_errors


def test_bad_review_file_raises_with_line(example_project: Path) -> None:
    review = example_project / "cybercoop.yaml"
    review.write_text("title: x\nquestion: y\nsections:\n  - title: no id\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs an 'id'") as info:
        load_project(example_project)
    assert info.value.line == 4


def test_note_listing_skips_hidden_files_and_keeps_every_suffix(example_project: Path) -> None:
    from cybercoop_cli.ingest.layout import note_paths
    from cybercoop_cli.ingest.notes import iter_note_files

    notes = example_project / "notes"
    (notes / ".hidden.md").write_text("---\nkey: x\n---\n")
    (notes / "sub").mkdir()
    (notes / "sub" / "Extra.YML").write_text("key: x\n")
    (notes / "readme.txt").write_text("not a note")
    listed = note_paths(notes)
    assert listed == [str(path) for path in iter_note_files(notes)]
    assert str(notes / "sub" / "Extra.YML") in listed and len(listed) == 7


def _unreadable(project: Project) -> list[tuple[str, str]]:
    return [(p.file, p.severity.value) for p in project.problems if p.code == "folder-unreadable"]


def test_an_unreadable_notes_folder_is_an_error_and_the_rest_is_read(
    example_project: Path, lock_folder: Callable[[Path], Path]
) -> None:
    # It was skipped in silence: "6 sources · 0 notes", exit 0.
    lock_folder(example_project / "notes")
    project = load_project(example_project)
    assert _unreadable(project) == [("notes", "error")]
    assert len(project.sources) == 6 and not project.notes


def test_an_unreadable_subfolder_of_notes_is_an_error_naming_it(
    example_project: Path, lock_folder: Callable[[Path], Path]
) -> None:
    sub = example_project / "notes" / "drafts"
    sub.mkdir()
    (sub / "extra.md").write_text("---\nkey: amoo2024legal\n---\n", encoding="utf-8")
    lock_folder(sub)
    project = load_project(example_project)
    assert _unreadable(project) == [(str(Path("notes/drafts")), "error")]
    assert len(project.notes) == 6


def test_an_unreadable_references_folder_is_an_error_not_an_empty_one(
    example_project: Path, lock_folder: Callable[[Path], Path]
) -> None:
    # It said "no .bib files here".
    lock_folder(example_project / "references")
    project = load_project(example_project)
    assert _unreadable(project) == [("references", "error")]
    assert not [p for p in project.problems if p.code == "no-references"]
    assert len(project.notes) == 6
    message = next(p.message for p in project.problems if p.code == "folder-unreadable")
    assert "cannot read this folder" in message


def test_an_unreadable_references_subfolder_is_reported_by_sources_too(
    example_project: Path, lock_folder: Callable[[Path], Path]
) -> None:
    from cybercoop_cli.ingest.project import load_bibliography

    (example_project / "references" / "old").mkdir()
    lock_folder(example_project / "references" / "old")
    bibliography = load_bibliography(example_project)
    assert [(p.file, p.code) for p in bibliography.problems] == [
        (str(Path("references/old")), "folder-unreadable")
    ]
    assert len(bibliography.sources) == 6
