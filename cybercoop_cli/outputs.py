"""Writing output files safely: atomically, and never over an existing file without force.

The data goes to a hidden ``.NAME.*.tmp`` file in the target's folder, which is then
renamed over the target: readers see the old file or the new one, never half of one. The
temporary file is removed on any exception, on Ctrl-C, and on SIGTERM (turned into Ctrl-C
while we write). Only SIGKILL or a power cut can leave it behind, never a damaged target;
its name carries the writer's process id, and the next write to the same output removes
the temporary files of writers that are no longer running.

Outputs that are not regular files are never replaced: a character device or a FIFO
(``/dev/null``, ``/dev/stdout``, a named pipe) is written into as it is; a block device or
a socket is refused. A symbolic link counts as an existing file (even when it points
nowhere), and with ``--force`` the file it points to is replaced, not the link.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from cybercoop_cli.errors import OutputError


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    An existing ``path`` is replaced only when ``force`` is true. If the process is
    interrupted, the old file is intact and no temporary file is left behind. Devices and
    pipes are written into, links are followed (see the module's docstring).
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = _mode_of(path)
        if _names_a_stream(path) or (
            mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode))
        ):
            _write_into(path, payload)
            return path
        if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise OutputError(f"{path} is not a regular file (a device or socket); not written")
        linked = path.is_symlink()
        if (mode is not None or linked) and not force:
            what = "is a link to an existing file" if linked and mode is not None else "exists"
            if linked and mode is None:
                what = "is a link (to nothing yet)"
            raise OutputError(f"{path} {what}; pass --force to replace it")
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputError(f"{path} is a folder; give a file name")
        target = Path(os.path.realpath(path)) if linked else path
        folder = target.parent if str(target.parent) else Path()
        if not folder.is_dir():
            raise OutputError(f"folder {folder} does not exist; create it first")
        with _sigterm_as_interrupt():
            _write(target, folder, payload, force or linked)
    except OSError as exc:  # a full disk, no permission, a name too long: say so in one line
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _names_a_stream(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/1`` and the like name this process's own streams, which a
    user redirects: write into them even when they lead to a regular file."""
    text = path.as_posix()
    return text in {"/dev/stdout", "/dev/stderr"} or text.startswith(("/dev/fd/", "/proc/self/fd/"))


def _mode_of(path: Path) -> int | None:
    """The mode of what ``path`` leads to (links followed), or None when nothing is there."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # the folder check reports it


def _write_into(path: Path, payload: bytes) -> None:
    """Write into a device or pipe in place: there is no old content to keep safe."""
    with path.open("wb", buffering=0) as handle:
        view = memoryview(payload)
        while view:
            written = handle.write(view)
            view = view[written or len(view) :]


def _write(path: Path, folder: Path, payload: bytes, force: bool) -> None:
    _remove_orphans(path, folder)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder
    )
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would,
        # or keep the mode of the file it replaces.
        if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
            os.fchmod(fd, _mode_for(path))
        else:
            Path(tmp_name).chmod(_mode_for(path))
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
        if pid_text.isdigit() and _abandoned(leftover, int(pid_text)):
            with contextlib.suppress(OSError):
                leftover.unlink()


_ABANDONED_AFTER = 600.0  # seconds; where a writer's pid cannot be asked about


def _abandoned(leftover: Path, pid: int) -> bool:
    """True when the writer that made ``leftover`` is gone.

    On POSIX, signal 0 asks whether ``pid`` runs. Windows has no such probe (``os.kill``
    with 0 sends Ctrl-C there), so a temporary file counts as abandoned once it is ten
    minutes old: no write of ours takes that long.
    """
    if sys.platform == "win32":
        try:
            return time.time() - leftover.stat().st_mtime > _ABANDONED_AFTER
        except OSError:
            return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but not ours to signal
        return False
    return False


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
