"""Acceptance: a new user's first session, in an empty folder, command by command.

init --no-input, import a CSL-JSON and a RIS file, note new for an imported source, then
review, gaps, export -o x.docx and check on a small manuscript: each must work.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app

DATA = Path(__file__).resolve().parent / "data" / "workflow"
DRAFT = """\
# International cooperation against cybercrime

The Budapest Convention harmonises offences, but its uptake varies (Clough, 2014).
Chang (2020) shows how few states in Asia have joined it.

## References

Chang, L. Y. C. (2020). Legislative frameworks against cybercrime: The Budapest Convention
and Asia. In T. J. Holt & A. M. Bossler (Eds.), *The Palgrave handbook of international
cybercrime and cyberdeviance* (pp. 327–343). Palgrave Macmillan.

Clough, J. (2014). A world of difference: The Budapest Convention on Cybercrime and the
challenges of harmonisation. *Monash University Law Review, 40*(3), 698–736.
"""


def test_first_session_in_an_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env={"COLUMNS": "100"})
        assert result.exit_code == 0, f"{args}: {result.output}"
        return result.stdout

    run(
        "init",
        "--no-input",
        "--title",
        "International cooperation against cybercrime",
        "--question",
        "How effective is international cooperation against cybercrime?",
        "--facet",
        "effectiveness=How well does cooperation work?",
        "--section",
        "intro=Introduction",
        "--section",
        "framework=The legal framework",
        "--section",
        "conclusion=Conclusion",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gitignore",
        "README.md",
        "cybercoop.yaml",
        "notes",
        "references",
    ]

    out = run("import", str(DATA / "zotero-export.json"))
    assert "Added 4 to references/imported.bib" in out
    out = run("import", str(DATA / "database-export.ris"))
    assert "Added 2 to references/imported.bib" in out
    assert "is kshetri2010global (references/imported.bib:25): same DOI" in out

    out = run(
        "note",
        "new",
        "chang2020legislative",
        "--claim",
        "Few states in Asia have joined the Budapest Convention.",
        "--section",
        "framework",
        "--facet",
        "effectiveness",
    )
    assert "created notes/chang2020legislative.md" in out
    out = run("note", "new", "clough2014world")
    assert (tmp_path / "notes" / "clough2014world.md").is_file()

    review = json.loads(run("review", "--format", "json"))
    assert review["counts"]["sources"] == 6 and review["problems"] == []
    framework = next(s for s in review["sections"] if s["id"] == "framework")
    assert framework["source_keys"] == ["chang2020legislative"]
    assert framework["status"] == "single-source"

    gaps = runner.invoke(app, ["gaps", "--format", "json"])
    assert gaps.exit_code in (0, 1), gaps.output  # 1: findings at or above --fail-on
    report = json.loads(gaps.stdout)
    kinds = {f["kind"] for f in report["findings"]}
    assert "section-no-source" in kinds  # the introduction has no support yet

    run("export", "-o", "x.docx")
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "x.docx")).paragraphs)
    # the RIS title was in Title Case: kept as the database had it, capitals braced
    assert "Chang, L. Y. C. (2020). Legislative Frameworks Against Cybercrime: The Budapest" in text
    assert "Clough, J. (2014). A world of difference: The Budapest Convention on Cybercrime" in text
    assert "Kshetri, N. (2010)" in text

    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    check = json.loads(run("check", "draft.md", "--format", "json"))
    resolved = {c["text"]: (c["key"], c["match"]) for c in check["citations"]}
    assert resolved == {
        "Clough, 2014": ("clough2014world", "exact"),
        "Chang (2020)": ("chang2020legislative", "exact"),
    }
    assert check["summary"]["errors"] == 0
