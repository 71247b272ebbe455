"""Running the pandoc that ``pypandoc-binary`` bundles: one place, typed errors."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from functools import lru_cache
from typing import Any

from cybercoop_cli.errors import ExternalToolError

PANDOC_API_VERSION = [1, 23, 1, 1]


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise ExternalToolError(
            f"pandoc is not available ({exc}); install the pypandoc-binary package"
        ) from exc


# The pandoc processes running now (several at once when references are formatted in
# parallel), so that an interruption can stop every one of them, not only its own.
_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


def run_pandoc(args: list[str], data: bytes) -> bytes:
    """Run pandoc with ``args`` (no shell), feeding ``data`` on stdin; return stdout.

    Any exception while pandoc runs (Ctrl-C; SIGTERM, which the CLI turns into Ctrl-C)
    kills it and waits for it: no pandoc outlives the call. A SIGKILL of this process
    cannot be caught; pandoc then finishes its input and exits at its first write, as
    its output has no reader any more.
    """
    command = [pandoc_path(), *args]
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise ExternalToolError(f"cannot run pandoc: {exc}") from exc
    with _RUNNING_LOCK:
        _RUNNING.add(process)
    try:
        stdout, stderr = process.communicate(data)
    except BaseException:
        _stop(process)
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(process)
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {process.returncode}"
        raise ExternalToolError(f"pandoc failed: {detail}")
    return stdout


def stop_running() -> None:
    """Kill every pandoc this process is running (from any thread): on an interruption,
    the workers formatting references in parallel would otherwise run to the end."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def document(blocks: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pandoc JSON document."""
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta or {}, "blocks": blocks}


def run_json(doc: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """Send a JSON document through pandoc and read the JSON document back."""
    out = run_pandoc(["--from=json", "--to=json", *args], json.dumps(doc).encode("utf-8"))
    loaded: dict[str, Any] = json.loads(out)
    return loaded
