"""BibTeX/BibLaTeX files to :class:`~cybercoop_cli.model.Source` objects.

bibtexparser 2.x splits the files into blocks; everything it cannot recover is
recovered here, and every problem is reported with its file and line:

* values are evaluated here, not by bibtexparser's middleware, so that ``@string``
  macros defined in any file of the same set resolve, ``#`` joins work, and an
  unknown macro is reported where it is used;
* a missing comma between two fields makes bibtexparser fold the second field into
  the first one's value; that is detected, reported and the field is kept;
* a block bibtexparser gives up on (a line without ``=``, an unbalanced brace) is
  re-scanned field by field, so every field that can be recovered is kept;
* ``crossref`` parents lend their fields to their children, biblatex-style;
* only display fields are decoded from LaTeX (see :mod:`.latex`).

This is the only module that imports bibtexparser.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cybercoop_cli.errors import InputError
from cybercoop_cli.gcpause import paused_gc
from cybercoop_cli.ingest.latex import latex_to_unicode
from cybercoop_cli.ingest.text import MAX_BIB_BYTES, decode, read_text
from cybercoop_cli.model import Bibliography, Person, Problem, Severity, Source

MONTHS = {
    "jan": "1",
    "feb": "2",
    "mar": "3",
    "apr": "4",
    "may": "5",
    "jun": "6",
    "jul": "7",
    "aug": "8",
    "sep": "9",
    "oct": "10",
    "nov": "11",
    "dec": "12",
}

# BibTeX and BibLaTeX entry types; anything else is kept and reported as a warning.
KNOWN_TYPES = frozenset(
    [
        "article",
        "book",
        "mvbook",
        "inbook",
        "bookinbook",
        "suppbook",
        "booklet",
        "collection",
        "mvcollection",
        "incollection",
        "suppcollection",
        "dataset",
        "manual",
        "misc",
        "online",
        "electronic",
        "www",
        "patent",
        "periodical",
        "suppperiodical",
        "proceedings",
        "mvproceedings",
        "inproceedings",
        "conference",
        "reference",
        "mvreference",
        "inreference",
        "report",
        "techreport",
        "mastersthesis",
        "phdthesis",
        "thesis",
        "unpublished",
        "software",
        "artwork",
        "audio",
        "bibnote",
        "commentary",
        "image",
        "jurisdiction",
        "legislation",
        "legal",
        "letter",
        "movie",
        "music",
        "performance",
        "review",
        "standard",
        "video",
        "set",
        "xdata",
        "customa",
        "customb",
        "customc",
        "customd",
        "custome",
        "customf",
        "unpublished",
    ]
)

# biblatex aliases: which field a BibTeX-era name stands for.
FIELD_ALIASES = {"journal": "journaltitle", "address": "location", "school": "institution"}

# Fields a child inherits from its crossref parent under another name: biblatex's default
# inheritance (\DeclareDataInheritance in biblatex.def, the biblatex manual's appendix B),
# by (parent types, child types). Any other pair inherits every field under its own name.
_MAIN_TITLES = {
    "title": ("maintitle",),
    "subtitle": ("mainsubtitle",),
    "titleaddon": ("maintitleaddon",),
    "shorttitle": (),
    "sorttitle": (),
    "indextitle": (),
    "indexsorttitle": (),
}
_BOOK_TITLES = {
    "title": ("booktitle",),
    "subtitle": ("booksubtitle",),
    "titleaddon": ("booktitleaddon",),
    "shorttitle": (),
    "sorttitle": (),
    "indextitle": (),
    "indexsorttitle": (),
}
_INHERITANCE: tuple[tuple[frozenset[str], frozenset[str], Mapping[str, tuple[str, ...]]], ...] = (
    (
        frozenset({"mvbook", "book"}),
        frozenset({"inbook", "bookinbook", "suppbook"}),
        {"author": ("author", "bookauthor")},
    ),
    (frozenset({"mvbook"}), frozenset({"book", "inbook", "bookinbook", "suppbook"}), _MAIN_TITLES),
    (
        frozenset({"mvcollection", "mvreference"}),
        frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
        _MAIN_TITLES,
    ),
    (frozenset({"mvproceedings"}), frozenset({"proceedings", "inproceedings"}), _MAIN_TITLES),
    (frozenset({"book"}), frozenset({"inbook", "bookinbook", "suppbook"}), _BOOK_TITLES),
    (
        frozenset({"collection", "reference"}),
        frozenset({"incollection", "inreference", "suppcollection"}),
        _BOOK_TITLES,
    ),
    (frozenset({"proceedings"}), frozenset({"inproceedings"}), _BOOK_TITLES),
    (
        frozenset({"periodical"}),
        frozenset({"article", "suppperiodical"}),
        {
            "title": ("journaltitle",),
            "subtitle": ("journalsubtitle",),
            "shorttitle": (),
            "sorttitle": (),
            "indextitle": (),
            "indexsorttitle": (),
        },
    ),
)
# Never inherited (biblatex's \DefaultInheritance exclusions).
_NOT_INHERITED = frozenset(
    {"ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label"}
    | {"options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype"}
    | {"shorthand", "shorthandintro", "sortkey"}
)

_IDENT = re.compile(r"[A-Za-z_][\w:.+/-]*")
_FIELD_START = re.compile(r"\s*([A-Za-z_][\w:.+/-]*)\s*=", re.ASCII)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\.org/)", re.IGNORECASE)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bibtexparser.library import Library


@dataclass(slots=True)
class _RawEntry:
    key: str
    entry_type: str
    file: str
    line: int
    # name -> value, in the order read: its final text when it holds no macro (most
    # values), else "" until _evaluate joins its pieces (see _parse_value), kept in
    # ``pending`` until every file's macros are known.
    values: dict[str, str] = field(default_factory=dict)
    pending: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # name -> line of the field


def read_bibliography(
    paths: Sequence[Path],
    *,
    display_root: Path | None = None,
    contents: Mapping[str, bytes | Decoded] | None = None,
) -> Bibliography:
    """Read .bib files as one bibliography: macros are shared, keys must be unique across them.

    ``contents`` maps a path (as a string) to the file's bytes where the caller has read
    them already (to hash them), so that they are not read twice, or to its text and
    encoding warning where it has decoded them too (see :func:`~.text.decode`).
    """
    # Hundreds of thousands of objects that all survive, none in a cycle: each collection
    # would walk them all again (about a quarter of the reading time at 10,000 entries).
    with paused_gc():
        return _read_bibliography(paths, display_root, contents or {})


def _read_bibliography(
    paths: Sequence[Path],
    display_root: Path | None,
    contents: Mapping[str, bytes | Decoded],
) -> Bibliography:
    problems: list[Problem] = []
    macros: dict[str, str] = {}
    raw_entries: list[_RawEntry] = []
    seen: dict[str, _RawEntry] = {}
    for path in paths:
        name = display_name(path, display_root)
        data = contents.get(str(path))
        try:
            if isinstance(data, tuple):
                text, encoding_problem = data
            elif data is not None and len(data) <= MAX_BIB_BYTES:
                text, encoding_problem = decode(data)
            else:  # not read yet, or over the limit: read_text says by how much
                text, encoding_problem = read_text(path, limit=MAX_BIB_BYTES, what=".bib files")
        except OSError as exc:
            problems.append(
                Problem(name, None, f"cannot read file: {exc.strerror}", "bib-unreadable")
            )
            continue
        except InputError as exc:  # over the size limit: the other files are still read
            problems.append(Problem(name, None, exc.message, "bib-too-large"))
            continue
        if encoding_problem:
            problems.append(Problem(name, None, encoding_problem, "bib-encoding", Severity.WARNING))
        entries, file_macros, file_problems = _split(text, name)
        macros.update(file_macros)
        problems.extend(file_problems)
        for entry in entries:
            folded = entry.key.lower()
            if folded in seen:
                first = seen[folded]
                problems.append(
                    Problem(
                        name,
                        entry.line,
                        f"duplicate key '{entry.key}' (first defined at {first.file}:{first.line}); "
                        "this entry is skipped: give it another key",
                        "bib-duplicate-key",
                    )
                )
                continue
            seen[folded] = entry
            raw_entries.append(entry)
    evaluated = [_evaluate(entry, macros, problems) for entry in raw_entries]
    _inherit_crossrefs(evaluated, problems)
    # An @xdata entry only holds fields for others (biblatex never prints it).
    sources = tuple(
        _to_source(entry, fields, problems)
        for entry, fields in evaluated
        if entry.entry_type != "xdata"
    )
    order = {str(path): index for index, path in enumerate(paths)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.file, p.line or 0))
    return Bibliography(sources, tuple(problems))


def display_name(path: Path, root: Path | None) -> str:
    """How problems name a .bib file: relative to ``root`` where it lies inside it."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


