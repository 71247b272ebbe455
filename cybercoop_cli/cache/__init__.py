"""The cache: what was parsed or computed from a review's unchanged inputs, as plain data.

One SQLite file (``cache.sqlite3``) in :func:`cache_dir`, holding for each review:

* the file index, one row: each input file's state (size, modification and change
  times, inode) and the digest of its content, as in git's index, so that an unchanged
  file is not read again (one row is read and checked in a hundredth of the time of
  10,000);
* the review file's parse, under the digest of its content (a re-run need not load the
  YAML parser at all);
* one row per note: its parse, as JSON, under the digest of its content;
* the parsed bibliography, under the digest of all its .bib files (macros cross files):
  a head row with every source's key and the problems, and the sources in rows of
  :data:`CHUNK` (one JSON text of 10,000 sources would be held whole, as text and as
  bytes, when written). The sources are decoded on first use (:class:`EncodedSources`):
  ``review`` needs only their keys;
* memos: a command's output (its text, and its exit code on the line before) under the
  **fingerprint** of the review (a digest of every
  input's name and content, the review file's path and the code that computed it),
  served only for exactly that fingerprint.

Safety: values are JSON or, for memos, the output text (written and read with orjson, three times faster than the
standard library's json here), read back field by field into the model's classes
(:mod:`.codec`); nothing in it is evaluated or run. Every row carries a seal (a CRC-32 of
its columns and of its value) that is checked when it is read: a damaged row is ignored,
and written again from the input. A file the database cannot read at all is replaced. A
cache folder or file that belongs to another user or that others may write is refused
(:class:`CacheRefused`), and the command runs without the cache. The file stores a stamp
of its schema and of cybercoop's code; a different stamp empties it. It is capped in size
(``CYBERCOOP_CACHE_MAX_MB``, default 256): the reviews used longest ago are dropped.

The file is written without fsync (``PRAGMA synchronous = OFF``): a power cut may lose or
damage what was written last, which is then computed again, as above.

A file changed less than :data:`RACY_NS` before it was hashed is hashed again next time:
a filesystem with coarse timestamps (FAT: 2 s) could keep a second edit's state.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import orjson

from cybercoop_cli import __version__

#: Bump when the schema or the meaning of a value changes.
SCHEMA = 4
FILE_NAME = "cache.sqlite3"
RACY_NS = 2_000_000_000
DEFAULT_MAX_MB = 256
#: A review's "last used" time is written again only after this long (it costs a write).
USED_RESOLUTION_S = 3600
#: Sources per bibliography row.
CHUNK = 1000

#: What the file index compares, in text: size, modification and change times (ns),
#: inode, as git's index does; a file that cannot be read has a state that never matches.
UNREADABLE = "unreadable"
#: One input in the file index: its state, when it was hashed (ns), its content digest.
IndexRow = tuple[str, int, str]

INDEX, NOTE, BIB, BIBLIOGRAPHY, MEMO = "index", "note", "bib", "bibliography", "memo"
REVIEW = "review"
_INSERT = "INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
#: The name of the index row that holds the files read since the whole index was written.
RECENT = "recent"
#: The name of a bibliography's head row (the others are numbered from "0").
HEAD = "head"


class CacheRefused(Exception):
    """The cache cannot be used safely; the message says why. Run without it."""


def cache_dir() -> Path:
    """``$CYBERCOOP_CACHE_DIR``, else the platform's user cache folder for cybercoop."""
    override = os.environ.get("CYBERCOOP_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cybercoop", appauthor=False))


def cache_file() -> Path:
    return cache_dir() / FILE_NAME


def max_bytes() -> int:
    text = os.environ.get("CYBERCOOP_CACHE_MAX_MB", "")
    megabytes = int(text) if text.isdigit() else DEFAULT_MAX_MB
    return megabytes * 1024 * 1024


@functools.cache
def code_stamp() -> str:
    """cybercoop's version and a stamp of its own source files.

    An edited checkout (an editable install) is another version too: a cache written by
    different code could hold results that code no longer computes.
    """
    package = Path(__file__).resolve().parent.parent
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
    return f"{SCHEMA}/{__version__}+{digest.hexdigest()}"


