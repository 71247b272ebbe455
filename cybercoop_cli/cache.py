"""Caches that make re-running a command on an unchanged review fast.

Everything is keyed by the content of each input file (a BLAKE2 hash of its bytes):

* the **model** (``review-ID.pickle``): the parsed bibliography, keyed by the digests of
  all its .bib files together (macros cross files), and each parsed note, keyed by its own
  digest. A change to one note re-parses that note and nothing else;
* the **file index** (``review-ID.files``): each input file's size, modification and
  change times and inode, with the digest of its content. As in git's index, a file whose
  state is unchanged is not read again to learn its digest. A file modified less than
  :data:`RACY_NS` before it was hashed is "racily clean" (a second edit in the same
  timestamp tick would keep its state) and is hashed again on every run until it settles;
* the **quick index** (``review-ID.index``): the parsed review file, and one digest of
  every input file's state. When nothing changed, that digest is all a run compares, and
  it yields the **fingerprint** of the review: a digest of every input file's content;
* **memos** (``review-ID.NAME.memo``): a result (a report, or a rendered machine-readable
  document) stored under the fingerprint it was computed from, and served only for
  exactly that fingerprint.

Every file records the cache format, which includes cybercoop's version and a stamp of
its own source files, so a cache written by any other code is ignored (with a warning).
The cache lives where caches belong on the platform (``platformdirs.user_cache_dir``, or
``$CYBERCOOP_CACHE_DIR``); an unreadable file is ignored with a warning, and ``--no-cache``
bypasses all of it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cybercoop_cli import __version__

if TYPE_CHECKING:
    from cybercoop_cli.model import Bibliography, Note, Problem

# Bump the suffix when the model's shape or the parsers' output changes.
CACHE_FORMAT = f"{__version__}/2"

#: A file modified less than this before it was hashed is hashed again next time: a
#: filesystem with coarse timestamps (FAT: 2 s) could store a second edit in the same tick.
RACY_NS = 2_000_000_000

#: (size, mtime_ns, ctime_ns, inode, digest, when it was hashed in ns)
FileRecord = tuple[int, int, int, int, str, int]


@functools.cache
def cache_format() -> str:
    """:data:`CACHE_FORMAT` plus a stamp of cybercoop's own source files.

    An edited checkout (an editable install) is another version too: a cache written by
    different code could hold results that code no longer computes.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=8)
    stack = [str(package)]
    entries: list[str] = []
    while stack:
        with os.scandir(stack.pop()) as found:
            for entry in found:
                if entry.is_dir() and not entry.name.startswith(("_", ".")):
                    stack.append(entry.path)
                elif entry.name.endswith(".py"):
                    state = entry.stat()
                    entries.append(f"{entry.path}\0{state.st_size}\0{state.st_mtime_ns}")
    digest.update("\n".join(sorted(entries)).encode())
    return f"{CACHE_FORMAT}+{digest.hexdigest()}"


@dataclass
class CacheData:
    """The parsed model."""

    format: str = field(default_factory=cache_format)
    bibliography_key: str = ""
    bibliography: Bibliography | None = None
    # note path (relative to the review) -> (content hash, note, problems)
    notes: dict[str, tuple[str, Note | None, list[Problem]]] = field(default_factory=dict)


@dataclass
class FileIndex:
    """Each input file's state and content digest (relative path -> record)."""

    format: str = field(default_factory=cache_format)
    files: dict[str, FileRecord] = field(default_factory=dict)


