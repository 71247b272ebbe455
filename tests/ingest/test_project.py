from __future__ import annotations

import os
import time
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


from cybercoop_cli.ingest import notes as notes_module  # noqa: E402
from cybercoop_cli.ingest import project as project_module  # noqa: E402

REAL_READ_NOTES = notes_module.read_notes


def in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_module, "PARALLEL_NOTES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


@pytest.mark.parametrize("memfd", [True, False], ids=["memfd", "temporary-file"])
def test_notes_parsed_in_a_child_process_equal_those_parsed_here(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, memfd: bool
) -> None:
    if not memfd:  # as on systems without memfd_create: an unlinked temporary file
        monkeypatch.delattr(os, "memfd_create", raising=False)
    serial = load_project(example_project)
    log = tmp_path / "pids"

    def recording(items: Any) -> Any:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return REAL_READ_NOTES(items)

    in_parallel(monkeypatch)
    monkeypatch.setattr(notes_module, "read_notes", recording)
    parallel = load_project(example_project)
    assert parallel == serial
    pids = log.read_text().split()
    assert len(pids) == 1  # parsed once, by whichever process took the chunk


def test_a_child_that_dies_is_replaced_by_parsing_here(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = load_project(example_project)
    parent = os.getpid()

    def dying(items: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        return REAL_READ_NOTES(items)

    in_parallel(monkeypatch)
    monkeypatch.setattr(notes_module, "read_notes", dying)
    assert load_project(example_project) == serial


def test_the_notes_are_shared_out_between_the_child_and_this_process(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serial = load_project(example_project)
    parent = os.getpid()
    log = tmp_path / "parsed-by"

    started = tmp_path / "child-started"
    real_references = project_module._read_references

    def logging_slowly(items: Any) -> Any:
        if os.getpid() != parent:
            started.touch()
            time.sleep(0.3)  # the child is slow: this process takes the chunks left
        with log.open("a") as out:
            out.writelines(f"{os.getpid()} {display}\n" for _, display, _ in items)
        return REAL_READ_NOTES(items)

    def after_the_child_started(*args: Any) -> Any:
        while not started.exists():
            time.sleep(0.01)
        return real_references(*args)

    in_parallel(monkeypatch)
    monkeypatch.setattr(project_module, "MIN_CHUNK", 1)  # six chunks of one note
    monkeypatch.setattr(notes_module, "read_notes", logging_slowly)
    monkeypatch.setattr(project_module, "_read_references", after_the_child_started)
    assert load_project(example_project) == serial
    by = [line.split() for line in log.read_text().splitlines()]
    assert sorted(name for _, name in by) == sorted(
        f"notes/{path.name}" for path in (example_project / "notes").iterdir()
    )  # each note parsed once
    pids = {int(pid) for pid, _ in by}
    assert parent in pids and len(pids) == 2  # by both processes


def test_the_childs_first_job_is_handed_over(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cybercoop_cli.ingest.layout import note_paths

    in_parallel(monkeypatch)
    items: list[tuple[str | Path, str, bytes | None]] = [
        (path, Path(path).name, None) for path in note_paths(example_project / "notes")
    ]
    serial = project_module.read_note_batch(items)[1]

    reader = project_module._start_reading_notes(items, None, first=lambda: ("done", os.getpid()))
    answer = reader.first_result()
    assert answer is not None and answer[0] == "done" and answer[1] != os.getpid()
    assert reader.first_result() is answer  # fetched once
    assert reader() == serial

    def failing() -> object:
        raise ValueError("the first job fails")

    reader = project_module._start_reading_notes(items, None, first=failing)
    assert reader.first_result() is None  # the caller does it itself
    assert reader() == serial

    parent = os.getpid()

    def dying() -> object:
        if os.getpid() != parent:
            os._exit(9)
        return "unreachable"

    reader = project_module._start_reading_notes(items, None, first=dying)
    assert reader.first_result() is None
    assert reader() == serial  # the notes are parsed here instead


def test_a_child_is_ended_when_the_bibliography_fails(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "pid"

    def slow(items: Any) -> Any:
        log.write_text(str(os.getpid()))
        time.sleep(60)
        return REAL_READ_NOTES(items)

    def failing(*_args: Any) -> Any:
        while not log.exists() or not log.read_text():
            time.sleep(0.01)
        raise InputError("the bibliography is broken", file="x.bib")

    in_parallel(monkeypatch)
    monkeypatch.setattr(notes_module, "read_notes", slow)
    monkeypatch.setattr(project_module, "_read_references", failing)
    with pytest.raises(InputError):
        load_project(example_project)
    child = int(log.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # killed and reaped, not left running or as a zombie


def test_note_listing_skips_hidden_files_and_keeps_every_suffix(example_project: Path) -> None:
    from cybercoop_cli.ingest.layout import note_paths
    from cybercoop_cli.ingest.notes import iter_note_files

    notes = example_project / "notes"
    (notes / ".hidden.md").write_text("---\nkey: x\n---\n")
    (notes / "sub").mkdir()
    (notes / "sub" / "Extra.YML").write_text("key: x\n")
    (notes / "readme.txt").write_text("not a note")
    listed = note_paths(notes)
    assert listed == [str(path) for path in iter_note_files(notes)]
    assert str(notes / "sub" / "Extra.YML") in listed and len(listed) == 7


def test_notes_hashed_in_the_child_give_the_same_fingerprint(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cybercoop_cli.cache import ProjectCache
    from cybercoop_cli.ingest.project import open_review

    first_cache = os.environ["CYBERCOOP_CACHE_DIR"]
    in_parallel(monkeypatch)
    monkeypatch.setattr(project_module, "RACY_NS", 0)  # settled at once: a quick index is kept
    log = tmp_path / "stat-pids"
    real_state = project_module._state

    def logged_state(path: str | Path) -> tuple[int, int, int, int]:
        with log.open("a") as out:
            out.write(f"{os.getpid()} {Path(path).name}\n")
        return real_state(path)

    monkeypatch.setattr(project_module, "_state", logged_state)
    opened = open_review(example_project, cache=True)
    assert opened.fingerprint is None  # six new notes: hashed where they are parsed
    assert opened.recall("anything") is None
    project = opened.load()
    deferred = opened.fingerprint
    assert deferred is not None
    opened.remember("answer", 42)

    # A first run: each note's state was taken once, where it was read (mostly in the
    # child, which starts first), not by the scan before.
    stats = [line.split()[1] for line in log.read_text().splitlines()]
    notes = sorted(path.name for path in (example_project / "notes").iterdir())
    assert sorted(name for name in stats if name in notes) == notes
    review_file = example_project / "cybercoop.yaml"
    child_index = ProjectCache(review_file).load_files().files
    child_quick = ProjectCache(review_file).load_quick()

    monkeypatch.setattr(project_module, "PARALLEL_NOTES", 10**9)
    monkeypatch.setenv("CYBERCOOP_CACHE_DIR", str(tmp_path / "other-cache"))
    here = open_review(example_project, cache=True)  # every file hashed in this process
    assert here.fingerprint == deferred
    assert here.load() == project
    # The same file index (but for when each file was hashed) and the same quick index.
    here_index = ProjectCache(review_file).load_files().files
    assert {d: r[:5] for d, r in here_index.items()} == {d: r[:5] for d, r in child_index.items()}
    here_quick = ProjectCache(review_file).load_quick()
    assert child_quick is not None and here_quick is not None
    assert here_quick.states_digest == child_quick.states_digest
    assert here_quick.fingerprint == child_quick.fingerprint == deferred

    monkeypatch.setenv("CYBERCOOP_CACHE_DIR", first_cache)
    again = open_review(example_project, cache=True)
    assert again.fingerprint == deferred and again.recall("answer") == 42


def test_a_first_run_opened_but_never_loaded_leaves_no_child(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import time

    from cybercoop_cli.ingest.project import open_review

    in_parallel(monkeypatch)
    release = example_project / "go"

    def slow_read_notes(items: Any) -> Any:
        while not release.exists():  # the child waits, so it is still there to be ended
            time.sleep(0.01)
        return REAL_READ_NOTES(items)

    monkeypatch.setattr(notes_module, "read_notes", slow_read_notes)
    opened = open_review(example_project, cache=True)
    child = opened._early.pid if opened._early is not None else 0
    assert child > 0
    del opened
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # killed and reaped already


def split_tails_logged(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Two cores, any .bib large enough to split, and each tail split logged in ``log``
    as: the splitting process, the file's name, the lines before the cut."""
    from cybercoop_cli.ingest import bibtex as bibtex_module

    real_split_tail = bibtex_module.split_tail

    def logged(text: str, cut: int, name: str) -> Any:
        log.write_text(f"{os.getpid()} {name} {text.count(chr(10), 0, cut)}")
        return real_split_tail(text, cut, name)

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(project_module, "PARALLEL_BIB_BYTES", 1)
    monkeypatch.setattr(bibtex_module, "split_tail", logged)


def test_on_a_first_run_the_child_splits_the_end_of_the_bib(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cybercoop_cli.ingest import bibtex as bibtex_module
    from cybercoop_cli.ingest import text as text_module

    serial = load_project(example_project)
    log = tmp_path / "tail-split-by"

    bib_bytes = (example_project / "references" / "cybercrime-cooperation.bib").read_bytes()
    decoded: list[int] = []
    real_decode = text_module.decode

    def counting_decode(data: bytes) -> Any:
        if data == bib_bytes:
            decoded.append(os.getpid())
        return real_decode(data)

    # Six notes, far fewer than PARALLEL_NOTES: a large .bib is reason enough for a child.
    split_tails_logged(monkeypatch, log)
    monkeypatch.setattr(text_module, "decode", counting_decode)
    monkeypatch.setattr(bibtex_module, "decode", counting_decode)
    opened = project_module.open_review(example_project, cache=True)
    assert opened._early is not None and opened._early.pid > 0
    assert opened.load() == serial
    assert decoded == [os.getpid()]  # decoded once, to find the cut, and parsed from that
    pid, name, lines_before = log.read_text().split()
    assert int(pid) != os.getpid() and name == "references/cybercrime-cooperation.bib"
    assert int(lines_before) > 0  # a real cut, after the first entries


def test_a_first_run_of_a_small_review_forks_nothing(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    opened = project_module.open_review(example_project, cache=True)
    assert opened._early is None  # six notes and a small .bib: read here
    assert opened.load() == load_project(example_project)


def test_without_the_cache_the_child_splits_the_end_of_the_bib_too(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serial = load_project(example_project)
    log = tmp_path / "tail-split-by"
    split_tails_logged(monkeypatch, log)
    assert load_project(example_project) == serial
    assert int(log.read_text().split()[0]) != os.getpid()
