"""Bringing sources into a review: BibTeX, CSL-JSON or RIS, merged into ``references/``.

:func:`plan_import` reads the files and decides, without writing anything:

* a file with errors (``error`` problems) is not imported at all, so that nothing half
  read reaches the bibliography; its problems are reported; warnings do not stop it;
* a source that is already in the review is *skipped* and reported with the source it
  duplicates, by the rules of :mod:`cybercoop_cli.analysis.duplicates` (the gap report's:
  same DOI, or same title, first author and year); so is an entry identical to an
  existing one (same key, same fields), which catches entries without title or DOI;
* a source that is the same work as an earlier one in the same import is skipped too;
* a source without a key, or whose key is taken, gets one made by
  :mod:`cybercoop_cli.workflow.keys` (``familyYEARword``).

:func:`apply_import` appends the new entries to ``references/imported.bib``
(:data:`IMPORT_FILE`), replacing it atomically; no other file is touched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cybercoop_cli.errors import InputError, UsageError
from cybercoop_cli.model import Problem, Review, Severity, Source

IMPORT_FILE = "imported.bib"
#: Fields not written back: the inherited fields are written instead of the reference.
DROPPED_FIELDS = frozenset({"crossref", "xref"})
_HEADER = (
    "% Sources added by 'cybercoop import'. New entries are appended at the end;\n"
    "% edit them freely.\n"
)


class InputFormat(StrEnum):
    bibtex = "bibtex"
    csl_json = "csl-json"
    ris = "ris"


_BY_SUFFIX = {
    ".bib": InputFormat.bibtex,
    ".bibtex": InputFormat.bibtex,
    ".json": InputFormat.csl_json,
    ".csljson": InputFormat.csl_json,
    ".ris": InputFormat.ris,
}


@dataclass(frozen=True, slots=True)
class KeyChange:
    """Why an imported source got a generated key."""

    original: str
    reason: str


@dataclass(frozen=True, slots=True)
class Added:
    source: Source
    key_change: KeyChange | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source not added because the review (or this import) already has the work."""

    source: Source
    duplicate_of: Source
    rule: str  # same-doi, same-work or identical
    reason: str
    in_this_import: bool


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    format: InputFormat
    entries: int
    problems: tuple[Problem, ...]

    @property
    def rejected(self) -> bool:
        """Files with errors are not imported."""
        return any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    target: Path
    files: tuple[FileResult, ...]
    added: tuple[Added, ...]
    skipped: tuple[Skipped, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for f in self.files for p in f.problems)

    @property
    def has_errors(self) -> bool:
        return any(f.rejected for f in self.files)


def detect_format(path: Path) -> InputFormat:
    """The format by extension, else by a look at the start of the file."""
    known = _BY_SUFFIX.get(path.suffix.lower())
    if known is not None:
        return known
    try:
        with path.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if head.startswith(("[", "{")):
        return InputFormat.csl_json
    if any(line.startswith(("TY  -", "TY -")) for line in head.splitlines()):
        return InputFormat.ris
    if "@" in head:
        return InputFormat.bibtex
    raise UsageError(
        f"cannot tell the format of {path}: name it .bib, .json or .ris, or pass --from"
    )


def read_sources(path: Path, fmt: InputFormat) -> tuple[Sequence[Source], tuple[Problem, ...]]:
    """The sources of one file in the given format, and its problems."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if fmt is InputFormat.csl_json:
        from cybercoop_cli.ingest.csljson import read_csl_json

        bibliography = read_csl_json(path)
    elif fmt is InputFormat.ris:
        from cybercoop_cli.ingest.ris import read_ris

        bibliography = read_ris(path)
    else:
        from cybercoop_cli.ingest.bibtex import read_bibliography

        bibliography = read_bibliography([path])
    return bibliography.sources, bibliography.problems


def existing_sources(review: Review) -> Sequence[Source]:
    """Every source already under the review's references folder."""
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.ingest.layout import Unreadable, bib_files

    unreadable: Unreadable = []
    files = bib_files(review.references_dir, unreadable)
    if unreadable:
        path, reason = min(unreadable)
        raise InputError(
            f"cannot read this folder ({reason}), so the sources already in the review "
            "cannot be compared with the new ones: make it readable, then import again",
            file=path,
        )
    return read_bibliography(files, display_root=review.root).sources


def plan_import(
    review: Review,
    files: Sequence[Path],
    *,
    fmt: InputFormat | None = None,
    existing: Sequence[Source] | None = None,
) -> ImportPlan:
    """What importing ``files`` into ``review`` would add and skip, and why; writes nothing."""
    from cybercoop_cli.analysis.duplicates import find_duplicates, match_against

    current = tuple(existing) if existing is not None else existing_sources(review)
    results: list[FileResult] = []
    incoming: list[Source] = []
    for path in files:
        file_format = fmt or detect_format(path)
        sources, problems = read_sources(path, file_format)
        result = FileResult(str(path), file_format, len(sources), problems)
        results.append(result)
        if not result.rejected:
            incoming.extend(sources)

    skipped: list[Skipped] = []
    by_key = {s.key.lower(): s for s in current}
    fresh: list[Source] = []
    for source in incoming:
        same = by_key.get(source.key.lower()) if source.key else None
        if same is not None and _comparable(same) == _comparable(source):
            skipped.append(Skipped(source, same, "identical", "identical entry", False))
        else:
            fresh.append(source)
    matched = {id(m.source): m for m in match_against(fresh, current)}
    remaining: list[Source] = []
    for source in fresh:
        match = matched.get(id(source))
        if match is None:
            remaining.append(source)
        else:
            skipped.append(
                Skipped(source, match.duplicate_of, match.rule.value, match.reason, False)
            )
    twins = {id(m.source): m for m in find_duplicates(remaining)}
    unique: list[Source] = []
    for source in remaining:
        match = twins.get(id(source))
        if match is None:
            unique.append(source)
        else:
            skipped.append(
                Skipped(source, match.duplicate_of, match.rule.value, match.reason, True)
            )

    added = _assign_keys(unique, current)
    target = review.references_dir / IMPORT_FILE
    return ImportPlan(target, tuple(results), tuple(added), tuple(skipped))


