"""cybercoop: literature reviews and citations, usable as a library and from the command line.

>>> from cybercoop_cli import load_project
>>> project = load_project()            # finds cybercoop.yaml here or in a parent folder
>>> [s.key for s in project.sources]
"""

from __future__ import annotations

__version__ = "0.1.0"

from cybercoop_cli.errors import CybercoopError, ExitCode
from cybercoop_cli.ingest.project import find_review_file, load_project

__all__ = ["CybercoopError", "ExitCode", "__version__", "find_review_file", "load_project"]
