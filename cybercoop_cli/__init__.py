"""cybercoop: literature reviews and citations, usable as a library and from the command line.

>>> from cybercoop_cli import load_project
>>> project = load_project()            # finds cybercoop.yaml here or in a parent folder
>>> [s.key for s in project.sources]    # doctest: +SKIP

Names are imported lazily so that ``import cybercoop_cli`` (and the CLI's start-up)
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cybercoop_cli.errors import CybercoopError, ExitCode
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.ingest.project import find_review_file, load_project

_LAZY = {
    "CybercoopError": "cybercoop_cli.errors",
    "ExitCode": "cybercoop_cli.errors",
    "read_bibliography": "cybercoop_cli.ingest.bibtex",
    "find_review_file": "cybercoop_cli.ingest.project",
    "load_project": "cybercoop_cli.ingest.project",
}

__all__ = [
    "CybercoopError",
    "ExitCode",
    "__version__",
    "find_review_file",
    "load_project",
    "read_bibliography",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cybercoop_cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
