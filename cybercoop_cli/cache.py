"""A cache of the parsed model, so that re-running a command on an unchanged review is fast.

Entries are keyed by the content of each input file (a BLAKE2 hash of its bytes), never
by modification times: the bibliography by the contents of all its .bib files together
(macros cross files), each note by its own content. Any change to a file re-parses what
depends on it and nothing else. The cache lives where caches belong on the platform
(``platformdirs.user_cache_dir("cybercoop")``, or ``$CYBERCOOP_CACHE_DIR``), one file
per review; it is ignored, with a warning, when it cannot be read or was written by
another version, and it is never required: ``--no-cache`` bypasses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cybercoop_cli import __version__
from cybercoop_cli.model import Bibliography, Note, Problem

# Bump the suffix when the model's shape or the parsers' output changes.
CACHE_FORMAT = f"{__version__}/1"


@dataclass
class CacheData:
    format: str = CACHE_FORMAT
    bibliography_key: str = ""
    bibliography: Bibliography | None = None
    # note path (relative to the review) -> (content hash, note, problems)
    notes: dict[str, tuple[str, Note | None, list[Problem]]] = field(default_factory=dict)


def cache_dir() -> Path:
    override = os.environ.get("CYBERCOOP_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cybercoop", appauthor=False))


def content_hash(*chunks: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "little"))
        digest.update(chunk)
    return digest.hexdigest()


class ProjectCache:
    """The cache file of one review, named by a hash of the review file's absolute path."""

    def __init__(self, review_file: Path) -> None:
        name = hashlib.blake2b(str(review_file.resolve()).encode(), digest_size=12).hexdigest()
        self.path = cache_dir() / f"review-{name}.pickle"

    def load(self) -> tuple[CacheData, str | None]:
        """The cached data (empty if none), and a warning when a cache had to be ignored."""
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)  # our own file, in the user's own cache folder
        except FileNotFoundError:
            return CacheData(), None
        except Exception as exc:  # a corrupt or truncated pickle raises many types
            return (
                CacheData(),
                f"cache {self.path} is unreadable ({type(exc).__name__}); rebuilding it",
            )
        if not isinstance(data, CacheData) or getattr(data, "format", None) != CACHE_FORMAT:
            return (
                CacheData(),
                f"cache {self.path} is from another version of cybercoop; rebuilding it",
            )
        return data, None

    def save(self, data: CacheData) -> str | None:
        """Write atomically; return a warning instead of failing when it cannot be written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".review-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
                Path(tmp).replace(self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    Path(tmp).unlink()
                raise
        except OSError as exc:
            return f"cannot write the cache {self.path}: {exc.strerror}"
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            return f"cannot write the cache {self.path}: {exc}"
        return None
