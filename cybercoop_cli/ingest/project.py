"""Finding and loading a whole review: the review file, its bibliography and its notes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cybercoop_cli.cache import RACY_NS, CacheData, cache_format, content_hash
from cybercoop_cli.errors import InputError, ProjectNotFoundError
from cybercoop_cli.ingest import layout
from cybercoop_cli.ingest.review import MAX_REVIEW_BYTES, REVIEW_FILE, read_review
from cybercoop_cli.ingest.text import MAX_BIB_BYTES, read_bounded

if TYPE_CHECKING:
    from cybercoop_cli.cache import FileRecord, ProjectCache, QuickIndex
    from cybercoop_cli.ingest.bibtex import BibTail, Decoded
    from cybercoop_cli.model import Bibliography, Note, Problem, Project, Review

#: What the file index compares of a file: size, modification and change times, inode.
State = tuple[int, int, int, int]
# Each note's content digest, its result, and (if asked for) its state.
_Batch = tuple[list[str], list[tuple["Note | None", list["Problem"]]], list[State]]

# A mistyped key or id is matched to the nearest known one with this rapidfuzz scorer;
# below the cutoff no suggestion is made.
SUGGESTION_CUTOFF = 60.0

Progress = Callable[[str, int, int], None]


def find_review_file(start: Path | None = None) -> Path:
    """The review file in ``start`` (default: the current folder) or the nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / REVIEW_FILE
        if candidate.is_file():
            return candidate
    raise ProjectNotFoundError(
        f"no {REVIEW_FILE} in {here} or any parent folder: run 'cybercoop init' to start a "
        "review, or pass --project DIR"
    )


def resolve_review_file(project: Path | None, start: Path | None = None) -> Path:
    """The review file named by ``project`` (a folder or the file), or found from ``start``."""
    if project is None:
        return find_review_file(start)
    path = Path(project)
    review_file = path if path.is_file() else path / REVIEW_FILE
    if not review_file.is_file():
        raise ProjectNotFoundError(
            f"no {REVIEW_FILE} in {path}: run 'cybercoop init {path}' to start a review there"
        )
    # Absolute, as when found by searching: the same review gives the same paths (and
    # cache keys) however it was named.
    return review_file.resolve()


def load_bibliography(project: Path | None = None, *, start: Path | None = None) -> Bibliography:
    """Only the review's sources (no notes): what ``cybercoop sources`` needs."""
    review = read_review(resolve_review_file(project, start))
    return _read_references(review)


def _read_references(
    review: Review,
    contents: dict[str, bytes | Decoded] | None = None,
    tails: dict[str, BibTail] | None = None,
) -> Bibliography:
    root = review.root
    folder = review.references_dir
    bib_files = layout.bib_files(review.references_dir)
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.model import Bibliography, Problem

    bibliography = read_bibliography(bib_files, display_root=root, contents=contents, tails=tails)
    if bib_files:
        return bibliography
    missing = Problem(
        _relative(folder, root),
        None,
        "no .bib files here: add your bibliography, or run 'cybercoop import FILE'",
        "no-references",
    )
    return Bibliography(bibliography.sources, (missing, *bibliography.problems))


