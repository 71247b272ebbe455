from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cybercoop_cli.errors import InputError, ProjectNotFoundError
from cybercoop_cli.ingest.project import find_review_file, load_project


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


from cybercoop_cli.ingest import project as project_module  # noqa: E402

REAL_BATCH = project_module.read_note_batch


def recording_batch(items: Any, progress: Any = None) -> Any:
    """Note which process parsed the notes (in the file named by the environment)."""
    with open(os.environ["CYBERCOOP_TEST_PIDS"], "a") as log:  # noqa: PTH123
        log.write(f"{os.getpid()}\n")
    return REAL_BATCH(items, progress)


def dying_batch(items: Any, progress: Any = None) -> Any:
    """Die at once in a child process; parse normally in the test's own process."""
    if os.getpid() != int(os.environ["CYBERCOOP_TEST_PARENT"]):
        os._exit(9)
    return REAL_BATCH(items, progress)


def test_notes_parsed_in_a_child_process_equal_those_parsed_here(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serial = load_project(example_project)
    log = tmp_path / "pids"
    monkeypatch.setenv("CYBERCOOP_TEST_PIDS", str(log))
    monkeypatch.setattr(project_module, "PARALLEL_NOTES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(project_module, "read_note_batch", recording_batch)
    parallel = load_project(example_project)
    assert parallel == serial
    pids = log.read_text().split()
    assert len(pids) == 1 and int(pids[0]) != os.getpid()  # parsed once, in a child


def test_a_child_that_dies_is_replaced_by_parsing_here(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = load_project(example_project)
    monkeypatch.setenv("CYBERCOOP_TEST_PARENT", str(os.getpid()))
    monkeypatch.setattr(project_module, "PARALLEL_NOTES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(project_module, "read_note_batch", dying_batch)
    assert load_project(example_project) == serial


def test_note_listing_agrees_with_the_notes_reader(example_project: Path) -> None:
    from cybercoop_cli.ingest.notes import NOTE_SUFFIXES, iter_note_files

    assert project_module._NOTE_SUFFIXES == NOTE_SUFFIXES
    notes = example_project / "notes"
    (notes / ".hidden.md").write_text("---\nkey: x\n---\n")
    (notes / "sub").mkdir()
    (notes / "sub" / "Extra.YML").write_text("key: x\n")
    (notes / "readme.txt").write_text("not a note")
    listed = project_module._note_paths(notes)
    assert listed == [str(path) for path in iter_note_files(notes)]
    assert str(notes / "sub" / "Extra.YML") in listed and len(listed) == 7
