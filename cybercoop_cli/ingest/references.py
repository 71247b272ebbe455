"""Reading a manuscript's own reference list: where entries start, their authors and year.

The manuscript reader (:mod:`cybercoop_cli.ingest.manuscript`) finds the reference section
and hands its blocks here; the entries become :class:`Source` objects keyed
``surname-year``, so the list resolves citations like a .bib file does.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cybercoop_cli.ingest.numbered import numbered_pieces
from cybercoop_cli.model import Person, Source


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """One entry of the manuscript's own reference list, as read from the text."""

    text: str
    line: int
    authors: tuple[str, ...]
    year: str
    truncated: bool = False
    label: str = ""  # its number in a numbered list ("12"), without the list's punctuation


_YEAR_IN_ENTRY = re.compile(
    r"\(\s*(\d{4}[a-z]?|n\.\s?d\.|in press|forthcoming)(?:[^()\n]{0,40})?\)|"
    r"(?<![\d/-])(\d{4}[a-z]?)(?=[.,])",
    re.I,
)
_INITIALS = re.compile(r"(?:[A-ZÀ-Þ][a-zà-ÿ]?\.?[ \-]?){1,4}")


def reference_entries(
    clean: str, blocks: Iterable[tuple[int, int]], line_of: Callable[[int], int]
) -> Iterable[ReferenceEntry]:
    """The entries of a reference list given as ``(start, end)`` blocks of ``clean``.

    ``line_of`` maps a clean-text offset to its 1-based source line.
    """
    blocks = list(blocks)
    numbered = numbered_pieces(clean, blocks)
    if numbered is not None:
        # Split by the labels; each entry's text is read without its label, and an entry
        # whose authors cannot be read is still the entry with that number.
        for number, piece_start, piece_end in numbered:
            text = " ".join(clean[piece_start:piece_end].split())
            line = line_of(piece_start)
            entry = parse_reference(text, line)
            if entry is None:
                entry = ReferenceEntry(text=text, line=line, authors=(), year="")
            yield dataclasses.replace(entry, label=str(number))
        return
    for block_start, block_end in blocks:
        # A block may hold several entries, one per line (Word, plain text, hard-wrapped
        # lists); a new entry starts on a line that opens with "Surname, I." or "Name. (".
        start = block_start
        pieces: list[tuple[int, int]] = []
        position = block_start
        while position < block_end:
            line_end = clean.find("\n", position, block_end)
            line_end = block_end if line_end < 0 else line_end
            if position > start and _starts_entry(clean[position:line_end]):
                pieces.append((start, position))
                start = position
            position = line_end + 1
        pieces.append((start, block_end))
        for piece_start, piece_end in pieces:
            text = " ".join(clean[piece_start:piece_end].split())
            entry = parse_reference(text, line_of(piece_start))
            if entry is not None:
                yield entry


def _starts_entry(line: str) -> bool:
    line = line.strip()
    comma = line.find(",")
    if 0 < comma < 60:
        rest = line[comma + 1 :].lstrip()
        return bool(rest) and rest[0].isupper() and rest[1:2] in {".", "-"}
    return bool(re.match(r"[^\W\d][^()\n]{0,80}\.? \((\d{4}|n\.d\.)", line))


def parse_reference(text: str, line: int = 0) -> ReferenceEntry | None:
    """Read the authors and year of an APA or Harvard reference-list entry."""
    text = text.strip()
    if not text:
        return None
    match = _YEAR_IN_ENTRY.search(text, 0, min(len(text), 1_500))
    if match is None:
        return None
    year = (match.group(1) or match.group(2) or "").lower().replace(" ", "")
    if year.startswith("n."):
        year = "n.d."
    head = text[: match.start()].strip().rstrip(".,").strip()
    truncated = "…" in head or "..." in head or "et al" in head
    head = head.replace("…", ",").replace("...", ",")
    for editor in ("(Eds.)", "(Ed.)", "(Eds)", "(Ed)", "(Hrsg.)"):
        head = head.replace(editor, "")
    authors = _split_authors(head)
    if not authors:
        return None
    return ReferenceEntry(
        text=text, line=line, authors=tuple(authors), year=year, truncated=truncated
    )


def _split_authors(head: str) -> list[str]:
    """``Bates, D., Mächler, M., & Walker, S.`` -> Bates, Mächler, Walker; corporate names whole."""
    head = head.replace(" & ", ", ").replace("&", ",").replace(" and ", ", ")
    parts = [part.strip() for part in head.split(",")]
    authors: list[str] = []
    for part in parts:
        if not part or part.lower() in {"et al", "et al.", "and"}:
            continue
        if _INITIALS.fullmatch(part) and authors:
            continue  # the given-name initials of the surname before
        if len(part) > 120:
            continue
        authors.append(part.rstrip("."))
    # "Smith J, Jones K" (Vancouver-ish) leaves initials glued on: drop a final " J".
    return [re.sub(r"\s+(?:[A-Z]{1,3})$", "", a) if " " in a else a for a in authors]


def reference_sources(entries: Sequence[ReferenceEntry], path: str) -> tuple[Source, ...]:
    """Turn reference-list entries into sources keyed ``surname-year`` (``-2`` on repeats)."""
    sources: list[Source] = []
    used: dict[str, int] = {}
    for entry in entries:
        persons = tuple(_person(name) for name in entry.authors)
        if entry.authors:
            folded = unicodedata.normalize("NFKD", entry.authors[0])
            stem = "".join(c for c in folded if c.isalnum()).lower() or "ref"
            key = f"{stem}-{entry.year.replace('.', '')}"
        else:
            key = f"ref-{entry.label}"  # only a numbered entry is kept without authors
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}-{used[key]}"
        digits = entry.year[:4]
        sources.append(
            Source(
                key=key,
                entry_type="misc",
                file=path,
                line=entry.line,
                fields=MappingProxyType(
                    {"year": entry.year, "note": entry.text}
                    | ({"label": entry.label} if entry.label else {})
                ),
                authors=persons,
                authors_truncated=entry.truncated,
                title=entry.text,
                year=int(digits) if digits.isdigit() else None,
            )
        )
    return tuple(sources)


def _person(name: str) -> Person:
    words = name.split()
    if len(words) >= 3 or (words and words[-1] in {"Team", "Group", "Organization", "Council"}):
        return Person(literal=name)
    return Person(family=name)
