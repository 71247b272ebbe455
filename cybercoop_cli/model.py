"""The in-memory model every analysis reads: frozen dataclasses, no I/O, no formatting.

Data flows one way: files -> ingest -> this model -> analyses -> reports -> renderers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How bad a problem or finding is; ordered from least to most severe."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Stance(StrEnum):
    """How a claim bears on the section it is tagged to."""

    SUPPORTS = "supports"
    CONTESTS = "contests"
    QUALIFIES = "qualifies"


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, found while loading it.

    ``code`` is a stable, machine-readable kind (``bib-missing-comma``, ``note-yaml`` ...);
    ``message`` is one sentence for a person, saying what is wrong and what to do.
    """

    file: str
    line: int | None
    message: str
    code: str
    severity: Severity = Severity.ERROR

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Person:
    """A name split as BibTeX/CSL split it. Corporate names have only ``literal``."""

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def is_corporate(self) -> bool:
        return bool(self.literal)

    @property
    def surname(self) -> str:
        """The name as cited in author-date text: particle and family, or the corporate name."""
        if self.literal:
            return self.literal
        return f"{self.particle} {self.family}".strip()

    def display(self) -> str:
        if self.literal:
            return self.literal
        head = self.surname
        tail = ", ".join(part for part in (self.given, self.suffix) if part)
        return f"{head}, {tail}" if tail else head


@dataclass(frozen=True)
class Source:
    """One bibliography entry.

    ``fields`` holds every field after macro expansion and ``#`` joins, with LaTeX
    left as written (what a BibTeX writer needs); the typed attributes hold display
    text decoded to Unicode NFC (what people and analyses need).
    """

    key: str
    entry_type: str
    file: str
    line: int
    fields: Mapping[str, str] = field(default_factory=dict)  # treat as read-only
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    authors_truncated: bool = False
    title: str = ""
    container: str = ""
    year: int | None = None
    date: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""

    @property
    def names(self) -> tuple[Person, ...]:
        """The names a citation uses: the authors, else the editors."""
        return self.authors or self.editors

    def field(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True)
class Claim:
    """One claim recorded in a note, with what it bears on."""

    text: str
    sections: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    stance: Stance = Stance.SUPPORTS
    locator: str = ""
    quote: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Annotation:
    """The parts of an annotated-bibliography entry, in the order they are printed."""

    summary: str = ""
    evaluation: str = ""
    relevance: str = ""
    body: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.summary or self.evaluation or self.relevance or self.body)


@dataclass(frozen=True)
class Note:
    """A reading note about one source."""

    key: str
    file: str
    line: int
    tags: tuple[str, ...] = ()
    annotation: Annotation = Annotation()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    # False for sections that argue from the others (a conclusion) and need no sources.
    needs_support: bool = True
    line: int | None = None  # where the section is defined in the review file


@dataclass(frozen=True)
class Facet:
    """One facet of the research question."""

    id: str
    question: str
    keywords: tuple[str, ...] = ()
    line: int | None = None  # where the facet is defined in the review file


@dataclass(frozen=True)
class Review:
    """What the review file says: the question, its facets, the sections, where inputs live."""

    file: Path
    title: str
    question: str
    facets: tuple[Facet, ...]
    sections: tuple[Section, ...]
    references_dir: Path
    notes_dir: Path
    style: str = "apa"
    manuscript: Path | None = None
    old_source_years: int = 10
    date: str = ""
    lang: str = ""  # locale for formatted references (en-GB ...); '' = the style's own

    @property
    def root(self) -> Path:
        return self.file.parent

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def facet(self, facet_id: str) -> Facet | None:
        return next((f for f in self.facets if f.id == facet_id), None)


@dataclass(frozen=True)
class Bibliography:
    """The sources read from a set of .bib files, and what was wrong with them."""

    sources: Sequence[Source]  # a tuple, or the cache's sources decoded on first use
    problems: tuple[Problem, ...] = ()

    def by_key(self) -> dict[str, Source]:
        return {source.key: source for source in self.sources}

    def keys(self) -> Sequence[str]:
        return _keys(self.sources)


@dataclass(frozen=True)
class Project:
    """Everything a review consists of, loaded and checked for consistency."""

    review: Review
    sources: Sequence[Source]  # a tuple, or the cache's sources decoded on first use
    notes: tuple[Note, ...]
    problems: tuple[Problem, ...] = ()

    def source(self, key: str) -> Source | None:
        return next((s for s in self.sources if s.key == key), None)

    def sources_by_key(self) -> dict[str, Source]:
        return {source.key: source for source in self.sources}

    def source_keys(self) -> Sequence[str]:
        """Every source's key, in order (without decoding sources the cache still holds)."""
        return _keys(self.sources)

    def notes_by_key(self) -> dict[str, Note]:
        return {note.key: note for note in self.notes}

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    def unreadable_notes(self) -> dict[str, Problem]:
        """Source keys whose note exists but could not be read, each with its first error.

        A note that fails to parse yields no :class:`Note`, so its source looks unannotated;
        telling the student to write a note (which ``note new`` refuses: the file exists)
        would be wrong. The note is matched to its source by file name, as ``note new``
        names notes (``notes/KEY.md``), case-insensitively as BibTeX compares keys.
        """
        read = {note.file for note in self.notes}
        broken: dict[str, Problem] = {}
        for problem in self.problems:
            if (
                problem.code.startswith("note-")
                and problem.severity is Severity.ERROR
                and problem.file not in read
            ):
                broken.setdefault(Path(problem.file).stem.casefold(), problem)
        if not broken:
            return {}
        return {
            key: broken[key.casefold()] for key in self.source_keys() if key.casefold() in broken
        }


def _keys(sources: Sequence[Source]) -> Sequence[str]:
    # The cache's EncodedSources knows its keys before it decodes a source.
    keys = getattr(sources, "keys", None)
    if isinstance(keys, tuple):
        return keys
    return [source.key for source in sources]


@dataclass(frozen=True)
class Finding:
    """One result of an analysis (``gaps``, ``check``): plain data, rendered elsewhere.

    ``kind`` is a stable identifier documented in docs/gaps.md and docs/check.md (``section-no-source``,
    ``unresolved-citation`` ...). ``message`` says what is wrong and what to do next.
    """

    kind: str
    severity: Severity
    message: str
    section: str | None = None
    source: str | None = None
    file: str | None = None
    line: int | None = None
    candidate: str | None = None
    hint: bool = False