# --------------------------------------------------------------------------- splitting

#: A file's text and the warning decoding it gave, as :func:`~.text.decode` returns them.
Decoded = tuple[str, str | None]
#: What splitting a .bib file's text gives: its entries, its macros, its problems.
SplitResult = tuple[list["_RawEntry"], dict[str, str], list[Problem]]


def _line_fix(text: str) -> Callable[[int], int] | None:
    """How to turn bibtexparser's line numbers in ``text`` into the file's, or None if equal.

    Its splitter counts line breaks as marks, and a mark is a character not preceded by a
    backslash: a line ending in ``\\`` is not counted, and every later line number came
    out one short (in tugboat.bib, three before line 37,590). Its line ``L`` is the file's
    ``L`` plus the breaks it missed before that line began.
    """
    found = text.find("\\\n")
    if found < 0:
        return None
    missed_at: list[int] = []  # bibtexparser's line at each break it missed, in order
    newlines = 0
    scanned = 0
    while found >= 0:
        newlines += text.count("\n", scanned, found + 1)  # every break before this one
        missed_at.append(newlines - len(missed_at))
        scanned = found + 1
        found = text.find("\\\n", found + 2)
    return lambda line: line + bisect_left(missed_at, line)


def _fixed(line: int, fix: Callable[[int], int] | None) -> int:
    return line if fix is None else fix(line)


def _split(text: str, name: str) -> SplitResult:
    """The entries, macros and problems of one .bib file's text."""
    from bibtexparser.entrypoint import parse_string

    # bibtexparser logs parse failures itself; we report them, with line numbers, instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    runs: list[str] = []
    if _COMMENTED_AT.search(text):
        text = _blank_commented_lines(text)
    library = parse_string(_park_runs(text, runs), parse_stack=[])
    return _read_blocks(library, runs, text, name)


# A line commented out with % that holds an @ (a commented-out entry, as biber's test
# files have): biber and pandoc skip it, bibtexparser would read the entry.
_COMMENTED_AT = re.compile(r"^[ \t]*%[^\n]*@", re.MULTILINE)
_COMMENT_LINE = re.compile(r"^[ \t]*%[^\n]*", re.MULTILINE)


