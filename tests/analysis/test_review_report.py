from __future__ import annotations

from pathlib import Path

from cybercoop_cli.analysis.review import LinkedClaim, SectionStatus, section_status, summarize
from cybercoop_cli.ingest.project import load_project
from cybercoop_cli.model import Claim, Stance


def linked(source: str, stance: Stance = Stance.SUPPORTS) -> LinkedClaim:
    return LinkedClaim(source, Claim("c", stance=stance), "n.md")


def test_section_status_rules() -> None:
    assert section_status(()) is SectionStatus.NO_SUPPORT
    assert section_status((linked("a"), linked("a"))) is SectionStatus.SINGLE_SOURCE
    assert section_status((linked("a"), linked("b"))) is SectionStatus.SUPPORTED
    assert section_status((linked("a"), linked("b", Stance.CONTESTS))) is SectionStatus.CONTESTED


def test_shipped_example_report(example_project: Path) -> None:
    report = summarize(load_project(example_project))
    status = {s.id: s.status for s in report.sections}
    assert status == {
        "intro": SectionStatus.SINGLE_SOURCE,
        "framework": SectionStatus.CONTESTED,
        "implementation": SectionStatus.NO_SUPPORT,
        "challenges": SectionStatus.SUPPORTED,
        "reforms": SectionStatus.SUPPORTED,
        "conclusion": SectionStatus.NO_SUPPORT,
    }
    framework = next(s for s in report.sections if s.id == "framework")
    assert framework.source_keys == ("chang2020legislative", "wickibirchler2020budapest")
    assert report.unused_sources == ()
    kinds = [step.kind for step in report.next_steps]
    assert kinds[0] == "find-sources" and report.next_steps[0].subject == "implementation"
    # The conclusion declares needs_support: false, so nobody is told to find sources for it.
    assert all(step.subject != "conclusion" for step in report.next_steps)


def test_source_without_note_is_unused_and_next_step(example_project: Path) -> None:
    (example_project / "notes" / "chang2020legislative.md").unlink()
    report = summarize(load_project(example_project))
    assert report.unused_sources == ("chang2020legislative",)
    assert any(step.kind == "write-notes" for step in report.next_steps)


def test_a_note_that_cannot_be_read_is_not_a_missing_note(example_project: Path) -> None:
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text(encoding="utf-8").replace("tags: [", "tags: x: ["), "utf-8")
    (example_project / "references" / "extra.bib").write_text(
        "@misc{nonote2020, title = {No note}, year = 2020}\n", encoding="utf-8"
    )
    report = summarize(load_project(example_project))
    assert report.unreadable_notes == (("sekati2022assessing", "notes/sekati2022assessing.md:3"),)
    steps = " ".join(step.message for step in report.next_steps)
    assert "note new nonote2020" in steps and "note new sekati2022assessing" not in steps
    assert "Write notes for 1 source(s)" in steps