@dataclass
class QuickIndex:
    """What a run on an unchanged review needs: read first, and small.

    The parsed review file is kept pickled, and unpickled only when a result must be
    computed: a run served from a memo never imports the model.
    """

    format: str
    review_digest: str
    review: bytes
    references_dir: str
    notes_dir: str
    # Digest of every input file's (path, size, mtime, ctime, inode), in order.
    states_digest: str
    fingerprint: str


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
    """The cache files of one review, named by a hash of the review file's absolute path."""

    def __init__(self, review_file: Path) -> None:
        name = hashlib.blake2b(str(review_file.resolve()).encode(), digest_size=12).hexdigest()
        folder = cache_dir()
        self.path = folder / f"review-{name}.pickle"
        self.files_path = folder / f"review-{name}.files"
        self.index_path = folder / f"review-{name}.index"
        self._memo_prefix = folder / f"review-{name}"

    # -- the model -------------------------------------------------------------------

    def load(self) -> tuple[CacheData, str | None]:
        """The cached model (empty if none), and a warning when a cache had to be ignored."""
        data, warning = self._read(self.path, CacheData)
        return data if isinstance(data, CacheData) else CacheData(), warning

    def save(self, data: CacheData) -> str | None:
        """Write atomically; return a warning instead of failing when it cannot be written."""
        return self._write(self.path, data)

    # -- the indexes -----------------------------------------------------------------

    def load_files(self) -> FileIndex:
        data, _ = self._read(self.files_path, FileIndex)  # the model's warning suffices
        return data if isinstance(data, FileIndex) else FileIndex()

    def save_files(self, index: FileIndex) -> str | None:
        return self._write(self.files_path, index)

    def load_quick(self) -> QuickIndex | None:
        data, _ = self._read(self.index_path, QuickIndex)
        return data if isinstance(data, QuickIndex) else None

    def save_quick(self, index: QuickIndex | None) -> str | None:
        if index is None:
            with contextlib.suppress(OSError):
                self.index_path.unlink()
            return None
        return self._write(self.index_path, index)

    # -- memos -----------------------------------------------------------------------

    def recall(self, name: str, fingerprint: str) -> Any:
        """The value remembered under ``name`` for exactly this fingerprint, or None."""
        data, _ = self._read(self._memo_path(name), tuple)
        if isinstance(data, tuple) and len(data) == 3 and data[:2] == (cache_format(), fingerprint):
            return data[2]
        return None

    def remember(self, name: str, fingerprint: str, value: Any) -> str | None:
        """Keep ``value`` for ``fingerprint``, replacing what ``name`` held before."""
        return self._write(self._memo_path(name), (cache_format(), fingerprint, value))

    def _memo_path(self, name: str) -> Path:
        safe = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
        return self._memo_prefix.with_name(f"{self._memo_prefix.name}.{safe}.memo")

    # -- files -----------------------------------------------------------------------

    def _read(self, path: Path, kind: type) -> tuple[object | None, str | None]:
        from cybercoop_cli.gcpause import paused_gc

        try:
            with path.open("rb") as handle, paused_gc():
                data = pickle.load(handle)  # our own file, in the user's own cache folder
        except FileNotFoundError:
            return None, None
        except Exception as exc:  # a corrupt or truncated pickle raises many types
            return None, f"cache {path} is unreadable ({type(exc).__name__}); rebuilding it"
        if kind is tuple:
            return data, None
        if not isinstance(data, kind) or getattr(data, "format", None) != cache_format():
            return None, f"cache {path} is from another version of cybercoop; rebuilding it"
        return data, None

    def _write(self, path: Path, data: object) -> str | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(path.parent)
            fd, tmp = tempfile.mkstemp(prefix=".review-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
                Path(tmp).replace(path)
            except BaseException:
                with contextlib.suppress(OSError):
                    Path(tmp).unlink()
                raise
        except OSError as exc:
            return f"cannot write the cache {path}: {exc.strerror}"
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            return f"cannot write the cache {path}: {exc}"
        return None


#: A temporary cache file older than this was left by a writer that was killed: even a
#: 100,000-source model is written in seconds.
ABANDONED_AFTER = 600.0


def _remove_abandoned(folder: Path) -> None:
    """Remove temporary files that killed writers (SIGKILL, power loss) left behind."""
    import time

    limit = time.time() - ABANDONED_AFTER
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".review-") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < limit:
                        Path(entry.path).unlink()