def _blank_commented_lines(text: str) -> str:
    """``text`` with every %-comment line outside an entry's braces blanked (same length,
    so line numbers stay)."""
    out: list[str] = []
    depth = 0
    position = 0
    for match in _COMMENT_LINE.finditer(text):
        before = text[position : match.start()]
        depth = max(0, depth + before.count("{") - before.count("}"))
        out.append(before)
        out.append(" " * len(match.group(0)) if depth == 0 else match.group(0))
        if depth:
            depth = max(0, depth + match.group(0).count("{") - match.group(0).count("}"))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _read_blocks(library: Library, runs: list[str], text: str, name: str) -> SplitResult:
    from bibtexparser import model as bmodel

    base = 1  # bibtexparser counts lines from 0
    fix = _line_fix(text)  # and misses some (see _line_fix)

    problems: list[Problem] = []
    entries: list[_RawEntry] = []
    macros: dict[str, str] = {}
    blocks = library.blocks
    # Only a failed block needs these (to find its whole text): most files have none.
    starts: list[int] = []
    line_offsets: list[int] = []

    def full_raw(block: bmodel.Block) -> str:
        # bibtexparser cuts a failed block's text where parsing stopped; recovery needs
        # the whole of it, up to the next real block.
        if not line_offsets:
            starts.extend(
                _fixed(b.start_line or 0, fix)
                for b in blocks
                if not isinstance(b, bmodel.ImplicitComment)
            )
            line_offsets.extend(_line_offsets(text))
        first = _fixed(block.start_line or 0, fix)
        begin = line_offsets[min(first, len(line_offsets) - 1)]
        later = bisect_right(starts, first)
        following = starts[later] if later < len(starts) else len(line_offsets)
        end = line_offsets[following] if following < len(line_offsets) else len(text)
        return text[begin:end]

    entry_class = bmodel.Entry
    for block in blocks:
        if isinstance(block, entry_class):
            key = block.key
            if runs and _PARKED in key:
                key = _unpark(key, runs)
            start = block.start_line or 0
            if fix is not None:
                start = fix(start)
            entry = _RawEntry(key, block.entry_type.lower(), name, start + base)
            values = entry.values
            lines = entry.lines
            reported = len(problems)
            for fld in block.fields:
                value = fld.value
                field_name = fld.key
                if runs:
                    if _PARKED in value:
                        value = _unpark_value(value, runs)
                    if _PARKED in field_name:
                        field_name = _unpark(field_name, runs)
                folded = field_name.lower()
                if folded not in values:
                    text_value = _plain_value(value)
                    if text_value is not None:
                        values[folded] = text_value
                        lines[folded] = (
                            fld.start_line if fix is None else fix(fld.start_line)
                        ) + base
                        continue
                if value[:1] == '"' and _quote_cut_short(value):
                    # "Simon {"}the {saint"} Templar": bibtexparser's splitter ends a
                    # quoted value at a quote inside braces; read the entry again here
                    del problems[reported:]
                    recovered = _rescan(full_raw(block), name, start + base, problems)
                    entry = recovered if recovered is not None else entry
                    break
                at = fld.start_line if fix is None else fix(fld.start_line)
                _add_field(entry, field_name, value, at + base, problems)
            entries.append(entry)
            continue
        line = _fixed(block.start_line or 0, fix) + base
        if isinstance(block, bmodel.String):
            macro = _unpark(block.key, runs)
            value, cut = _macro_value(_unpark(block.value, runs), macros)
            macros[macro.lower()] = value
            if cut:
                problems.append(_too_long(name, line, f"@string '{macro}'"))
        elif isinstance(block, bmodel.DuplicateBlockKeyBlock):
            # Re-scan it ourselves so the duplicate is reported once, by read_bibliography.
            recovered = _rescan(full_raw(block), name, line, problems)
            if recovered is not None:
                entries.append(recovered)
        elif isinstance(block, bmodel.DuplicateFieldKeyBlock):
            recovered = _rescan(full_raw(block), name, line, problems)
            if recovered is not None:
                entries.append(recovered)
        elif isinstance(block, bmodel.ParsingFailedBlock):
            if (block.raw or "").lstrip().startswith("@"):
                recovered = _rescan(full_raw(block), name, line, problems)
                if recovered is not None:
                    entries.append(recovered)
            else:
                problems.append(Problem(name, line, "unreadable text skipped", "bib-syntax"))
    return entries, macros, problems


# bibtexparser's splitter finds the characters it stops at ({}",=, newlines, block starts)
# with a regex that cannot skip ahead, about 35 ns a character: a third of its time goes
# on crossing long stretches of plain text (abstracts) in which it stops nowhere. Such a
# stretch is parked before splitting, as a short placeholder that holds none of those
# characters either, so the splitter makes exactly the same decisions at the same lines;
# the values that hold placeholders get their text back. A stretch starts after a '='
# (then a brace or quote) and begins and ends with a character that is not white space
# (so stripping a value strips the same), and contains no backslash ('\{' is no mark),
# '@' (block starts look back for line starts) or parenthesis (closes a '(' block).
# Placeholders are \x02<number>\x03; text from read_text never holds \x02. Equal
# stretches share a number, so values that were equal stay equal.
# Looking for stretches costs about half of what it saves per parked character, so a file
# whose lines are short on average (tugboat.bib: 37 characters) is not searched at all.
#
# A second pass parks the whole inside of a braced value that holds marks the splitter
# stops at and then ignores, about 1.2 microseconds each: the commas of "{Doe, J. and Roe,
# R.}" and the braces of "M{\"u}ller" (one mark in seven in the 10k bench file). It is safe
# because of what a '{' that follows '=' (and blanks) does in every state of the
# splitter: it is never a block's opening brace (only '@type' and blanks come before
# those); inside a value it opens a level, and until the level closes only '{', '}',
# newlines and '@' matter (commas, '=', quotes and ')' are ignored in braces); inside a
# quoted value, a @string or a comment only '"' (and newlines and '@') matters, or braces
# are counted; anywhere else (a key expected, between blocks) it ends the block and then
# only '@' matters (even off a line start). So the inside is parked only when it reaches
# the matching '}' (a stretch stopping short could end in '\{' just before a '"' and undo
# the {"} escape) with its braces balanced, read as the splitter reads them (a brace after
# a backslash is no mark: the pattern takes a backslash with the next character, never
# '\\'), and holds no '"', newline or '@'. It may hold first-pass placeholders: _unpark
# undoes both. test_bibtex_parking.py checks the splitter's decisions on parked text.
_PARKED = "\x02"
_PARK_MIN = 64
_PARK_MIN_AVERAGE_LINE = 64


def _run_pattern(min_length: int) -> re.Pattern[str]:
    edge = r'[^\s{}",=@()\\]'
    inner = r'[^{}",=\n@()\\]'
    return re.compile(rf'(=[ \t]*[{{"]?)({edge}{inner}{{{min_length - 2},}}{edge})')