def content_hash(*chunks: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "little"))
        digest.update(chunk)
    return digest.hexdigest()


def check_safe(path: Path) -> None:
    """Refuse a cache folder or file that another user owns or may write (POSIX).

    Whoever can write the cache decides what a cached run shows. Windows has no owner
    ids or mode bits to compare (access is by ACL, and the per-user folder is private),
    so there the check is skipped.
    """
    if not hasattr(os, "getuid"):
        return
    st = path.lstat()
    what = "folder" if path.is_dir() else "file"
    if path.is_symlink():
        raise CacheRefused(f"cache {what} {path} is a symbolic link; not using the cache")
    if st.st_uid != os.getuid():
        raise CacheRefused(
            f"cache {what} {path} belongs to another user (uid {st.st_uid}); not using the "
            "cache (set CYBERCOOP_CACHE_DIR to a folder of your own)"
        )
    if st.st_mode & 0o022:
        raise CacheRefused(
            f"cache {what} {path} is writable by other users; not using the cache "
            f"(run 'chmod go-w {path}', or set CYBERCOOP_CACHE_DIR)"
        )


def _seal(
    review: str, kind: str, name: str, state: str, hashed_at: int, digest: str, value: str
) -> str:
    """A check of a row's every column: CRC-32 of them all (10,000 note rows are read).

    It finds damage (a bad disk block, a torn write, a row copied under another review's
    id or name), which is what it is for. It is not a signature: whoever may write the
    file could compute any digest as well, which is why a cache folder or file others may
    write is refused (:func:`check_safe`). CRC-32 reads a row in half the time of BLAKE2b.
    """
    head = f"{review}\0{kind}\0{name}\0{state}\0{hashed_at}\0{digest}\0".encode()
    return f"{zlib.crc32(value.encode(), zlib.crc32(head)):08x}"


