"""Nothing is ever lost: commands change no file they do not say they write.

Every command runs, with its usual options and in failing invocations too, on a copy of
the shipped example; every file of the workspace is hashed before and after each run.
Only ``export -o``, ``gaps -o``, ``init``, ``import`` and ``note new`` may create or
change files, and only the ones they name. Then the atomic writer: an existing file is
replaced only with force, and an interrupted write leaves the old file and no temporary.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cybercoop_cli.cli.app import app
from cybercoop_cli.errors import OutputError
from cybercoop_cli.outputs import write_atomic

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "workflow"

# (arguments, files it may create or change (relative to the workspace), exit codes)
# "{p}" is the example review's folder, "{o}" a folder for outputs, "{d}" tests/data/workflow.
# The runs share one workspace, in this order: later runs see earlier outputs.
RUNS: list[tuple[str, set[str], set[int]]] = [
    ("--version", set(), {0}),
    ("--help", set(), {0}),
    ("review --project {p}", set(), {0}),
    ("review --project {p} --format json --no-cache", set(), {0}),
    ("review --project {o}/nowhere", set(), {4}),
    ("sources --project {p}", set(), {0}),
    ("sources --project {p} --format json", set(), {0}),
    ("sources {p}/references/cybercrime-cooperation.bib", set(), {0}),
    ("sources {p}/references/missing.bib", set(), {3}),
    ("export --project {p}", set(), {0}),
    ("export --project {p} --style modern-language-association --group-by section", set(), {0}),
    ("export --project {p} -o {o}/annotated.html", {"out/annotated.html"}, {0}),
    ("export --project {p} -o {o}/annotated.html", set(), {5}),  # exists, no --force
    (
        "export --project {p} -o {o}/annotated.html --force --style chicago-author-date",
        {"out/annotated.html"},
        {0},
    ),
    ("export --project {p} --to bibtex -o {o}/annotated.bib", {"out/annotated.bib"}, {0}),
    ("export --project {p} --to latex -o {o}/annotated.tex", {"out/annotated.tex"}, {0}),
    ("export --project {p} -o {o}/annotated.docx", {"out/annotated.docx"}, {0}),
    ("export --project {p} -o {o}/no/such/folder/a.md", set(), {5}),
    ("export --project {p} --style no-such-style", set(), {2, 3, 6}),
    ("export --project {p} -o {o}/annotated.xyz", set(), {2}),
    ("gaps --project {p}", set(), {0, 1}),
    ("gaps --project {p} --format json --fail-on info", set(), {1}),
    ("gaps --project {p} --format md --manuscript {p}/manuscript/draft.md", set(), {0, 1}),
    ("gaps --project {p} --format html -o {o}/gaps.html", {"out/gaps.html"}, {0, 1}),
    ("gaps --project {p} --format html -o {o}/gaps.html", set(), {5}),
    ("gaps --project {p} --manuscript {p}/missing.md", set(), {2, 3}),
    ("check --project {p}", set(), {0, 1}),
    ("check --project {p} --format json", set(), {0, 1}),
    ("check --project {p} --format sarif --fail-on info", set(), {1}),
    ("check {p}/manuscript/draft.md --bib {p}/references/cybercrime-cooperation.bib", set(), {1}),
    ("check --project {p} {p}/missing.md", set(), {3}),
    ("import --project {p} --dry-run {d}/zotero-export.json", set(), {0}),
    ("import --project {p} {d}/zotero-export.json", {"example/references/imported.bib"}, {0}),
    ("import --project {p} {d}/zotero-export.json", set(), {0}),  # all duplicates now
    ("import --project {p} {o}/missing.ris", set(), {3}),
    ("note new chang2020legislative --project {p}", set(), {5}),  # a note exists
    ("note new nosuchkey2099 --project {p}", set(), {2, 3}),
    ("init {p} --no-input --title T --question Q", set(), {5}),
    ("init {o}/fresh --no-input --title T --question Q", {"out/fresh/*"}, {0}),
    ("cache info", set(), {0}),  # the cache lives outside the workspace
    ("cache clear", set(), {0}),
]


def digest(root: Path) -> dict[str, str]:
    """Every file under root, by relative path, with the sha256 of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def allowed(name: str, patterns: set[str]) -> bool:
    return any(
        name == pattern or (pattern.endswith("/*") and name.startswith(pattern[:-1]))
        for pattern in patterns
    )


