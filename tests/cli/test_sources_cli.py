from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode

runner = CliRunner()

BROKEN = """@article{good1,
  author = {Chang, Lennon Y. C.},
  title = {Kept},
  year = {2020}
  doi = {10.1/kept},
}
@article{noequals,
  title = {Also kept},
  doi:10.1177/17470218211024826,
  year = {2021},
}
@book{good2, author = {{World Health Organization}}, title = {Report}, year = 2019}
"""


def test_sources_file_json_keeps_entries_and_reports_lines(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["sources", str(path), "--format", "json"])
    assert result.exit_code == ExitCode.INPUT
    data = json.loads(result.stdout)
    assert [s["key"] for s in data["sources"]] == ["good1", "noequals", "good2"]
    good1 = data["sources"][0]
    assert good1["authors"] == [{"family": "Chang", "given": "Lennon Y. C."}]
    assert good1["year"] == 2020 and good1["line"] == 1 and good1["type"] == "article"
    assert data["sources"][1]["year"] == 2021
    assert data["sources"][2]["authors"][0]["family"] == "World Health Organization"
    problems = [(p["line"], p["message"].split(";")[0]) for p in data["problems"]]
    assert problems == [
        (5, "missing comma before field 'doi' in entry 'good1'"),
        (9, "line without '=' in entry 'noequals' skipped: 'doi:10.1177/17470218211024826,'"),
    ]
    assert all(p["file"] == str(path) for p in data["problems"])


def test_sources_of_the_review(example_project: Path) -> None:
    result = runner.invoke(app, ["sources", "-p", str(example_project)], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    for key in ("amoo2024legal", "chang2020legislative", "widodo2024international"):
        assert key in result.stdout
    assert "6 sources · 0 problems" in result.stdout


def test_sources_missing_file() -> None:
    result = runner.invoke(app, ["sources", "no/such.bib"])
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.strip() == "error: no/such.bib: no such file"


def test_piped_sources_are_plain_tab_separated_lines(example_project: Path) -> None:
    result = runner.invoke(app, ["sources", "-p", str(example_project)])
    lines = result.stdout.splitlines()
    assert lines[0] == "key\ttype\tauthors\tyear\ttitle"
    rows = [line.split("\t") for line in lines[1:7]]
    assert all(len(row) == 5 for row in rows)
    assert rows[1][:4] == ["brass2021adaptive", "article", "Brass, Sowell", "2021"]
    assert "│" not in result.stdout and "─" not in result.stdout  # no table drawn
    assert lines[-1] == "6 sources · 0 problems"


def test_problems_follow_the_plain_lines(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    path.write_text("@article{a, title = {T}, year = 2020}\n@article{a, title = {U}}\n")
    result = runner.invoke(app, ["sources", str(path)])
    assert result.exit_code == 3
    assert "Problems (1)" in result.stdout
    assert f"  error {path}:2: duplicate key 'a'" in result.stdout
