"""note new: the note's text parses cleanly, is filled from the source, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercoop_cli.errors import OutputError, UnknownKeyError, UsageError
from cybercoop_cli.ingest.notes import parse_note
from cybercoop_cli.ingest.project import check_notes, load_project
from cybercoop_cli.model import Stance
from cybercoop_cli.workflow.newnote import create_note, find_source, note_text


def test_template_is_a_valid_note_filled_from_the_source(example_project: Path) -> None:
    project = load_project(example_project)
    source = project.source("chang2020legislative")
    assert source is not None
    text = note_text(source, project.review)
    assert text.startswith("---\nkey: chang2020legislative\n")
    assert (
        'title: "Legislative frameworks against cybercrime: The Budapest Convention and Asia"'
        in text
    )
    assert "# Chang, Lennon Y. C. · 2020 · The Palgrave Handbook" in text
    for section in project.review.sections:
        assert f"{section.id}" in text and section.title in text
    for facet in project.review.facets:
        assert facet.question in text
    parsed = parse_note(text, "n.md", is_markdown=True)
    assert parsed is not None
    note, problems = parsed
    assert problems == [] and note.key == "chang2020legislative" and note.claims == ()
    assert check_notes([note], project.review, [s.key for s in project.sources]) == []


def test_claim_option_makes_a_tagged_claim(example_project: Path) -> None:
    (example_project / "notes" / "chang2020legislative.md").unlink()
    project = load_project(example_project)
    path = create_note(
        project,
        "chang2020legislative",
        claim='Few Asian states joined: "only" Japan and the Philippines.',
        sections=["framework"],
        facets=["effectiveness"],
        stance=Stance.QUALIFIES,
    )
    assert path == example_project / "notes" / "chang2020legislative.md"
    reloaded = load_project(example_project)
    assert not reloaded.has_errors
    (claim,) = reloaded.notes_by_key()["chang2020legislative"].claims
    assert claim.text == 'Few Asian states joined: "only" Japan and the Philippines.'
    assert (claim.sections, claim.facets, claim.stance) == (
        ("framework",),
        ("effectiveness",),
        Stance.QUALIFIES,
    )


def test_never_a_second_note_nor_an_overwrite(example_project: Path) -> None:
    project = load_project(example_project)
    # the example's note for this source is a .yaml file: no second note as .md
    with pytest.raises(OutputError, match=r"wickibirchler2020budapest\.yaml is already the note"):
        create_note(project, "wickibirchler2020budapest")
    assert not (example_project / "notes" / "wickibirchler2020budapest.md").exists()


def test_mistyped_keys_and_ids(example_project: Path) -> None:
    project = load_project(example_project)
    with pytest.raises(UnknownKeyError, match="did you mean 'sekati2022assessing'"):
        find_source(project.sources, "sekati2022asessing")
    assert find_source(project.sources, "SEKATI2022assessing").key == "sekati2022assessing"
    with pytest.raises(UsageError, match="did you mean 'framework'"):
        create_note(project, "amoo2024legal", claim="x", sections=["framwork"])
    with pytest.raises(UsageError, match="--claim"):
        create_note(project, "amoo2024legal", sections=["framework"])


@pytest.mark.parametrize(
    "key", ["true", "null", "#hash", "[list]", "*alias", "a: b", "-dash", ".hidden"]
)
def test_awkward_keys_make_notes_that_read_back(example_project: Path, key: str) -> None:
    """YAML-significant keys are quoted, and no note is hidden behind a leading dot."""
    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + f"\n@misc{{{key},\n  author = {{Doe, Jane}},\n  title = {{Odd key}},\n  year = {{2020}}\n}}\n",
        encoding="utf-8",
    )
    project = load_project(example_project)
    assert project.source(key) is not None
    path = create_note(project, key)
    assert not path.name.startswith(".")
    parsed = parse_note(path.read_text(encoding="utf-8"), str(path), is_markdown=True)
    assert parsed is not None
    note, problems = parsed
    assert problems == [] and note.key == key
    assert Path(load_project(example_project).notes_by_key()[key].file).name == path.name
