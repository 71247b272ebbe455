from __future__ import annotations

import os
from pathlib import Path

import pytest

from cybercoop_cli.errors import OutputError
from cybercoop_cli.outputs import write_atomic


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    with pytest.raises(OutputError, match="--force"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    write_atomic(target, "new", force=True)
    assert target.read_text() == "new"


def test_new_file_gets_the_umask_mode_not_mkstemp_private_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "report.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "script.tex"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new", force=True)
    assert target.stat().st_mode & 0o777 == 0o600


def test_failure_leaves_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")

    def broken_fsync(_fd: int) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C arrived mid-write

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new", force=True)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.md", "x")


posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks as set up here")


@posix_only
def test_a_link_to_a_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    write_atomic(link, "nothing to keep", force=True)
    assert link.is_symlink() and str(link.readlink()) == "/dev/null"
    write_atomic(link, "no --force needed: a device holds nothing to overwrite")
    assert link.is_symlink()


@posix_only
def test_a_fifo_is_written_into(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert fifo.is_fifo()


@posix_only
def test_a_link_is_an_existing_file_and_force_replaces_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target.name)
    with pytest.raises(OutputError, match="is a link to an existing file; pass --force"):
        write_atomic(link, "new")
    write_atomic(link, "new", force=True)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


@posix_only
def test_a_dangling_link_is_not_overwritten_without_force(tmp_path: Path) -> None:
    link = tmp_path / "dangling.md"
    link.symlink_to("elsewhere.md")
    with pytest.raises(OutputError, match="is a link"):
        write_atomic(link, "new")
    assert not (tmp_path / "elsewhere.md").exists()
    write_atomic(link, "new", force=True)
    assert link.is_symlink() and (tmp_path / "elsewhere.md").read_text(encoding="utf-8") == "new"


def test_a_name_too_long_or_a_file_as_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write|does not exist"):
        write_atomic(tmp_path / ("x" * 5000), "data")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(OutputError):
        write_atomic(blocker / "inside.md", "data")


@posix_only
def test_an_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            write_atomic(folder / "out.md", "data")
    finally:
        folder.chmod(0o700)


def test_writes_where_os_has_no_fchmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows before Python 3.13 has no os.fchmod: writing must not depend on it."""
    monkeypatch.delattr(os, "fchmod", raising=False)
    target = tmp_path / "out.md"
    write_atomic(target, "text")
    assert target.read_text(encoding="utf-8") == "text"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]