def _group_pattern() -> re.Pattern[str]:
    atom = r'[^{}"\\\n@]++|\\[^\\\n@]'
    group = rf"\{{(?:{atom})*+\}}"
    for _ in range(3):
        group = rf"\{{(?:{atom}|{group})*+\}}"
    # The look-ahead only skips values whose first mark is not a comma, '=' or '{'.
    return re.compile(rf'(=[ \t]*\{{)(?=[^{{}}",=\n@]*+[{{,=])((?:{atom}|{group})++)(?=\}})')


_RUN = _run_pattern(_PARK_MIN)
_GROUP = _group_pattern()
_PLACEHOLDER = re.compile("\x02([0-9]+)\x03")


def _park_runs(text: str, runs: list[str]) -> str:
    """``text`` with its long plain stretches replaced by placeholders, listed in ``runs``."""
    if _PARKED in text or len(text) < _PARK_MIN_AVERAGE_LINE * (text.count("\n") + 1):
        return text
    numbers: dict[str, int] = {}
    return _park(_GROUP, _park(_RUN, text, runs, numbers), runs, numbers)


def _park(pattern: re.Pattern[str], text: str, runs: list[str], numbers: dict[str, int]) -> str:
    # split() hands over [text, prefix, stretch, text, prefix, stretch, ..., text]: the
    # placeholders go in without a Python call per match, as sub() would make.
    parts = pattern.split(text)
    for index in range(2, len(parts), 3):
        run = parts[index]
        number = numbers.get(run)
        if number is None:
            number = numbers[run] = len(runs)
            runs.append(run)
        parts[index] = f"\x02{number}\x03"
    return "".join(parts) if len(parts) > 1 else text


def _unpark(text: str, runs: list[str]) -> str:
    if not runs or _PARKED not in text:
        return text
    text = _PLACEHOLDER.sub(lambda match: runs[int(match.group(1))], text)
    if _PARKED in text:  # a second-pass stretch held first-pass placeholders
        text = _PLACEHOLDER.sub(lambda match: runs[int(match.group(1))], text)
    return text


def _unpark_value(value: str, runs: list[str]) -> str:
    # Most parked values are one placeholder in braces: no regex needed for those.
    if value[:2] == "{\x02" and value.find("\x03") == len(value) - 2:
        run = runs[int(value[2:-2])]
        return "{" + (run if _PARKED not in run else _unpark(run, runs)) + "}"
    return _unpark(value, runs)


def _plain_value(value: str) -> str | None:
    """The text of a value of the commonest shapes, else None (then _add_field reads it).

    A value in braces or quotes with no brace, quote or backslash inside, a value that is
    one balanced braced group (what _parse_value's own fast path recognises), or a plain
    number, is exactly what _parse_value and _evaluate would make of it: no macro, no
    ``#``, no field folded in by a missing comma (that needs a ``=`` after a closing
    delimiter). bibtexparser strips values. The ``in`` operator scans at memchr speed
    without a method call, which matters over 100,000 values.
    """
    first = value[:1]
    if first == "{":
        if value[-1:] == "}":
            inner = value[1:-1]
            if "{" not in inner and "}" not in inner and "\\" not in inner:
                return inner
            if _BRACED.fullmatch(value):
                return inner
    elif first == '"':
        if len(value) >= 2 and value[-1] == '"':
            inner = value[1:-1]
            if '"' not in inner and "{" not in inner and "}" not in inner and "\\" not in inner:
                return inner
    elif value.isdigit():
        return value
    return None


def _quote_cut_short(value: str) -> bool:
    """Whether a quoted value as bibtexparser hands it over opens more braces than it
    closes: its splitter stopped at a quote inside braces, which BibTeX does not."""
    opened = value.count("{") - value.count("\\{")
    closed = value.count("}") - value.count("\\}")
    return opened > closed


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        offsets.append(pos + 1)
        pos = find("\n", pos + 1)
    return offsets


# A value that macros joined with '#' make longer than this is cut and reported: real
# values are a few hundred characters, and macros that join each other double at every
# level (a 600-byte file can ask for gigabytes).
MAX_VALUE_LENGTH = 100_000


def _joined(parts: Iterable[str]) -> tuple[str, bool]:
    """The parts joined, cut at MAX_VALUE_LENGTH; and whether they were cut."""
    out: list[str] = []
    size = 0
    for part in parts:
        if size + len(part) > MAX_VALUE_LENGTH:
            out.append(part[: MAX_VALUE_LENGTH - size])
            return "".join(out), True
        out.append(part)
        size += len(part)
    return "".join(out), False


def _macro_value(raw: str, macros: dict[str, str]) -> tuple[str, bool]:
    pieces, _ = _parse_value(raw, 0)
    return _joined(
        macros.get(value.lower(), MONTHS.get(value.lower(), value)) if kind == "ident" else value
        for kind, value in pieces
    )


def _too_long(file: str, line: int | None, what: str) -> Problem:
    return Problem(
        file,
        line,
        f"{what} is longer than {MAX_VALUE_LENGTH:,} characters once its macros are "
        "joined; it was cut there (do @string macros join each other in a loop?)",
        "bib-value-too-long",
    )


def _add_field(entry: _RawEntry, name: str, raw: str, line: int, problems: list[Problem]) -> None:
    """Add one field; split off fields that a missing comma folded into this value.

    A loop over offsets, not recursion over slices: thousands of missing commas in one
    entry must neither overflow the stack nor copy the rest of the value each time.
    """
    pos = 0
    counted = 0  # ``line`` is the line of raw[counted]
    while True:
        pieces, end = _parse_value(raw, pos)
        match = _FIELD_START.match(raw, end) if end < len(raw) else None
        if match is None:
            _store(entry, name.lower(), pieces, line, problems)
            return
        problems.append(
            Problem(
                entry.file,
                line + raw.count("\n", counted, match.start(1)),
                f"missing comma before field '{match.group(1).lower()}' in entry '{entry.key}'; "
                "the field is kept: add the comma",
                "bib-missing-comma",
            )
        )
        _store(entry, name.lower(), pieces, line, problems)
        pos = match.end()
        line += raw.count("\n", counted, pos)
        counted = pos
        name = match.group(1)


