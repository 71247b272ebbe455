from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode

runner = CliRunner()


def gaps(project: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["gaps", "--project", str(project), *args], env={"COLUMNS": "120"})
    return result.exit_code, result.stdout, result.stderr


def tag_implementation(project: Path) -> None:
    """Fix the example's one error: tag Widodo's experts claim to the implementation section."""
    path = project / "notes" / "widodo2024international.md"
    text = path.read_text(encoding="utf-8")
    anchor = "international cooperation needs.\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "    sections: [implementation]\n", 1), "utf-8")


def test_json_on_the_example(example_project: Path) -> None:
    code, out, _ = gaps(example_project, "--format", "json")
    assert code == ExitCode.FINDINGS  # section-no-source is an error
    data = json.loads(out)
    kinds = {(f["kind"], f["section"] or f["source"]) for f in data["findings"]}
    assert ("section-no-source", "implementation") in kinds
    assert ("missing-doi", "amoo2024legal") in kinds
    assert ("missing-doi", "sekati2022assessing") in kinds
    assert not any(f["kind"].startswith("duplicate-") for f in data["findings"])


def test_fail_on_sets_the_exit_code(example_project: Path) -> None:
    tag_implementation(example_project)
    assert gaps(example_project, "--format", "json")[0] == ExitCode.OK
    assert gaps(example_project, "--format", "json", "--fail-on", "warning")[0] == ExitCode.FINDINGS
    assert gaps(example_project, "--format", "json", "--fail-on", "info")[0] == ExitCode.FINDINGS
    assert gaps(example_project, "--fail-on", "nonsense")[0] == ExitCode.USAGE


def test_text_output_has_the_matrix_and_the_findings(example_project: Path) -> None:
    code, out, _ = gaps(example_project)
    assert code == ExitCode.FINDINGS
    assert "Coverage: claims per source and section" in out
    assert "Errors (1)" in out and "section-no-source" in out
    assert "10 findings: 1 error, 6 warnings, 3 info" in out


def test_output_file_needs_force_to_be_replaced(example_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "gaps.md"
    code, out, err = gaps(example_project, "--format", "md", "-o", str(target))
    assert code == ExitCode.FINDINGS and out == ""
    assert target.read_text(encoding="utf-8").startswith("# Gaps: The Efficacy")
    assert "wrote" in err
    target.write_text("keep me", encoding="utf-8")
    code, _, err = gaps(example_project, "--format", "md", "-o", str(target))
    assert code == ExitCode.OUTPUT and "--force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, _ = gaps(example_project, "--format", "md", "-o", str(target), "--force")
    assert code == ExitCode.FINDINGS
    assert target.read_text(encoding="utf-8").startswith("# Gaps:")


def test_text_to_a_file_has_no_colour_codes(example_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "gaps.txt"
    gaps(example_project, "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert "section-no-source" in text and "\x1b[" not in text


def test_html_links_are_relative_to_where_it_is_saved(example_project: Path) -> None:
    (example_project / "reports").mkdir()
    target = example_project / "reports" / "gaps.html"
    gaps(example_project, "--format", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert 'href="../notes/amoo2024legal.md"' in page
    assert (target.parent / "../notes/amoo2024legal.md").resolve().is_file()
    code, out, _ = gaps(example_project, "--format", "html")
    assert code == ExitCode.FINDINGS
    assert example_project.resolve().as_uri() + "/notes/amoo2024legal.md" in out


def test_manuscript_option(example_project: Path) -> None:
    draft = example_project / "manuscript" / "draft.md"
    code, out, _ = gaps(example_project, "--format", "json", "--manuscript", str(draft))
    data = json.loads(out)
    assert data["manuscript"] == "manuscript/draft.md"
    assert not [f for f in data["findings"] if f["kind"] == "claim-source-uncited"]
    code, _, err = gaps(example_project, "--manuscript", str(example_project / "missing.md"))
    assert code == ExitCode.USAGE and "missing.md" in err


def test_manuscript_that_never_cites_a_source(example_project: Path, tmp_path: Path) -> None:
    draft = tmp_path / "short.md"
    draft.write_text("# Draft\n\n## Introduction\n\nLaws differ (Sekati, 2022).\n", "utf-8")
    code, out, _ = gaps(example_project, "--format", "json", "-m", str(draft))
    assert code == ExitCode.FINDINGS
    uncited = {
        f["source"] for f in json.loads(out)["findings"] if f["kind"] == "claim-source-uncited"
    }
    assert uncited == {
        "amoo2024legal",
        "brass2021adaptive",
        "chang2020legislative",
        "wickibirchler2020budapest",
        "widodo2024international",
    }


def test_input_errors_exit_3_after_the_report(example_project: Path) -> None:
    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@article{amoo2024legal, title={Again}}\n", "utf-8"
    )
    code, out, err = gaps(example_project, "--format", "json")
    assert code == ExitCode.INPUT
    assert json.loads(out)["findings"]
    assert "duplicate key 'amoo2024legal'" in err


def test_unknown_note_keys_are_findings_not_input_errors(example_project: Path) -> None:
    tag_implementation(example_project)
    note = example_project / "notes" / "chang2020legislative.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "key: chang2020legislative", "key: chang2020legislativ"
        ),
        "utf-8",
    )
    code, out, err = gaps(example_project, "--format", "json")
    assert code == ExitCode.FINDINGS
    [orphan] = [f for f in json.loads(out)["findings"] if f["kind"] == "note-unknown-source"]
    assert orphan["candidate"] == "chang2020legislative"
    assert "chang2020legislativ" not in err
