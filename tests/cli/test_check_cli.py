"""``cybercoop check`` end to end: formats, goldens, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode
from tests.conftest import assert_golden

runner = CliRunner()


def pretty(data: object) -> str:
    """Goldens hold indented JSON whatever layout stdout uses (compact when piped)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture
def in_example(example_project: Path):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(example_project)
    try:
        yield example_project
    finally:
        os.chdir(old)


def test_default_manuscript_text_golden_and_exit_1(in_example: Path) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert_golden("check/example.txt", result.stdout)
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .startswith(
            "manuscript/draft.md: 10 citations (8 exact, 2 near, 0 ambiguous, 0 unresolved)"
        )
    )


def test_json_golden(example_project: Path) -> None:
    result = runner.invoke(app, ["check", "--project", str(example_project), "--format", "json"])
    assert result.exit_code == ExitCode.FINDINGS
    data = json.loads(result.stdout)
    assert set(data["citations"][0]) >= {
        "text",
        "line",
        "authors",
        "year",
        "locator",
        "key",
        "match",
    }
    assert {"kind", "severity", "line", "message", "key", "candidate"} <= set(data["findings"][0])
    assert_golden("check/example.json", pretty(data))


def test_sarif_golden(example_project: Path) -> None:
    result = runner.invoke(app, ["check", "-p", str(example_project), "--format", "sarif"])
    data = json.loads(result.stdout)
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(r["ruleId"] == rule_ids[r["ruleIndex"]] for r in run["results"])
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["name-mismatch"] == "error" and levels["weak-support"] == "note"
    first = run["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "manuscript/draft.md"
    assert first["region"]["startLine"] == 37
    assert_golden("check/example.sarif.json", pretty(data))


def test_fail_on_thresholds(example_project: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text(
        "Cooperation matters (Sekati, 2022; Chang, 2020; Wicki-Birchler, 2020; Widodo et al., 2024; "
        "Amoo et al., 2024; Brass & Sowell, 2021).\n",
        encoding="utf-8",
    )
    args = ["check", str(clean), "-p", str(example_project)]
    assert runner.invoke(app, args).exit_code == ExitCode.OK
    assert runner.invoke(app, [*args, "--fail-on", "info"]).exit_code == ExitCode.OK
    draft = str(example_project / "manuscript" / "draft.md")
    base = ["check", draft, "-p", str(example_project)]
    assert runner.invoke(app, [*base, "--fail-on", "warning"]).exit_code == ExitCode.FINDINGS


def test_bib_option_and_own_reference_list(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{chang2020, author={Chang, L.}, title={T}, year={2020}}\n", encoding="utf-8"
    )
    text = tmp_path / "m.txt"
    text.write_text(
        "As shown (Chang, 2020).\n\nReferences\nChang, L. (2020). T.\n", encoding="utf-8"
    )
    os.chdir(tmp_path)  # no review here
    try:
        with_bib = runner.invoke(app, ["check", str(text), "--bib", str(bib), "-f", "json"])
        own = runner.invoke(app, ["check", str(text), "-f", "json"])
    finally:
        os.chdir(Path(__file__).resolve().parents[2])
    assert with_bib.exit_code == ExitCode.OK, with_bib.output
    assert json.loads(with_bib.stdout)["sources"] == {"origin": "bib", "count": 1}
    assert own.exit_code == ExitCode.OK, own.output
    data = json.loads(own.stdout)
    assert data["sources"] == {"origin": "reference-list", "count": 1}
    assert data["citations"][0]["key"] == "chang-2020"


def test_usage_and_input_errors(tmp_path: Path, example_project: Path) -> None:
    os.chdir(tmp_path)
    try:
        no_args = runner.invoke(app, ["check"])
        no_refs = tmp_path / "bare.md"
        no_refs.write_text("Nothing cited.\n", encoding="utf-8")
        bare = runner.invoke(app, ["check", str(no_refs)])
        missing = runner.invoke(app, ["check", "missing.md", "--bib", "x.bib"])
        bad_format = runner.invoke(app, ["check", str(no_refs), "--format", "pdf"])
        no_project = runner.invoke(app, ["check", str(no_refs), "--project", str(tmp_path)])
        broken = tmp_path / "broken.docx"
        broken.write_bytes(b"not a zip")
        damaged = runner.invoke(app, ["check", str(broken), "-p", str(example_project)])
    finally:
        os.chdir(Path(__file__).resolve().parents[2])
    assert no_args.exit_code == ExitCode.USAGE and "no manuscript given" in no_args.stderr
    assert bare.exit_code == ExitCode.USAGE and "no sources" in bare.stderr
    assert missing.exit_code == ExitCode.INPUT and "not found" in missing.stderr
    assert bad_format.exit_code == ExitCode.USAGE
    assert no_project.exit_code == ExitCode.NO_PROJECT
    assert damaged.exit_code == ExitCode.INPUT and "broken.docx" in damaged.stderr
    assert "Traceback" not in damaged.output


def test_help_documents_the_options() -> None:
    result = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for option in ("--bib", "--format", "--fail-on", "--project"):
        assert option in result.stdout


def test_input_errors_are_reported_and_outrank_findings(
    example_project: Path, tmp_path: Path
) -> None:
    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@article{late,\n  title = {Never closed,\n",
        encoding="utf-8",
    )
    in_review = runner.invoke(app, ["check", "-p", str(example_project)])
    with_bib = runner.invoke(
        app, ["check", str(example_project / "manuscript" / "draft.md"), "--bib", str(bib)]
    )
    for result in (in_review, with_bib):
        assert result.exit_code == ExitCode.INPUT, result.output
        assert "cybercrime-cooperation.bib:" in result.stderr and "error:" in result.stderr
        assert "name-mismatch" in result.stdout  # the findings are still reported


def test_check_a_word_file_with_reference_manager_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zotero, Mendeley and EndNote fields in a real .docx, end to end through the CLI."""
    from tests.ingest.test_docx import BIB, make_docx, manuscript_paragraphs

    monkeypatch.chdir(tmp_path)
    paper = make_docx(tmp_path / "paper.docx", manuscript_paragraphs(smith_visible="(Smith, 2021)"))
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    result = runner.invoke(app, ["check", str(paper), "--bib", "refs.bib", "--format", "json"])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    data = json.loads(result.stdout)
    assert [(c["key"], c["match"], c["paragraph"]) for c in data["citations"]] == [
        ("smith2020coop", "exact", 2),
        ("lee2019", "exact", 2),
        ("brown2018", "exact", 2),
    ]
    kinds = sorted((f["kind"], f["paragraph"]) for f in data["findings"])
    assert kinds == [
        ("uncited-reference", None),  # smith2020other
        ("unresolved-citation", 2),  # Brown (2018): not in the bibliography field
        ("year-mismatch", 2),  # "(Smith, 2021)" typed over Zotero's "(Smith, 2020)"
    ]
    text = runner.invoke(app, ["check", str(paper), "--bib", "refs.bib"]).stdout
    assert f"{paper}: paragraph 2: error [year-mismatch]" in text