def _store(
    entry: _RawEntry, name: str, pieces: list[tuple[str, str]], line: int, problems: list[Problem]
) -> None:
    if name in entry.values:
        problems.append(
            Problem(
                entry.file,
                line,
                f"field '{name}' given twice in entry '{entry.key}'; the first value is kept",
                "bib-duplicate-field",
                Severity.WARNING,
            )
        )
        return
    entry.lines[name] = line
    if len(pieces) == 1 and pieces[0][0] == "text":
        entry.values[name] = pieces[0][1]
    else:
        entry.values[name] = ""  # holds the field's place in the order
        entry.pending[name] = pieces


def _parse_value(text: str, pos: int, end: int | None = None) -> tuple[list[tuple[str, str]], int]:
    """Parse ``piece # piece ...`` from ``pos``; return the pieces and where parsing stopped.

    Pieces are ("text", content) for braced or quoted strings and ("ident", name) for
    bare words (macros, numbers). Never raises: an unclosed brace consumes the rest, up
    to ``end`` when given.
    """
    if pos == 0 and end is None:
        # The common case, a whole value in one pair of braces (nested ones, LaTeX
        # escapes inside): one regex match instead of a scan in Python.
        # bibtexparser hands values over stripped; strip (a copy) only when they are not.
        inner = text if text[:1] == "{" and text[-1:] == "}" else text.strip()
        if inner[:1] == "{" and _BRACED.fullmatch(inner):
            return [("text", inner[1:-1])], len(text)
        # Next commonest: pieces joined by '#' with nothing to scan inside them
        # (``jo # " (Online)"``, ``jan``); stripped as bibtexparser hands them over.
        simple = _simple_pieces(text)
        if simple is not None:
            return list(simple), len(text)
    pieces: list[tuple[str, str]] = []
    n = len(text) if end is None else end
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        char = text[pos]
        if char == "{":
            close = _matching_brace(text, pos, n)
            pieces.append(("text", text[pos + 1 : close]))
            pos = close + 1
        elif char == '"':
            close = _closing_quote(text, pos, n)
            pieces.append(("text", text[pos + 1 : close]))
            pos = close + 1
        else:
            match = _BARE.match(text, pos, n)
            if not match or not match.group(0):
                break
            pieces.append(("ident", match.group(0)))
            pos = match.end()
        save = pos
        while pos < n and text[pos].isspace():
            pos += 1
        if pos < n and text[pos] == "#":
            pos += 1
            continue
        pos = save
        break
    return pieces, min(pos, n)


_BARE = re.compile(r"[^\s,#{}\"=]+")


@lru_cache(maxsize=4096)  # such values repeat: a journal's macro and its suffix
def _simple_pieces(text: str) -> tuple[tuple[str, str], ...] | None:
    if not _SIMPLE_PIECES.fullmatch(text):
        return None
    return tuple(
        ("ident", bare) if bare else ("text", braced or quoted)
        for bare, braced, quoted in _PIECE.findall(text)
    )


_PIECE = re.compile(r'([^\s,#{}"=]+)|\{([^{}\\]*)\}|"([^"{}\\]*)"')
_SIMPLE_PIECES = re.compile(rf"(?:{_PIECE.pattern})(?:\s*#\s*(?:{_PIECE.pattern}))*")

# One braced group whose braces nest at most four deep, read as _matching_brace reads it
# (a backslash escapes the next character). Possessive: the alternatives start with
# different characters, so nothing is ever given back and the match stays linear.
_BRACED = re.compile(
    r"\{(?:[^{}\\]++|\\.|\{(?:[^{}\\]++|\\.|\{(?:[^{}\\]++|\\.|\{(?:[^{}\\]++|\\.)*+\})*+\})*+\})*+\}",
    re.DOTALL,
)


_BRACE_MARK = re.compile(r"\\.|[{}]", re.DOTALL)
_QUOTE_MARK = re.compile(r'\\.|[{}"]', re.DOTALL)


def _matching_brace(text: str, start: int, end: int | None = None) -> int:
    """Index of the brace closing the one at ``start`` before ``end``, else ``end`` (or ``len(text)``)."""
    end = len(text) if end is None else end
    depth = 0
    for mark in _BRACE_MARK.finditer(text, start, end):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return mark.start()
    return end


def _closing_quote(text: str, start: int, end: int | None = None) -> int:
    """Index of the quote closing the one at ``start`` (braces protect quotes inside)."""
    end = len(text) if end is None else end
    depth = 0
    for mark in _QUOTE_MARK.finditer(text, start + 1, end):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth <= 0:
            return mark.start()
    return end


# --------------------------------------------------------------------------- recovery

_HEAD = re.compile(r"\s*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()=]*)\s*,?")


