"""init, import, note new, completion and review --watch, through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import ExitCode

DATA = Path(__file__).resolve().parent.parent / "data" / "workflow"
runner = CliRunner()
# The installed command: beside this Python (a virtual environment run without activating
# it, as the README's set-up does), else on PATH.
CYBERCOOP = shutil.which("cybercoop", path=str(Path(sys.executable).parent)) or shutil.which(
    "cybercoop"
)


def _init(folder: Path) -> None:
    result = runner.invoke(
        app,
        [
            *("init", str(folder), "--no-input", "--title", "T", "--question", "Q?"),
            *("--section", "framework=The legal framework", "--facet", "reforms=Which reforms?"),
        ],
    )
    assert result.exit_code == 0, result.output


def test_init_no_input_needs_title_and_question(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--no-input", "--title", "T"])
    assert result.exit_code == ExitCode.USAGE
    assert "with --no-input, give --question" in result.stderr
    assert not (tmp_path / "cybercoop.yaml").exists()


def test_init_asks_for_what_options_do_not_give(tmp_path: Path) -> None:
    folder = tmp_path / "my-review"
    answers = "\n".join(
        ["", "Does cooperation work?", "effect=How well?", "", "Introduction", "Conclusion", ""]
    )
    result = runner.invoke(app, ["init", str(folder)], input=answers + "\n")
    assert result.exit_code == 0, result.output
    text = (folder / "cybercoop.yaml").read_text()
    assert "title: My review" in text  # the folder's name was the default
    assert "question: Does cooperation work?" in text
    assert "id: effect" in text and "id: introduction" in text
    assert "needs_support: false" in text  # the conclusion


def test_init_refuses_an_existing_review_before_asking(example_project: Path) -> None:
    before = (example_project / "cybercoop.yaml").read_bytes()
    result = runner.invoke(app, ["init", str(example_project)])
    assert result.exit_code == ExitCode.OUTPUT
    assert "already a review; nothing was changed" in result.stderr
    assert "Title" not in result.stdout  # nothing was asked
    assert (example_project / "cybercoop.yaml").read_bytes() == before


def test_import_twice_adds_nothing_and_says_why(tmp_path: Path) -> None:
    _init(tmp_path)
    args = ["import", str(DATA / "zotero-export.json"), "-p", str(tmp_path)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Added 4 to" in first.stdout and "brenner2004approaches" in first.stdout
    assert "new key: it had no usable key" in first.stdout
    bib = (tmp_path / "references" / "imported.bib").read_bytes()
    second = runner.invoke(app, args)
    assert second.exit_code == 0
    assert "Skipped 4 already in the review:" in second.stdout
    assert "is clough2014world (references/imported.bib:4): identical entry" in second.stdout
    assert "Nothing added: every entry is already in the review" in second.stdout
    assert (tmp_path / "references" / "imported.bib").read_bytes() == bib


def test_import_into_a_folder_named_imported_bib_is_one_line_and_exit_5(tmp_path: Path) -> None:
    # It was an IsADirectoryError and exit 70.
    _init(tmp_path)
    folder = tmp_path / "references" / "imported.bib"
    folder.mkdir(parents=True)
    result = runner.invoke(app, ["import", str(DATA / "zotero-export.json"), "-p", str(tmp_path)])
    assert result.exit_code == ExitCode.OUTPUT, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "imported.bib is a folder" in line
    assert "Traceback" not in result.output
    assert folder.is_dir() and not list(folder.iterdir())


def test_import_into_a_utf16_file_adds_an_entry_that_reads_back(tmp_path: Path) -> None:
    # It appended ASCII bytes, said "Added 1" and the entry was lost.
    _init(tmp_path)
    target = tmp_path / "references" / "imported.bib"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes("@misc{mine, title = {Ünïcode}}\n".encode("utf-16"))
    result = runner.invoke(app, ["import", str(DATA / "zotero-export.json"), "-p", str(tmp_path)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["sources", "-p", str(tmp_path), "-f", "json"])
    keys = {s["key"] for s in json.loads(listed.stdout)["sources"]}
    assert {"mine", "clough2014world", "brenner2004approaches"} <= keys


def test_import_with_an_unreadable_references_folder_is_refused(
    tmp_path: Path, lock_folder: Callable[[Path], Path]
) -> None:
    # Duplicates cannot be found in sources that cannot be read: no blind append.
    _init(tmp_path)
    references = tmp_path / "references"
    references.mkdir(exist_ok=True)
    lock_folder(references)
    result = runner.invoke(app, ["import", str(DATA / "zotero-export.json"), "-p", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT, result.output
    (line,) = result.stderr.splitlines()
    assert "references: cannot read this folder" in line


def test_import_json_dry_run_and_errors(tmp_path: Path) -> None:
    _init(tmp_path)
    result = runner.invoke(
        app,
        ["import", str(DATA / "database-export.ris"), "-p", str(tmp_path), "-n", "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["written"] is False
    assert [a["key"] for a in data["added"]] == [
        "kshetri2010global",
        "chang2020legislative",
        "schjolberg2011global",
    ]
    assert data["added"][0]["key_reason"] == "it had no usable key"
    assert not (tmp_path / "references" / "imported.bib").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("[{,}]")
    result = runner.invoke(app, ["import", str(bad), "-p", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT
    assert f"error {bad}:1: not valid JSON" in result.stdout
    assert "not imported" in result.stdout
    result = runner.invoke(app, ["import", str(tmp_path / "missing.bib"), "-p", str(tmp_path)])
    assert result.exit_code == ExitCode.INPUT and "no such file" in result.stderr


def test_import_outside_a_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import", str(DATA / "zotero-export.json")])
    assert result.exit_code == ExitCode.NO_PROJECT
    assert "cybercoop init" in result.stderr


def test_note_new_mistyped_existing_and_edit(example_project: Path, tmp_path: Path) -> None:
    project = ["-p", str(example_project)]
    result = runner.invoke(app, ["note", "new", "amoo2024legl", *project])
    assert result.exit_code == ExitCode.INPUT
    assert "did you mean 'amoo2024legal'?" in result.stderr
    result = runner.invoke(app, ["note", "new", "amoo2024legal", *project])
    assert result.exit_code == ExitCode.OUTPUT
    assert "notes/amoo2024legal.md is already the note" in result.stderr
    (example_project / "notes" / "amoo2024legal.md").unlink()
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "Edited." >> "$1"\n')
    editor.chmod(0o755)
    result = runner.invoke(
        app,
        ["note", "new", "amoo2024legal", "--edit", *project],
        env={"EDITOR": str(editor), "VISUAL": ""},
    )
    assert result.exit_code == 0, result.output
    assert (example_project / "notes" / "amoo2024legal.md").read_text().endswith("Edited.\n")
    (example_project / "notes" / "amoo2024legal.md").unlink()
    result = runner.invoke(
        app, ["note", "new", "amoo2024legal", "-e", *project], env={"EDITOR": "", "VISUAL": ""}
    )
    assert result.exit_code == 0
    assert "no $VISUAL or $EDITOR is set" in result.stderr
    (example_project / "notes" / "amoo2024legal.md").unlink()
    result = runner.invoke(
        app,
        ["note", "new", "amoo2024legal", "-e", *project],
        env={"EDITOR": "no-such-editor-here --wait", "VISUAL": ""},
    )
    assert result.exit_code == ExitCode.EXTERNAL_TOOL
    assert "cannot run the editor 'no-such-editor-here --wait'" in result.stderr
    assert "the note was created" in result.stderr
    assert (example_project / "notes" / "amoo2024legal.md").is_file()


def _complete(words: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(cwd)
    parts = words.split(" ")
    result = runner.invoke(
        app,
        [],
        prog_name="cybercoop",
        env={
            "_CYBERCOOP_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
    )
    return result.stdout.split()


def test_completion_protocol_completes_keys_and_ids(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _complete("cybercoop note new wi", example_project, monkeypatch) == [
        "wickibirchler2020budapest",
        "widodo2024international",
    ]
    assert _complete("cybercoop note new x --section fr", example_project, monkeypatch) == [
        "framework"
    ]
    assert _complete("cybercoop note new x --facet ref", example_project, monkeypatch) == [
        "reforms"
    ]
    elsewhere = example_project.parent / "elsewhere"
    elsewhere.mkdir()
    assert _complete(
        f"cybercoop note new --project {example_project} am", elsewhere, monkeypatch
    ) == ["amoo2024legal"]
    assert _complete("cybercoop note new am", elsewhere, monkeypatch) == []


@pytest.mark.parametrize(
    ("shell", "installed"),
    [
        ("bash", ".bash_completions/cybercoop.sh"),
        ("zsh", ".zfunc/_cybercoop"),
        ("fish", ".config/fish/completions/cybercoop.fish"),
    ],
)
def test_install_completion(shell: str, installed: str, tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "cybercoop_cli", "--install-completion", shell],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    script = (tmp_path / installed).read_text()
    assert "_CYBERCOOP_COMPLETE" in script


@pytest.mark.skipif(
    shutil.which("bash") is None or CYBERCOOP is None,
    reason="needs bash and the installed cybercoop command",
)
def test_installed_bash_completion_completes_keys(example_project: Path, tmp_path: Path) -> None:
    assert CYBERCOOP is not None
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        # the completion script calls 'cybercoop' by name
        "PATH": f"{Path(CYBERCOOP).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    subprocess.run(
        [CYBERCOOP, "--install-completion", "bash"], env=env, check=True, capture_output=True
    )
    script = (
        "source ~/.bash_completions/cybercoop.sh\n"
        "COMP_WORDS=(cybercoop note new chang); COMP_CWORD=3\n"
        '_cybercoop_completion cybercoop; echo "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        cwd=example_project / "notes",  # the review is found upwards, as for every command
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["chang2020legislative"]


def test_review_watch_renders_again_after_a_change(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cybercoop_cli.cli.watching import run_watch
    from cybercoop_cli.model import Project

    shown: list[int] = []
    stop = threading.Event()

    def show(project: Project) -> None:
        shown.append(sum(len(n.claims) for n in project.notes))

    def edit_then_stop() -> None:
        time.sleep(0.8)
        note = example_project / "notes" / "amoo2024legal.md"
        text = note.read_text()
        note.write_text(text.replace("claims:\n", "claims:\n  - One more claim.\n", 1))
        deadline = time.monotonic() + 10
        while len(shown) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()

    helper = threading.Thread(target=edit_then_stop)
    helper.start()
    run_watch(example_project, False, show, no_cache=True, stop_event=stop)
    helper.join()
    assert len(shown) >= 2 and shown[-1] == shown[0] + 1
    err = capsys.readouterr().err
    assert "after a change to notes/amoo2024legal.md" in err


def test_review_watch_keeps_going_when_an_input_breaks(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cybercoop_cli.cli.watching import run_watch

    stop = threading.Event()
    calls: list[str] = []
    review_file = example_project / "cybercoop.yaml"

    def breaker() -> None:
        time.sleep(0.8)
        review_file.write_text("title: [broken\n")
        deadline = time.monotonic() + 10
        while "error: " not in capsys.readouterr().err and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()

    helper = threading.Thread(target=breaker)
    helper.start()
    run_watch(example_project, True, lambda p: calls.append(p.review.title), stop_event=stop)
    helper.join()
    assert len(calls) == 1  # the first render; the broken file gave an error, not a crash
