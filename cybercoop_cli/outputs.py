"""Writing output files safely: atomically, and never over an existing file without force.

The data goes to a hidden ``.NAME.*.tmp`` file in the target's folder, which is then
renamed over the target: readers see the old file or the new one, never half of one. The
temporary file is removed on any exception, on Ctrl-C, and on SIGTERM (turned into Ctrl-C
while we write). Only SIGKILL or a power cut can leave it behind, never a damaged target;
its name carries the writer's process id, and the next write to the same output removes
the temporary files of writers that are no longer running.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from cybercoop_cli.errors import OutputError


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    An existing ``path`` is replaced only when ``force`` is true. If the process is
    interrupted, the old file is intact and no temporary file is left behind.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(f"{path} exists; pass --force to replace it")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError(f"folder {folder} does not exist; create it first")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with _sigterm_as_interrupt():
            _write(path, folder, payload, force)
    except OSError as exc:  # a full disk, no permission: say so in one line
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _write(path: Path, folder: Path, payload: bytes, force: bool) -> None:
    _remove_orphans(path, folder)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder
    )
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would,
        # or keep the mode of the file it replaces. os.fchmod is POSIX-only before
        # Python 3.13; Windows has no such modes (chmod there only sets read-only).
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists() and not force:  # appeared while we were writing
            raise OutputError(f"{path} exists; pass --force to replace it")
        Path(tmp_name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp_name).unlink()
        raise


def _remove_orphans(path: Path, folder: Path) -> None:
    """Delete temporary files that killed writers of ``path`` left behind."""
    prefix = f".{path.name}."
    for leftover in folder.glob(f"{glob.escape(prefix)}*.tmp"):
        pid_text = leftover.name[len(prefix) :].split(".", 1)[0]
        if pid_text.isdigit() and not _running(int(pid_text)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _running(pid: int) -> bool:
    """Whether the writer with this process id may still be writing its temporary file."""
    if os.name != "posix":
        # Windows: os.kill would terminate it, and an open file cannot be deleted there
        # anyway, so a writer that still runs keeps its file whatever we try.
        return False
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists (POSIX)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While writing, SIGTERM raises KeyboardInterrupt, so that the cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt("terminated")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
