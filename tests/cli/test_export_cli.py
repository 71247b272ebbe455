"""``cybercoop export`` end to end on the shipped example (acceptance 1, 4 and 5)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode

runner = CliRunner()
APA_ORDER = ["Amoo", "Brass", "Chang", "Sekati", "Wicki-Birchler", "Widodo"]


def export(project: Path, *args: str) -> object:
    return runner.invoke(app, ["export", "--project", str(project), *args])


def test_docx_holds_the_six_sources_in_apa_order_with_annotations(example_project: Path) -> None:
    from docx import Document

    out = example_project / "annotated.docx"
    result = export(example_project, "-o", str(out))
    assert result.exit_code == 0, result.output
    paragraphs = Document(str(out)).paragraphs
    references = [p.text for p in paragraphs if p.style.name == "Bibliography"]
    assert [r.split(",")[0] for r in references] == APA_ORDER
    chang = next(r for r in references if r.startswith("Chang"))
    assert "In T. J. Holt & A. M. Bossler (Eds.), " in chang
    assert "(pp. 327–343). Palgrave Macmillan." in chang
    assert not any("?." in r for r in references)
    texts = [p.text for p in paragraphs]
    for name in APA_ORDER:  # each reference is followed by its annotation
        index = next(i for i, t in enumerate(texts) if t.startswith(name))
        assert paragraphs[index + 1].style.name == "Annotation"


def test_markdown_to_stdout_by_default_and_style_option(example_project: Path) -> None:
    result = export(example_project, "--style", "modern-language-association")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Annotated bibliography")
    assert "Holt, Thomas J." not in result.stdout and "edited by Thomas J. Holt" in result.stdout


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("a.html", b"<!DOCTYPE html>"),
        ("a.tex", b"\\documentclass"),
        ("a.txt", b"Annotated bibliography"),
    ],
)
def test_format_follows_the_extension(example_project: Path, name: str, marker: bytes) -> None:
    out = example_project / name
    assert export(example_project, "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(marker) or marker in out.read_bytes()[:200]


def test_to_overrides_the_extension_and_unknown_extension_is_usage_error(
    example_project: Path,
) -> None:
    out = example_project / "refs.out"
    assert export(example_project, "-o", str(out)).exit_code == ExitCode.USAGE
    assert export(example_project, "-o", str(out), "--to", "csl-json").exit_code == 0
    assert {item["id"] for item in json.loads(out.read_text())} >= {"chang2020legislative"}


def test_existing_output_needs_force_and_is_left_intact(example_project: Path) -> None:
    out = example_project / "a.md"
    out.write_text("keep me", encoding="utf-8")
    result = export(example_project, "-o", str(out))
    assert result.exit_code == ExitCode.OUTPUT and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    assert export(example_project, "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Annotated bibliography")
    assert [p.name for p in example_project.iterdir() if p.name.startswith(".a.md")] == []


def test_failed_export_leaves_no_file(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cybercoop_cli.errors import ExternalToolError
    from cybercoop_cli.render import annotated

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise ExternalToolError("pandoc failed: simulated")

    monkeypatch.setattr(annotated, "convert", broken)
    out = example_project / "a.docx"
    result = export(example_project, "-o", str(out))
    assert result.exit_code == ExitCode.EXTERNAL_TOOL
    assert not out.exists() and list(example_project.glob(".a.docx*")) == []


def test_bibtex_export_reads_back(example_project: Path) -> None:
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.ingest.project import load_project

    out = example_project / "annotated.bib"
    assert export(example_project, "-o", str(out)).exit_code == 0
    back = read_bibliography([out]).by_key()
    project = load_project(example_project)
    for source in project.sources:
        assert back[source.key].title == source.title
        assert back[source.key].authors == source.authors
    note = project.notes_by_key()["chang2020legislative"].annotation
    assert back["chang2020legislative"].fields["annote"].split("\n\n")[0] == " ".join(
        note.summary.split()
    )


def test_filters_groups_and_parts(example_project: Path) -> None:
    result = export(example_project, "--section", "framework", "--parts", "relevance")
    assert result.exit_code == 0, result.output
    assert "Chang, L. Y. C." in result.stdout and "Wicki-Birchler" in result.stdout
    assert "Amoo" not in result.stdout
    assert "Supports the effectiveness facet" in result.stdout
    assert "A handbook chapter" not in result.stdout  # summary not asked for
    grouped = export(example_project, "--group-by", "facet", "--tag", "budapest-convention")
    assert grouped.exit_code == 0
    assert "## How well does international cooperation work against cybercrime?" in grouped.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--section", "nosuch"],
        ["--tag", "nosuch"],
        ["--parts", "summary,opinion"],
        ["--style", "apaa"],
    ],
)
def test_bad_options_are_usage_errors(example_project: Path, args: list[str]) -> None:
    result = export(example_project, *args)
    assert result.exit_code == ExitCode.USAGE
    assert result.output.count("error:") == 1 and "Traceback" not in result.output


def test_style_from_a_csl_file(example_project: Path, tmp_path: Path) -> None:
    from cybercoop_cli.render.bibliography import resolve_style

    copy = tmp_path / "mine.csl"
    copy.write_bytes(resolve_style("chicago-author-date").path.read_bytes())
    result = export(example_project, "--style", str(copy), "--to", "txt")
    assert result.exit_code == 0 and "Brass, Irina, and Jesse H. Sowell. 2021." in result.stdout


def test_docx_is_a_valid_word_package(example_project: Path) -> None:
    import zipfile

    out = example_project / "a.docx"
    assert export(example_project, "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()
        from xml.dom import minidom

        minidom.parse(io.BytesIO(package.read("word/document.xml")))
        minidom.parse(io.BytesIO(package.read("word/styles.xml")))


def break_note(project: Path) -> None:
    """One unquoted colon in a note's summary: the note cannot be read."""
    note = project / "notes" / "sekati2022assessing.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(
        text.replace(
            "annotation:\n  summary: >-\n", "annotation:\n  summary: Two tools: one\n  x: >-\n"
        ),
        encoding="utf-8",
    )