def test_every_command_is_covered() -> None:
    group = get_command(app)
    commands = set(group.commands)  # type: ignore[attr-defined]
    covered = {args.split()[0] for args, _, _ in RUNS if not args.startswith("-")}
    assert commands <= covered | {"note"}
    assert any(args.startswith("note new") for args, _, _ in RUNS)


def test_commands_change_only_the_files_they_name(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = example_project.parent
    out = workspace / "out"
    out.mkdir()
    monkeypatch.chdir(workspace)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    runner = CliRunner()
    new_key = None
    runs = [*RUNS]
    for args, may_change, codes in runs:
        argv = args.format(p=example_project, o=out, d=DATA).split()
        before = digest(workspace)
        result = runner.invoke(app, argv)
        after = digest(workspace)
        assert result.exit_code in codes, (args, result.exit_code, result.output)
        touched = changed(before, after)
        unexpected = {name for name in touched if not allowed(name, may_change)}
        assert unexpected == set(), f"{args} changed {sorted(unexpected)}"
        if may_change and result.exit_code == 0:
            assert touched, f"{args} said it writes, but nothing changed"
        assert not any(name.endswith(".tmp") for name in after), args
        if args.startswith("import --project {p} {d}"):
            new_key = new_key or _first_key(example_project / "references" / "imported.bib")
    # note new writes the note for a source that has none, and nothing else
    assert new_key is not None
    before = digest(workspace)
    result = runner.invoke(app, ["note", "new", new_key, "--project", str(example_project)])
    assert result.exit_code == 0, result.output
    assert changed(before, digest(workspace)) == {f"example/notes/{new_key}.md"}


def _first_key(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("@"):
            return line.split("{", 1)[1].rstrip(",")
    return None


# --------------------------------------------------------------------------- atomic writes


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    write_atomic(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


@pytest.mark.parametrize(
    ("interruption", "raised"), [(KeyboardInterrupt, KeyboardInterrupt), (OSError, OutputError)]
)
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    interruption: type[BaseException],
    raised: type[BaseException],
) -> None:
    target = tmp_path / "annotated.md"
    target.write_text("the old report", encoding="utf-8")

    def fail(fd: int) -> None:
        raise interruption("interrupted in the middle of the write")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(raised):
        write_atomic(target, "x" * 1_000_000, force=True)
    assert target.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.md"]


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from cybercoop_cli.outputs import write_atomic

    real_fsync = os.fsync
    def slow_fsync(fd):
        print("writing", flush=True)
        time.sleep(30)  # the test kills us here, halfway through
        real_fsync(fd)
    os.fsync = slow_fsync
    write_atomic(Path(sys.argv[1]), "new content " * 100_000, force=True)
    """
)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_killed_writer_leaves_the_old_file(tmp_path: Path, how: signal.Signals) -> None:
    target = tmp_path / "annotated.html"
    target.write_text("the old report", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"writing"
    process.send_signal(how)
    process.wait(timeout=20)
    assert target.read_text(encoding="utf-8") == "the old report"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "annotated.html")
    if how == signal.SIGKILL:
        # Nothing can clean up during SIGKILL: the hidden temporary file stays, the
        # target never suffers, and the next write to the same output removes it.
        assert all(name.startswith(f".annotated.html.{process.pid}.") for name in leftovers)
        write_atomic(target, "the next report", force=True)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.html"]
    else:
        assert leftovers == []


def test_a_killed_export_leaves_the_old_output(example_project: Path, tmp_path: Path) -> None:
    """The real command, killed with Ctrl-C while pandoc works: the old file stays."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "annotated.docx"
    target.write_bytes(b"old")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "cybercoop_cli", "export"),
            *("--project", str(example_project), "-o", str(target), "--force"),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    content = target.read_bytes()
    # Either the export finished first (a complete .docx) or it was stopped (the old file).
    assert content == b"old" or content.startswith(b"PK")
    assert sorted(p.name for p in out.iterdir()) == ["annotated.docx"]