def load_project(
    project: Path | None = None,
    *,
    start: Path | None = None,
    progress: Progress | None = None,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Project:
    """Load a review. ``project`` is its folder (or review file); otherwise it is searched for.

    Problems a user can fix and that leave the rest readable are collected in
    ``Project.problems``; a review file that cannot be read raises :class:`InputError`.
    With ``cache``, parsed inputs are reused when their content is unchanged (see
    :mod:`cybercoop_cli.cache`); ``warn`` receives notices about the cache itself.
    """
    opened = open_review(project, start=start, cache=cache, warn=warn)
    return opened.load(progress=progress)


def open_review(
    project: Path | None = None,
    *,
    start: Path | None = None,
    cache: bool = False,
    warn: Callable[[str], None] | None = None,
    background: bool = False,
) -> OpenedReview:
    """Find a review and list its input files, without parsing them yet.

    With ``background``, what a load or :meth:`OpenedReview.remember` would write to the
    cache waits until :meth:`OpenedReview.flush`, which writes it all in a detached child
    process, so that the caller need not wait for it (the command line does this, once
    its output is out). Without it, the cache is written as it goes.

    With ``cache``, each input's content digest is known once this returns (from the
    file index where a file's state is unchanged, by reading it otherwise), and with them
    the review's :attr:`OpenedReview.fingerprint`: results remembered under it are
    served again only while every input has exactly the same content.
    """
    review_file = resolve_review_file(project, start)
    if not cache:
        review = read_review(review_file)
        return OpenedReview(
            review_file, review.references_dir, review.notes_dir, review, None, warn
        )
    from cybercoop_cli.cache import ProjectCache

    store = ProjectCache(review_file)
    quick = store.load_quick()
    review_data = _read_bytes(review_file, MAX_REVIEW_BYTES)
    review_digest = content_hash(review_data or b"")
    if quick is not None and quick.review_digest == review_digest:
        # The parsed review file stays pickled until a result must be computed.
        folders = Path(quick.references_dir), Path(quick.notes_dir)
        opened = OpenedReview(review_file, *folders, quick.review, store, warn)
    else:
        quick = None
        review = read_review(review_file, review_data)
        opened = OpenedReview(
            review_file, review.references_dir, review.notes_dir, review, store, warn
        )
    opened.background = background
    opened.scan(review_digest, quick)
    return opened


class OpenedReview:
    """A review whose input files are listed; :meth:`load` parses them into a Project.

    With the cache on, :attr:`fingerprint` is a digest of the content of every input (the
    review file, each .bib file, each note), and :meth:`recall` / :meth:`remember` keep
    any picklable result computed from exactly those inputs.
    """

    def __init__(
        self,
        review_file: Path,
        references_dir: Path,
        notes_dir: Path,
        review: Review | bytes,
        store: ProjectCache | None,
        warn: Callable[[str], None] | None,
    ) -> None:
        self.review_file = review_file
        self.fingerprint: str | None = None
        self._review = review
        self._store = store
        self._warn = warn
        self._review_digest = ""
        root = review_file.parent
        self._bibs: list[tuple[str, str | Path]] = [
            (_relative(path, root), path) for path in layout.bib_files(references_dir)
        ]
        # Strings, not Paths, for speed: a review may hold tens of thousands of notes.
        note_paths = layout.note_paths(notes_dir)
        prefix = str(root).rstrip(os.sep) + os.sep
        if all(path.startswith(prefix) for path in note_paths):
            cut = len(prefix)
            self._notes: list[tuple[str, str | Path]] = [(p[cut:], p) for p in note_paths]
        else:
            self._notes = [(_relative(path, root), path) for path in note_paths]
        self._states: dict[str, tuple[int, int, int, int]] = {}
        self._records: dict[str, FileRecord] | None = None
        self._contents: dict[str, bytes] = {}
        self._states_digest = ""
        self._dirty = False  # the file index must be written
        self._unhashed: set[str] = set()  # notes to be hashed where they are parsed
        self._early: _NotesReader | None = None  # started by _fresh_scan
        self._tail: tuple[str, int] | None = None  # (.bib path, cut) split by the child
        self._decoded: dict[str, Decoded] = {}  # display -> a .bib decoded already
        self._scanned_at = 0
        #: Keep cache writes until :meth:`flush`, which makes them in a detached child.
        self.background = False
        self._pending: list[Callable[[], str | None]] = []
        # What flush() handed over: freed with this object, not one by one just before a
        # command ends (tens of thousands of records and notes: 0.016 s, measured).
        self._handed_over: list[Callable[[], str | None]] = []

    def __del__(self) -> None:
        # Opened but never loaded: a child started by _fresh_scan is not left running.
        with contextlib.suppress(Exception):
            if self._early is not None:
                self._early.cancel()

    @property
    def review(self) -> Review:
        """The parsed review file."""
        if isinstance(self._review, bytes):
            from cybercoop_cli.model import Review

            review = pickle.loads(self._review)  # from our own cache, like the model
            if not isinstance(review, Review):
                raise TypeError("the cached review file is not a Review")
            self._review = review
        return self._review

    # -- the cache -------------------------------------------------------------------

    def scan(self, review_digest: str, quick: QuickIndex | None) -> None:
        """Learn every input's digest and the fingerprint (see :mod:`cybercoop_cli.cache`)."""
        self._review_digest = review_digest
        assert self._store is not None
        index = self._store.load_files() if quick is None else None
        if index is not None and not index.files and self._fresh_scan():
            return
        self._states = {display: _state(path) for display, path in (*self._bibs, *self._notes)}
        self._states_digest = self._digest_states()
        if quick is not None and quick.states_digest == self._states_digest:
            self.fingerprint = quick.fingerprint  # nothing changed since it was written
            return
        from cybercoop_cli.ingest.notes import MAX_NOTE_BYTES

        if index is None:
            index = self._store.load_files()
        now = time.time_ns()
        records: dict[str, FileRecord] = {}
        unknown: list[tuple[bool, str, str | Path]] = []  # (is a note, display, path)
        for is_note, inputs in ((False, self._bibs), (True, self._notes)):
            for display, path in inputs:
                state = self._states[display]
                record = index.files.get(display)
                if record is not None and record[:4] == state and _settled(state, record[5]):
                    records[display] = record
                else:
                    unknown.append((is_note, display, path))
        self._scanned_at = now
        self._records = records
        self._dirty = True
        if sum(is_note for is_note, _, _ in unknown) >= PARALLEL_NOTES and _can_fork():
            # Many new notes (a first run): they are read, hashed and parsed together in
            # the child that parses them; the fingerprint is known once they are.
            self._unhashed = {d for is_note, d, _ in unknown if is_note}
            unknown = [item for item in unknown if not item[0]]
        for is_note, display, path in unknown:
            data = _read_bytes(path, MAX_NOTE_BYTES if is_note else MAX_BIB_BYTES)
            if data is not None:  # else the parser reads it again, and says why it cannot
                self._contents[display] = data
            records[display] = (*self._states[display], content_hash(data or b""), now)
        if not self._unhashed:
            self.fingerprint = self._fingerprint(records)

    def _fresh_scan(self) -> bool:
        """Scan a review of which nothing is known yet (a first run), if it is large.

        With many notes or a large .bib file, a child process starts at once: it splits
        the end of the largest .bib file, if that is large, and then shares the notes out
        with this process, taking each note's state before it reads, hashes and parses it
        (see :class:`_NotesReader`). The file index, the states' digest and the fingerprint
        are complete once its results are back (see :meth:`_load`). Returns False, having
        done nothing, where everything is better read here.
        """
        if not _can_fork():
            return False
        bib_states = [_state(path) for _, path in self._bibs]
        large = any(state[0] >= PARALLEL_BIB_BYTES for state in bib_states)
        if len(self._notes) < PARALLEL_NOTES and not large:
            return False
        now = time.time_ns()
        self._scanned_at = now
        self._dirty = True
        self._unhashed = {display for display, _ in self._notes}
        records: dict[str, FileRecord] = {}
        for (display, path), state in zip(self._bibs, bib_states, strict=True):
            self._states[display] = state
            data = _read_bytes(path, MAX_BIB_BYTES)
            if data is not None:  # else the parser reads it again, and says why it cannot
                self._contents[display] = data
            records[display] = (*state, content_hash(data or b""), now)
        self._records = records
        self._early = _start_reading_notes(
            [(path, display, None) for display, path in self._notes],
            None,
            with_states=True,
            first=self._bib_tail_job(),
        )
        return True

    def _bib_tail_job(self) -> Callable[[], Any] | None:
        """A job for the notes' child: splitting the end of the largest .bib file.

        The child does it first, then shares the notes out with this process, which
        meanwhile splits the rest of that file (see :class:`_NotesReader`): on a first run
        (or without the cache) of 10,000 sources both processes are busy until the end. Only a file of at least
        PARALLEL_BIB_BYTES that can be cut (see :func:`~cybercoop_cli.ingest.bibtex.tail_cut`).
        """
        read = [(display, path) for display, path in self._bibs if display in self._contents]
        if not read:
            return None
        display, path = max(read, key=lambda item: len(self._contents[item[0]]))
        data = self._contents[display]
        if len(data) < PARALLEL_BIB_BYTES or len(data) > MAX_BIB_BYTES:
            return None
        from cybercoop_cli.ingest.bibtex import display_name, split_tail, tail_cut
        from cybercoop_cli.ingest.text import decode

        decoded = decode(data)
        text = decoded[0]
        cut = tail_cut(text, TAIL_SHARE)
        if cut is None:
            return None
        self._tail = (str(path), cut)
        self._decoded[display] = decoded  # not decoded again to be parsed
        name = display_name(Path(path), self.review.root)
        return lambda: split_tail(text, cut, name)

    def _digest_states(self) -> str:
        """One digest of every input's name and state, in the inputs' order."""
        displays = [display for display, _ in (*self._bibs, *self._notes)]
        states = [self._states[display] for display in displays]
        # One pickle of names and states: a tenth of formatting a line per file.
        flat = pickle.dumps((displays, states), protocol=pickle.HIGHEST_PROTOCOL)
        return hashlib.blake2b(flat, digest_size=16).hexdigest()

    def _fingerprint(self, records: dict[str, FileRecord]) -> str:
        """The digest of every input's content, in the inputs' order (not the records')."""
        parts = [cache_format().encode(), self._review_digest.encode()]
        parts.extend(
            f"{display}\0{records[display][4]}".encode()
            for display, _ in (*self._bibs, *self._notes)
        )
        return content_hash(*parts)

    def _load_records(self) -> dict[str, FileRecord] | None:
        """The file index, when the quick index vouched for every state."""
        assert self._store is not None
        index = self._store.load_files()
        records = {display: index.files.get(display) for display in self._states}
        if any(r is None or r[:4] != self._states[d] for d, r in records.items()):
            return None  # written by another run meanwhile
        found = {d: r for d, r in records.items() if r is not None}
        return found if self._fingerprint(found) == self.fingerprint else None

    def recall(self, name: str) -> Any:
        """The result remembered under ``name`` for these exact inputs, or None."""
        if self._store is None or self.fingerprint is None:
            return None
        return self._store.recall(name, self.fingerprint)

    def remember(self, name: str, value: Any) -> None:
        """Keep ``value``, computed from these exact inputs, under ``name``."""
        if self._store is None or self.fingerprint is None:
            return
        store, fingerprint = self._store, self.fingerprint
        self._write([lambda: store.remember(name, fingerprint, value)])

    def _notify(self, warning: str | None) -> None:
        if warning and self._warn:
            self._warn(warning)

    # -- loading ---------------------------------------------------------------------

    def load(self, *, progress: Progress | None = None) -> Project:
        """Parse the bibliography and the notes (reusing the cached ones that are unchanged)."""
        from cybercoop_cli.gcpause import paused_gc

        with paused_gc():  # a large acyclic build: see cybercoop_cli.gcpause
            return self._load(progress)

    def _load(self, progress: Progress | None) -> Project:
        if self._store is None:
            first = None
            if _can_fork():  # read ahead, so that a child can split the end of a large one
                for display, path in self._bibs:
                    data = _read_bytes(path, MAX_BIB_BYTES)
                    if data is not None:
                        self._contents[display] = data
                first = self._bib_tail_job()
            parsed = self._start_notes({}, progress, first)
            try:
                bibliography = _read_references(self.review, *self._bib_inputs(parsed))
            except BaseException:
                parsed.cancel()
                raise
            return self._assemble(bibliography, self._merge({}, parsed))
        if self._records is None:
            self._records = self._load_records()
            if self._records is None:  # the index changed under us: scan afresh
                self.scan(self._review_digest, None)
        assert self._records is not None
        records = self._records
        cached, warning = self._store.load()
        self._notify(warning)
        fresh = CacheData()
        reuse: dict[str, tuple[Note | None, list[Problem]]] = {}
        for display, _ in self._notes:
            hit = cached.notes.get(display)
            record = records.get(display)
            if hit is not None and record is not None and hit[0] == record[4]:
                reuse[display] = (hit[1], hit[2])
        if self._early is not None:  # started by _fresh_scan: nothing to reuse
            parsed, self._early = self._early, None
            parsed.progress = progress
        else:
            parsed = self._start_notes(reuse, progress)  # perhaps beside us, in a child
        if progress:
            progress("references", 0, 0)
        key = content_hash(*(f"{d}\0{records[d][4]}".encode() for d, _ in self._bibs))
        changed = False
        if cached.bibliography_key == key and cached.bibliography is not None:
            bibliography = cached.bibliography
        else:
            try:
                bibliography = _read_references(self.review, *self._bib_inputs(parsed))
            except BaseException:
                parsed.cancel()
                raise
            changed = True
        fresh.bibliography_key, fresh.bibliography = key, bibliography

        results = self._merge(reuse, parsed)
        if parsed.with_states:  # the notes' states came with them: see _fresh_scan
            self._states.update(parsed.states)
            self._states_digest = self._digest_states()
        for display, digest in parsed.digests.items():
            if display in self._unhashed:
                records[display] = (*self._states[display], digest, self._scanned_at)
        if self._unhashed:
            self._unhashed = set()
            self.fingerprint = self._fingerprint(records)
        for (display, _), (note, note_problems) in zip(self._notes, results, strict=True):
            fresh.notes[display] = (records[display][4], note, note_problems)
        changed = changed or len(reuse) != len(self._notes) or set(cached.notes) != set(fresh.notes)
        writes: list[Callable[[], str | None]] = []
        if changed:
            store = self._store
            writes.append(lambda: store.save(fresh))
        writes.extend(self._index_writes(records))
        self._write(writes)
        return self._assemble(bibliography, results)

    def _write(self, writes: list[Callable[[], str | None]]) -> None:
        """Write to the cache now, or keep the writes for :meth:`flush` (``background``)."""
        if self.background:
            self._pending.extend(writes)
            return
        for write in writes:
            self._notify(write())

    def flush(self) -> None:
        """Make the cache writes kept so far, in a detached child process where one can start.

        A detached child lets the command end while ~30 MB of model are pickled; until it
        is done a new run finds the previous cache (files are replaced atomically) and
        parses what changed again, so nothing stale can be served. Started once the
        command's output is out, it also spares the command the copy-on-write faults of
        running beside it (0.05 s after a first review of 10,000 sources, measured).
        """
        writes, self._pending = self._pending, []
        if not writes:
            return
        detached = _detach() if hasattr(os, "fork") else None
        if detached:  # the grandchild
            try:
                for write in writes:
                    write()  # nobody is left to warn
            finally:
                os._exit(0)
        if detached is False:  # handed over
            self._handed_over.extend(writes)
            return
        for write in writes:
            self._notify(write())

    def _index_writes(self, records: dict[str, FileRecord]) -> list[Callable[[], str | None]]:
        from cybercoop_cli.cache import FileIndex, QuickIndex

        assert self._store is not None and self.fingerprint is not None
        if not self._dirty:
            return []
        store = self._store
        # The quick index vouches for states only once every file has settled.
        settled = all(_settled(record[:4], record[5]) for record in records.values())
        quick = QuickIndex(
            format=cache_format(),
            review_digest=self._review_digest,
            review=pickle.dumps(self.review, protocol=pickle.HIGHEST_PROTOCOL),
            references_dir=str(self.review.references_dir),
            notes_dir=str(self.review.notes_dir),
            states_digest=self._states_digest,
            fingerprint=self.fingerprint,
        )
        self._dirty = False
        return [
            lambda: store.save_files(FileIndex(files=records)),
            lambda: store.save_quick(quick if settled else None),
        ]

    def _start_notes(
        self,
        reuse: dict[str, tuple[Note | None, list[Problem]]],
        progress: Progress | None,
        first: Callable[[], Any] | None = None,
    ) -> _NotesReader:
        """Start parsing the notes that cannot be reused (and the child's ``first`` job)."""
        pending = [
            (path, display, self._contents.pop(display, None))
            for display, path in self._notes
            if display not in reuse
        ]
        return _start_reading_notes(pending, progress, first=first)

    def _bib_inputs(
        self, parsed: _NotesReader
    ) -> tuple[dict[str, bytes | Decoded], dict[str, BibTail] | None]:
        """What _read_references takes besides the review: the .bib files read already
        (to hash them, or ahead: they are not read or decoded again), and the end of one,
        if the notes' child splits it (see _bib_tail_job)."""
        contents: dict[str, bytes | Decoded] = {}
        for display, path in self._bibs:
            if display in self._contents:
                data = self._contents.pop(display)
                decoded = self._decoded.pop(display, None)
                contents[str(path)] = data if decoded is None else decoded
        if self._tail is None:
            return contents, None
        from cybercoop_cli.ingest.bibtex import BibTail

        return contents, {self._tail[0]: BibTail(self._tail[1], parsed.first_result)}

    def _merge(
        self, reuse: dict[str, tuple[Note | None, list[Problem]]], parsed: _NotesReader
    ) -> list[tuple[Note | None, list[Problem]]]:
        """Every note's result in order: the reused ones and the parsed ones."""
        fresh = iter(parsed())
        return [reuse[d] if d in reuse else next(fresh) for d, _ in self._notes]

    def _assemble(
        self, bibliography: Bibliography, notes_read: list[tuple[Note | None, list[Problem]]]
    ) -> Project:
        problems: list[Problem] = list(bibliography.problems)
        notes: list[Note] = []
        for note, note_problems in notes_read:
            problems.extend(note_problems)
            if note is not None:
                notes.append(note)
        keys = [source.key for source in bibliography.sources]
        problems.extend(check_notes(notes, self.review, keys))
        from cybercoop_cli.model import Project

        return Project(
            review=self.review,
            sources=bibliography.sources,
            notes=tuple(notes),
            problems=tuple(problems),
        )


#: Below this many notes to parse, a second process costs more than it saves.
PARALLEL_NOTES = 1000


def _start_reading_notes(
    items: list[tuple[str | Path, str, bytes | None]],
    progress: Progress | None,
    with_states: bool = False,
    first: Callable[[], Any] | None = None,
) -> _NotesReader:
    """Start parsing notes; the reader returned gives the results, in order.

    With many notes, on a machine with more than one core where processes can fork, the
    notes are parsed in a child process while this one parses the bibliography (and the
    child does ``first`` before them: see :class:`_NotesReader`).
    """
    reader = _NotesReader(items, progress, with_states, first)
    if (len(items) >= PARALLEL_NOTES or first is not None) and _can_fork():
        reader.fork()
    return reader


class _NotesReader:
    """Notes parsed in chunks, shared between this process and a forked child.

    The child inherits the items (no copy is sent). The chunks' numbers wait in a pipe:
    the child takes them one by one and parses those chunks, and this process takes
    whatever is left when it asks for the results (once its bibliography is read), so
    that both finish together, whichever was faster. The child writes its results to an
    anonymous file and exits; chunks it took but did not deliver (it was killed) are
    parsed here. Before its chunks the child can do one other job, ``first``, whose
    result :meth:`first_result` fetches. Without a child, everything is done here.
    :meth:`cancel` ends a child whose results are not wanted (the caller failed).
    """

    def __init__(
        self,
        items: list[tuple[str | Path, str, bytes | None]],
        progress: Progress | None,
        with_states: bool = False,
        first: Callable[[], Any] | None = None,
    ) -> None:
        self.items = items
        self.progress = progress
        self.with_states = with_states
        self.first = first
        size = max(MIN_CHUNK, -(-len(items) // MAX_CHUNKS))
        self.chunks = [
            (start, min(start + size, len(items))) for start in range(0, len(items), size)
        ]
        self.pid = 0
        self.tokens = -1  # read end of the pipe of chunk numbers
        self.handover = -1  # the file the child writes its chunks' results to
        self.first_handover = -1  # the file it writes the first job's result to
        self.first_done = -1  # read end of a pipe the child closes once that is written
        self._first: tuple[Any] | None = None  # (result,), once fetched
        #: display name -> content digest of every note parsed
        self.digests: dict[str, str] = {}
        #: display name -> state of every note parsed (``with_states`` only)
        self.states: dict[str, State] = {}

    def fork(self) -> None:
        import cybercoop_cli.ingest.notes  # noqa: F401 - imported before forking, not in the child

        # Files, not pipes, for the results: a pipe holds 64 KB, so a child writing 18 MB
        # of results (10,000 notes) waited, measured, 0.4 s for this process to drain it.
        opened: list[int] = []
        try:
            tokens, fill = os.pipe()
            opened += [tokens, fill]
            os.write(fill, bytes(range(len(self.chunks))))  # at most MAX_CHUNKS < 256
            os.close(fill)
            opened.remove(fill)
            handover = _anonymous_file()
            opened.append(handover)
            first_handover, first_done, first_written = -1, -1, -1
            if self.first is not None:
                first_handover = _anonymous_file()
                opened.append(first_handover)
                first_done, first_written = os.pipe()
                opened += [first_done, first_written]
            pid = os.fork()
        except OSError:
            _close(*opened)
            return
        if pid == 0:  # the child: work, hand the results over, and leave at once
            status = 1
            try:
                if self.first is not None:
                    os.close(first_done)
                    with contextlib.suppress(Exception):  # not delivered: done there instead
                        _write_all(first_handover, pickle.dumps(self.first(), _PROTOCOL))
                    os.close(first_written)  # end of file: the result is there (or not)
                done = {}
                while (number := _take(tokens)) is not None:
                    done[number] = self._batch(number)
                _write_all(handover, pickle.dumps(done, _PROTOCOL))
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        if first_written >= 0:
            os.close(first_written)
        self.pid, self.tokens, self.handover = pid, tokens, handover
        self.first_handover, self.first_done = first_handover, first_done

    def first_result(self) -> Any | None:
        """What the child's first job returned; None if it has no child or did not deliver."""
        if self._first is None:
            value = None
            if self.first_done >= 0:
                with contextlib.suppress(OSError):
                    while os.read(self.first_done, 1):  # until the child closes its end
                        pass
                with (
                    contextlib.suppress(Exception),
                    os.fdopen(os.dup(self.first_handover), "rb") as handover,
                ):
                    handover.seek(0)
                    value = pickle.load(handover)  # from our own child
                _close(self.first_done, self.first_handover)
                self.first_done = self.first_handover = -1
            self._first = (value,)
        return self._first[0]

    def _batch(self, number: int) -> _Batch:
        start, end = self.chunks[number]
        return read_note_batch(self.items[start:end], with_states=self.with_states)

    def __call__(self) -> list[tuple[Note | None, list[Problem]]]:
        digests, results, states = self._run()
        displays = [display for _, display, _ in self.items]
        self.digests = dict(zip(displays, digests, strict=True))
        if self.with_states:
            self.states = dict(zip(displays, states, strict=True))
        return results

    def _run(self) -> _Batch:
        if not self.pid:
            return read_note_batch(self.items, self.progress, with_states=self.with_states)
        from cybercoop_cli.gcpause import paused_gc

        total = len(self.items)
        mine: dict[int, _Batch] = {}
        with paused_gc():
            while (number := _take(self.tokens)) is not None:  # what the child has not taken
                if self.progress:
                    self.progress("notes", self.chunks[number][0], total)
                mine[number] = self._batch(number)
            _close(self.tokens)
            self.tokens = -1
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            theirs: dict[int, _Batch] = {}
            with os.fdopen(self.handover, "rb") as handover:
                self.handover = -1
                if status == 0:
                    with contextlib.suppress(Exception):
                        handover.seek(0)
                        theirs = pickle.load(handover)  # from our own child
            digests: list[str] = []
            results: list[tuple[Note | None, list[Problem]]] = []
            states: list[State] = []
            for number in range(len(self.chunks)):
                # A chunk the child took but did not deliver (killed, out of memory) is
                # parsed here.
                batch = mine.get(number) or theirs.get(number) or self._batch(number)
                digests += batch[0]
                results += batch[1]
                states += batch[2]
        return digests, results, states

    def cancel(self) -> None:
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0
        _close(self.tokens, self.handover, self.first_handover, self.first_done)
        self.tokens = self.handover = self.first_handover = self.first_done = -1


#: A .bib file this large is split by two processes on a first run (see _bib_tail_job),
#: the notes' child taking this share of it, its end.
PARALLEL_BIB_BYTES = 1 << 20
TAIL_SHARE = 0.45

#: Notes are shared out in at most this many chunks (a chunk's number is one byte), each
#: of at least MIN_CHUNK notes.
MAX_CHUNKS = 200
MIN_CHUNK = 50

_PROTOCOL = pickle.HIGHEST_PROTOCOL


def _take(tokens: int) -> int | None:
    """The next chunk number from the pipe, or None when none is left."""
    taken = os.read(tokens, 1)
    return taken[0] if taken else None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close(*fds: int) -> None:
    for fd in fds:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)


def _anonymous_file() -> int:
    """A file descriptor open for reading and writing on a file with no name."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("cybercoop-notes", os.MFD_CLOEXEC)
    import tempfile

    fd, name = tempfile.mkstemp(prefix="cybercoop-notes-")
    os.unlink(name)  # noqa: PTH108 - the open descriptor keeps it until it is closed
    return fd


def read_note_batch(
    items: Sequence[tuple[str | Path, str, bytes | None]],
    progress: Progress | None = None,
    *,
    with_states: bool = False,
) -> tuple[list[str], list[tuple[Note | None, list[Problem]]], list[State]]:
    """Parse notes given as (path, display name, content if read already).

    Returns each note's content digest and its result, and with ``with_states`` each
    note's state for the file index, taken before it is read (see :func:`_state`); a note
    not read yet is read here.
    """
    from cybercoop_cli.ingest.notes import MAX_NOTE_BYTES, read_notes

    digests: list[str] = []
    results: list[tuple[Note | None, list[Problem]]] = []
    states: list[State] = []
    step = 500
    for start in range(0, len(items), step):
        if progress:
            progress("notes", start, len(items))
        chunk: list[tuple[str | Path, str, bytes | None]] = []
        for path, display, data in items[start : start + step]:
            if with_states:
                states.append(_state(path))  # before reading: a later change is seen
            if data is None:
                # Unreadable: data stays None, and read_note reads again and says why.
                with contextlib.suppress(OSError):
                    data = read_bounded(path, MAX_NOTE_BYTES)
            digests.append(content_hash(data or b""))  # as _read_bytes hashes it
            chunk.append((path, display, data))
        results.extend(read_notes(chunk))
    return digests, results, states


def _can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and hasattr(os, "fork")


def _detach() -> bool | None:
    """Fork a detached grandchild: True in it, False here once it runs, None if it cannot.

    The child forks and exits at once (and is reaped here), so the grandchild belongs to
    nobody's wait: it runs in a session of its own, with /dev/null for its standard
    streams and no other descriptor, so that it holds no pipe a reader waits on and no
    terminal can stop it.
    """
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        _, status = os.waitpid(pid, 0)
        return False if status == 0 else None
    try:
        if os.fork():
            os._exit(0)
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(null, stream)
        # Nor any other descriptor it inherited: a pipe whose reader waits for its end
        # (a caller's, passed down to the command) would wait for the writer too.
        os.closerange(3, _descriptor_limit())
    except BaseException:
        os._exit(1)
    return True


def _descriptor_limit() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (AttributeError, ValueError, OSError):
        return 4096


def _state(path: str | Path) -> tuple[int, int, int, int]:
    """What the file index compares: size, modification and change times, inode."""
    try:
        st = os.stat(path)  # noqa: PTH116 - a string path; Path objects cost 10k-note reviews
    except OSError:
        return (-1, 0, 0, 0)  # unreadable or gone: read (and reported) every time
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _settled(state: tuple[int, ...], hashed_at: int) -> bool:
    """Whether a file in this state was last changed well before it was hashed."""
    return state[0] >= 0 and max(state[1], state[2]) < hashed_at - RACY_NS


def _read_bytes(path: str | Path, limit: int) -> bytes | None:
    """The file's content, at most ``limit + 1`` bytes (over its limit a file is refused
    anyway), or None if it cannot be read: the parser then tries again and says why, and
    the empty content's digest stands for it in the file index."""
    try:
        return read_bounded(path, limit)
    except OSError:
        return None


def check_notes(notes: Iterable[Note], review: Review, keys: list[str]) -> list[Problem]:
    """Problems with what notes refer to: unknown source keys, sections and facets; twin notes."""
    from cybercoop_cli.model import Problem

    problems: list[Problem] = []
    known_keys = set(keys)
    suggest_key = _suggester(keys)
    section_ids = [s.id for s in review.sections]
    facet_ids = [f.id for f in review.facets]
    suggest_section = _suggester(section_ids)
    suggest_facet = _suggester(facet_ids)
    first_note: dict[str, Note] = {}
    for note in notes:
        if note.key in first_note:
            other = first_note[note.key]
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"a second note for '{note.key}' (the first is {other.file}); merge them",
                    "note-duplicate",
                )
            )
        first_note.setdefault(note.key, note)
        if note.key not in known_keys:
            problems.append(
                Problem(
                    note.file,
                    note.line,
                    f"unknown source key '{note.key}'{_hint(suggest_key(note.key))}",
                    "note-unknown-key",
                )
            )
        for claim in note.claims:
            for section in claim.sections:
                if section not in section_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown section '{section}'{_hint(suggest_section(section))} "
                            f"(sections: {', '.join(section_ids)})",
                            "note-unknown-section",
                        )
                    )
            for facet in claim.facets:
                if facet not in facet_ids:
                    problems.append(
                        Problem(
                            note.file,
                            claim.line,
                            f"unknown facet '{facet}'{_hint(suggest_facet(facet))} "
                            f"(facets: {', '.join(facet_ids) or 'none defined'})",
                            "note-unknown-facet",
                        )
                    )
    return problems


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The nearest of ``choices`` to a mistyped ``word`` (rapidfuzz WRatio), or None."""
    if not choices:
        return None
    from rapidfuzz import fuzz, process, utils

    best = process.extractOne(
        word,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return str(best[0]) if best else None


def _suggester(choices: list[str]) -> Callable[[str], str | None]:
    return lambda word: suggest(word, choices)


def _hint(suggestion: str | None) -> str:
    return f"; did you mean '{suggestion}'?" if suggestion else ""


def _relative(path: str | Path, root: Path) -> str:
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    return text[len(prefix) :] if text.startswith(prefix) else text


__all__ = [
    "InputError",
    "check_notes",
    "find_review_file",
    "load_bibliography",
    "load_project",
    "suggest",
]