def _rescan(raw: str, name: str, line: int, problems: list[Problem]) -> _RawEntry | None:
    """Recover an entry that bibtexparser gave up on, field by field, line-aware."""
    head = _HEAD.match(raw)
    if not head:
        problems.append(Problem(name, line, "entry without a type and key skipped", "bib-syntax"))
        return None
    entry_type, key = head.group(1).lower(), head.group(2)
    if entry_type in {"comment", "preamble", "string"}:
        return None
    if not key:
        problems.append(
            Problem(name, line, f"@{entry_type} entry without a key skipped", "bib-syntax")
        )
        return None
    entry = _RawEntry(key, entry_type, name, line)
    pos = head.end()
    n = len(raw)
    closed = False
    # Lines counted incrementally, and a value never runs past the next line that starts
    # a field: an unclosed brace on each of 50,000 lines must not make this quadratic.
    counted, newlines = 0, 0
    field_lines = [m.start() for m in _FIELD_LINE.finditer(raw)]
    while pos < n:
        while pos < n and (raw[pos].isspace() or raw[pos] == ","):
            pos += 1
        if pos < n and raw[pos] in "})":
            closed = True
            break
        if pos >= n:
            break
        newlines += raw.count("\n", counted, pos)
        counted = pos
        here = line + newlines
        match = _FIELD_START.match(raw, pos)
        if not match:
            eol = raw.find("\n", pos)
            eol = n if eol < 0 else eol
            junk = raw[pos:eol].strip()
            problems.append(
                Problem(
                    name,
                    here,
                    f"line without '=' in entry '{key}' skipped: '{_clip(junk)}'; "
                    "write it as 'field = {value},'",
                    "bib-missing-equals",
                )
            )
            pos = eol + 1
            continue
        value_start = match.end()
        following = bisect_right(field_lines, value_start)
        bound = field_lines[following] if following < len(field_lines) else n
        _, value_end = _parse_value(raw, value_start, bound)
        value = raw[value_start:value_end]
        if value_end >= bound and (value.count("{") != value.count("}") or value.count('"') % 2):
            # The value never closed: keep what stands on its own line, report the rest.
            eol = raw.find("\n", value_start)
            value = raw[value_start : n if eol < 0 else eol].strip().rstrip(",")
            problems.append(
                Problem(
                    name,
                    here,
                    f"unbalanced brace or quote in field '{match.group(1).lower()}' of entry "
                    f"'{key}'; the value is cut at the end of its line: close the brace",
                    "bib-unbalanced",
                )
            )
            _store_recovered(entry, match.group(1), value, here, problems)
            pos = n if eol < 0 else eol + 1
            continue
        embedded = _EMBEDDED_FIELD.search(value)
        if embedded and value.lstrip().startswith(("{", '"')):
            # "title = {A {B}, year={2020}}": a brace left open swallowed the next field.
            problems.append(
                Problem(
                    name,
                    here,
                    f"unbalanced brace in field '{match.group(1).lower()}' of entry '{key}': "
                    f"it runs into field '{embedded.group(1).lower()}'; both are kept as "
                    "far as they can be told apart: close the brace",
                    "bib-unbalanced",
                )
            )
            _store_recovered(entry, match.group(1), value[: embedded.start()], here, problems)
            # Resume at the swallowed field, after the comma that introduced it.
            pos = value_start + embedded.start() + 1
            continue
        _store_recovered(entry, match.group(1), value, here, problems)
        pos = value_end
    if not closed:
        problems.append(
            Problem(
                name,
                line,
                f"entry '{key}' is not closed before the next entry or the end of the file; "
                "its fields are kept: add the closing brace",
                "bib-unclosed-entry",
            )
        )
    return entry


_FIELD_LINE = re.compile(r"^[ \t]*[A-Za-z_][\w:.+/-]*[ \t]*=", re.MULTILINE | re.ASCII)
_EMBEDDED_FIELD = re.compile(r",\s*([A-Za-z][\w-]*)\s*=\s*[{\"0-9]")


def _store_recovered(
    entry: _RawEntry, name: str, value: str, line: int, problems: list[Problem]
) -> None:
    value = value.strip()
    if value.startswith("{") and not value.endswith("}"):
        value = value + "}"
    _add_field(entry, name, value, line, problems)


def _clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- evaluation


def _evaluate(
    entry: _RawEntry, macros: dict[str, str], problems: list[Problem]
) -> tuple[_RawEntry, dict[str, str]]:
    # The entry's own dict becomes the Source's fields: nothing reads the raw values after.
    values = entry.values
    for name, pieces in entry.pending.items():
        out: list[str] = []
        for kind, value in pieces:
            if kind == "text":
                out.append(value)
                continue
            folded = value.lower()
            if value.isdigit():
                out.append(value)
            elif folded in macros:
                out.append(macros[folded])
            elif folded in MONTHS:
                out.append(MONTHS[folded])
            else:
                problems.append(
                    Problem(
                        entry.file,
                        entry.lines[name],
                        f"unknown macro '{value}' in field '{name}' of entry '{entry.key}'; "
                        "the name is kept as text: define it with @string or brace the value",
                        "bib-unknown-macro",
                        Severity.WARNING,
                    )
                )
                out.append(value)
        values[name], cut = _joined(out)
        if cut:
            problems.append(
                _too_long(entry.file, entry.lines[name], f"field '{name}' of entry '{entry.key}'")
            )
    return entry, values


def _inherit_crossrefs(
    evaluated: list[tuple[_RawEntry, dict[str, str]]], problems: list[Problem]
) -> None:
    """Children take their crossref (or xdata) parent's fields, biblatex-style.

    Each entry is completed once, parents before children, so a long chain costs one step
    per link; a cycle is reported once for each entry on it, and its fields are left as
    they are.
    """
    by_key: dict[str, tuple[_RawEntry, dict[str, str]]] | None = None  # few sets need it
    done: set[str] = set()
    for entry, fields in evaluated:
        if not (fields.get("crossref") or fields.get("xdata")) or entry.key.lower() in done:
            continue
        if by_key is None:
            by_key = {e.key.lower(): (e, f) for e, f in evaluated}
        # Walk up to the first completed (or parentless) ancestor, then complete the walk
        # in reverse: every entry on it inherits from a parent that is already complete.
        path: list[tuple[_RawEntry, dict[str, str]]] = []
        on_path: set[str] = set()
        current: tuple[_RawEntry, dict[str, str]] | None = (entry, fields)
        while current is not None:
            child, child_fields = current
            folded = child.key.lower()
            if folded in done:
                break
            if folded in on_path:
                for cyclic, _ in path[[e.key.lower() for e, _ in path].index(folded) :]:
                    problems.append(
                        Problem(
                            cyclic.file,
                            cyclic.line,
                            f"crossref cycle at '{cyclic.key}'",
                            "bib-crossref",
                        )
                    )
                    done.add(cyclic.key.lower())
                path = path[: [e.key.lower() for e, _ in path].index(folded)]
                break
            on_path.add(folded)
            path.append(current)
            parent_key = (child_fields.get("crossref") or child_fields.get("xdata") or "").strip()
            if not parent_key:
                break
            current = by_key.get(parent_key.lower())
            if current is None:
                problems.append(
                    Problem(
                        child.file,
                        child.line,
                        f"entry '{child.key}' crosses-references '{parent_key}', which is not in "
                        "the bibliography: add it or remove the crossref",
                        "bib-crossref",
                        Severity.WARNING,
                    )
                )
        for child, child_fields in reversed(path):
            parent_key = (child_fields.get("crossref") or child_fields.get("xdata") or "").strip()
            parent = by_key.get(parent_key.lower()) if parent_key else None
            if parent is not None and parent[0].key.lower() in done:
                # XDATA's fields are the child's own, under the same names (biber); a
                # crossref parent's title is the child's booktitle, and so on.
                verbatim = not child_fields.get("crossref")
                _take_fields(
                    child.entry_type,
                    child_fields,
                    parent[0].entry_type,
                    parent[1],
                    verbatim=verbatim,
                )
            done.add(child.key.lower())