_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS review(id TEXT PRIMARY KEY, path TEXT NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entry(
    review TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
    state TEXT NOT NULL, hashed_at INTEGER NOT NULL, digest TEXT NOT NULL,
    value TEXT NOT NULL, seal TEXT NOT NULL, size INTEGER NOT NULL,
    UNIQUE(review, kind, name));
CREATE INDEX IF NOT EXISTS entry_size ON entry(size);
"""


def connect(*, create: bool = True) -> sqlite3.Connection:
    """The cache database, checked as :func:`check_safe` says; raises CacheRefused.

    A file SQLite cannot read (damaged, or not a database) is removed and started afresh.
    """
    folder = cache_dir()
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheRefused(f"cannot create the cache folder {folder}: {exc.strerror}") from None
    check_safe(folder)
    path = folder / FILE_NAME
    if path.exists():
        check_safe(path)
    try:
        return _open(path)
    except sqlite3.DatabaseError:
        with contextlib.suppress(OSError):
            path.unlink()
        try:
            return _open(path)
        except sqlite3.Error as exc:
            raise CacheRefused(f"cannot use the cache {path}: {exc}") from None
    except sqlite3.Error as exc:
        raise CacheRefused(f"cannot use the cache {path}: {exc}") from None


def _open(path: Path) -> sqlite3.Connection:
    fresh = not path.exists()
    conn = sqlite3.connect(path, timeout=5.0)
    # No fsync: a cache needs no durability across a power cut. Every row is addressed by
    # the content it was computed from and sealed, so a row lost or left stale by one is
    # computed again, and a file SQLite then cannot read is replaced. After an edited note
    # of 10,000, the syncs cost 0.15 s of waiting and 0.03 s of CPU.
    conn.execute("PRAGMA synchronous = OFF")
    try:
        if fresh:
            with contextlib.suppress(OSError):
                path.chmod(0o600)  # notes can be private
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.executescript(_SCHEMA_SQL)
        row = conn.execute("SELECT value FROM meta WHERE name = 'stamp'").fetchone()
        if row is None or row[0] != code_stamp():
            # Written by other code (or never): start afresh, tables and all (another
            # schema may have other columns).
            conn.executescript("DROP TABLE entry; DROP TABLE review;" + _SCHEMA_SQL)
            with conn:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (code_stamp(),))
            _release_free_pages(conn)
    except BaseException:
        conn.close()
        raise
    return conn


@dataclass
class Scan:
    """What a review's inputs are now: every input's content digest, and the fingerprint.

    ``contents`` holds the files read to learn their digest, so that a parser need not
    read them again; ``fresh`` names the files read this time (the index must be written).
    """

    digests: dict[str, str]
    #: Each input's state, as the index writes it: size, times and inode in text.
    states: dict[str, str]
    hashed_at: dict[str, int]
    fingerprint: str
    bibliography_key: str
    contents: dict[str, bytes] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)


class ReviewCache:
    """The cache rows of one review, named by a digest of the review file's absolute path."""

    def __init__(self, conn: sqlite3.Connection, review_file: Path) -> None:
        self.conn = conn
        self.path = str(review_file.resolve())
        self.id = hashlib.blake2b(self.path.encode(), digest_size=12).hexdigest()
        #: Rows that failed their check this run (rebuilt from the inputs).
        self.damaged = 0
        self._index: dict[str, dict[str, IndexRow]] = {}
        self._recent: dict[str, dict[str, IndexRow]] = {}

    @classmethod
    def open(cls, review_file: Path) -> ReviewCache:
        """The review's cache; raises :class:`CacheRefused` when there is none to use."""
        store = cls(connect(), review_file)
        try:
            store._touch()
        except sqlite3.Error as exc:
            store.close()
            raise CacheRefused(f"cannot use the cache {cache_file()}: {exc}") from None
        return store

    def close(self) -> None:
        self.conn.close()

    def _touch(self) -> None:
        now = int(time.time())
        row = self.conn.execute("SELECT used FROM review WHERE id = ?", (self.id,)).fetchone()
        if row is None or row[0] < now - USED_RESOLUTION_S:
            with self.conn:
                self.conn.execute(
                    "INSERT OR REPLACE INTO review VALUES (?, ?, ?)", (self.id, self.path, now)
                )

    # -- the review file ---------------------------------------------------------------

    def review(self, review_file: Path, data: bytes | None, parse: Callable[[], Any]) -> Any:
        """The review file's parse: from its row when this file, with this content, was
        parsed before; else ``parse()``, kept for the next run. Its folders are relative
        to where it is, so the row's key names the path as well as the content."""
        from cybercoop_cli.cache.codec import decode_review, encode_review

        key = content_hash(str(review_file).encode(), content_hash(data or b"").encode())
        for _, _, value in self._values(REVIEW, "", key):
            try:
                review = decode_review(value)
            except (ValueError, TypeError, KeyError):
                self.damaged += 1
                continue
            if review.file == review_file:
                return review
        review = parse()
        with self.conn:
            self._put(REVIEW, "", "", 0, key, _dumps(encode_review(review)))
        return review

    # -- the index ---------------------------------------------------------------------

    def scan(
        self,
        review_digest: str,
        bibs: list[tuple[str, str | Path]],
        notes: list[tuple[str, str | Path]],
        read: Callable[[str | Path, bool], bytes | None],
    ) -> Scan:
        """Learn every input's digest: from its row where its state is unchanged (and
        settled), else by reading it with ``read(path, is_note)`` (bytes, or None when it
        cannot be read: the parser then says why)."""
        index = self._read_index()
        now = time.time_ns()
        scan = Scan({}, {}, {}, "", "")
        states, kinds, digests, hashed = scan.states, scan.kinds, scan.digests, scan.hashed_at
        stat = os.stat
        # The one loop a re-run of 10,000 notes spends most of its time in: kept flat.
        for kind, inputs in ((BIB, bibs), (NOTE, notes)):
            known = index.get(kind, {})
            for display, path in inputs:
                try:
                    st = stat(path)
                    state = f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
                    changed = max(st.st_mtime_ns, st.st_ctime_ns)
                except OSError:
                    state, changed = UNREADABLE, now  # never matches, never settled
                states[display] = state
                kinds[display] = kind
                row = known.get(display)
                # Settled: last changed well before it was hashed (see RACY_NS).
                if row is not None and row[0] == state and changed < row[1] - RACY_NS:
                    digests[display] = row[2]
                    hashed[display] = row[1]
                    continue
                data = read(path, kind == NOTE)
                if data is not None:
                    scan.contents[display] = data
                digests[display] = content_hash(data or b"")
                hashed[display] = now
                scan.fresh.add(display)
        scan.bibliography_key = content_hash(*(f"{d}\0{scan.digests[d]}".encode() for d, _ in bibs))
        scan.fingerprint = content_hash(
            code_stamp().encode(),
            self.path.encode(),
            review_digest.encode(),
            *(f"{d}\0{digest}".encode() for d, digest in scan.digests.items()),
        )
        self._write_index(scan)
        return scan

    def _write_index(self, scan: Scan) -> None:
        """Write the file index if it changed (a file was read, added or removed), and
        drop the rows of notes that are gone; even when a memo then serves the command.

        Files read again while none was added or removed go to a small second row,
        :data:`RECENT`, read over the first: after one edited note of 10,000 the whole
        index (1.4 MB) is not written again. Once the recent row holds a twentieth of
        the files, or a file is gone, the whole index is written and the recent row
        dropped.
        """
        index = self._index
        known = sum(len(rows) for rows in index.values())
        if not scan.fresh and known == len(scan.digests):
            return
        gone = [name for rows in index.values() for name in rows if name not in scan.digests]
        recent = {name for rows in self._recent.values() for name in rows} | scan.fresh
        if index and not gone and len(recent) <= max(100, known // 20):
            with self.conn:
                self._put(INDEX, RECENT, "", 0, "", _dumps(_index_columns(scan, recent)))
            return
        with self.conn:
            self._put(INDEX, "", "", 0, "", _dumps(_index_columns(scan, scan.digests)))
            self.conn.execute(
                "DELETE FROM entry WHERE review = ? AND kind = ? AND name = ?",
                (self.id, INDEX, RECENT),
            )
            # The notes the index knew; every note's, if there was no sound index.
            known_notes: Iterable[str] = index.get(NOTE, {})
            if not index:
                query = "SELECT name FROM entry WHERE review = ? AND kind = ?"
                known_notes = [n for (n,) in self.conn.execute(query, (self.id, NOTE))]
            self.conn.executemany(
                "DELETE FROM entry WHERE review = ? AND kind = ? AND name = ?",
                [(self.id, NOTE, name) for name in known_notes if name not in scan.digests],
            )

    def _read_index(self) -> dict[str, dict[str, IndexRow]]:
        """The file index: kind -> display name -> (state, hashed_at, digest), the
        :data:`RECENT` row read over the whole one.

        Stored by columns (kind -> [names, states, times, digests]) and checked a column
        at a time: 10,000 rows are read on every run.
        """
        rows: dict[str, dict[str, dict[str, IndexRow]]] = {}
        for name, _, value in self._values(INDEX):
            try:
                rows[name] = _index_rows(value)
            except (TypeError, ValueError, AttributeError):
                self.damaged += 1
                rows = {"": {}}  # no part can be trusted alone: read the files again
                break
        index = rows.get("", {})
        self._recent = rows.get(RECENT, {}) if index else {}
        for kind, recent in self._recent.items():
            index.setdefault(kind, {}).update(recent)
        self._index = index
        return index

    # -- values ------------------------------------------------------------------------

    def _values(
        self, kind: str, name: str | None = None, digest: str | None = None, *, parse: bool = True
    ) -> Iterator[tuple[str, str, Any]]:
        """(name, digest, decoded JSON) of each sound row of ``kind`` (and ``name``, and
        ``digest``: a row for other inputs is not even read); the JSON text unless ``parse``."""
        query = "SELECT name, state, hashed_at, digest, value, seal FROM entry WHERE review = ? AND kind = ?"
        args: tuple[str, ...] = (self.id, kind)
        if name is not None:
            query += " AND name = ?"
            args = (*args, name)
        if digest is not None:
            query += " AND digest = ?"
            args = (*args, digest)
        for found, state, hashed_at, digest, value, seal in self.conn.execute(query, args):
            if seal != _seal(self.id, kind, found, state, hashed_at, digest, value):
                self.damaged += 1
                continue
            if not parse:
                yield found, digest, value
                continue
            try:
                yield found, digest, orjson.loads(value)
            except ValueError:
                self.damaged += 1

    def notes(self, scan: Scan) -> dict[str, Any]:
        """Each note's result, decoded, where its content is exactly what was parsed."""
        from cybercoop_cli.cache.codec import decode_note_result

        found: dict[str, Any] = {}
        for name, digest, value in self._values(NOTE):
            if scan.digests.get(name) == digest and value is not None:
                try:
                    found[name] = decode_note_result(value)
                except (ValueError, TypeError, KeyError):
                    self.damaged += 1
        return found

    def bibliography(self, scan: Scan, reparse: Callable[[], Sequence[Any]]) -> Any:
        """The parsed bibliography of exactly these .bib files, or None.

        Only its head row is read here; the rows of sources are read and decoded on first
        use (:class:`EncodedSources`); ``reparse`` gives them from the .bib files should
        a row be missing, damaged or not decode.
        """
        from cybercoop_cli.cache.codec import decode_problem
        from cybercoop_cli.model import Bibliography

        key = scan.bibliography_key
        head = next(self._values(BIBLIOGRAPHY, HEAD, key, parse=False), None)
        if head is None:
            return None
        try:
            count, keys, problems = orjson.loads(head[2])
            if type(count) is not int or type(keys) is not list:
                raise ValueError("a bibliography head is [count, keys, problems]")
            "".join(keys)  # TypeError unless every key is text
            decoded_problems = tuple(decode_problem(problem) for problem in problems)
        except (ValueError, TypeError, KeyError):
            self.damaged += 1
            return None
        return Bibliography(
            EncodedSources(tuple(keys), functools.partial(self._source_rows, key, count), reparse),
            decoded_problems,
        )

    def _source_rows(self, key: str, count: int) -> list[str]:
        """The bibliography's ``count`` rows of sources, in order; ValueError if one is
        missing or damaged (or one too many: the head says how many were written)."""
        damaged = self.damaged
        try:
            rows = {
                name: text for name, _, text in self._values(BIBLIOGRAPHY, digest=key, parse=False)
            }
        except sqlite3.Error as exc:
            raise ValueError(f"cannot read the cache: {exc}") from None
        rows.pop(HEAD, None)
        if self.damaged != damaged or rows.keys() != {str(index) for index in range(count)}:
            raise ValueError("a bibliography row is missing or damaged")
        return [rows[str(index)] for index in range(count)]

    def save(
        self,
        scan: Scan,
        notes: dict[str, Any],
        bibliography: Any = None,
    ) -> None:
        """Write, in one transaction, the notes parsed this time (display name -> result)
        and a newly parsed bibliography."""
        from cybercoop_cli.cache.codec import encode_note_result

        def rows() -> Iterator[tuple[Any, ...]]:
            # A generator: each value is encoded as it is written, not all held at once.
            for display, result in notes.items():
                value = _dumps(encode_note_result(result))
                yield self._sealed(NOTE, display, "", 0, scan.digests[display], value)
            if bibliography is not None:
                for name, value in _bibliography_rows(bibliography):
                    yield self._sealed(BIBLIOGRAPHY, name, "", 0, scan.bibliography_key, value)

        with self.conn:
            if bibliography is not None:  # a smaller one has fewer rows
                self.conn.execute(
                    "DELETE FROM entry WHERE review = ? AND kind = ?", (self.id, BIBLIOGRAPHY)
                )
            self.conn.executemany(_INSERT, rows())
        self._limit_size()

    def _put(
        self, kind: str, name: str, state: str, hashed_at: int, digest: str, value: str
    ) -> None:
        """Write one row, sealed, in place of the row of the same kind and name."""
        self.conn.execute(_INSERT, self._sealed(kind, name, state, hashed_at, digest, value))

    def _sealed(
        self, kind: str, name: str, state: str, hashed_at: int, digest: str, value: str
    ) -> tuple[Any, ...]:
        seal = _seal(self.id, kind, name, state, hashed_at, digest, value)
        return (self.id, kind, name, state, hashed_at, digest, value, seal, len(value))

    # -- memos -------------------------------------------------------------------------

    def recall(self, name: str, fingerprint: str) -> tuple[str, int] | None:
        """The output (text, exit code) remembered under ``name`` for exactly this
        fingerprint, or None."""
        for _, _, value in self._values(MEMO, name, fingerprint, parse=False):
            code, newline, text = value.partition("\n")
            if newline and code.isdigit():
                return text, int(code)
            self.damaged += 1  # sealed, so written by other code
        return None

    def remember(self, name: str, fingerprint: str, text: str, code: int) -> None:
        """Keep a command's output (its text and exit code) for ``fingerprint``, replacing
        what ``name`` held. Stored as it is written, the exit code on the first line: a
        re-run writes it without decoding anything (7 MB for 10,000 notes)."""
        with self.conn:
            self._put(MEMO, name, "", 0, fingerprint, f"{code}\n{text}")
        self._limit_size()

    # -- size --------------------------------------------------------------------------

    def _limit_size(self) -> None:
        """Drop the reviews used longest ago (never this one) while over the cap."""
        limit = max_bytes()
        total = self.conn.execute("SELECT COALESCE(SUM(size), 0) FROM entry").fetchone()[0]
        if total <= limit:
            _release_free_pages(self.conn)
            return
        sizes = self.conn.execute(
            "SELECT review.id, COALESCE(SUM(entry.size), 0) FROM review "
            "LEFT JOIN entry ON entry.review = review.id WHERE review.id != ? "
            "GROUP BY review.id ORDER BY review.used",
            (self.id,),
        ).fetchall()
        dropped = []
        for review_id, size in sizes:
            if total <= limit:
                break
            dropped.append(review_id)
            total -= size
        with self.conn:
            for review_id in dropped:
                self.conn.execute("DELETE FROM entry WHERE review = ?", (review_id,))
                self.conn.execute("DELETE FROM review WHERE id = ?", (review_id,))
        _release_free_pages(self.conn)


def _release_free_pages(conn: sqlite3.Connection) -> None:
    """Give the pages no row uses back to the file system once they are a quarter of the
    file: rows replaced or dropped (a new code stamp drops every table) leave pages free,
    and a file of 40 MB of rows stayed at 490 MB."""
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if free * 4 > conn.execute("PRAGMA page_count").fetchone()[0]:
        # executescript runs it to the end: execute() takes one step, which frees one page.
        conn.executescript("PRAGMA incremental_vacuum")


def _index_columns(scan: Scan, names: Iterable[str]) -> dict[str, list[list[Any]]]:
    """The index entries of ``names`` by kind and by column: names, states, times, digests."""
    index: dict[str, list[list[Any]]] = {}
    for d in names:
        columns = index.setdefault(scan.kinds[d], [[], [], [], []])
        for column, item in zip(
            columns, (d, scan.states[d], scan.hashed_at[d], scan.digests[d]), strict=True
        ):
            column.append(item)
    return index


def _index_rows(value: Any) -> dict[str, dict[str, IndexRow]]:
    """An index row's columns as kind -> name -> (state, hashed_at, digest), checked."""
    index: dict[str, dict[str, IndexRow]] = {}
    for kind, (names, states, times, digests) in value.items():
        if not len(names) == len(states) == len(times) == len(digests):
            raise ValueError("the index's columns differ in length")
        if {*map(type, names), *map(type, states), *map(type, digests)} - {str}:
            raise TypeError("a name, state or digest must be text")
        if set(map(type, times)) - {int}:
            raise TypeError("a time must be a number")
        index[kind] = dict(zip(names, zip(states, times, digests, strict=True), strict=True))
    return index


def _bibliography_rows(bibliography: Any) -> Iterator[tuple[str, str]]:
    """The bibliography's rows (name, JSON): the head (how many rows of sources, every
    key, the problems), then the sources, :data:`CHUNK` a row."""
    from cybercoop_cli.cache.codec import encode_problem, encode_source

    sources = bibliography.sources
    count = -(-len(sources) // CHUNK)
    keys = [source.key for source in sources]
    yield HEAD, _dumps([count, keys, [encode_problem(p) for p in bibliography.problems]])
    for index in range(count):
        part = sources[index * CHUNK : (index + 1) * CHUNK]
        yield str(index), _dumps([encode_source(source) for source in part])


class EncodedSources(Sequence[Any]):
    """A bibliography's sources as the cache holds them: the keys at once, the rows of
    sources read and decoded on first use (``review`` of 10,000 sources needs only the
    keys: reading and decoding them all would be a third of its time after an edited
    note).

    ``rows()`` gives the rows' JSON texts, each past its seal, or raises ValueError; a
    row that is missing, damaged or does not decode (a sealed row written by something
    other than this code) is not trusted, and ``reparse`` reads the .bib files again.
    """

    def __init__(
        self,
        keys: tuple[str, ...],
        rows: Callable[[], list[str]],
        reparse: Callable[[], Any],
    ):
        self.keys = keys
        self._rows: Callable[[], list[str]] | None = rows
        self._reparse = reparse
        self._sources: tuple[Any, ...] = ()

    def _decoded(self) -> tuple[Any, ...]:
        if self._rows is not None:
            from cybercoop_cli.cache.codec import decode_source
            from cybercoop_cli.gcpause import paused_gc

            with paused_gc():  # tens of thousands of objects, none in a cycle
                try:
                    sources = tuple(
                        decode_source(data) for text in self._rows() for data in orjson.loads(text)
                    )
                    if tuple(source.key for source in sources) != self.keys:
                        raise ValueError("the keys differ from the sources")
                except (ValueError, TypeError, KeyError):
                    sources = tuple(self._reparse())
            self._sources, self._rows = sources, None
        return self._sources

    @property
    def decoded(self) -> bool:
        """Whether the sources have been decoded (or read again) yet."""
        return self._rows is None

    def __len__(self) -> int:
        return len(self._sources) if self.decoded else len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return self._decoded() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        state = "decoded" if self.decoded else "encoded"
        return f"<{len(self)} sources, {state}>"


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


# -- cache info / cache clear ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewInfo:
    path: str
    bytes: int
    rows: int
    used: int  # seconds since the epoch


@dataclass(frozen=True)
class CacheInfo:
    folder: Path
    file: Path
    exists: bool
    file_bytes: int
    max_bytes: int
    stamp: str
    reviews: tuple[ReviewInfo, ...]


def cache_info() -> CacheInfo:
    """Where the cache is, how large, and what it holds; raises CacheRefused if unsafe."""
    path = cache_file()
    if not path.exists():
        return CacheInfo(path.parent, path, False, 0, max_bytes(), "", ())
    conn = connect(create=False)
    try:
        rows = conn.execute(
            "SELECT review.path, COALESCE(SUM(entry.size), 0), COUNT(entry.name), review.used "
            "FROM review LEFT JOIN entry ON entry.review = review.id "
            "GROUP BY review.id ORDER BY review.used DESC"
        ).fetchall()
        stamp = conn.execute("SELECT value FROM meta WHERE name = 'stamp'").fetchone()
    finally:
        conn.close()
    reviews = tuple(ReviewInfo(*row) for row in rows)
    size = path.stat().st_size
    return CacheInfo(path.parent, path, True, size, max_bytes(), stamp[0] if stamp else "", reviews)


def clear_cache() -> int:
    """Remove the cache file; return the bytes freed.

    Only cybercoop's own files go: the folder may be shared (``CYBERCOOP_CACHE_DIR``).
    """
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    paths = [folder / FILE_NAME, folder / f"{FILE_NAME}-journal"]
    freed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            freed += path.stat().st_size
            path.unlink()
    return freed
