"""Running the pandoc that ``pypandoc-binary`` bundles: one place, typed errors."""

from __future__ import annotations

import json
import subprocess
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


def run_pandoc(args: list[str], data: bytes) -> bytes:
    """Run pandoc with ``args`` (no shell), feeding ``data`` on stdin; return stdout."""
    command = [pandoc_path(), *args]
    try:
        result = subprocess.run(command, input=data, capture_output=True, check=False)
    except OSError as exc:
        raise ExternalToolError(f"cannot run pandoc: {exc}") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {result.returncode}"
        raise ExternalToolError(f"pandoc failed: {detail}")
    return result.stdout


def document(blocks: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pandoc JSON document."""
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta or {}, "blocks": blocks}


def run_json(doc: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """Send a JSON document through pandoc and read the JSON document back."""
    out = run_pandoc(["--from=json", "--to=json", *args], json.dumps(doc).encode("utf-8"))
    loaded: dict[str, Any] = json.loads(out)
    return loaded