def _take_fields(
    child_type: str,
    fields: dict[str, str],
    parent_type: str,
    parent_fields: dict[str, str],
    *,
    verbatim: bool = False,
) -> None:
    for name, value in parent_fields.items():
        if name in _NOT_INHERITED:
            continue
        for target in (name,) if verbatim else _inherited_names(parent_type, child_type, name):
            fields.setdefault(target, value)


def _inherited_names(parent_type: str, child_type: str, name: str) -> tuple[str, ...]:
    """The names a crossref parent's field takes in the child, by biblatex's default
    inheritance: a @book's title is an @inbook's booktitle, an @mvbook's its maintitle, a
    @periodical's an @article's journaltitle; between other types (an @article's title
    for an @incollection) a field keeps its name, so the child's own title stays."""
    for parents, children, names in _INHERITANCE:
        if parent_type in parents and child_type in children and name in names:
            return names[name]
    return (name,)


# --------------------------------------------------------------------------- to the model


def _to_source(entry: _RawEntry, fields: dict[str, str], problems: list[Problem]) -> Source:
    if entry.entry_type not in KNOWN_TYPES:
        problems.append(
            Problem(
                entry.file,
                entry.line,
                f"unknown entry type '@{entry.entry_type}' for '{entry.key}'; it is read as @misc",
                "bib-unknown-type",
                Severity.WARNING,
            )
        )
    authors, truncated = _parse_names(fields.get("author", ""))
    editors, _ = _parse_names(fields.get("editor", ""))
    container = (
        fields.get("journaltitle")
        or fields.get("journal")
        or fields.get("booktitle")
        or fields.get("maintitle")
        or fields.get("series")
        or ""
    )
    title = fields.get("title", "")
    if fields.get("subtitle"):
        title = f"{title}: {fields['subtitle']}"
    year, date = _year_and_date(entry, fields, problems)
    return Source(
        key=entry.key,
        entry_type=entry.entry_type,
        file=entry.file,
        line=entry.line,
        fields=fields,
        authors=authors,
        editors=editors,
        authors_truncated=truncated,
        title=_decode_once(title),
        container=latex_to_unicode(container),
        year=year,
        date=date,
        publisher=latex_to_unicode(fields.get("publisher", "") or fields.get("institution", "")),
        volume=latex_to_unicode(fields.get("volume", "")),
        issue=latex_to_unicode(fields.get("number", "") or fields.get("issue", "")),
        pages=latex_to_unicode(fields.get("pages", "")),
        doi=normalise_doi(fields.get("doi", "")),
        url=fields.get("url", "").strip(),
    )


def _year_and_date(
    entry: _RawEntry, fields: dict[str, str], problems: list[Problem]
) -> tuple[int | None, str]:
    date = fields.get("date", "").strip()
    raw_year = fields.get("year", "").strip()
    if len(raw_year) == 4 and raw_year.isascii() and raw_year.isdecimal():
        return int(raw_year), date or raw_year  # what the search below finds first
    for candidate in (raw_year, date):
        if candidate:
            match = _YEAR.search(candidate)
            if match:
                return int(match.group(1)), date or raw_year
    if raw_year or date:
        line = entry.lines.get("year", entry.lines.get("date", entry.line))
        problems.append(
            Problem(
                entry.file,
                line,
                f"no four-digit year in '{raw_year or date}' of entry '{entry.key}'",
                "bib-bad-year",
                Severity.WARNING,
            )
        )
    return None, date or raw_year


def normalise_doi(raw: str) -> str:
    """A DOI as the bare ``10.xxxx/...`` string, from any of the forms people write."""
    doi = raw.strip()
    if not doi:
        return ""
    if not doi.startswith("10."):  # the bare form, the commonest, has no prefix to remove
        doi = _DOI_PREFIX.sub("", doi)
    if "%2F" in doi or "%2f" in doi:
        from urllib.parse import unquote

        doi = unquote(doi)
    return doi.strip()


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_AND_OR_BRACE = re.compile(r"[{}]|\s+and\s+", re.IGNORECASE)
# The same for a list whose white space is single spaces (what parse_names makes of it).
# Spelled without IGNORECASE and \s (no other character folds to a, n or d), they start
# with a space or a brace, which the regex engine skips to instead of trying every position.
_AND_SPACED = re.compile(" [Aa][Nn][Dd] ")
_AND_SPACED_OR_BRACE = re.compile("[{}]| [Aa][Nn][Dd] ")
# Text whose braces balance and nest at most four deep (possessive: linear).
_BALANCED = re.compile(
    r"(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\})*+"
)


def split_names(raw: str) -> list[str]:
    """Split a name list on the word ``and`` outside braces (``{Barnes and Noble}`` is one)."""
    return _split_names(raw.strip(), _AND, _AND_OR_BRACE)