def test_a_broken_note_is_named_and_exits_3_with_the_rest_written(example_project: Path) -> None:
    break_note(example_project)
    out = example_project / "annotated.md"
    result = export(example_project, "-o", str(out))
    assert result.exit_code == ExitCode.INPUT, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: notes/sekati2022assessing.md:5: YAML syntax error:")
    assert "unquoted colon" in lines[0] and "double quotes" in lines[0]
    written = out.read_text(encoding="utf-8")  # everything that could be read is there
    assert "Sekati" in written and "Budapest" in written


def test_a_bib_syntax_error_is_named_and_exits_3(example_project: Path) -> None:
    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@article{late,\n  title = {Never closed,\n",
        encoding="utf-8",
    )
    result = export(example_project)
    assert result.exit_code == ExitCode.INPUT
    assert "error: references/cybercrime-cooperation.bib:" in result.stderr
    assert "Wicki-Birchler" in result.stdout  # the bibliography is still written


def test_quiet_hides_warnings_but_never_errors(example_project: Path) -> None:
    break_note(example_project)
    (example_project / "notes" / "amoo2024legal.md").write_text(
        (example_project / "notes" / "amoo2024legal.md")
        .read_text(encoding="utf-8")
        .replace("key: amoo2024legal\n", "key: amoo2024legal\ncolour: blue\n"),
        encoding="utf-8",
    )
    loud = export(example_project)
    quiet = export(example_project, "--quiet")
    assert "warning: notes/amoo2024legal.md" in loud.stderr
    assert "warning:" not in quiet.stderr and "error: notes/sekati2022assessing.md" in quiet.stderr
    assert loud.exit_code == quiet.exit_code == ExitCode.INPUT


def _children(pid: int) -> dict[int, str]:
    """The processes ``pid`` started that still run (zombies count as gone), by name."""
    import subprocess

    listed = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    found: dict[int, str] = {}
    for child in map(int, listed.stdout.split()):
        name = _alive(child)
        if name:
            found[child] = name
    return found


def _alive(pid: int) -> str:
    """The command name of ``pid`` when it is running, else ''."""
    import subprocess

    shown = subprocess.run(
        ["ps", "-o", "stat=", "-o", "comm=", "-p", str(pid)], capture_output=True, text=True
    ).stdout.split()
    return shown[1] if len(shown) >= 2 and not shown[0].startswith("Z") else ""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and pgrep are POSIX")
def test_sigterm_during_export_leaves_no_pandoc_running(tmp_path: Path) -> None:
    # SIGTERM ended Python at once and the pandoc processes formatting the references
    # (several, in parallel, for a long bibliography) ran on without their parent.
    import os
    import shutil
    import signal
    import subprocess
    import time

    if not shutil.which("pgrep"):
        pytest.skip("needs pgrep to list child processes")
    (tmp_path / "cybercoop.yaml").write_text(
        "title: T\nquestion: Q?\nsections:\n  - id: intro\n    title: Introduction\n",
        encoding="utf-8",
    )
    (tmp_path / "references").mkdir()
    entries = [
        f"@article{{k{n}, author = {{Smith, A{n % 7}. and Lee, B{n % 5}.}}, "
        f"title = {{Title number {n}}}, journal = {{J}}, year = {{{1990 + n % 30}}}}}"
        for n in range(1500)
    ]
    (tmp_path / "references" / "big.bib").write_text("\n".join(entries), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-m", "cybercoop_cli", "--no-cache", "export", "-o", "out.md"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        pandocs: dict[int, str] = {}
        while not pandocs and time.monotonic() < deadline and process.poll() is None:
            pandocs = {p: n for p, n in _children(process.pid).items() if "pandoc" in n}
            time.sleep(0.05)
        assert pandocs, "pandoc never started"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    time.sleep(0.5)  # the kill is sent before exit; let the kernel finish it
    assert [pid for pid in pandocs if _alive(pid)] == []
    assert process.returncode == ExitCode.INTERRUPTED, stderr
    assert not (tmp_path / "out.md").exists()
    assert not list(tmp_path.glob(".out.md.*"))
