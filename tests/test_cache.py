from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cybercoop_cli.cache import CACHE_FORMAT, CacheData, ProjectCache
from cybercoop_cli.cli.app import app
from cybercoop_cli.ingest.project import load_project

runner = CliRunner()


def review_json(project: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, [*extra, "review", "-p", str(project), "-f", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_cached_and_uncached_outputs_are_identical(example_project: Path) -> None:
    uncached = review_json(example_project, "--no-cache")
    assert not ProjectCache(example_project / "cybercoop.yaml").path.exists()
    first = review_json(example_project)
    assert ProjectCache(example_project / "cybercoop.yaml").path.exists()
    second = review_json(example_project)
    assert uncached == first == second


def test_cache_is_reused_when_nothing_changed(example_project: Path) -> None:
    load_project(example_project, cache=True)
    cache = ProjectCache(example_project / "cybercoop.yaml")
    stamp = cache.path.stat().st_mtime_ns
    load_project(example_project, cache=True)
    assert cache.path.stat().st_mtime_ns == stamp  # nothing re-parsed, nothing re-written
    data, warning = cache.load()
    assert warning is None and len(data.notes) == 6 and data.bibliography is not None


def test_every_kind_of_edit_is_seen(example_project: Path) -> None:
    review_json(example_project)  # fill the cache
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text().replace("sections: [intro]", "sections: [implementation]"))
    sections = {s["id"]: s for s in review_json(example_project)["sections"]}
    assert sections["implementation"]["source_keys"] == ["sekati2022assessing"]

    bib = example_project / "references" / "cybercrime-cooperation.bib"
    bib.write_text(bib.read_text().replace("{Sekati, P. N. M.}", "{Sekati, Palesa}"))
    result = runner.invoke(app, ["sources", "-p", str(example_project), "-f", "json"])
    (sekati,) = [
        s for s in json.loads(result.stdout)["sources"] if s["key"] == "sekati2022assessing"
    ]
    assert sekati["authors"][0]["given"] == "Palesa"
    bib.write_text(bib.read_text().replace("@article{amoo2024legal,", "@article{amoo2024renamed,"))
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert result.exit_code == 3  # the note now names a key that is gone
    (problem,) = json.loads(result.stdout)["problems"]
    assert "did you mean 'amoo2024renamed'" in problem["message"]
    bib.write_text(bib.read_text().replace("@article{amoo2024renamed,", "@article{amoo2024legal,"))

    review_file = example_project / "cybercoop.yaml"
    review_file.write_text(
        review_file.read_text().replace(
            "title: 1. The current legal framework", "title: 1. The framework"
        )
    )
    titles = [s["title"] for s in review_json(example_project)["sections"]]
    assert "1. The framework" in titles


def test_deleted_note_disappears(example_project: Path) -> None:
    review_json(example_project)
    (example_project / "notes" / "brass2021adaptive.md").unlink()
    assert review_json(example_project)["unused_sources"] == ["brass2021adaptive"]


def test_unreadable_cache_is_ignored_with_a_warning(example_project: Path) -> None:
    cache = ProjectCache(example_project / "cybercoop.yaml")
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(b"not a pickle")
    warnings: list[str] = []
    project = load_project(example_project, cache=True, warn=warnings.append)
    assert len(project.sources) == 6
    assert len(warnings) == 1 and "unreadable" in warnings[0]
    _, warning = cache.load()
    assert warning is None  # rebuilt


def test_cache_from_another_version_is_ignored(example_project: Path) -> None:
    cache = ProjectCache(example_project / "cybercoop.yaml")
    stale = CacheData(format="0.0.0/0")
    assert stale.format != CACHE_FORMAT
    cache.save(stale)
    warnings: list[str] = []
    load_project(example_project, cache=True, warn=warnings.append)
    assert warnings and "another version" in warnings[0]
    result = runner.invoke(app, ["review", "-p", str(example_project), "-f", "json"])
    assert result.exit_code == 0 and "warning" not in result.stderr  # rebuilt by the first load


def test_cache_location_follows_the_environment(tmp_path: Path) -> None:
    assert str(ProjectCache(tmp_path / "cybercoop.yaml").path).startswith(
        os.environ["CYBERCOOP_CACHE_DIR"]
    )


def test_cache_hit_however_the_review_is_named(example_project: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.chdir(example_project)
    load_project(Path(), cache=True)  # named relatively (".")
    cache = ProjectCache(example_project / "cybercoop.yaml")
    stamp = cache.path.stat().st_mtime_ns
    monkeypatch.chdir(example_project / "notes")
    load_project(cache=True)  # found by searching upwards: an absolute path
    load_project(example_project, cache=True)
    assert cache.path.stat().st_mtime_ns == stamp  # neither re-parsed nor re-wrote anything


def settle_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat files as settled as soon as they were hashed (no 2-second racy window)."""
    import cybercoop_cli.ingest.project as project_module

    monkeypatch.setattr(project_module, "RACY_NS", 0)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import cybercoop_cli.ingest.project as project_module

    reads: list[str] = []
    real = project_module._read_bytes

    def counting(path: str | Path, limit: int) -> bytes:
        reads.append(Path(path).name)
        return real(path, limit)

    monkeypatch.setattr(project_module, "_read_bytes", counting)
    return reads


def test_unchanged_files_are_not_read_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    reads = count_reads(monkeypatch)
    first = load_project(example_project, cache=True)
    assert len(reads) == 1 + 1 + 6  # the review file, the .bib, six notes
    reads.clear()
    second = load_project(example_project, cache=True)
    assert reads == ["cybercoop.yaml"]  # every other state unchanged: digests from the index
    assert second == first


def test_a_bib_read_to_hash_it_is_parsed_from_those_bytes(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.bibtex as bibtex_module

    uncached = load_project(example_project)

    def no_second_read(path: Path, **_kwargs: object) -> object:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(bibtex_module, "read_text", no_second_read)
    assert load_project(example_project, cache=True) == uncached


def test_an_unreadable_input_is_reported_with_the_cache_as_without(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.project as project_module
    from cybercoop_cli.ingest import text as text_module

    real = text_module.read_bounded
    unreadable = {"cybercrime-cooperation.bib", "amoo2024legal.md"}

    def refusing(path: str | Path, limit: int) -> bytes:
        if Path(path).name in unreadable:
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(text_module, "read_bounded", refusing)
    monkeypatch.setattr(project_module, "read_bounded", refusing)
    uncached = load_project(example_project)
    cached = load_project(example_project, cache=True)
    assert cached == uncached
    codes = {(p.file, p.code) for p in cached.problems}
    assert ("references/cybercrime-cooperation.bib", "bib-unreadable") in codes
    assert ("notes/amoo2024legal.md", "note-unreadable") in codes


def test_an_edit_keeping_size_and_mtime_is_seen(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settle_now(monkeypatch)
    load_project(example_project, cache=True)
    note = example_project / "notes" / "sekati2022assessing.md"
    before = note.stat()
    text = note.read_text()
    edited = text.replace("sections: [intro]", "sections: [frame]")
    assert len(edited) == len(text) and edited != text
    note.write_text(edited)
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a sloppy tool might
    assert note.stat().st_mtime_ns == before.st_mtime_ns and note.stat().st_size == before.st_size
    project = load_project(example_project, cache=True)
    (sekati,) = [n for n in project.notes if n.key == "sekati2022assessing"]
    assert any("frame" in c.sections for c in sekati.claims)  # its change time told


def test_a_file_changed_within_the_racy_window_is_hashed_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the real window, a file written just now is re-read on every run until it
    # is older than RACY_NS, whatever its state says.
    reads = count_reads(monkeypatch)
    load_project(example_project, cache=True)
    reads.clear()
    load_project(example_project, cache=True)
    assert len(reads) == 1 + 1 + 6  # all were written moments ago by the fixture


def test_json_review_is_served_from_the_memo_until_an_input_changes(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.project as project_module

    settle_now(monkeypatch)
    first = review_json(example_project)

    def no_parsing(*_args: object) -> object:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr(project_module, "_read_references", no_parsing)
    assert review_json(example_project) == first  # served, not recomputed
    monkeypatch.undo()
    settle_now(monkeypatch)
    note = example_project / "notes" / "sekati2022assessing.md"
    note.write_text(note.read_text().replace("sections: [intro]", "sections: [implementation]"))
    sections = {s["id"]: s for s in review_json(example_project)["sections"]}
    assert sections["implementation"]["source_keys"] == ["sekati2022assessing"]


def test_memo_of_another_fingerprint_is_not_served(tmp_path: Path) -> None:
    cache = ProjectCache(tmp_path / "cybercoop.yaml")
    assert cache.remember("thing", "fingerprint-a", {"x": 1}) is None
    assert cache.recall("thing", "fingerprint-a") == {"x": 1}
    assert cache.recall("thing", "fingerprint-b") is None
    assert cache.recall("other", "fingerprint-a") is None


def test_dashboard_from_the_memo_equals_a_fresh_one(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cybercoop_cli.ingest.project as project_module

    settle_now(monkeypatch)
    monkeypatch.setenv("COLUMNS", "100")
    args = ["review", "-p", str(example_project)]
    fresh = runner.invoke(app, ["--no-cache", *args])
    first = runner.invoke(app, args)

    def no_parsing(*_args: object) -> object:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr(project_module, "_read_references", no_parsing)
    again = runner.invoke(app, args)
    assert fresh.exit_code == first.exit_code == again.exit_code == 0
    assert fresh.stdout == first.stdout == again.stdout
    assert "implementation" in again.stdout


def test_cache_written_in_the_background_is_complete_and_used(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import cybercoop_cli.ingest.project as project_module

    monkeypatch.delenv("CYBERCOOP_CACHE_SYNC")
    settle_now(monkeypatch)
    fresh = review_json(example_project, "--no-cache")
    first = review_json(example_project)  # the cache is written by a detached process
    cache = ProjectCache(example_project / "cybercoop.yaml")
    deadline = time.monotonic() + 60
    while not (cache.path.exists() and cache.files_path.exists() and cache.index_path.exists()):
        assert time.monotonic() < deadline, "the background writer never finished"
        time.sleep(0.02)
    data, warning = cache.load()
    assert warning is None and len(data.notes) == 6 and data.bibliography is not None

    def no_parsing(*_args: object) -> object:
        raise AssertionError("parsed although nothing changed")

    monkeypatch.setattr(project_module, "_read_references", no_parsing)
    assert review_json(example_project) == first == fresh


def test_background_writes_wait_for_flush_and_are_then_all_made(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import cybercoop_cli.ingest.project as project_module
    from cybercoop_cli.ingest.project import open_review

    settle_now(monkeypatch)
    detached: list[int] = []
    real_detach = project_module._detach

    def counting_detach() -> bool | None:
        detached.append(os.getpid())
        return real_detach()

    monkeypatch.setattr(project_module, "_detach", counting_detach)
    opened = open_review(example_project, cache=True, background=True)
    project = opened.load()
    opened.remember("a result", ("computed", 3))
    cache = ProjectCache(example_project / "cybercoop.yaml")
    written = (cache.path, cache.files_path, cache.index_path)
    # Nothing is written while the command may still be producing its output.
    assert not detached and not any(path.exists() for path in written)
    opened.flush()  # in a detached child
    assert detached == [os.getpid()]
    deadline = time.monotonic() + 60
    while not all(path.exists() for path in written):
        assert time.monotonic() < deadline, "the detached writer never finished"
        time.sleep(0.02)
    again = open_review(example_project, cache=True)
    assert again.fingerprint == opened.fingerprint is not None
    deadline = time.monotonic() + 60
    while again.recall("a result") is None:  # the memo is the writer's last file
        assert time.monotonic() < deadline, "the memo was never written"
        time.sleep(0.02)
    assert again.recall("a result") == ("computed", 3)
    assert again.load() == project
    opened.flush()  # nothing left to write: no second writer
    assert detached == [os.getpid()]


def test_the_detached_writer_holds_none_of_the_callers_descriptors(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import select

    from cybercoop_cli.ingest.project import open_review

    read_end, write_end = os.pipe()  # a pipe our caller passed down and waits on
    real_save = ProjectCache.save

    def slow_save(self: ProjectCache, data: CacheData) -> str | None:
        import time

        time.sleep(3)  # the writer is still at work when its caller is done
        return real_save(self, data)

    monkeypatch.setattr(ProjectCache, "save", slow_save)
    opened = open_review(example_project, cache=True, background=True)
    opened.load()
    opened.flush()
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 2.0)
        assert ready, "the detached writer kept the pipe open"
        assert os.read(read_end, 1) == b""  # the end of the pipe, not data
    finally:
        os.close(read_end)


def test_a_killed_writers_temporary_file_is_removed_later(tmp_path: Path) -> None:
    cache = ProjectCache(tmp_path / "cybercoop.yaml")
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    old = cache.path.parent / ".review-abandoned.tmp"
    fresh = cache.path.parent / ".review-writing-now.tmp"
    old.write_bytes(b"half a pickle")
    fresh.write_bytes(b"being written")
    long_ago = old.stat().st_mtime - 3600
    os.utime(old, (long_ago, long_ago))
    assert cache.save(CacheData()) is None
    assert not old.exists()  # left by a writer killed an hour ago
    assert fresh.exists()  # perhaps another run writing right now


def test_the_fingerprint_depends_on_content_not_on_what_was_hashed_again(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cybercoop_cli.ingest.project import open_review

    settle_now(monkeypatch)
    first = open_review(example_project, cache=True)
    first.load()
    notes = sorted((example_project / "notes").iterdir())
    os.utime(notes[0])  # a new state, the same content: hashed again, the others not
    again = open_review(example_project, cache=True)
    assert again.fingerprint == first.fingerprint is not None
    notes[0].write_text(notes[0].read_text() + "\n")
    changed = open_review(example_project, cache=True)
    assert changed.fingerprint not in (None, first.fingerprint)