def _comparable(source: Source) -> dict[str, str]:
    return {
        k.lower(): " ".join(v.split())
        for k, v in source.fields.items()
        if k.lower() not in DROPPED_FIELDS
    }


def _assign_keys(sources: Sequence[Source], current: Sequence[Source]) -> list[Added]:
    from cybercoop_cli.workflow.keys import generate_key

    owner = {s.key.lower(): s for s in current}
    taken = set(owner)
    seen_here: set[str] = set()
    added: list[Added] = []
    for source in sources:
        folded = source.key.lower()
        if source.key and folded not in taken:
            taken.add(folded)
            seen_here.add(folded)
            added.append(Added(source))
            continue
        if not source.key:
            reason = "it had no usable key"
        elif folded in seen_here:
            reason = f"'{source.key}' is used twice in this import"
        else:
            other = owner[folded]
            reason = f"'{source.key}' is taken by {other.file}:{other.line}"
        key = generate_key(source, taken)
        taken.add(key.lower())
        seen_here.add(key.lower())
        added.append(Added(dataclasses.replace(source, key=key), KeyChange(source.key, reason)))
    return added


def bibtex_entry(source: Source) -> str:
    """One source as a BibTeX entry, its fields as read (LaTeX kept), in their order."""
    fields = [(k, v) for k, v in source.fields.items() if k.lower() not in DROPPED_FIELDS]
    width = max((len(k) for k, _ in fields), default=0)
    lines = [f"@{source.entry_type}{{{source.key},"]
    lines.extend(f"  {name.ljust(width)} = {{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines) + "\n"


def apply_import(plan: ImportPlan) -> Path | None:
    """Append the plan's new entries to its target file; None when there is nothing to add.

    The entries are written in the file's own encoding and line ends, and the whole new
    content is read back, with the reader every command uses, before it replaces the file:
    when an added entry would not read back as it was planned, nothing is written
    (:class:`OutputError`, naming the entries). The file is then read back from the disk.
    """
    from cybercoop_cli.errors import OutputError
    from cybercoop_cli.outputs import write_atomic

    if not plan.added:
        return None
    entries = "\n".join(bibtex_entry(item.source) for item in plan.added)
    target = plan.target
    before = _current_bytes(target)
    if before is None:
        data = (_HEADER + "\n" + entries).encode("utf-8")
    else:
        data = before + _appended(target, before, entries)
    _check_reads_back(target, data, plan.added)
    if before is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    written = write_atomic(target, data, force=True)
    try:
        on_disk = target.read_bytes()
    except OSError as exc:
        raise OutputError(f"wrote {target} but cannot read it back: {exc.strerror}") from None
    if on_disk != data:
        raise OutputError(
            f"wrote {target} but it reads back different from what was written: check the "
            "disk, and the file, before importing again"
        )
    return written


def _current_bytes(target: Path) -> bytes | None:
    """The target's content, None when it does not exist; refused when it is no file."""
    import stat

    from cybercoop_cli.errors import OutputError

    try:
        mode = target.stat().st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(
                f"{target} is a folder, not a file: rename or move it, then import again "
                "(nothing was written)"
            )
        if not stat.S_ISREG(mode):
            raise OutputError(f"{target} is not a regular file; nothing was written")
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot read {target}: {exc.strerror or exc}") from None


def _appended(target: Path, before: bytes, entries: str) -> bytes:
    """The bytes that add ``entries`` to ``before``: in its encoding and line ends, so
    that what is already there stays exactly as it was."""
    from cybercoop_cli.errors import OutputError
    from cybercoop_cli.ingest.text import encoding_of

    encoding = encoding_of(before)
    old = before.decode(encoding, errors="replace")
    newline = "\r\n" if "\r\n" in old else "\n"
    text = entries.replace("\n", newline)
    # One blank line between the old entries and the new; nothing before an empty file's.
    separator = newline if old.endswith("\n") else newline * 2
    if not old.strip("\ufeff \t\r\n"):
        separator = ""
    try:
        return (separator + text).encode(encoding)
    except UnicodeEncodeError:
        raise OutputError(
            f"{target} is not UTF-8 and the new entries hold characters its encoding "
            "cannot: save it as UTF-8, then import again"
        ) from None


def _check_reads_back(target: Path, data: bytes, added: Sequence[Added]) -> None:
    """Refuse to write ``data`` unless every added entry reads back from it as planned."""
    from cybercoop_cli.errors import OutputError
    from cybercoop_cli.ingest.bibtex import read_bibliography
    from cybercoop_cli.ingest.text import MAX_BIB_BYTES, describe_size

    if len(data) > MAX_BIB_BYTES:
        raise OutputError(
            f"{target} would be {describe_size(len(data))}, over the "
            f"{describe_size(MAX_BIB_BYTES)} limit for .bib files: start a new file beside "
            "it (move this one away), then import again; nothing was written"
        )
    read = {s.key: s for s in read_bibliography([target], contents={str(target): data}).sources}
    lost = [
        item.source.key
        for item in added
        if (back := read.get(item.source.key)) is None
        or _comparable(back) != _comparable(item.source)
        or back.title != item.source.title
    ]
    if lost:
        shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
        raise OutputError(
            f"{target}: the new entries would not read back as imported ({shown}), most "
            "likely because of the file's encoding: save it as UTF-8, then import again; "
            "nothing was written"
        )