def _split_names(raw: str, and_: re.Pattern[str], and_or_brace: re.Pattern[str]) -> list[str]:
    if "{" not in raw:
        return list(filter(str.strip, and_.split(raw)))
    names = and_.split(raw)
    if all(map(_BALANCED.fullmatch, names)):
        # Every piece balances its own braces ("M{\\"u}ller"), the commonest case: then no
        # "and" stands inside braces and the split is the answer (map: no Python loop).
        return list(filter(str.strip, names))
    names = []
    if _BALANCED.fullmatch(raw):
        # No brace closes more than was opened, so brace counts give the depth at each
        # "and" (counted incrementally: a list of 3,000 authors stays linear).
        depth = 0
        start = counted = 0
        for mark in and_.finditer(raw):
            at = mark.start()
            depth += raw.count("{", counted, at) - raw.count("}", counted, at)
            counted = at
            if depth == 0:
                names.append(raw[start:at])
                start = mark.end()
        names.append(raw[start:])
        return [name for name in names if name.strip()]
    depth = 0
    start = 0
    for mark in and_or_brace.finditer(raw):
        token = mark.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(raw[start : mark.start()])
            start = mark.end()
    names.append(raw[start:])
    return [name for name in names if name.strip()]


def parse_names(raw: str) -> tuple[tuple[Person, ...], bool]:
    """Split a BibTeX name list; return the people and whether it ended in ``and others``."""
    spaced = " ".join(raw.split())
    if not spaced:
        return (), False
    names = _split_names(spaced, _AND_SPACED, _AND_SPACED_OR_BRACE)
    if "=" in spaced:
        # biblatex's extended name format: a "name" of options only (useprefix=false)
        # sets options, it is nobody (as biber and pandoc read it)
        names = [n for n in names if (_extended_parts(n) or {"family": ""}).keys() & _NAME_KEYS]
    if "others" not in spaced.lower():  # lower() maps each character on its own here
        return tuple(map(_person, names)), False
    people = tuple([_person(name) for name in names if name.strip().lower() != "others"])
    return people, len(people) != len(names)


# Editors of a volume, and authors of several works, come back entry after entry.
_parse_names = lru_cache(maxsize=4096)(parse_names)
# A title is decoded once: caching it would only push out names and venues that do repeat.
_decode_once = latex_to_unicode.__wrapped__


# (no ~ either: a tie is a space, G.~W. is "G. W.", which the full reading decodes)
_SIMPLE_NAME = re.compile(r"([A-Z][^,{}\\~\s]*(?: [A-Z][^,{}\\~\s]*)*), ([^,{}\\~]+)")


_CONTROL_SPACE = re.compile(r"(?<!\\)\\ ")
_TILDE_ACCENT = re.compile(r"\\~\s*(\{[^{}]*\}|[A-Za-z])")
_NAME_KEYS = frozenset({"family", "given", "prefix", "suffix"})
_EXTENDED_PART = re.compile(r"\s*([A-Za-z][A-Za-z-]*)\s*=\s*(.*)", re.DOTALL)


def _extended_parts(name: str) -> dict[str, str] | None:
    """biblatex's extended name format, ``family=Brown, prefix=de, given=Brian``: the
    parts by name (lowercase), or None when the name is not written that way."""
    pieces: list[str] = []
    depth = start = 0
    for index, char in enumerate(name):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            pieces.append(name[start:index])
            start = index + 1
    pieces.append(name[start:])
    parts: dict[str, str] = {}
    for piece in pieces:
        match = _EXTENDED_PART.fullmatch(piece)
        if not match:
            return None
        value = match.group(2).strip()
        quoted = len(value) >= 2 and value[0] == '"' and value[-1] == '"'
        braced = value.startswith("{") and _matching_brace(value, 0) == len(value) - 1
        if quoted or braced:
            value = value[1:-1]
        parts[match.group(1).lower()] = value
    return parts


@lru_cache(maxsize=32768)
def _person(name: str) -> Person:
    stripped = name.strip()
    extended = _extended_parts(stripped) if "=" in stripped else None
    if extended is not None and extended.keys() & _NAME_KEYS:
        return Person(
            family=latex_to_unicode(extended.get("family", "")),
            given=latex_to_unicode(extended.get("given", "")),
            particle=latex_to_unicode(extended.get("prefix", "")),
            suffix=latex_to_unicode(extended.get("suffix", "")),
        )
    if "\\ " in stripped:
        # "Christina A. L.\ Thiele": a control space is a space, between name words
        stripped = _CONTROL_SPACE.sub(" ", stripped)
    simple = _SIMPLE_NAME.fullmatch(stripped) if "--" not in stripped else None
    if simple:
        # "Family, Given" with capitalised family words: no particle, no suffix, no LaTeX;
        # exactly what the full BibTeX name grammar would give, without running it.
        return Person(family=simple.group(1), given=simple.group(2).strip())
    # A name wholly in braces is a corporate name: {World Health Organization}.
    if stripped.startswith("{") and _matching_brace(stripped, 0) == len(stripped) - 1:
        return Person(literal=latex_to_unicode(stripped[1:-1]))
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    if "\\~" in stripped:
        # Ne\~{s}et\~{r}il: the tilde accent, not a tie (a space) between name words
        stripped = _TILDE_ACCENT.sub(r"{\\~\1}", stripped)
    try:
        parts = parse_single_name_into_parts(stripped, strict=False)
    except Exception:  # bibtexparser raises InvalidNameError and others on odd names
        return Person(literal=latex_to_unicode(stripped))
    if not parts.first and not parts.von and not parts.jr and len(parts.last) == 1:
        last = parts.last[0]
        if last.startswith("{") and last.endswith("}"):
            return Person(literal=latex_to_unicode(last[1:-1]))
    return Person(
        family=latex_to_unicode(" ".join(parts.last)),
        given=latex_to_unicode(" ".join(parts.first)),
        particle=latex_to_unicode(" ".join(parts.von)),
        suffix=latex_to_unicode(" ".join(parts.jr)),
    )


def iter_bib_files(folder: Path) -> Iterable[Path]:
    """Every .bib file under ``folder``, in a stable order."""
    from cybercoop_cli.ingest.layout import bib_files

    return bib_files(folder)
